"""The ctypes binding against the real libfastmerge.so (build it with native-compat/build-native.sh)."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading

import numpy as np
import pytest
import torch

import fastmerge
from conftest import read_safetensors, write_safetensors

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
CLI = os.path.join(ROOT, "src", "Fast.Cli", "bin", "Release", "net10.0", "fastmerge.dll")


def lerp_reference(a: np.ndarray, b: np.ndarray, alpha: float) -> np.ndarray:
    """SPEC §3 weighted sum: torch's CPU lerp in f32, rounded to A's dtype."""
    ta, tb = torch.from_numpy(a.astype(np.float32)), torch.from_numpy(b.astype(np.float32))
    return torch.lerp(ta, tb, torch.tensor(alpha, dtype=torch.float32)).numpy().astype(a.dtype)


def test_version_is_a_release_number():
    parts = fastmerge.version().split(".")
    assert len(parts) == 3 and all(p.isdigit() for p in parts)


def test_merge_writes_the_weighted_sum(models, tmp_path):
    pa, pb, a, b = models
    out = str(tmp_path / "out.safetensors")

    assert fastmerge.merge(pa, pb, out, alpha=0.3) == out

    merged, metadata = read_safetensors(out)
    assert set(merged) == set(a)
    for key in ("net.0.weight", "net.0.bias", "net.1.weight"):
        assert merged[key].dtype == a[key].dtype
        np.testing.assert_array_equal(merged[key], lerp_reference(a[key], b[key], 0.3), err_msg=key)
    np.testing.assert_array_equal(merged["net.steps"], a["net.steps"])  # integer tensors keep A
    recipe = json.loads(metadata["fastmerge.recipe"])
    assert recipe["mode"] == "ws" and recipe["alpha"] == 0.3


def test_merge_json_accepts_a_json_string_and_the_output_matches_merge(models, tmp_path):
    pa, pb, _, _ = models
    first, second = str(tmp_path / "first.safetensors"), str(tmp_path / "second.safetensors")
    fastmerge.merge(pa, pb, first, alpha=0.7, threads=1)
    request = {"recipe": {"a": {"path": pa}, "b": {"path": pb}, "alpha": 0.7}, "output": second, "threads": 3,
               "no_mmap": True}
    fastmerge.merge_json(json.dumps(request))
    with open(first, "rb") as f1, open(second, "rb") as f2:
        assert f1.read() == f2.read()  # neither the thread count nor the read mode changes a byte


def test_missing_input_raises_input_error_naming_the_file(models, tmp_path):
    _, pb, _, _ = models
    missing = str(tmp_path / "no_such_model.safetensors")
    with pytest.raises(fastmerge.InputError) as info:
        fastmerge.merge(missing, pb, str(tmp_path / "out.safetensors"))
    assert info.value.status == 1
    assert "no_such_model.safetensors" in info.value.message
    assert isinstance(info.value, ValueError) and isinstance(info.value, fastmerge.FastMergeError)


def test_bad_recipe_values_and_unknown_options_are_input_errors(models, tmp_path):
    pa, pb, _, _ = models
    out = str(tmp_path / "out.safetensors")
    with pytest.raises(fastmerge.InputError, match="mode"):
        fastmerge.merge(pa, pb, out, mode="no-such-mode")
    with pytest.raises(fastmerge.InputError, match="alpah"):
        fastmerge.merge(pa, pb, out, alpah=0.3)
    with pytest.raises(fastmerge.InputError, match="JSON"):
        fastmerge.merge_json("{not json")
    assert not os.path.exists(out)


def test_duplicate_request_members_and_nul_in_paths_are_input_errors(models, tmp_path):
    # Issue 21: last-wins duplicates ran another request than the one reviewed; a NUL cut the path (status 3).
    pa, pb, _, _ = models
    out = str(tmp_path / "out.safetensors")
    recipe = '{"a": {"path": %s}, "b": {"path": %s}}' % (json.dumps(pa), json.dumps(pb))
    for request in ('{"recipe": %s, "output": %s, "output": %s}' % (recipe, json.dumps(out), json.dumps(out + "2")),
                    '{"recipe": %s, "r\\u0065cipe": %s, "output": %s}' % (recipe, recipe, json.dumps(out))):
        with pytest.raises(fastmerge.InputError) as info:
            fastmerge.merge_json(request)
        assert info.value.status == 1
    with pytest.raises(fastmerge.InputError, match="NUL") as info:
        fastmerge.merge(pa + "\0.x", pb, out)
    assert info.value.status == 1
    assert not os.path.exists(out) and not os.path.exists(out + "2")


def test_unpaired_surrogates_in_requests_and_nul_in_bulk_plans_are_input_errors(models, tmp_path):
    # Issue 21: "\ud800" parses as JSON but is no text; reading it was an InvalidOperationException (status 3), and a
    # NUL in a bulk plan's path an ArgumentException deep in the run (status 3).
    pa, pb, _, _ = models
    out = str(tmp_path / "out.safetensors")
    request = '{"recipe": {"a": {"path": %s}, "b": {"path": %s}}, "output": "o\\ud800.safetensors"}' % (json.dumps(pa), json.dumps(pb))
    with pytest.raises(fastmerge.InputError, match="unpaired surrogate") as info:
        fastmerge.merge_json(request)
    assert info.value.status == 1
    plan = '{"a": {"path": %s}, "b": {"path": %s}, "out": %s}' % (json.dumps(pa + "\0x"), json.dumps(pb), json.dumps(out))
    with pytest.raises(fastmerge.InputError, match=r"plan_jsonl line 1: \"a.path\" contains a NUL") as info:
        fastmerge.bulk_json(plan)
    assert info.value.status == 1
    assert not os.path.exists(out)


_FREE_SCRIPT = """
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
lib.fm_check_json.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
lib.fm_free.argtypes = [ctypes.c_void_p]
report = ctypes.c_void_p()
assert lib.fm_check_json(sys.argv[2].encode(), ctypes.byref(report)) == 0
lib.fm_free(report)
print("freed once", flush=True)
if sys.argv[3] == "twice":
    lib.fm_free(report)
