#!/usr/bin/python3
"""Tensor-by-tensor comparison of a FastMerge output with the reference's (SPEC §4 tolerances).

Files are compared as tensors, never as files: the metadata differs by design. Every key of the
reference must be in the FastMerge output and vice versa, with the same dtype and shape; then
the bytes must be equal (NaN against NaN counts as equal whatever the payload and sign, which SPEC
§2 leaves unspecified), except where SPEC §4 allows a tolerance:

- `cosine`: the reference and we may disagree on the merge factor k by up to 1e-6, so an element
  of `lerp(Y, X, k)` may move by up to 1e-6·|X − Y| before rounding, plus one unit in the last
  place of the output dtype for the rounding that the move may flip. X is A as f32, Y is B (or,
  under `--mode ad`, D = B − C rounded to B's dtype, as the reference's theta_1 is the difference).
- `ulp`: at most one unit in the last place of the output dtype (extract). extract computes
  `A + term`, and the reference and we may round the term's reduction (the cosine similarity)
  differently; where A and the term nearly cancel the result is far smaller than either, and a
  last-place change of the term is many ulps of the result. So when model A is given the unit is
  taken at the magnitude of the values being added, max(|result|, |A|, |result − A|); without A
  it is taken at the result, on the ordered integer encoding (a step across zero counts as one).

    compare.py FAST.safetensors REF.safetensors [--tolerance exact|cosine|ulp] [-a A -b B [-c C] [--mode ws|ad]]
"""
from __future__ import annotations

import argparse
import math
import os
import sys
from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "reference"))

from safetensors_io import SafeTensorsFile  # noqa: E402

COSINE_K_TOLERANCE = 1e-6
FLOAT_DTYPES = ("F16", "BF16", "F32", "F64")
TOLERANCES = ("exact", "cosine", "ulp")


