#!/usr/bin/python3
"""Goldens for the element arithmetic of Fast.Kernels (SPEC §2-4), computed with torch's CPU ops.

Run:  /usr/bin/python3 native-compat/reference/golden_arith.py
Writes native-compat/reference/goldens/arith_{f16,bf16,f32}.safetensors. Each file holds the inputs A, B, C
(stored in the tested dtype) and one output tensor per case, named
  ws|<alpha>            torch.lerp(A, B, alpha)
  ad|<alpha>            D = B - C in B's dtype; A + alpha * D in f32
  ts|<alpha>|<beta>     triple sum as in SPEC §3
  st|<alpha>|<beta>     lerp(lerp(A, B, alpha), C, beta)
  ss|<alpha>|<beta>     (alpha * A) + (beta * B)
  td|<alpha>            trainDifference (the reference's traindiff formula)
every output rounded once to the tested dtype. The safetensors file is written by hand (no extra packages).
"""
import json
import os
import struct

import numpy as np
import torch

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
        out[f"ws|{al}"] = torch.lerp(af, bf, al)
        d = b - c  # in B's dtype, as the reference computes theta_1 - theta_2
        out[f"ad|{al}"] = af + al * d.float()
        out[f"td|{al}"] = traindiff(a, b, c, al)
        for be in BETAS:
            if al + be != 0:
                out[f"ts|{al}|{be}"] = torch.lerp(af, torch.lerp(bf, cf, be / (al + be)), al + be)
            else:
                out[f"ts|{al}|{be}"] = (1 - al - be) * af + al * bf + be * cf
            out[f"st|{al}|{be}"] = torch.lerp(torch.lerp(af, bf, al), cf, be)
            out[f"ss|{al}|{be}"] = (al * af) + (be * bf)
    return out


def write_safetensors(path, tensors, st_dtype):
    header = {}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        raw = t.contiguous().view(torch.int16 if t.element_size() == 2 else torch.int32).numpy().tobytes()
        header[name] = {"dtype": st_dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


def main():
    torch.set_num_threads(1)
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = os.path.join(here, "goldens")
    os.makedirs(outdir, exist_ok=True)
    for seed, (suffix, (dtype, st_dtype)) in enumerate(DTYPES.items()):
        a, b, c = inputs(dtype, 1234 + seed)
        tensors = {"A": a, "B": b, "C": c}
        for name, value in cases(a, b, c).items():
            tensors[name] = value.to(dtype)
        path = os.path.join(outdir, f"arith_{suffix}.safetensors")
        write_safetensors(path, tensors, st_dtype)
        print(f"{path}: {len(tensors)} tensors, {os.path.getsize(path)} bytes, torch {torch.__version__}")


if __name__ == "__main__":
    main()
