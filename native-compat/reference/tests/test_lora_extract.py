"""`fastmerge lora extract` against torch.linalg.svd: per layer the extracted rank-r product is within 1% of the
optimal rank-r approximation error (Eckart-Young: the norm of the discarded singular values), and baking the
extracted LoRA back into the base approaches the tuned model as the rank grows.

The tuned model is the synthetic SD1 base plus, on every matrix and convolution, a rank-6 change with decaying
singular values and a little full-rank noise, so each layer has both a signal and a tail.
"""
from __future__ import annotations

import math
import os
import sys

import pytest
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import lora_bake  # noqa: E402
import safetensors_io as st  # noqa: E402
from test_lora_bake import fastmerge  # noqa: E402,F401  (the fixture)


@pytest.fixture(scope="module")
def models(tmp_path_factory, fastmerge):  # noqa: F811
    root = tmp_path_factory.mktemp("extract")
    base = str(root / "base.safetensors")
    fastmerge("synth", "--arch", "sd1", "--scale", "16", "--dtype", "fp32", "-o", base, "--seed", "3")
    sd, tuned, path = tune(base, str(root / "tuned.safetensors"))
    return root, base, path, sd, tuned


def tune(base, path):
    """The base plus a rank-6 change with decaying singular values and a little noise on every UNet and text-encoder matrix."""
    sd = st.load_file(base)
    g = torch.Generator().manual_seed(8)
    tuned = {}
    for k, v in sd.items():
        if v.is_floating_point() and v.dim() >= 2 and k.startswith(("model.diffusion_model.", "cond_stage_model.", "conditioner.")):
            m = v.reshape(v.shape[0], -1)
            r = min(6, *m.shape)
            a = torch.randn(m.shape[0], r, generator=g)
            b = torch.randn(r, m.shape[1], generator=g)
            scales = torch.tensor([0.5 ** i for i in range(r)]) * 0.02
            change = (a * scales) @ b / math.sqrt(m.shape[1]) + torch.randn(m.shape, generator=g) * 1e-4
            tuned[k] = (m + change).reshape(v.shape)
        else:
            tuned[k] = v
    st.save_file(tuned, path, metadata={"format": "pt"})
    return sd, tuned, path


def module_errors(lora_path, base_sd, tuned_sd, isv2=False, isxl=False):
    """(module, ours, optimal) per module: Frobenius errors of up @ down against D = T - B."""
    keys = list(base_sd.keys())
    keychanger = lora_bake.keychanger_of(keys)
    shapes = {k: tuple(v.shape) for k, v in base_sd.items()}
    lora = st.load_file(lora_path)
    out = []
    for key in lora:
        if not key.endswith(".lora_down.weight"):
            continue
        module = key[: -len(".lora_down.weight")]
        wkey, rows = lora_bake.target_of(lora_bake.msd_key_of(module, isv2, isxl), keychanger, shapes)
        assert wkey is not None, module
        d = (tuned_sd[wkey] - base_sd[wkey]).float()
        if rows is not None:
            d = d[rows]
        d = d.reshape(d.shape[0], -1).double()
        down = lora[key].double().reshape(lora[key].shape[0], -1)
        up = lora[module + ".lora_up.weight"].double().reshape(d.shape[0], -1)
        r = down.shape[0]
        assert lora[module + ".alpha"].item() == r
        s = torch.linalg.svd(d, full_matrices=False).S
        optimal = s[r:].square().sum().sqrt().item()
        ours = (d - up @ down).norm().item()
        out.append((module, ours, optimal))
    return out


@pytest.mark.parametrize("rank", [2, 8])
def test_each_layer_within_one_percent_of_the_optimal_rank_r_error(fastmerge, models, rank):  # noqa: F811
    root, base, tuned, base_sd, tuned_sd = models
    out = str(root / f"l{rank}.safetensors")
    fastmerge("lora", "extract", tuned, base, "--rank", str(rank), "--conv-rank", str(rank), "--no-clamp", "-o", out)
    errors = module_errors(out, base_sd, tuned_sd)
    assert len(errors) > 100
    assert any("lora_te_" in m for m, _, _ in errors) and any("resnets" in m for m, _, _ in errors)
    for module, ours, optimal in errors:
        assert ours <= optimal * 1.01 + 1e-6, f"{module}: {ours} vs optimal {optimal}"


