"""The comparer must see every kind of disagreement, and allow only the SPEC §4 tolerances."""
from __future__ import annotations

import os
import sys

import pytest
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(HERE, "..", "..", "reference"))

import compare  # noqa: E402
from safetensors_io import SafeTensorsFile, save_file  # noqa: E402


def _write(tmp_path, name, tensors):
    path = str(tmp_path / f"{name}.safetensors")
    save_file(tensors, path, {"format": "pt", "who": name})
    return path


def _next_up(t: torch.Tensor, steps: int = 1) -> torch.Tensor:
    """`t` moved `steps` representable values away from zero (positive inputs)."""
    bits = t.view(torch.int16) if t.element_size() == 2 else t.view(torch.int32)
    return (bits + steps).view(t.dtype)


@pytest.fixture()
def base():
    g = torch.Generator().manual_seed(5)
    return {
        "w16": torch.rand(4, 6, generator=g).to(torch.float16) + 0.5,
        "wbf": (torch.rand(8, generator=g) + 0.5).to(torch.bfloat16),
        "w32": torch.rand(3, 3, generator=g) + 0.5,
        "ids": torch.arange(77, dtype=torch.int64).reshape(1, 77),
    }


def test_identical_tensors_with_different_metadata_and_order_are_exact(tmp_path, base):
    a = _write(tmp_path, "a", base)
    b = _write(tmp_path, "b", dict(reversed(list(base.items()))))
    r = compare.compare_files(a, b)
    assert r.exact and r.tensors == 4 and r.identical == 4


@pytest.mark.parametrize("key", ["w16", "wbf", "w32"])
def test_one_ulp_fails_exact_and_passes_ulp(tmp_path, base, key):
    changed = dict(base)
    changed[key] = base[key].clone()
    changed[key].view(-1)[3] = _next_up(base[key].view(-1)[3:4])[0]
    a, b = _write(tmp_path, "a", changed), _write(tmp_path, "b", base)
    exact = compare.compare_files(a, b)
    assert not exact.ok and exact.differing == 1 and exact.max_abs_diff > 0
    ulp = compare.compare_files(a, b, "ulp")
    assert ulp.ok and ulp.within_tolerance == 1 and not ulp.exact


def test_two_ulps_fail_ulp(tmp_path, base):
    changed = dict(base, w16=_next_up(base["w16"].clone(), 2))
    r = compare.compare_files(_write(tmp_path, "a", changed), _write(tmp_path, "b", base), "ulp")
    assert not r.ok and "2 ulps" in r.problems[0]


def test_ulp_steps_count_across_zero(tmp_path):
    neg_tiny = torch.tensor([-0.0], dtype=torch.float16)
    pos_tiny = torch.tensor([2.0 ** -24], dtype=torch.float16)  # smallest subnormal
    r = compare.compare_files(_write(tmp_path, "a", {"x": neg_tiny}), _write(tmp_path, "b", {"x": pos_tiny}), "ulp")
    assert r.ok
    two = torch.tensor([-(2.0 ** -24)], dtype=torch.float16)
    r = compare.compare_files(_write(tmp_path, "c", {"x": two}), _write(tmp_path, "b2", {"x": pos_tiny}), "ulp")
    assert not r.ok


def test_integer_tensors_are_never_given_a_tolerance(tmp_path, base):
    changed = dict(base, ids=base["ids"].clone())
    changed["ids"][0, 76] = 75
    r = compare.compare_files(_write(tmp_path, "a", changed), _write(tmp_path, "b", base), "ulp")
    assert not r.ok and "ids" in r.problems[0]


def test_missing_extra_dtype_and_shape_disagreements_fail(tmp_path, base):
    ref = _write(tmp_path, "ref", base)
    missing = {k: v for k, v in base.items() if k != "w32"}
    assert any("missing" in p for p in compare.compare_files(_write(tmp_path, "m", missing), ref).problems)
    extra = dict(base, junk=torch.zeros(2))
    assert any("only in fastmerge" in p for p in compare.compare_files(_write(tmp_path, "e", extra), ref).problems)
    dtype = dict(base, w16=base["w16"].to(torch.float32))
    assert any("F32" in p for p in compare.compare_files(_write(tmp_path, "d", dtype), ref, "ulp").problems)
    shape = dict(base, w16=base["w16"].reshape(6, 4))
    assert any("[6, 4]" in p for p in compare.compare_files(_write(tmp_path, "s", shape), ref, "ulp").problems)


def test_nan_must_match_nan(tmp_path, base):
    nan_both = dict(base, w32=base["w32"].clone())
    nan_both["w32"][0, 0] = float("nan")
    assert compare.compare_files(_write(tmp_path, "a", nan_both), _write(tmp_path, "b", nan_both)).exact
    r = compare.compare_files(_write(tmp_path, "c", nan_both), _write(tmp_path, "d", base), "ulp")
    assert not r.ok and "NaN" in r.problems[0]


