#!/usr/bin/env python3
"""Writes the smoothAdd filter goldens: scipy's median_filter(size=3) and gaussian_filter(sigma=1), both
mode='reflect', on float32 inputs, plus the composite F = gaussian(median(D)).

Gaussian taps: scipy builds them with numpy.exp. On CPUs where numpy dispatches float64 exp to its
AVX-512F kernel (this machine: numpy 1.24, AMD EPYC), exp(-2) and exp(-4.5) come out one ulp away from the
correctly rounded values, so taps w2 and w3 differ in the last bit from SPEC §4 (which lists the taps that
numpy's libm path, i.e. math.exp, gives). The goldens therefore run scipy's own correlate1d (the C routine
gaussian_filter calls, pass by pass, each pass stored to float32) with the SPEC taps, after asserting that
gaussian_filter is exactly that pass sequence with the locally computed kernel.

One small safetensors file per case in goldens/, tensors `input`, `median`, `gaussian`, `smooth`
(all F32, same shape). Inputs are seeded normals salted with ±0, ±inf and a few NaN so that scipy's
tie and NaN behaviour is pinned too. Run with the system python (scipy 1.10, numpy):
    /usr/bin/python3 native-compat/reference/golden_filters.py
"""
import os

import numpy as np
import scipy
from scipy import ndimage
from scipy.ndimage._filters import _gaussian_kernel1d

from golden_io import write_golden

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "goldens")

SPEC_TAPS = [
    "0x1.18a9c4fd536c6p-13", "0x1.22724cb7eb269p-8", "0x1.ba4b99d1799abp-5", "0x1.ef8eb9ad499bap-3",
    "0x1.9884a307594fbp-2", "0x1.ef8eb9ad499bap-3", "0x1.ba4b99d1799abp-5", "0x1.22724cb7eb269p-8",
    "0x1.18a9c4fd536c6p-13",
]

# (name, shape, salt): salt adds ±0/±inf/NaN; 'zeros' mixes many signed zeros so ties between them matter.
CASES = [
    ("len1", [1], "special"),
    ("len2", [2], "special"),
    ("len3", [3], "special"),
    ("len5", [5], "special"),
    ("len37", [37], "special"),
    ("2d_1x1", [1, 1], "special"),
    ("2d_2x3", [2, 3], "special"),
    ("2d_5x2", [5, 2], "special"),
    ("2d_64x65", [64, 65], "special"),
    ("2d_77x768", [77, 768], "none"),
    ("2d_zeros_9x11", [9, 11], "zeros"),
    ("3d_3x5x2", [3, 5, 2], "special"),
    ("3d_4x1x7", [4, 1, 7], "zeros"),
    ("4d_8x9x3x3", [8, 9, 3, 3], "special"),
    ("4d_5x4x1x1", [5, 4, 1, 1], "special"),
    ("4d_2x3x5x1", [2, 3, 5, 1], "zeros"),
    ("4d_zeros_6x5x3x3", [6, 5, 3, 3], "zeros"),
    ("4d_finite_16x12x3x3", [16, 12, 3, 3], "none"),
]


def make_input(rng, shape, salt):
    x = rng.standard_normal(shape).astype(np.float32)
    flat = x.reshape(-1)
    n = flat.size
    if salt == "special":
        k = max(1, n // 12)
        for value in (0.0, -0.0, np.inf, -np.inf):
            flat[rng.integers(0, n, size=k)] = value
        if n >= 30:
            flat[rng.integers(0, n, size=max(1, n // 200))] = np.nan
    elif salt == "zeros":
        flat[rng.random(n) < 0.45] = 0.0
        flat[rng.random(n) < 0.45] = -0.0
    return x


def gaussian_passes(x, weights):
    out = x
    for axis in range(x.ndim):
        out = ndimage.correlate1d(out, weights, axis, output=np.float32, mode="reflect")
    return out


def main():
    spec = np.array([float.fromhex(h) for h in SPEC_TAPS])
    local = _gaussian_kernel1d(1, 0, 4)
    differing = [i - 4 for i in range(9) if spec[i] != local[i]]
    print(f"numpy {np.__version__}: local scipy taps differ from SPEC at offsets {differing}")
    assert np.max(np.abs(spec - local) / spec) < 1e-15
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240611)
    total = 0
    for name, shape, salt in CASES:
        x = make_input(rng, shape, salt)
        median = ndimage.median_filter(x, size=3, mode="reflect")
        local_gaussian = ndimage.gaussian_filter(x, sigma=1, mode="reflect")
        assert local_gaussian.tobytes() == gaussian_passes(x, local[::-1]).tobytes()
        gaussian = gaussian_passes(x, spec)
        smooth = gaussian_passes(median, spec)
        assert median.dtype == np.float32 and gaussian.dtype == np.float32 and smooth.dtype == np.float32
        path = os.path.join(OUT, f"filters_{name}.safetensors")
        write_golden(path, {"input": x, "median": median, "gaussian": gaussian, "smooth": smooth})
        total += os.path.getsize(path)
    print(f"scipy {scipy.__version__}: wrote {len(CASES)} files, {total} bytes")


if __name__ == "__main__":
    main()
