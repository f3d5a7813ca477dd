#!/usr/bin/env python3
"""SlothfulAttention K/V pooling, Fast.Kernels.Attention vs torch on the same CPU in the same run.

Shapes (issue 16): SD1.5 512² (B=2, N=4096, C=320) and SDXL 1024² (B=2, N=4096, C=640; N=1024, C=1280); F32 and
F16; 2D_AVG and 2D_MAX with 2×2 windows, k_blend 0.3 and v_blend 0.7 (K and V both written). torch (all threads):
x viewed channels-last as (B, C, h, w), avg_pool2d/max_pool2d, the strided sample x[:, :, ::2, ::2], two lerps.
torch 1.13 CPU has no fp16 pooling or lerp, so its F16 row upcasts to f32 and rounds back (what a CPU host would
do); ours reads and writes fp16 directly. The bandwidth floor is (input + K + V bytes) / the read+write bandwidth
of a parallel copy measured by the same .NET process.

Usage: /usr/bin/python3 bench/slothful_vs_torch.py [--threads N] [--rounds R] [--record]
  --threads N  torch.set_num_threads(N), our kernel and the bandwidth copy on N threads (default: all cores);
               --threads 1 compares single-thread code on a machine other work is loading.
  --rounds R   run ours and torch R times alternately and keep each side's best (default 2; 1 with --cuda), so a burst of other
               work on the machine slows both sides rather than one.
  --record     append the table to bench/RESULTS.md.
Both sides pool the same distribution (randn · 0.5) and every row runs once before any is timed.

--cuda: the same on the first CUDA device: ours is the ILGPU kernel (Fast.Bench slothful-compare-gpu), torch runs
natively on the device (fp16 pooling and lerp exist there), both with the tensors resident on the device and each
timed call ending in a synchronisation; the floor is (input + K + V bytes) / the read+write bandwidth of a torch
device-to-device copy of 1 GiB. FASTMERGE_BENCH overrides the command that runs Fast.Bench (e.g. on a machine with a
.NET runtime but no SDK: "dotnet bench-bin/Fast.Bench.dll").
"""
import os
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

def option(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


THREADS = option("--threads", 0)
ROUNDS = max(1, option("--rounds", 1 if "--cuda" in sys.argv else 2))
# torch on all threads unless told (Debian's torch starts with one OpenMP thread on some machines).
torch.set_num_threads(THREADS or os.cpu_count() or 1)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHAPES = {"sd15-512": (2, 64, 64, 320), "sdxl-1024-640": (2, 64, 64, 640), "sdxl-1024-1280": (2, 32, 32, 1280)}


def best_seconds(fn, min_seconds=1.0):
    fn()
    times, start = [], time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - start < min_seconds and len(times) < 200):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


CUDA = "--cuda" in sys.argv


def cuda_best_seconds(fn):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    times, start = [], time.perf_counter()
    while len(times) < 20 or (time.perf_counter() - start < 0.5 and len(times) < 500):
        t = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append(time.perf_counter() - t)
    return min(times)


def cuda_bandwidth():
    x = torch.empty(1 << 28, dtype=torch.float32, device="cuda").uniform_()
    y = torch.empty_like(x)
    return 2.0 * x.numel() * 4 / cuda_best_seconds(lambda: y.copy_(x))


def torch_seconds(shape, dtype, mode):
    B, h, w, C = shape
    x = (torch.randn(B, h * w, C) * 0.5).to(dtype)
    pool = F.avg_pool2d if mode == "2D_AVG" else F.max_pool2d
    if CUDA:
        x = x.cuda()

        def run_cuda():
            nchw = x.view(B, h, w, C).permute(0, 3, 1, 2)
            p = pool(nchw, (2, 2), stride=(2, 2))
            one = nchw[:, :, ::2, ::2]
            return torch.lerp(one, p, 0.3), torch.lerp(one, p, 0.7)

        return cuda_best_seconds(run_cuda)

    def run():
        xf = x.float() if dtype == torch.float16 else x
        nchw = xf.view(B, h, w, C).permute(0, 3, 1, 2)          # channels-last view, no copy
        p = pool(nchw, (2, 2), stride=(2, 2))
        one = nchw[:, :, ::2, ::2]
        k = torch.lerp(one, p, 0.3)
        v = torch.lerp(one, p, 0.7)
        if dtype == torch.float16:
            k, v = k.half(), v.half()
        return k, v

    return best_seconds(run)


