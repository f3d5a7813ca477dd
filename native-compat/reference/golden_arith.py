#!/usr/bin/python3
"""Goldens for the element arithmetic of Fast.Kernels (SPEC §2-4), computed with torch's CPU ops.

Run:  /usr/bin/python3 native-compat/reference/golden_arith.py
Writes native-compat/reference/goldens/arith_{f16,bf16,f32}.safetensors. Each file holds the inputs A, B, C
(stored in the tested dtype) and one output tensor per case, named
  ws|<alpha>            lerp(A, B, alpha)
  ad|<alpha>            D = B - C in B's dtype; A + alpha * D in f32
  ts|<alpha>|<beta>     triple sum as in SPEC §3
  st|<alpha>|<beta>     lerp(lerp(A, B, alpha), C, beta)
  ss|<alpha>|<beta>     (alpha * A) + (beta * B)
  td|<alpha>            trainDifference (the reference's traindiff formula)
every output rounded once to the tested dtype. The safetensors file is written by hand (no extra packages).

lerp: SPEC §2 describes torch's current CPU kernel (d = e - s; |w| < 0.5 ? fma(w, d, s) : fma(w - 1, d, e)),
which is what the reference runs under. The torch 1.13 installed here is older: it tests `w < 0.5` (no abs,
so weights <= -0.5 take the other formula) and computes `e - d*(1 - w)`, which differs in the sign of zero at
w = 1. So `lerp` below computes the SPEC formula with an exactly rounded fma (round-to-odd in float64, then
one rounding to float32), and `check_lerp_against_torch` proves it equal, bit for bit, to torch.lerp wherever
the two torch versions agree (-0.5 < w, w != 1).
"""
import os

import numpy as np
import torch

from golden_io import write_golden

ALPHAS = [0.0, 0.25, 0.3, 0.5, 0.7, 1.0, -0.2, 1.5]
BETAS = [0.0, 0.3, 0.5, -0.2, 0.2]
N = 67  # odd and longer than torch's vectors, so both its vector body and its scalar tail run

DTYPES = {"f16": (torch.float16, "F16"), "bf16": (torch.bfloat16, "BF16"), "f32": (torch.float32, "F32")}


def inputs(dtype, seed):
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(N, generator=g) * 0.05
    b = torch.randn(N, generator=g) * 0.05
    c = torch.randn(N, generator=g) * 0.05
    finfo = torch.finfo(dtype)
    sub = finfo.tiny / 4  # a subnormal in every tested dtype
    specials = [
        (float("nan"), 0.5, 0.25), (0.5, float("nan"), 0.0), (0.25, 0.5, float("nan")),
        (float("inf"), 1.0, 0.0), (-1.0, float("-inf"), 2.0), (1.0, 2.0, float("inf")),
        (0.0, -0.0, 0.0), (-0.0, -0.0, -0.0), (-0.0, 0.0, -0.0),
        (sub, -sub, sub * 2), (-sub, sub * 3, 0.0), (finfo.tiny, -finfo.tiny, finfo.tiny),
        (finfo.max, -finfo.max, finfo.max), (finfo.max, finfo.max, -finfo.max), (-finfo.max, finfo.max, 0.0),
        (1.0, 1.0, 1.0), (0.1, 0.1, 0.3), (3.0, -7.0, 5.0),
    ]
    for i, (x, y, z) in enumerate(specials):
        a[i], b[i], c[i] = x, y, z
    # C equals B on a stretch so trainDifference meets dist0 = 0
    c[40:48] = b[40:48]
    return a.to(dtype), b.to(dtype), c.to(dtype)