elif sys.argv[3] == "foreign":
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    lib.fm_free(libc.malloc(16))
print("survived", flush=True)
"""


def test_a_double_fm_free_is_reported_at_the_call_with_debug_allocations(models):
    # Issue 21: fm_free twice on one report aborted inside glibc (or corrupted the heap) with no word about the caller.
    # With FASTMERGE_DEBUG_ALLOCATIONS=1 (always on in a DEBUG build) the library names the bug and aborts at that call.
    lib_path = fastmerge.library()._name
    pa = models[0]

    def run(mode, debug):
        env = {k: v for k, v in os.environ.items() if k != "FASTMERGE_DEBUG_ALLOCATIONS"}
        if debug:
            env["FASTMERGE_DEBUG_ALLOCATIONS"] = "1"
        return subprocess.run([sys.executable, "-c", _FREE_SCRIPT, lib_path, pa, mode], env=env,
                              capture_output=True, text=True, timeout=120)

    for debug in (False, True):
        once = run("once", debug)
        assert once.returncode == 0 and "survived" in once.stdout, once.stderr
    twice = run("twice", True)
    assert twice.returncode == -signal.SIGABRT, (twice.returncode, twice.stderr)
    assert "freed once" in twice.stdout and "survived" not in twice.stdout
    assert "fastmerge: fm_free(0x" in twice.stderr and "double free" in twice.stderr
    foreign = run("foreign", True)
    assert foreign.returncode == -signal.SIGABRT, (foreign.returncode, foreign.stderr)
    assert "not handed out by libfastmerge" in foreign.stderr


def test_existing_output_needs_overwrite(models, tmp_path):
    pa, pb, _, _ = models
    out = str(tmp_path / "out.safetensors")
    fastmerge.merge(pa, pb, out)
    with pytest.raises(fastmerge.InputError):
        fastmerge.merge(pa, pb, out, alpha=0.2)
    fastmerge.merge(pa, pb, out, alpha=0.2, overwrite=True)


def test_progress_is_monotonic_and_reaches_the_total(models, tmp_path):
    pa, pb, _, _ = models
    seen = []
    fastmerge.merge(pa, pb, str(tmp_path / "out.safetensors"), progress=lambda done, total: seen.append((done, total)))
    assert seen
    dones = [d for d, _ in seen]
    assert dones == sorted(set(dones))
    assert seen[-1][0] == seen[-1][1] > 0


def test_a_truthy_progress_return_cancels_and_leaves_no_output(models, tmp_path):
    pa, pb, _, _ = models
    out = str(tmp_path / "out.safetensors")
    calls = []
    with pytest.raises(fastmerge.CancelledError) as info:
        fastmerge.merge(pa, pb, out, progress=lambda done, total: calls.append(done) or True)
    assert info.value.status == 2
    assert len(calls) == 1
    assert not os.path.exists(out)
    assert not [n for n in os.listdir(tmp_path) if n not in ("a.safetensors", "b.safetensors")]  # no temp file either


def test_an_exception_in_the_callback_cancels_and_is_reraised(models, tmp_path):
    pa, pb, _, _ = models
    out = str(tmp_path / "out.safetensors")

    def boom(done, total):
        raise KeyError("from the callback")

    with pytest.raises(KeyError, match="from the callback"):
        fastmerge.merge(pa, pb, out, progress=boom)
    assert not os.path.exists(out)


def test_concurrent_merges_from_python_threads(models, tmp_path):
    pa, pb, _, _ = models
    errors = []

    def run(i):
        try:
            fastmerge.merge(pa, pb, str(tmp_path / f"out{i}.safetensors"), alpha=0.25)
        except Exception as ex:  # noqa: BLE001 - collected for the assertion
            errors.append(ex)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    outputs = {open(tmp_path / f"out{i}.safetensors", "rb").read() for i in range(4)}
    assert len(outputs) == 1


def test_check_returns_the_report_as_a_dict(models):
    pa, _, a, _ = models
    report = fastmerge.check(pa)
    assert isinstance(report, dict)
    assert report["schema"] == "fastmerge.check/1"
    assert report["path"].endswith("a.safetensors")
    assert report["tensor_count"] == len(a)
    with open(pa, "rb") as f:
        assert report["hashes"]["sha256"] == hashlib.sha256(f.read()).hexdigest()
    assert report["non_finite"] == []


def corrupted_clip_model(path: str) -> None:
    """A text-encoder position-ids tensor as broken merges leave it (float, 76 drifted to 75.9975), plus a NaN."""
    ids = np.arange(77, dtype=np.float32).reshape(1, 77)
    ids[0, 76] = np.float32(75.9975)
    weight = np.ones((8, 4), dtype=np.float32)
    weight[2, 3] = np.nan
    write_safetensors(path, {"cond_stage_model.transformer.text_model.embeddings.position_ids": ids,
                             "cond_stage_model.transformer.text_model.final_layer_norm.weight": weight})


def test_check_reports_corrupt_position_ids_and_fix_resets_them(tmp_path):
    broken, fixed = str(tmp_path / "broken.safetensors"), str(tmp_path / "fixed.safetensors")
    corrupted_clip_model(broken)

    report = fastmerge.check(broken)
    assert not report["healthy"]
    (ids,) = report["position_ids"]
    assert ids["corrupt"] == [76] and ids["missing"] == [76] and not ids["clean"]
    assert [(n["key"], n["nan"]) for n in report["non_finite"]] == [("cond_stage_model.transformer.text_model.final_layer_norm.weight", 1)]

    fastmerge.fix(input=broken, output=fixed, nan_to_num=True)

    tensors, _ = read_safetensors(fixed)
    ids_tensor = tensors["cond_stage_model.transformer.text_model.embeddings.position_ids"]
    assert ids_tensor.dtype == np.int64
    np.testing.assert_array_equal(ids_tensor, np.arange(77, dtype=np.int64).reshape(1, 77))
    after = fastmerge.check(fixed)
    assert after["position_ids"][0]["clean"] and after["non_finite"] == []


def test_check_and_fix_errors_are_input_errors(tmp_path, models):
    pa, _, _, _ = models
    missing = str(tmp_path / "absent_model.safetensors")
    with pytest.raises(fastmerge.InputError, match="absent_model.safetensors"):
        fastmerge.check(missing)
    not_safetensors = tmp_path / "junk.safetensors"
    not_safetensors.write_bytes(b"\x01\x02")
    with pytest.raises(fastmerge.InputError, match="junk.safetensors"):
        fastmerge.check(str(not_safetensors))
    with pytest.raises(fastmerge.InputError, match="absent_model.safetensors"):
        fastmerge.fix(input=missing, output=str(tmp_path / "o.safetensors"))
    with pytest.raises(fastmerge.InputError, match="prnue"):
        fastmerge.fix(input=pa, output=str(tmp_path / "o.safetensors"), prnue=True)
    with pytest.raises(fastmerge.InputError, match="dtype"):
        fastmerge.fix(input=pa, output=str(tmp_path / "o.safetensors"), dtype="fp12")
    with pytest.raises(fastmerge.InputError):
        fastmerge.fix(input=pa, output=pa)  # never writes over its input
    assert not os.path.exists(tmp_path / "o.safetensors")


def test_a_missing_library_is_reported_with_the_build_command(tmp_path):
    code = ("import fastmerge\n"
            "try:\n    fastmerge.version()\n"
            "except fastmerge.LibraryNotFoundError as e:\n    print('missing:', e)\n")
    env = dict(os.environ, FASTMERGE_LIBRARY=str(tmp_path / "nowhere.so"))
    # Run in an empty folder with a copy of the package, so no built library is next to it.
    package = tmp_path / "pkg" / "fastmerge"
    package.mkdir(parents=True)
    for name in ("__init__.py", "_library.py", "errors.py"):
        (package / name).write_text(open(os.path.join(os.path.dirname(fastmerge.__file__), name)).read())
    env["PYTHONPATH"] = str(tmp_path / "pkg")
    result = subprocess.run(["/usr/bin/python3", "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert "missing:" in result.stdout and "build-native.sh" in result.stdout


def test_bulk_variants_equal_single_merges_and_resume_and_hash_sink_work(sd1_models, tmp_path):
    a, b, c = sd1_models
    plan = [
        {"a": {"path": a}, "b": {"path": b}, "mode": "ws", "alpha": alpha, "out": str(tmp_path / f"ws_{alpha}.safetensors")}
        for alpha in (0.25, 0.5)
    ] + [{"a": {"path": a}, "b": {"path": b}, "c": {"path": c}, "mode": "ad", "alpha": 0.7, "weights_alpha": "GRAD_V",
          "out": str(tmp_path / "ad.safetensors")}]
    seen = []
    fastmerge.bulk_json(plan, progress=lambda done, total: seen.append((done, total)))
    assert seen and all(d2 > d1 for (d1, _), (d2, _) in zip(seen, seen[1:]))

    single = str(tmp_path / "single.safetensors")
    fastmerge.merge(a, b, single, c=c, mode="ad", alpha=0.7, weights_alpha="GRAD_V")
    with open(single, "rb") as f1, open(plan[2]["out"], "rb") as f2:
        assert f1.read() == f2.read()

    resumed = fastmerge.bulk(plan, resume=True)
    assert [v["status"] for v in resumed["variants"]] == ["skipped"] * 3

    hashed = fastmerge.bulk(plan, sink="hash", shard_index=2, shard_count=3)
    (variant,) = hashed["variants"]
    with open(plan[1]["out"], "rb") as f:
        assert variant["sha256"] == hashlib.sha256(f.read()).hexdigest()


def test_bulk_failures_are_per_variant_and_carry_the_summary(sd1_models, tmp_path):
    a, b, _ = sd1_models
    good = str(tmp_path / "good.safetensors")
    plan = [{"a": {"path": a}, "b": {"path": b}, "mode": "ws", "alpha": 0.5, "out": good},
            {"a": {"path": a}, "b": {"path": str(tmp_path / "missing.safetensors")}, "mode": "ws", "alpha": 0.5,
             "out": str(tmp_path / "bad.safetensors")}]
    with pytest.raises(fastmerge.InputError, match="1 of 2 variants failed") as caught:
        fastmerge.bulk(plan)
    assert [v["status"] for v in caught.value.report["variants"]] == ["done", "failed"]
    assert "missing.safetensors" in caught.value.report["variants"][1]["error"]
    assert os.path.exists(good) and not os.path.exists(tmp_path / "bad.safetensors")
    with pytest.raises(fastmerge.InputError, match="line 1"):
        fastmerge.bulk_json('{"mode": "ws"\n')
    with pytest.raises(fastmerge.InputError, match="sink"):
        fastmerge.bulk(plan, sink="disk")


@pytest.fixture(scope="module")
def sd1_models(tmp_path_factory):
    """Three synthetic SD1 checkpoints (real key names, shapes / 32) written by the CLI."""
    if not os.path.exists(CLI):
        pytest.skip("needs the CLI: dotnet build src/Fast.Cli -c Release")
    folder = tmp_path_factory.mktemp("sd1")
    paths = []
    for seed in (1, 2, 3):
        path = str(folder / f"sd1_{seed}.safetensors")
        subprocess.run(["dotnet", CLI, "synth", "--arch", "sd1", "--scale", "32", "--seed", str(seed), "-o", path],
                       check=True, capture_output=True)
        paths.append(path)
    return paths


@pytest.mark.parametrize("recipe, flags", [
    ({"mode": "ws", "alpha": 0.4, "weights_alpha": "GRAD_V"}, ["--alpha", "0.4", "--weights-alpha", "GRAD_V"]),
    ({"mode": "ad", "calcmode": "smoothAdd", "alpha": 0.5, "dtype": "bf16"},
     ["--mode", "ad", "--calc", "smoothAdd", "--alpha", "0.5", "--dtype", "bf16"]),
    ({"mode": "ws", "calcmode": "cosineA", "alpha": 0.3, "exclude": ["VAE"]},
     ["--calc", "cosineA", "--alpha", "0.3", "--exclude", "VAE"]),
], ids=["ws-block-weights", "smoothAdd-bf16", "cosineA-exclude-vae"])
def test_sd1_merges_are_byte_identical_to_the_cli(sd1_models, tmp_path, recipe, flags):
    a, b, c = sd1_models
    native, cli = str(tmp_path / "native.safetensors"), str(tmp_path / "cli.safetensors")
    three = recipe["mode"] == "ad"
    fastmerge.merge(a, b, native, c=c if three else None, **recipe)
    subprocess.run(["dotnet", CLI, "merge", "-a", a, "-b", b] + (["-c", c] if three else []) + flags + ["-o", cli],
                   check=True, capture_output=True)
    with open(native, "rb") as f1, open(cli, "rb") as f2:
        assert f1.read() == f2.read()
