"""fastmerge's N-model methods against merge_methods.py (docs/methods.md): bit-identical where the f32 order is stated,
within 2 ulp of the float64 result for slerp and model_stock, and the DARE mask generator (Philox4x32-10) itself.

Runs the built CLI (src/Fast.Cli/bin/Release/net10.0/fastmerge.dll, built by the test stage before this one)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.dirname(HERE))

import merge_methods as mm  # noqa: E402
import sdmodels  # noqa: E402
from safetensors_io import load_file  # noqa: E402

DLL = os.path.join(ROOT, "src", "Fast.Cli", "bin", "Release", "net10.0", "fastmerge.dll")


def fastmerge(*args):
    assert os.path.exists(DLL), f"{DLL} is missing: build it first (dotnet build src/Fast.Cli -c Release)"
    env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1")
    return subprocess.run(["dotnet", DLL, "merge", *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def m(tmp_path_factory):
    root = tmp_path_factory.mktemp("methods")
    paths, sds = {}, {}
    for name, seed, dtype in [("base", 31, torch.float16), ("m1", 32, torch.float16), ("m2", 33, torch.float32),
                              ("m3", 34, torch.bfloat16)]:
        paths[name] = str(root / f"{name}.safetensors")
        sds[name] = sdmodels.write_model(paths[name], "sd1", seed, dtype)
    return root, paths, sds


def run(root, name, *args):
    out = str(root / f"{name}.safetensors")
    if os.path.exists(out):
        os.remove(out)
    r = fastmerge(*args, "-o", out, "--no-fsync", "--no-output-hash", "--threads", "2")
    assert r.returncode == 0, r.stderr
    return load_file(out)


def merged_keys(sds, names):
    first = sds[names[0]]
    return [k for k, v in first.items() if v.is_floating_point() and not k.endswith("position_ids")
            and all(k in sds[n] and sds[n][k].is_floating_point() and sds[n][k].shape == v.shape for n in names)]


def f32(t):
    return t.to(torch.float32).numpy()


def assert_bits(actual: torch.Tensor, expected: np.ndarray, key):
    got = actual.numpy().view(np.uint32)
    want = expected.astype(np.float32).view(np.uint32)
    bad = np.nonzero(got.reshape(-1) != want.reshape(-1))[0]
    assert bad.size == 0, f"{key}: {bad.size} elements differ, first at {bad[0]}"


def ulps(actual: torch.Tensor, expected64: np.ndarray) -> int:
    a = actual.numpy().astype(np.float32).reshape(-1).view(np.int32).astype(np.int64)
    e = expected64.astype(np.float32).reshape(-1).view(np.int32).astype(np.int64)
    a = np.where(a < 0, -(a & 0x7FFFFFFF), a)
    e = np.where(e < 0, -(e & 0x7FFFFFFF), e)
    return int(np.abs(a - e).max()) if a.size else 0


def test_philox_known_answers():
    # Random123's kat_vectors for philox4x32_10.
    assert [int(x) for x in mm.philox4x32_10(0, 0, 0, 0, 0, 0)] == [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]
    assert [int(x) for x in mm.philox4x32_10(*([0xFFFFFFFF] * 6))] == [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]
    assert [int(x) for x in mm.philox4x32_10(0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344, 0xA4093822, 0x299F31D0)] == \
        [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]


@pytest.mark.parametrize("density", [0.1, 0.3, 0.5, 0.9])
def test_dare_mask_statistics(density):
    n = 10 ** 6
    kept = mm.dare_keep_mask(n, 1234, "model.diffusion_model.input_blocks.1.0.in_layers.2.weight", 1, density).mean()
    sigma = np.sqrt(density * (1 - density) / n)
    assert abs(kept - density) <= 3 * sigma, (kept, density, sigma)


def test_dare_masks_differ_by_seed_name_and_operand():
    base = mm.dare_keep_mask(4096, 1, "k", 0, 0.5)
    assert not np.array_equal(base, mm.dare_keep_mask(4096, 2, "k", 0, 0.5))
    assert not np.array_equal(base, mm.dare_keep_mask(4096, 1, "k2", 0, 0.5))
    assert not np.array_equal(base, mm.dare_keep_mask(4096, 1, "k", 1, 0.5))
    assert np.array_equal(base, mm.dare_keep_mask(4096, 1, "k", 0, 0.5))


def test_weighted_sum_of_three_bit_identical(m):
    root, p, sds = m
    out = run(root, "ws3", "--mode", "weighted_sum", "--models", p["m1"], p["m2"], p["m3"], "--weights", "0.2", "0.3", "0.5",
              "--dtype", "fp32")
    for k in merged_keys(sds, ["m1", "m2", "m3"]):
        assert_bits(out[k], mm.weighted_sum_f32([f32(sds[n][k]) for n in ("m1", "m2", "m3")], [0.2, 0.3, 0.5]), k)


def test_add_difference_chain_bit_identical(m):
    root, p, sds = m
    out = run(root, "adc", "--mode", "add_difference", "-a", p["m1"], "--models", p["m2"], p["m3"], "--base", p["base"],
              "--weights", "0.7", "-0.25", "--dtype", "fp32")
    for k in merged_keys(sds, ["m1", "m2", "m3", "base"]):
        want = mm.add_difference_f32(f32(sds["m1"][k]), [f32(sds["m2"][k]), f32(sds["m3"][k])], f32(sds["base"][k]),
                                     [0.7, -0.25], ["F32", "BF16"])
        assert_bits(out[k], want, k)


def test_add_difference_of_one_term_is_mode_ad(m):
    root, p, _ = m
    chain = run(root, "ad1", "--mode", "add_difference", "-a", p["m1"], "-b", p["m3"], "--base", p["base"], "--weights", "0.35")
    classic = run(root, "adclassic", "--mode", "ad", "-a", p["m1"], "-b", p["m3"], "-c", p["base"], "--alpha", "0.35")
    for k, v in classic.items():
        assert torch.equal(v.view(torch.int16) if v.dtype == torch.float16 else v, chain[k].view(torch.int16) if chain[k].dtype == torch.float16 else chain[k]), k


@pytest.mark.parametrize("density,normalize", [(0.4, "true"), (1, "false"), (0.05, "true")])
def test_ties_bit_identical(m, density, normalize):
    root, p, sds = m
    out = run(root, f"ties{density}{normalize}", "--mode", "ties", "--base", p["base"], "--models", p["m1"], p["m2"], p["m3"],
              "--density", str(density), "--lambda", "0.8", "--weights", "1", "0.5", "0.75", "--normalize", normalize,
              "--dtype", "fp32")
    for k in merged_keys(sds, ["base", "m1", "m2", "m3"]):
        want = mm.task_arithmetic_f32(f32(sds["base"][k]), [f32(sds[n][k]) for n in ("m1", "m2", "m3")], [1, 0.5, 0.75], 0.8,
                                      density, normalize == "true", trim=True, consensus=True)
        assert_bits(out[k], want, k)


def test_ties_fp16_output_is_the_f32_result_rounded_once(m):
    root, p, sds = m
    out = run(root, "ties16", "--mode", "ties", "--base", p["base"], "--models", p["m1"], p["m2"], "--density", "0.5")
    for k in merged_keys(sds, ["base", "m1", "m2"]):
        want = mm.task_arithmetic_f32(f32(sds["base"][k]), [f32(sds["m1"][k]), f32(sds["m2"][k])], [1, 1], 1, 0.5, True,
                                      trim=True, consensus=True)
        assert out[k].dtype == torch.float16
        assert np.array_equal(out[k].numpy().view(np.uint16), want.astype(np.float16).view(np.uint16)), k


@pytest.mark.parametrize("method,consensus", [("dare", False), ("dare_ties", True)])
def test_dare_bit_identical_with_the_reference_mask(m, method, consensus):
    root, p, sds = m
    out = run(root, method, "--mode", method, "--base", p["base"], "--models", p["m1"], p["m2"], p["m3"], "--density", "0.3",
              "--seed", "99", "--weights", "0.5", "1", "0.25", "--lambda", "1.5", "--dtype", "fp32")
    for k in merged_keys(sds, ["base", "m1", "m2", "m3"]):
        n = sds["base"][k].numel()
        masks = [mm.dare_keep_mask(n, 99, k, i, 0.3) for i in range(3)]
        want = mm.task_arithmetic_f32(f32(sds["base"][k]), [f32(sds[x][k]) for x in ("m1", "m2", "m3")], [0.5, 1, 0.25], 1.5,
                                      0.3, False, trim=False, consensus=consensus, masks=masks)
        assert_bits(out[k], want, k)


@pytest.mark.parametrize("t", ["0.3", "0.85"])
def test_slerp_within_two_ulp(m, t):
    root, p, sds = m
    out = run(root, f"slerp{t}", "--mode", "slerp", "-a", p["m1"], "-b", p["m2"], "--t", t, "--dtype", "fp32")
    worst = 0
    for k in merged_keys(sds, ["m1", "m2"]):
        worst = max(worst, ulps(out[k], mm.slerp_f64(f32(sds["m1"][k]), f32(sds["m2"][k]), float(t))))
    assert worst <= 2, worst


def test_slerp_of_colinear_tensors_is_the_lerp(m):
    root, p, sds = m
    out = run(root, "slerpself", "--mode", "slerp", "-a", p["m1"], "-b", p["m1"], "--t", "0.4", "--dtype", "fp32")
    for k in merged_keys(sds, ["m1"]):
        a = f32(sds["m1"][k]).astype(np.float64)
        assert ulps(out[k], 0.6 * a + 0.4 * a) <= 2, k


def test_model_stock_within_two_ulp(m):
    root, p, sds = m
    out = run(root, "stock", "--mode", "model_stock", "--base", p["base"], "--models", p["m1"], p["m2"], p["m3"], "--dtype", "fp32")
    worst = 0
    for k in merged_keys(sds, ["base", "m1", "m2", "m3"]):
        worst = max(worst, ulps(out[k], mm.model_stock_f64(f32(sds["base"][k]), [f32(sds[n][k]) for n in ("m1", "m2", "m3")])))
    assert worst <= 2, worst


def test_recipe_graph_matches_the_composed_references(m, tmp_path):
    root, p, sds = m
    recipe = {
        "inputs": [{"name": n, "path": p[n]} for n in ("base", "m1", "m2", "m3")],
        "merges": [
            {"name": "t", "method": "ties", "base": "base", "models": ["m1", "m2"], "density": 0.5},
            {"name": "out", "method": "slerp", "models": ["t", 3], "t": 0.25},
        ],
        "output": "out",
        "dtype": "fp32",
    }
    path = tmp_path / "recipe.json"
    path.write_text(json.dumps(recipe))
    out = run(root, "graph", "--recipe", str(path))
    worst = 0
    for k in merged_keys(sds, ["base", "m1", "m2", "m3"]):
        ties = mm.task_arithmetic_f32(f32(sds["base"][k]), [f32(sds["m1"][k]), f32(sds["m2"][k])], [1, 1], 1, 0.5, True,
                                      trim=True, consensus=True)
        worst = max(worst, ulps(out[k], mm.slerp_f64(ties, f32(sds["m3"][k]), 0.25)))
    assert worst <= 2, worst


def test_reference_ties_f32_is_close_to_float64(m):
    _, _, sds = m
    k = "model.diffusion_model.input_blocks.1.0.in_layers.2.weight"
    f32r = mm.task_arithmetic_f32(f32(sds["base"][k]), [f32(sds["m1"][k]), f32(sds["m2"][k])], [1, 1], 1, 0.5, True,
                                  trim=True, consensus=True)
    f64r = mm.ties_f64(f32(sds["base"][k]), [f32(sds["m1"][k]), f32(sds["m2"][k])], [1, 1], 1, 0.5)
    assert np.allclose(f32r, f64r, rtol=1e-5, atol=1e-6)
