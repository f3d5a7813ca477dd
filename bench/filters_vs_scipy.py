#!/usr/bin/env python3
"""Side-by-side: scipy.ndimage median_filter(size=3) / gaussian_filter(sigma=1) (mode='reflect') versus
Fast.Kernels.Filters on the acceptance shapes, in the same run, same machine, all cores for ours
(scipy is single-threaded). Prints ns/element for both and the throughput ratio scipy/ours.

Usage: /usr/bin/python3 bench/filters_vs_scipy.py   (needs the `filters-compare` hook in bench/Fast.Bench/Program.cs,
see bench/Fast.Bench/Filters/FilterComparison.cs)
"""
import os
import subprocess
import time

import numpy as np
from scipy import ndimage

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHAPES = [(320, 320, 3, 3), (1280, 1280), (1280,)]


def best_ns_per_element(fn, x, min_seconds=1.0):
    fn(x)
    times = []
    start = time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - start < min_seconds and len(times) < 50):
        t = time.perf_counter()
        fn(x)
        times.append(time.perf_counter() - t)
    return min(times) * 1e9 / x.size


def scipy_times():
    rng = np.random.default_rng(12345)
    out = {}
    for shape in SHAPES:
        x = ((rng.random(shape) + rng.random(shape) + rng.random(shape) - 1.5) * 0.01).astype(np.float32)
        name = "[" + ",".join(map(str, shape)) + "]"
        median = lambda a: ndimage.median_filter(a, size=3, mode="reflect")
        gaussian = lambda a: ndimage.gaussian_filter(a, sigma=1, mode="reflect")
        out[(name, "median")] = best_ns_per_element(median, x)
        out[(name, "gaussian")] = best_ns_per_element(gaussian, x)
        out[(name, "smooth")] = best_ns_per_element(lambda a: gaussian(median(a)), x)
    return out


def ours_times():
    cmd = ["dotnet", "run", "-c", "Release", "--project", os.path.join(ROOT, "bench", "Fast.Bench"), "--", "filters-compare"]
    text = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == "filters-compare":
            out[(parts[1], parts[2])] = float(parts[3])
    if not out:
        raise SystemExit("no 'filters-compare' lines: add the hook from FilterComparison.cs to bench/Fast.Bench/Program.cs")
    return out


def main():
    ours = ours_times()
    theirs = scipy_times()
    print(f"{'shape':<16}{'filter':<10}{'ours ns/el':>12}{'scipy ns/el':>13}{'ratio':>9}")
    for key in theirs:
        print(f"{key[0]:<16}{key[1]:<10}{ours[key]:>12.3f}{theirs[key]:>13.1f}{theirs[key] / ours[key]:>8.1f}x")


if __name__ == "__main__":
    main()
