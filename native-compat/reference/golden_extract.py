#!/usr/bin/python3
"""Goldens for the torch f32 arithmetic of calcmode extract that is not plain IEEE elementwise: the row sums and
cosine_similarity (Fast.Kernels TorchRowSum / TorchCosine) and `tensor ** gamma` (TorchPow / SleefPowF).

Run:  /usr/bin/python3 native-compat/reference/golden_extract.py
Writes native-compat/reference/goldens/extract_f32.safetensors, all F32:
  x|<n>, y|<n>        inputs, shape [rows, n]
  sum|<n>             torch.sum(x, -1), shape [rows]
  cos|<n>             torch.nn.functional.cosine_similarity(x, y, -1), shape [rows]
for every stored row length n in LENGTHS (every length 1..80, then the lengths around torch's 8-lane vectors
and its 4-vector ILP groups up to 300): four seeded rows at different scales and correlations, and at
SPECIAL_LENGTHS also special rows: zeros (the squared norm clamps at eps^2), identical and opposite rows
(cos = +-1), a row 1e-30 small (squares underflow), a row whose squares overflow, one holding a NaN.
Longer rows are not stored: x and y are the two streams of the 32-bit LCG in lcg_row, which the test
regenerates, and only
  sum|lcg|<n>         torch.sum(x), shape [1]
  cos|lcg|<n>         cosine_similarity(x, y, -1), shape [1]
are written, for n in LCG_LENGTHS (SDXL's longest rows, and 140001, where the third level of torch's cascade
sum runs). And for extract's d = ((c + 1)/2) ** gamma:
  pow|base            POW_COUNT values: seeded uniforms in [0, 1] (extract's range), values near 0 and 1,
                      subnormals, 0, 1, values above 1, negatives, +-inf and NaN
  pow|<gamma>         pow|base ** gamma for each gamma in GAMMAS, computed on the whole tensor at once, so the
                      first POW_COUNT - POW_COUNT % 16 values take torch's vectorised (SLEEF) path and the rest
                      its scalar std::pow path

torch 1.13's CPU kernels sum f32 with 8-lane vectors both with AVX2 and in the default build; AVX-512
(16 lanes) is used only when ATEN_CPU_CAPABILITY=avx512 asks for it, and then the bits differ. So the script
pins avx2 before torch is imported, as compat.sh does for the reference.
"""
import os
import sys

os.environ["ATEN_CPU_CAPABILITY"] = "avx2"

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch.nn.functional import cosine_similarity  # noqa: E402

from golden_io import write_golden  # noqa: E402

LENGTHS = list(range(1, 81)) + [95, 96, 97, 127, 128, 129, 255, 256, 257, 300]
SPECIAL_LENGTHS = [1, 3, 7, 8, 37, 300]
LCG_LENGTHS = [320, 511, 512, 513, 640, 1280, 2048, 2049, 5120, 10240, 140001]
LCG_SEEDS = (12345, 67890)
POW_COUNT = 2048 + 13
GAMMAS = [1.5, 0.7, 0.3, 2.5, 7.3, -1.5, 0.0, 1.0, 0.5, -0.5, -1.0, 2.0, 3.0, -2.0]


def lcg_row(seed, n):
    """n floats in [-0.5, 0.5) with 24 random bits each: state = state * 1664525 + 1013904223 (mod 2^32),
    value = (state >> 8) * 2^-24 - 0.5, computed exactly in float64 and exact in float32."""
    out = np.empty(n, dtype=np.float64)
    state = seed
    for i in range(n):
        state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
        out[i] = (state >> 8) * 2.0 ** -24 - 0.5
    return torch.from_numpy(out.astype(np.float32))


def rows_for(n, g):
    """Four seeded rows at different scales and correlations, then (at SPECIAL_LENGTHS) the special rows."""
    scale = torch.tensor([1.0, 0.05, 1e-3, 20.0]).unsqueeze(1)
    x = torch.randn(4, n, generator=g) * scale
    mix = torch.tensor([0.9, -0.5, 0.3, -0.99]).unsqueeze(1)
    y = x * mix + torch.randn(4, n, generator=g) * scale * (1 - mix.abs() + 0.01)
    if n not in SPECIAL_LENGTHS:
        return x.float().contiguous(), y.float().contiguous()
    special_x = torch.randn(6, n, generator=g)
    special_y = torch.randn(6, n, generator=g)
    special_x[0] = 0                      # zero row: squared norm clamps at eps*eps
    special_y[1] = special_x[1]           # identical
    special_y[2] = -special_x[2] * 4      # opposite
    special_x[3] *= 1e-30                 # squares underflow to subnormals/zero
    special_y[4] *= 1e25                  # squares overflow to inf
    special_x[5, n // 2] = float("nan")
    return torch.cat([x, special_x]).float().contiguous(), torch.cat([y, special_y]).float().contiguous()


def pow_bases(g):
    base = torch.rand(POW_COUNT, generator=g)
    special = [0.0, -0.0, 1.0, 1e-45, 1e-40, 1.1754944e-38, 1e-30, 1e-8, 0.5, 0.9999999, 0.99999994, 1.0000001,
               2.0, 3.5, 1e10, -0.25, -1.0, -2.0, float("inf"), float("-inf"), float("nan")]
    near = torch.cat([torch.rand(100, generator=g) * 1e-6, 1 - torch.rand(100, generator=g) * 1e-6])
    base[:len(special)] = torch.tensor(special)
    base[100:300] = near
    # The scalar tail gets specials too.
    base[-13:] = torch.tensor([0.0, 1.0, 1e-40, 0.3, 0.9999999, 2.0, -0.5, float("nan"), float("inf"), 0.75, 1e-8,
                               0.123456, 0.987654])
    return base.float().contiguous()


def main():
    torch.set_num_threads(1)
    config = torch.__config__.show()
    if "CPU capability usage: AVX2" not in config and "CPU capability usage: DEFAULT" not in config:
        sys.exit("golden_extract.py: torch does not run its 8-lane kernels here (needs AVX2 or DEFAULT)")
    g = torch.Generator().manual_seed(2024)
    tensors = {}
    for n in LENGTHS:
        x, y = rows_for(n, g)
        tensors[f"x|{n}"] = x
        tensors[f"y|{n}"] = y
        tensors[f"sum|{n}"] = torch.sum(x, -1)
        tensors[f"cos|{n}"] = cosine_similarity(x, y, -1)
    for n in LCG_LENGTHS:
        x = lcg_row(LCG_SEEDS[0], n)
        y = lcg_row(LCG_SEEDS[1], n)
        tensors[f"sum|lcg|{n}"] = torch.sum(x, -1).reshape(1)
        tensors[f"cos|lcg|{n}"] = cosine_similarity(x, y, -1).reshape(1)
    base = pow_bases(g)
    tensors["pow|base"] = base
    for gamma in GAMMAS:
        tensors[f"pow|{gamma}"] = base ** gamma
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "goldens", "extract_f32.safetensors")
    write_golden(path, tensors)
    print(f"{path}: {len(tensors)} tensors, {os.path.getsize(path)} bytes, torch {torch.__version__}")


if __name__ == "__main__":
    main()