@pytest.mark.parametrize("key,nan_bits", [("wbf", (0x7FC0, -1)), ("w16", (0x7E00, -512)), ("w32", (0x7FC00000, -4194304))])
def test_nan_payloads_do_not_count_but_everything_else_does(tmp_path, base, key, nan_bits):
    # SPEC §2: a NaN's payload and sign are unspecified (torch's vector loop and scalar tail store different ones)
    view = torch.int32 if key == "w32" else torch.int16
    one, other = dict(base, **{key: base[key].clone()}), dict(base, **{key: base[key].clone()})
    one[key].view(view).view(-1)[0] = nan_bits[0]
    other[key].view(view).view(-1)[0] = nan_bits[1]
    r = compare.compare_files(_write(tmp_path, "a", one), _write(tmp_path, "b", other))
    assert r.exact and r.identical == 4
    other[key].view(view).view(-1)[1] += 1  # and one ulp elsewhere still fails exact
    assert not compare.compare_files(_write(tmp_path, "c", one), _write(tmp_path, "d", other)).ok


def _cosine_files(tmp_path, k_error: float):
    """A, B and two lerp(B, A, k) results, the second with k off by k_error (computed in double)."""
    g = torch.Generator().manual_seed(9)
    a = torch.randn(64, 32, generator=g)
    b = torch.randn(64, 32, generator=g)
    k = 0.37
    ref = torch.lerp(b, a, k)
    fast = (b.double() + (k + k_error) * (a.double() - b.double())).float()
    paths = [_write(tmp_path, n, {"w": t}) for n, t in (("A", a), ("B", b), ("fast", fast), ("ref", ref))]
    return paths


def test_cosine_tolerance_follows_k_within_1e6(tmp_path):
    pa, pb, fast, ref = _cosine_files(tmp_path, 0.8e-6)
    inputs = compare.MergeInputs(SafeTensorsFile(pa), SafeTensorsFile(pb))
    assert not compare.compare_files(fast, ref).ok
    r = compare.compare_files(fast, ref, "cosine", inputs)
    assert r.ok and r.within_tolerance == 1


def test_cosine_tolerance_rejects_k_off_by_more(tmp_path):
    pa, pb, fast, ref = _cosine_files(tmp_path, 2e-5)
    inputs = compare.MergeInputs(SafeTensorsFile(pa), SafeTensorsFile(pb))
    r = compare.compare_files(fast, ref, "cosine", inputs)
    assert not r.ok and "1e-6" in r.problems[0]


def test_cosine_tolerance_does_not_cover_keys_the_merge_leaves_alone(tmp_path, base):
    changed = dict(base, w32=_next_up(base["w32"].clone()))
    a = _write(tmp_path, "A", {"other": torch.zeros(2)})
    inputs = compare.MergeInputs(SafeTensorsFile(a), SafeTensorsFile(a))
    r = compare.compare_files(_write(tmp_path, "f", changed), _write(tmp_path, "r", base), "cosine", inputs)
    assert not r.ok


def test_bf16_rounding_helper_is_nearest_even():
    x = torch.tensor([1.0 + 2.0 ** -8, 1.0 + 3 * 2.0 ** -8, -3.3, 1e-40], dtype=torch.float32)
    ours = compare._round_to(x.numpy(), "BF16")
    assert ours.tolist() == x.to(torch.bfloat16).to(torch.float64).tolist()


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32])
def test_scalar_tensors_compare(tmp_path, dtype):
    one = torch.tensor(1.5, dtype=dtype)
    r = compare.compare_files(_write(tmp_path, "a", {"s": _next_up(one.reshape(1))[0].clone()}),
                              _write(tmp_path, "b", {"s": one}), "ulp")
    assert r.ok and r.within_tolerance == 1 and r.max_abs_diff > 0


def test_ulp_with_base_is_measured_at_the_magnitude_of_the_addends(tmp_path):
    # A + term nearly cancel: the results are tiny, so 1 ulp of |A| is thousands of ulps of the result
    base = torch.tensor([1.0, -0.5], dtype=torch.float32)
    ref = torch.tensor([2.0 ** -20, -(2.0 ** -22)], dtype=torch.float32)
    one_ulp_of_a = torch.tensor([2.0 ** -20 + 2.0 ** -23, -(2.0 ** -22) - 2.0 ** -24], dtype=torch.float32)
    two_ulps_of_a = torch.tensor([2.0 ** -20 + 2.0 ** -22, -(2.0 ** -22)], dtype=torch.float32)
    pa, pr = _write(tmp_path, "A", {"w": base}), _write(tmp_path, "ref", {"w": ref})
    inputs = compare.MergeInputs(SafeTensorsFile(pa), None)
    near = _write(tmp_path, "near", {"w": one_ulp_of_a})
    assert not compare.compare_files(near, pr, "ulp").ok  # at the result's own scale: far more than 1 ulp
    assert compare.compare_files(near, pr, "ulp", inputs).ok
    far = _write(tmp_path, "far", {"w": two_ulps_of_a})
    assert not compare.compare_files(far, pr, "ulp", inputs).ok
