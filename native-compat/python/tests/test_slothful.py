"""fastmerge.slothful_pool (fm_slothful_pool) against torch's pooling + lerp, as the SlothfulAttention node runs them
(shared/slothful/reference.py's pool_kv: fp16 emulated by upcasting, rounding after each kernel)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import fastmerge


def torch_kv(x: torch.Tensor, stride: float, mode: str, kb: float, vb: float, h: int, w: int):
    B, N, C = x.shape
    dt, xf = x.dtype, x.float()
    if mode.startswith("1D"):
        s = max(min(math.ceil(stride), N), 1)
        one = F.avg_pool2d(xf, (1, 1), stride=(s, 1))
        pool = (F.avg_pool2d if mode == "1D_AVG" else F.max_pool2d)(xf, (s, 1), stride=(s, 1))
        one = one[:, : pool.shape[1]]
    else:
        sy = max(min(math.ceil(math.sqrt(stride)), h), 1)
        sx = max(min(math.ceil(stride / sy), w), 1)
        x4 = xf.reshape(B, h, w, C)
        one = F.avg_pool3d(x4, (1, 1, 1), stride=(sy, sx, 1))
        pool = (F.avg_pool3d if mode == "2D_AVG" else F.max_pool3d)(x4, (sy, sx, 1), stride=(sy, sx, 1))
        one = one[:, : pool.shape[1], : pool.shape[2]]
    one = one.reshape(B, -1, C).to(dt).float()
    pool = pool.reshape(B, -1, C).to(dt).float()
    return torch.lerp(one, pool, kb).to(dt), torch.lerp(one, pool, vb).to(dt)


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
@pytest.mark.parametrize("mode", ["1D_AVG", "1D_MAX", "2D_AVG", "2D_MAX"])
def test_slothful_pool_matches_torch(dtype, mode):
    rng = np.random.default_rng(7)
    x = (rng.standard_normal((2, 24 * 16, 37)) * np.exp(0.75 * rng.standard_normal((2, 24 * 16, 37)))).astype(dtype)
    x[0, ::7, :] = -0.0
    for stride, kb, vb in [(6.0, 0.3, 0.7), (5.86, 0.5, 0.5), (3.0, 0.0, 1.0)]:
        k, v = fastmerge.slothful_pool(x, stride, mode, grid=(24, 16), k_blend=kb, v_blend=vb, threads=2)
        ek, ev = torch_kv(torch.from_numpy(x), stride, mode, kb, vb, 24, 16)
        assert k.dtype == x.dtype and k.shape == tuple(ek.shape)
        assert k.tobytes() == ek.numpy().tobytes(), (mode, stride, "K")
        assert v.tobytes() == ev.numpy().tobytes(), (mode, stride, "V")
        assert (v is k) == (kb == vb)


def test_slothful_pool_shortcut_and_pass_through():
    x = np.arange(2 * 36 * 3, dtype=np.float32).reshape(2, 36, 3)
    k, v = fastmerge.slothful_pool(x, 4.0, "2D_AVG", grid=(6, 6), k_blend=1.0, v_blend=1.0, compat="2023")
    assert k.shape == (2, 9, 3) and np.array_equal(k, x.reshape(2, 6, 6, 3)[:, ::2, ::2].reshape(2, 9, 3))
    k, _ = fastmerge.slothful_pool(x, 1.0, "2D_MAX", grid=(6, 6), k_blend=0.3, v_blend=0.3)
    assert np.array_equal(k, x)


def test_slothful_pool_bad_input_is_an_input_error():
    x = np.zeros((1, 36, 4), dtype=np.float32)
    with pytest.raises(fastmerge.InputError, match=r"\[0, 1\]"):
        fastmerge.slothful_pool(x, 4.0, "2D_AVG", grid=(6, 6), k_blend=1.5)
    with pytest.raises(fastmerge.InputError, match="do not fit"):
        fastmerge.slothful_pool(x, 4.0, "2D_AVG", grid=(5, 6))
    with pytest.raises(fastmerge.InputError):
        fastmerge.slothful_pool(x, 4.0, "3D_AVG", grid=(6, 6))
    with pytest.raises(fastmerge.InputError):
        fastmerge.slothful_pool(x.astype(np.float64), 4.0, "2D_AVG", grid=(6, 6))