def fma_f32(a, b, c):
    """a*b + c for float32 arrays, rounded once. a*b is exact in float64; the float64 sum is made round-to-odd
    (exact sum = s + err via TwoSum; an inexact s with an even last bit moves one ulp toward err), and rounding a
    round-to-odd float64 (53 >= 2*24 + 2 bits) to float32 gives the correctly rounded result."""
    a, b, c = (np.asarray(x, dtype=np.float64) for x in (a, b, c))
    with np.errstate(invalid="ignore", over="ignore"):
        p = a * b
        s = p + c
        bp = s - p
        err = (p - (s - bp)) + (c - bp)
        bits = s.view(np.int64)
        fix = np.isfinite(s) & (err != 0) & ((bits & 1) == 0)
        toward = np.where(err > 0, np.inf, -np.inf)
        s = np.where(fix, np.nextafter(s, toward), s)
        return torch.from_numpy(np.ascontiguousarray(s.astype(np.float32)))


def lerp(s, e, w):
    """SPEC §2 lerp of float32 tensors with a Python float weight (used as float32)."""
    w32 = np.float32(w)
    sn, en = s.numpy(), e.numpy()
    with np.errstate(invalid="ignore", over="ignore"):
        d = en - sn
        if abs(w32) < np.float32(0.5):
            return fma_f32(w32, d, sn)
        return fma_f32(w32 - np.float32(1), d, en)


def check_lerp_against_torch(s, e):
    for w in [0.0, 0.25, 0.3, 0.49, 0.5, 0.7, 0.99, -0.2, -0.49, 1.5, 3.0]:
        ours = lerp(s, e, w).numpy()
        theirs = torch.lerp(s, e, w).numpy()
        same = (ours.view(np.uint32) == theirs.view(np.uint32)) | (np.isnan(ours) & np.isnan(theirs))
        assert same.all(), f"lerp emulation differs from torch.lerp at w={w}: {np.nonzero(~same)}"


def traindiff(a, b, c, alpha):
    a, b, c = a.float(), b.float(), c.float()
    diff_ab = b - c
    distance_a0 = torch.abs(b - c)
    distance_a1 = torch.abs(b - a)
    sum_distances = distance_a0 + distance_a1
    scale = torch.where(sum_distances != 0, distance_a1 / sum_distances, torch.tensor(0.).float())
    sign_scale = torch.sign(b - c)
    scale = sign_scale * torch.abs(scale)
    new_diff = scale * torch.abs(diff_ab)
    return a + (new_diff * (alpha * 1.8))


def cases(a, b, c):
    af, bf, cf = a.float(), b.float(), c.float()
    out = {}
    for al in ALPHAS:
        out[f"ws|{al}"] = lerp(af, bf, al)
        d = b - c  # in B's dtype, as the reference computes theta_1 - theta_2
        out[f"ad|{al}"] = af + al * d.float()
        out[f"td|{al}"] = traindiff(a, b, c, al)
        for be in BETAS:
            if al + be != 0:
                out[f"ts|{al}|{be}"] = lerp(af, lerp(bf, cf, be / (al + be)), al + be)
            else:
                out[f"ts|{al}|{be}"] = (1 - al - be) * af + al * bf + be * cf
            out[f"st|{al}|{be}"] = lerp(lerp(af, bf, al), cf, be)
            out[f"ss|{al}|{be}"] = (al * af) + (be * bf)
    return out


def main():
    torch.set_num_threads(1)
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = os.path.join(here, "goldens")
    os.makedirs(outdir, exist_ok=True)
    for seed, (suffix, (dtype, st_dtype)) in enumerate(DTYPES.items()):
        a, b, c = inputs(dtype, 1234 + seed)
        check_lerp_against_torch(a.float(), b.float())
        check_lerp_against_torch(b.float(), c.float())
        g = torch.Generator().manual_seed(99)
        near = torch.randn(4099, generator=g)
        check_lerp_against_torch(near, near * (1 + torch.randn(4099, generator=g) * 1e-3))
        tensors = {"A": a, "B": b, "C": c}
        for name, value in cases(a, b, c).items():
            tensors[name] = value.to(dtype)
        path = os.path.join(outdir, f"arith_{suffix}.safetensors")
        write_golden(path, tensors)
        print(f"{path}: {len(tensors)} tensors, {os.path.getsize(path)} bytes, torch {torch.__version__}")


if __name__ == "__main__":
    main()
