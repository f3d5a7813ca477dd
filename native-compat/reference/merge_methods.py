"""Reference definitions of fastmerge's N-model merge methods (docs/methods.md), written from the papers and
mergekit's merge_methods/{slerp,generalized_task_arithmetic,model_stock}.py and sparsify.py.

Two kinds of reference:
  * `*_f32` functions compute in numpy float32 in exactly the operation order docs/methods.md states (weighted_sum,
    add_difference chains, ties, dare, dare_ties): fastmerge must be bit-identical to them;
  * `*_f64` functions compute in float64 (slerp, model_stock, and ties for comparison): fastmerge must be within 2 ulp
    of their result rounded to float32.
`dare_keep_mask` is the counter-based DARE mask (Philox4x32-10 keyed by the seed and the FNV-1a hash of the tensor
name), reproducible from this file alone.
"""
from __future__ import annotations

from typing import List, Optional, Sequence

import numpy as np

F32 = np.float32

# ---------------------------------------------------------------------------------------------- Philox4x32-10 ---
PHILOX_M0, PHILOX_M1 = 0xD2511F53, 0xCD9E8D57
PHILOX_W0, PHILOX_W1 = 0x9E3779B9, 0xBB67AE85
MASK32 = 0xFFFFFFFF


def philox4x32_10(c0, c1, c2, c3, k0: int, k1: int):
    """Random123's philox4x32_10 on numpy arrays (or ints) of counters: returns the four output words (uint32)."""
    c0, c1, c2, c3 = (np.asarray(c, dtype=np.uint64) & np.uint64(MASK32) for c in (c0, c1, c2, c3))
    k0 = np.uint64(k0 & MASK32)
    k1 = np.uint64(k1 & MASK32)
    for r in range(10):
        if r > 0:
            k0 = np.uint64((int(k0) + PHILOX_W0) & MASK32)
            k1 = np.uint64((int(k1) + PHILOX_W1) & MASK32)
        p0 = np.uint64(PHILOX_M0) * c0
        p1 = np.uint64(PHILOX_M1) * c2
        n0 = (p1 >> np.uint64(32)) ^ c1 ^ k0
        n2 = (p0 >> np.uint64(32)) ^ c3 ^ k1
        c1 = p1 & np.uint64(MASK32)
        c3 = p0 & np.uint64(MASK32)
        c0, c2 = n0, n2
    return tuple(x.astype(np.uint32) for x in (c0, c1, c2, c3))


def fnv1a32(text: str) -> int:
    h = 2166136261
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 16777619) & MASK32
    return h


def dare_keep_mask(n: int, seed: int, tensor_name: str, operand: int, density: float) -> np.ndarray:
    """Element j is kept when (word(j) >> 8) < density * 2**24, word(j) being word j % 4 of Philox4x32-10 with counter
    (j // 4 mod 2**32, j // 2**34, operand, 0) and key (seed, fnv1a32(tensor_name))."""
    j = np.arange(n, dtype=np.uint64)
    block = j >> np.uint64(2)
    words = philox4x32_10(block & np.uint64(MASK32), block >> np.uint64(32), np.full(n, operand, np.uint64),
                          np.zeros(n, np.uint64), seed, fnv1a32(tensor_name))
    stacked = np.stack(words, axis=1)  # [n, 4]
    word = stacked[np.arange(n), (j & np.uint64(3)).astype(np.int64)]
    return (word >> np.uint32(8)).astype(np.float64) < density * 16777216.0


# ------------------------------------------------------------------------------------------- f32, stated order ---
def weighted_sum_f32(models: Sequence[np.ndarray], weights: Sequence[float], normalize: bool = False) -> np.ndarray:
    w = _weights_f32(weights, normalize)
    acc = (w[0] * models[0].astype(F32)).astype(F32)
    for m, wi in zip(models[1:], w[1:]):
        acc = (acc + (wi * m.astype(F32)).astype(F32)).astype(F32)
    return acc


def add_difference_f32(a: np.ndarray, models: Sequence[np.ndarray], c: np.ndarray, weights: Sequence[float],
                       round_dtypes: Sequence[Optional[str]]) -> np.ndarray:
    """A + w1*rt(M1 - C) + ...; rt rounds through Mi's stored dtype ('F16', 'BF16', 'F32')."""
    import torch
    acc = a.astype(F32)
    for m, wi, rd in zip(models, weights, round_dtypes):
        d = (m.astype(F32) - c.astype(F32)).astype(F32)
        if rd == "F16":
            d = d.astype(np.float16).astype(F32)
        elif rd == "BF16":
            d = torch.from_numpy(d).to(torch.bfloat16).to(torch.float32).numpy()
        acc = (acc + (F32(wi) * d).astype(F32)).astype(F32)
    return acc


def magnitude_trim(delta: np.ndarray, density: float) -> np.ndarray:
    """Keep the floor(density*n) largest |x| (compared as the bits of |x|), lower index first among equals."""
    flat = delta.reshape(-1).astype(F32)
    n = flat.size
    k = n if density >= 1 else min(n, int(np.floor(density * n)))
    if k >= n:
        return flat.reshape(delta.shape).copy()
    bits = flat.view(np.uint32) & np.uint32(0x7FFFFFFF)
    order = np.argsort(-bits.astype(np.int64), kind="stable")[:k]
    out = np.zeros_like(flat)
    out[order] = flat[order]
    return out.reshape(delta.shape)


