#!/usr/bin/python3
"""Goldens for the torch f32 reductions of the cosine calcmodes (Fast.Kernels TorchColumnReductions and
TorchVectorReductions): sums and norms over dim 0 of a [rows, columns] tensor, and the whole-tensor norm and dot.

Run:  /usr/bin/python3 native-compat/reference/golden_cosine.py
Writes native-compat/reference/goldens/cosine_f32.safetensors, all F32, for each (rows, columns) in SHAPES:
  x|<r>|<c>, y|<r>|<c>   inputs [r, c] (seeded normals at several scales; x's last column is zero when c > 1);
                         for LCG_SHAPES they are not stored: x and y are golden_extract's lcg_row streams
                         (seeds 12345 and 67890, r·c values, row-major), which the test regenerates
  sum0|<r>|<c>           torch.pow(x, 2).sum(0)              (cosine_similarity's squared norms)
  norm0|<r>|<c>          x.norm(2, 0)                         (normalize(p=2, dim=0))
  norm|<r>|<c>           torch.norm(x), shape [1]
  dot|<r>|<c>            torch.dot(x.view(-1), y.view(-1)), shape [1]
The shapes cover every path of torch's dim-0 sum (groups of 32 columns row after row, groups of 8 and single
columns by row_sum, 2-7 columns, one column), the cascade levels (16, 256 and 4096 rows) and the leftover
elements of the whole-tensor norm (lengths mod 8 from 0 to 7). The dot is the system BLAS's sdot (Debian's
reference BLAS sums in order); with OpenBLAS or MKL as the system BLAS these goldens would not be reproduced.
torch's thread count does not change these values (40000 elements in one column are summed as one contiguous
row: torch splits that between threads above 32768, so it is computed with 1 thread here); ATEN_CPU_CAPABILITY is pinned to avx2 as compat.sh does.
"""
import os

os.environ["ATEN_CPU_CAPABILITY"] = "avx2"

import numpy as np  # noqa: E402
import torch  # noqa: E402

from golden_extract import lcg_row  # noqa: E402
from golden_io import write_golden  # noqa: E402

SHAPES = [(1, 77), (3, 5), (7, 12), (5, 3), (4, 2), (9, 7), (40, 9), (17, 33), (100, 1), (13, 1), (70, 40),
          (33, 69), (300, 77), (257, 8)]
LCG_SHAPES = [(600, 19), (1100, 33), (4100, 4), (16390, 2), (40000, 1)]


def main():
    torch.set_num_threads(1)
    rng = np.random.default_rng(20261204)
    out = {}
    for i, (r, c) in enumerate(SHAPES + LCG_SHAPES):
        key = f"{r}|{c}"
        if (r, c) in LCG_SHAPES:
            tx, ty = lcg_row(12345, r * c).reshape(r, c), lcg_row(67890, r * c).reshape(r, c)
        else:
            scale = [1.0, 0.02, 30.0, 1e-3][i % 4]
            x = (rng.standard_normal((r, c)) * scale).astype(np.float32)
            y = (rng.standard_normal((r, c)) * scale + 0.5 * x).astype(np.float32)
            if c > 1:
                x[:, -1] = 0.0
            tx, ty = torch.from_numpy(x), torch.from_numpy(y)
            out[f"x|{key}"] = tx
            out[f"y|{key}"] = ty
        out[f"sum0|{key}"] = torch.pow(tx, 2).sum(0)
        out[f"norm0|{key}"] = tx.norm(2, 0)
        out[f"norm|{key}"] = torch.norm(tx).reshape(1)
        out[f"dot|{key}"] = torch.dot(tx.reshape(-1), ty.reshape(-1)).reshape(1)
    here = os.path.dirname(os.path.abspath(__file__))
    write_golden(os.path.join(here, "goldens", "cosine_f32.safetensors"), out)


if __name__ == "__main__":
    main()