@dataclass
class Comparison:
    """What one pair of files agrees on; `problems` lists each disagreement in one line."""
    tensors: int = 0
    identical: int = 0
    differing: int = 0
    within_tolerance: int = 0
    max_abs_diff: float = 0.0
    problems: List[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def exact(self) -> bool:
        return self.ok and self.differing == 0


@dataclass
class MergeInputs:
    """The merge's inputs, which scale the cosine and ulp tolerances (see module doc)."""
    a: SafeTensorsFile
    b: Optional[SafeTensorsFile]
    c: Optional[SafeTensorsFile] = None  # cosine under --mode ad: tolerances follow D = B - C


def as_float64(f: SafeTensorsFile, key: str) -> np.ndarray:
    """Exact widening of any supported dtype to float64 (bf16 via its f32 bit pattern)."""
    info = f.tensors[key]
    arr = f.numpy(key)
    if info.dtype == "BF16":
        flat = arr.reshape(-1).astype(np.int32).astype(np.uint32) << 16  # reshape: a 0-d array cannot be viewed
        return flat.view(np.float32).astype(np.float64).reshape(arr.shape)
    return arr.astype(np.float64)


def _round_to(values_f32: np.ndarray, dtype: str) -> np.ndarray:
    """Round f32 values to `dtype` (nearest even) and return them as float64."""
    if dtype == "F16":
        return values_f32.astype(np.float16).astype(np.float64)
    if dtype == "BF16":
        bits = values_f32.astype(np.float32).view(np.uint32).astype(np.uint64)
        rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 << 16
        out = rounded.astype(np.uint32).view(np.float32)
        return np.where(np.isnan(values_f32), np.nan, out).astype(np.float64)
    return values_f32.astype(np.float64)


def ulp_of(values: np.ndarray, dtype: str) -> np.ndarray:
    """Spacing of `dtype` at |values| (the gap to the next representable magnitude)."""
    mag = np.abs(values)
    if dtype == "F16":
        return np.spacing(mag.astype(np.float16)).astype(np.float64)
    if dtype == "BF16":
        # bf16 keeps the f32 exponent and 16 fewer mantissa bits
        return np.spacing(mag.astype(np.float32)).astype(np.float64) * 65536.0
    if dtype == "F32":
        return np.spacing(mag.astype(np.float32)).astype(np.float64)
    return np.spacing(mag)


def ordered_bits(f: SafeTensorsFile, key: str) -> np.ndarray:
    """Sign-magnitude float encodings mapped to integers that count ulps monotonically."""
    info = f.tensors[key]
    raw = f.numpy(key)
    width = {"F16": 16, "BF16": 16, "F32": 32, "F64": 64}[info.dtype]
    unsigned = raw.view({16: np.uint16, 32: np.uint32, 64: np.uint64}[width]).astype(np.uint64)
    sign = (unsigned >> np.uint64(width - 1)) & np.uint64(1)
    magnitude = (unsigned & np.uint64((1 << (width - 1)) - 1)).astype(np.int64)
    return np.where(sign == 1, -magnitude, magnitude)


def _cosine_reference_pair(inputs: MergeInputs, key: str, shape: tuple):
    """X (A as f32) and Y (B, or D = B − C in B's dtype) for `key`, or None where they do not fit."""
    if key not in inputs.a or key not in inputs.b:
        return None
    if inputs.a.tensors[key].shape != shape or inputs.b.tensors[key].shape != shape:
        return None
    if inputs.a.tensors[key].dtype not in FLOAT_DTYPES or inputs.b.tensors[key].dtype not in FLOAT_DTYPES:
        return None
    x = as_float64(inputs.a, key).astype(np.float32)
    y = as_float64(inputs.b, key).astype(np.float32)
    if inputs.c is not None:
        if key not in inputs.c or inputs.c.tensors[key].shape != shape:
            return None
        z = as_float64(inputs.c, key).astype(np.float32)
        y = _round_to((y - z).astype(np.float32), inputs.b.tensors[key].dtype).astype(np.float32)
    return x.astype(np.float64), y.astype(np.float64)


def _base_values(inputs: MergeInputs, key: str, shape: tuple) -> Optional[np.ndarray]:
    """A's values (as f32, in float64) where A holds `key` with the output's shape."""
    info = inputs.a.tensors.get(key)
    if info is None or info.shape != shape or info.dtype not in FLOAT_DTYPES:
        return None
    return as_float64(inputs.a, key).astype(np.float32).astype(np.float64)


def _allowed_mismatches(key: str, dtype: str, fast: SafeTensorsFile, ref: SafeTensorsFile, tolerance: str,
                        inputs: Optional[MergeInputs]) -> Optional[str]:
    """None if the differing tensor is within the allowed tolerance, else a one-line reason."""
    if tolerance == "exact" or dtype not in FLOAT_DTYPES:
        return "bytes differ"
    f = as_float64(fast, key)
    r = as_float64(ref, key)
    both_nan = np.isnan(f) & np.isnan(r)
    if np.any(np.isnan(f) != np.isnan(r)):
        return "NaN in one output only"
    if tolerance == "ulp":
        base = _base_values(inputs, key, tuple(ref.tensors[key].shape)) if inputs else None
        if base is None:
            steps = np.abs(ordered_bits(fast, key) - ordered_bits(ref, key))
            steps = np.where(both_nan, 0, steps)
            worst = int(steps.max()) if steps.size else 0
            return None if worst <= 1 else f"{worst} ulps apart (1 allowed)"
        scale = np.maximum.reduce([np.abs(f), np.abs(r), np.abs(base), np.abs(r - base)])
        units = np.where(both_nan, 0.0, np.abs(f - r) / ulp_of(scale, dtype))
        if units.size and float(units.max()) > 1:
            i = int(np.argmax(units))
            return (f"element {i}: {f.flat[i]!r} vs {r.flat[i]!r} (A {base.flat[i]!r}) is {units.flat[i]:.3g} ulps "
                    "at max(|result|, |A|, |result - A|) (1 allowed)")
        return None
    pair = _cosine_reference_pair(inputs, key, tuple(ref.tensors[key].shape)) if inputs else None
    if pair is None:
        return "bytes differ on a key the cosine merge does not touch"
    x, y = pair
    bound = COSINE_K_TOLERANCE * np.abs(x - y) + ulp_of(np.maximum(np.abs(f), np.abs(r)), dtype)
    excess = np.where(both_nan, 0.0, np.abs(f - r) - bound)
    if excess.size and float(excess.max()) > 0:
        i = int(np.argmax(excess))
        return (f"element {i}: |{f.flat[i]!r} - {r.flat[i]!r}| exceeds 1e-6*|A-B| + 1 ulp "
                f"= {bound.flat[i]:.3g}")
    return None


def compare_files(fast_path: str, ref_path: str, tolerance: str = "exact",
                  inputs: Optional[MergeInputs] = None) -> Comparison:
    """Compare every tensor of two safetensors files; see the module doc for the rules."""
    if tolerance not in TOLERANCES:
        raise ValueError(f"unknown tolerance {tolerance}")
    fast = SafeTensorsFile(fast_path)
    ref = SafeTensorsFile(ref_path)
    result = Comparison(tensors=len(ref.tensors))
    fast_keys, ref_keys = set(fast.keys()), set(ref.keys())
    if fast_keys != ref_keys:
        missing = sorted(ref_keys - fast_keys)
        extra = sorted(fast_keys - ref_keys)
        if missing:
            result.problems.append(f"{len(missing)} keys missing from fastmerge output, e.g. {missing[0]}")
        if extra:
            result.problems.append(f"{len(extra)} keys only in fastmerge output, e.g. {extra[0]}")
    for key in ref.keys():
        if key not in fast_keys:
            continue
        fi, ri = fast.tensors[key], ref.tensors[key]
        if fi.dtype != ri.dtype or fi.shape != ri.shape:
            result.differing += 1
            result.problems.append(f"{key}: fastmerge {fi.dtype}{list(fi.shape)}, reference {ri.dtype}{list(ri.shape)}")
            continue
        if bytes(fast.raw(key)) == bytes(ref.raw(key)) or _same_but_nan_payloads(fast, ref, key, ri.dtype):
            result.identical += 1
            continue
        result.differing += 1
        diff = np.abs(as_float64(fast, key) - as_float64(ref, key))
        diff = diff[~np.isnan(diff)]
        if diff.size:
            result.max_abs_diff = max(result.max_abs_diff, float(diff.max()))
        reason = _allowed_mismatches(key, ri.dtype, fast, ref, tolerance, inputs)
        if reason is None:
            result.within_tolerance += 1
        else:
            result.problems.append(f"{key} ({ri.dtype}{list(ri.shape)}): {reason}")
    return result


def _same_but_nan_payloads(fast: SafeTensorsFile, ref: SafeTensorsFile, key: str, dtype: str) -> bool:
    """True when the only differing elements are NaN in both: SPEC §2 leaves a NaN's payload and sign unspecified
    (torch itself stores a bf16 NaN as 0xFFFF in its vector loop and 0x7FC0 in its scalar tail)."""
    if dtype not in ("F16", "BF16", "F32", "F64"):
        return False
    width = {"F16": np.uint16, "BF16": np.uint16, "F32": np.uint32, "F64": np.uint64}[dtype]
    fb, rb = fast.numpy(key).view(width), ref.numpy(key).view(width)
    f_nan, r_nan = np.isnan(as_float64(fast, key)), np.isnan(as_float64(ref, key))
    return bool(np.array_equal(f_nan, r_nan) and np.array_equal(fb[~f_nan], rb[~r_nan]))


def format_diff(value: float) -> str:
    if value == 0:
        return "0"
    if math.isinf(value):
        return "inf"
    return f"{value:.3g}"


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("fast")
    ap.add_argument("ref")
    ap.add_argument("--tolerance", choices=TOLERANCES, default="exact")
    ap.add_argument("-a", help="cosine, ulp: model A")
    ap.add_argument("-b", help="cosine: model B")
    ap.add_argument("-c", help="cosine under --mode ad: model C")
    ap.add_argument("--mode", choices=("ws", "ad"), default="ws")
    args = ap.parse_args(argv)
    inputs = None
    if args.tolerance == "cosine":
        if not (args.a and args.b) or (args.mode == "ad" and not args.c):
            ap.error("--tolerance cosine needs -a and -b (and -c with --mode ad)")
        inputs = MergeInputs(SafeTensorsFile(args.a), SafeTensorsFile(args.b),
                             SafeTensorsFile(args.c) if args.mode == "ad" else None)
    elif args.tolerance == "ulp" and args.a:
        inputs = MergeInputs(SafeTensorsFile(args.a), None)
    r = compare_files(args.fast, args.ref, args.tolerance, inputs)
    for p in r.problems[:20]:
        print(p)
    if len(r.problems) > 20:
        print(f"... {len(r.problems) - 20} more")
    print(f"{r.tensors} tensors, {r.identical} bit-identical, {r.differing} differing "
          f"({r.within_tolerance} within tolerance), max abs diff {format_diff(r.max_abs_diff)}")
    return 0 if r.ok else 1


if __name__ == "__main__":
    sys.exit(main())