def _weights_f32(weights: Sequence[float], normalize: bool) -> List[np.float32]:
    total = sum(float(w) for w in weights)
    return [F32(float(w) / total if normalize and total != 0 else float(w)) for w in weights]


def _sign_elected_mean_f32(wd: Sequence[np.ndarray], w: Sequence[np.float32], normalize: bool) -> np.ndarray:
    s = np.zeros_like(wd[0])
    for x in wd:
        s = (s + x).astype(F32)
    positive = s >= 0
    acc = np.zeros_like(wd[0])
    div = np.zeros_like(wd[0])
    for x, wi in zip(wd, w):
        elected = np.where(positive, x > 0, x < 0)
        acc = np.where(elected, (acc + x).astype(F32), acc)
        div = np.where(elected, (div + wi).astype(F32), div)
    if normalize:
        div = np.where(div == 0, F32(1), div)
        acc = (acc / div).astype(F32)
    return acc


def task_arithmetic_f32(base: np.ndarray, models: Sequence[np.ndarray], weights: Sequence[float], lam: float,
                        density: float, normalize: bool, trim: bool, consensus: bool,
                        masks: Optional[Sequence[np.ndarray]] = None) -> np.ndarray:
    """ties (trim, consensus), dare (masks, no consensus), dare_ties (masks, consensus), in fastmerge's f32 order."""
    b = base.astype(F32)
    w = [F32(x) for x in weights]
    wd = []
    for i, m in enumerate(models):
        d = (m.astype(F32) - b).astype(F32)
        if trim:
            d = magnitude_trim(d, density)
        if masks is not None and density < 1:
            d = np.where(masks[i].reshape(d.shape), (d / F32(density)).astype(F32), F32(0))
        wd.append((w[i] * d).astype(F32))
    if consensus:
        mixed = _sign_elected_mean_f32(wd, w, normalize)
    else:
        mixed = np.zeros_like(b)
        for x in wd:
            mixed = (mixed + x).astype(F32)
        if normalize:
            div = F32(0)
            for wi in w:
                div = F32(div + wi)
            mixed = (mixed / (F32(1) if abs(div) < 1e-8 else div)).astype(F32)
    return (b + (F32(lam) * mixed).astype(F32)).astype(F32)


# ------------------------------------------------------------------------------------------------- float64 ---
def slerp_f64(a: np.ndarray, b: np.ndarray, t: float, dot_threshold: float = 0.9995, eps: float = 1e-8) -> np.ndarray:
    """mergekit merge_methods/slerp.py in float64."""
    v0 = a.astype(np.float64).reshape(-1)
    v1 = b.astype(np.float64).reshape(-1)
    n0, n1 = np.linalg.norm(v0), np.linalg.norm(v1)
    u0 = v0 / n0 if n0 > eps else v0
    u1 = v1 / n1 if n1 > eps else v1
    dot = np.sum(u0 * u1)
    if np.abs(dot) > dot_threshold:
        res = (1 - t) * v0 + t * v1
    else:
        theta0 = np.arccos(dot)
        sin0 = np.sin(theta0)
        theta_t = theta0 * t
        res = (np.sin(theta0 - theta_t) / sin0) * v0 + (np.sin(theta_t) / sin0) * v1
    return res.reshape(a.shape)


def model_stock_f64(base: np.ndarray, models: Sequence[np.ndarray]) -> np.ndarray:
    """mergekit merge_methods/model_stock.py (not filter-wise) in float64; t = 0 when it is not finite."""
    w0 = base.astype(np.float64).reshape(-1)
    ws = [m.astype(np.float64).reshape(-1) for m in models]
    offsets = [w - w0 for w in ws]
    cos = []
    for i in range(len(offsets)):
        for j in range(i + 1, len(offsets)):
            norms = np.linalg.norm(offsets[i]) * np.linalg.norm(offsets[j])
            cos.append(np.clip(np.sum(offsets[i] * offsets[j]) / max(norms, 1e-6), -1, 1))
    c = float(np.mean(cos))
    n = len(ws)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = n * c / (1 + (n - 1) * c)
    if not np.isfinite(t):
        t = 0.0
    avg = sum(ws) / n
    return (t * avg + (1 - t) * w0).reshape(base.shape)


def ties_f64(base: np.ndarray, models: Sequence[np.ndarray], weights: Sequence[float], lam: float, density: float,
             normalize: bool = True) -> np.ndarray:
    """TIES in float64 (mergekit's formulation), for reading the f32 result's error, not for bit comparison."""
    b = base.astype(np.float64)
    wd = [float(w) * magnitude_trim((m.astype(np.float64) - b).astype(F32), density).astype(np.float64)
          for m, w in zip(models, weights)]
    stacked = np.stack(wd)
    majority = np.where(stacked.sum(0) >= 0, 1.0, -1.0)
    mask = np.sign(stacked) == majority
    mixed = (stacked * mask).sum(0)
    div = (np.array(weights, np.float64).reshape((-1,) + (1,) * b.ndim) * mask).sum(0)
    div[div == 0] = 1
    if normalize:
        mixed = mixed / div
    return b + lam * mixed