def ours():
    bench = os.environ.get("FASTMERGE_BENCH", "").split() or [
        "dotnet", "run", "-c", "Release", "--project", os.path.join(ROOT, "bench", "Fast.Bench"), "--"]
    args = ["slothful-compare-gpu"] if CUDA else ["slothful-compare", str(THREADS)]
    text = subprocess.run(bench + args, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    rows, bandwidth = {}, None
    for line in text.splitlines():
        p = line.split()
        if p and p[0] == "skipped":
            sys.exit("ours: " + line)
        if p and p[0] == "bandwidth":
            bandwidth = float(p[1])
        elif p and p[0] in ("pool", "gpupool"):
            rows[(p[1], p[2], p[3])] = (float(p[4]), int(p[5]) + int(p[6]))
    return rows, bandwidth


def main():
    rows, bandwidth, torch_best = None, None, {}
    for _ in range(ROUNDS):
        r, b = ours()
        rows = r if rows is None else {key: (min(rows[key][0], r[key][0]), r[key][1]) for key in rows}
        bandwidth = b if bandwidth is None or b is None else max(bandwidth, b)
        for name, shape in SHAPES.items():
            for dt, tdt in (("F32", torch.float32), ("F16", torch.float16)):
                for mode in ("2D_AVG", "2D_MAX"):
                    t = torch_seconds(shape, tdt, mode)
                    torch_best[(name, dt, mode)] = min(torch_best.get((name, dt, mode), t), t)
    if CUDA:
        bandwidth = cuda_bandwidth()
        where = f"device-to-device copy by torch on {torch.cuda.get_device_name(0)}"
    else:
        where = f"copy on {THREADS} thread(s)" if THREADS else "parallel copy"
    lines = [f"read+write bandwidth ({where}, same run): {bandwidth / 1e9:.1f} GB/s; torch {torch.__version__}, "
             f"{torch.get_num_threads()} threads, best of {ROUNDS} alternating rounds", "",
             "| shape | dtype | mode | ours ms | torch ms | torch/ours | floor ms | floor/ours |",
             "|---|---|---|---|---|---|---|---|"]
    for name, shape in SHAPES.items():
        for dt, tdt in (("F32", torch.float32), ("F16", torch.float16)):
            for mode in ("2D_AVG", "2D_MAX"):
                t_ours, nbytes = rows[(name, dt, mode)]
                t_torch = torch_best[(name, dt, mode)]
                floor = nbytes / bandwidth
                lines.append(f"| {name} B{shape[0]} N{shape[1] * shape[2]} C{shape[3]} | {dt} | {mode} | {t_ours * 1e3:.3f} | "
                             f"{t_torch * 1e3:.3f} | {t_torch / t_ours:.2f}× | {floor * 1e3:.3f} | {floor / t_ours:.2f}× |")
    table = "\n".join(lines)
    print(table)
    if "--record" in sys.argv:
        cpu = subprocess.run(["bash", "-c", "lscpu | awk -F: '/Model name/ {gsub(/^ +/, \"\", $2); print $2; exit}'"],
                             capture_output=True, text=True).stdout.strip()
        with open(os.path.join(ROOT, "bench", "RESULTS.md"), "a", encoding="utf-8") as f:
            f.write(f"\n### SlothfulAttention pooling vs torch{' on CUDA' if CUDA else ''} "
                    f"(bench/slothful_vs_torch.py{' --cuda' if CUDA else ''}) — "
                    f"{time.strftime('%Y-%m-%d', time.gmtime())}, {cpu}, {os.cpu_count()} cores (machine shared with "
                    f"other engineers' builds)\n\n{table}\n")


if __name__ == "__main__":
    main()