def test_bake_of_extract_approaches_tuned(fastmerge, models):  # noqa: F811
    root, base, tuned, base_sd, tuned_sd = models
    baked_models = []
    for rank in (1, 3, 8):
        lora, baked = str(root / f"a{rank}.safetensors"), str(root / f"b{rank}.safetensors")
        fastmerge("lora", "extract", tuned, base, "--rank", str(rank), "--conv-rank", str(rank), "--no-clamp", "-o", lora)
        fastmerge("lora", "bake", base, lora, "-o", baked)
        baked_models.append(st.load_file(baked))
    # The weights a LoRA can reach (kohya has no module for embeddings, conv_in/out, time_embed): those baking changed.
    covered = [k for k in tuned_sd if not torch.equal(baked_models[-1][k], base_sd[k])]
    assert len(covered) > 100

    def distance(sd):
        return math.sqrt(sum((sd[k].double() - tuned_sd[k].double()).square().sum().item() for k in covered))

    start, distances = distance(base_sd), [distance(b) for b in baked_models]
    print(f"distance to tuned: base {start:.4f}, rank 1/3/8: {distances}")
    assert start > distances[0] > distances[1] > distances[2], (start, distances)
    assert distances[2] < 0.1 * start, (start, distances)


def test_clamp_quantile_limits_the_factors(fastmerge, models):  # noqa: F811
    root, base, tuned, base_sd, tuned_sd = models
    out = str(root / "clamped.safetensors")
    fastmerge("lora", "extract", tuned, base, "--rank", "4", "--clamp-quantile", "0.9", "--dtype", "fp16", "-o", out)
    lora = st.load_file(out)
    for key in lora:
        if key.endswith(".lora_down.weight"):
            module = key[: -len(".lora_down.weight")]
            up, down = lora[module + ".lora_up.weight"].float(), lora[key].float()
            joined = torch.cat([up.flatten(), down.flatten()])
            assert lora[key].dtype == torch.float16
            hi = joined.max()
            assert joined.abs().max() <= hi  # symmetric clamp: |x| never exceeds the upper bound
            assert ((joined == hi) | (joined == -hi)).float().mean() >= 0.05  # the top 10% of |values| were clamped
    assert not any("resnets" in k for k in lora)  # no conv rank: transformer and text-encoder modules only


@pytest.mark.parametrize("arch", ["sd2", "sdxl"])
def test_sd2_and_sdxl_layers_within_one_percent_of_optimal(fastmerge, tmp_path, arch):  # noqa: F811
    """SD2 (OpenCLIP as lora_te_, q/k/v as thirds of in_proj) and SDXL (two text encoders, ldm UNet names)."""
    base = str(tmp_path / "base.safetensors")
    fastmerge("synth", "--arch", arch, "--scale", "16", "--dtype", "fp32", "-o", base, "--seed", "4")
    base_sd, tuned_sd, tuned = tune(base, str(tmp_path / "tuned.safetensors"))
    out = str(tmp_path / "l.safetensors")
    fastmerge("lora", "extract", tuned, base, "--rank", "4", "--conv-rank", "4", "--no-clamp", "-o", out)
    errors = module_errors(out, base_sd, tuned_sd, isv2=arch == "sd2", isxl=arch == "sdxl")
    modules = [m for m, _, _ in errors]
    assert len(errors) > 100
    if arch == "sdxl":
        assert any(m.startswith("lora_te1_") for m in modules) and any(m.startswith("lora_te2_") for m in modules)
        assert any(m.endswith("_q_proj") and m.startswith("lora_te2_") for m in modules)  # a third of in_proj
    else:
        assert any(m.startswith("lora_te_") and m.endswith("_q_proj") for m in modules)
    for module, ours, optimal in errors:
        assert ours <= optimal * 1.01 + 1e-6, f"{module}: {ours} vs optimal {optimal}"
