"""mergekit-style TIES in torch (bench/ties_bench.sh's comparison): per tensor, exactly what mergekit's
generalized_task_arithmetic.py + sparsify.magnitude do (task vectors, argsort top-k trim, sign election by sum,
disjoint mean normalised by the elected weights), in f32 on the CPU, output in the base's dtype.

    python3 bench/ties_vs_torch.py BASE M1 M2 M3 OUT [--density 0.5] [--threads N]
"""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "native-compat", "reference"))
from safetensors_io import load_file, save_file  # noqa: E402


def magnitude(t, density):
    k = int(density * t.numel())
    mask = torch.zeros_like(t)
    w = t.abs().view(-1)
    mask.view(-1)[torch.argsort(w, descending=True)[:k]] = 1
    return t * mask


def ties(base, models, density, weights):
    deltas = torch.stack([magnitude(m.float() - base, density) for m in models])
    w = torch.tensor(weights, dtype=deltas.dtype)
    while w.dim() < deltas.dim():
        w = w.unsqueeze(-1)
    wd = deltas * w
    sign = wd.sign()
    majority = (wd.sum(dim=0) >= 0).to(wd.dtype) * 2 - 1
    mask = (sign == majority).to(wd.dtype)
    mixed = (wd * mask).sum(dim=0)
    div = (w * mask).sum(dim=0)
    div[div == 0] = 1
    return base + mixed / div


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("models", nargs=3)
    ap.add_argument("out")
    ap.add_argument("--density", type=float, default=0.5)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    t0 = time.time()
    base = load_file(a.base)
    models = [load_file(p) for p in a.models]
    out = {}
    for k, v in base.items():
        if v.is_floating_point() and all(k in m and m[k].shape == v.shape for m in models):
            out[k] = ties(v.float(), [m[k] for m in models], a.density, [1.0] * 3).to(v.dtype)
        else:
            out[k] = v
    save_file(out, a.out, {"format": "pt"})
    print(f"torch ties: {time.time() - t0:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
