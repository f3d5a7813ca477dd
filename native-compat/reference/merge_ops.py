"""Per-tensor merge arithmetic, in the torch op order of supermerger c60e6f3 (scripts/mergers/mergers.py).

Each function takes the (already channel-sliced) input tensors in their stored dtypes and returns
the merged tensor *before* the final conversion: usually float32 (the reference's result before
its trailing `.to(dtype)`), or an input tensor unchanged where the reference passes one through.
The caller converts once to the output dtype (SPEC §9: every output tensor is converted).

Python floats multiplied with / passed as lerp weights to float32 tensors are used by torch as
float32 scalars; weights computed from several Python floats (β/(α+β), α·1.8) are computed in
double first, exactly as in the reference.
"""
from __future__ import annotations

from typing import Optional, Tuple

import numpy as np
import scipy.ndimage
import torch
import torch.nn as nn
from torch import Tensor, lerp
from torch.nn.functional import cosine_similarity

F32 = torch.float32


# ---------------------------------------------------------------- calcmode "normal" (smerge)

def weighted_sum(a: Tensor, b: Tensor, alpha: float) -> Tensor:
    # smerge, "Weight": alpha == 1 -> theta_1[key]; alpha != 0 -> lerp; alpha == 0 -> A untouched
    if alpha == 1:
        return b
    if alpha != 0:
        return torch.lerp(a.to(F32), b.to(F32), alpha)
    return a


def add_difference_d(b: Tensor, c: Tensor) -> Tensor:
    # smerge stage 0: theta_1[key] = (theta_1_a.to(float32) - theta_2[key].to(float32)).to(theta_1[key].dtype)
    return (b.to(F32) - c.to(F32)).to(b.dtype)


def add_difference(a: Tensor, d: Tensor, alpha: float) -> Tensor:
    # smerge "Add": lerp(A32, A32 + alpha * D32, 1.0); a lerp with weight 1.0 returns its end
    # (fma(0, d, e) = e for finite d), so this is the SPEC's two f32 ops: A + (alpha*D).
    return a.to(F32) + alpha * d.to(F32)


def triple_sum(a: Tensor, b: Tensor, c: Tensor, alpha: float, beta: float) -> Tensor:
    # smerge "Triple"
    if alpha + beta != 0:
        return lerp(a.to(F32), lerp(b.to(F32), c.to(F32), beta / (alpha + beta)), alpha + beta)
    # reference: (1 - alpha - beta) * A + alpha * B + beta * C on the stored dtypes;
    # SPEC §2 computes every element op in f32, left to right.
    return (1 - alpha - beta) * a.to(F32) + alpha * b.to(F32) + beta * c.to(F32)


def sum_twice(a: Tensor, b: Tensor, c: Tensor, alpha: float, beta: float) -> Tensor:
    # smerge "Twice"
    return torch.lerp(torch.lerp(a.to(F32), b.to(F32), alpha), c.to(F32), beta)


def scaled_sum(a: Tensor, b: Tensor, fa: float, fb: float) -> Tensor:
    # Not in supermerger (SPEC §3 "ss"): (a*A) + (b*B) in f32, no normalisation.
    return fa * a.to(F32) + fb * b.to(F32)


# ---------------------------------------------------------------- cosineA / cosineB

_SIM = torch.nn.CosineSimilarity(dim=0)


def cosine_stat(favor_a: bool, a: Tensor, b: Tensor) -> np.ndarray:
    """One key's contribution to the similarity set of precosine."""
    if favor_a:
        a_norm = nn.functional.normalize(a.to(F32), p=2, dim=0)
        b_norm = nn.functional.normalize(b.to(F32), p=2, dim=0)
        simab = _SIM(a_norm, b_norm)
        return simab.cpu().numpy()
    simab = _SIM(a.to(F32), b.to(F32))
    dot_product = torch.dot(a.reshape(-1).to(F32), b.reshape(-1).to(F32))
    magnitude_similarity = dot_product / (torch.norm(a.to(F32)) * torch.norm(b.to(F32)))
    combined_similarity = (simab + magnitude_similarity) / 2.0
    return combined_similarity.cpu().numpy()


def cosine_trim(parts) -> np.ndarray:
    """precosine tail: concatenate as float64, drop NaN, trim below P1 and above P99 (midpoint)."""
    # The reference grows the array with np.append per key (quadratic); one concatenate gives
    # the same float64 values in the same order.
    sims = np.concatenate([np.asarray(p, dtype=np.float64).ravel() for p in parts] or [np.array([], dtype=np.float64)])
    sims = sims[~np.isnan(sims)]
    sims = np.delete(sims, np.where(sims < np.percentile(sims, 1, method="midpoint")))
    sims = np.delete(sims, np.where(sims > np.percentile(sims, 99, method="midpoint")))
    return sims


def cosine_k(favor_a: bool, a: Tensor, b: Tensor, sims: np.ndarray, alpha: float) -> Tensor:
    """cosine(): the per-key (broadcast) weight k."""
    if favor_a:
        a_norm = nn.functional.normalize(a.to(F32), p=2, dim=0)
        b_norm = nn.functional.normalize(b.to(F32), p=2, dim=0)
        simab = _SIM(a_norm, b_norm)
        dot_product = torch.dot(a_norm.reshape(-1), b_norm.reshape(-1))
        magnitude_similarity = dot_product / (torch.norm(a_norm) * torch.norm(b_norm))
        combined_similarity = (simab + magnitude_similarity) / 2.0
        k = (combined_similarity - sims.min()) / (sims.max() - sims.min())
        k = k - abs(alpha)
    else:
        simab = _SIM(a.to(F32), b.to(F32))
        dot_product = torch.dot(a.reshape(-1).to(F32), b.reshape(-1).to(F32))
        magnitude_similarity = dot_product / (torch.norm(a.to(F32)) * torch.norm(b.to(F32)))
        combined_similarity = (simab + magnitude_similarity) / 2.0
        k = (combined_similarity - sims.min()) / (sims.max() - sims.min())
        k = k - alpha
    return k.clip(min=0, max=1.0)


def cosine_merge(favor_a: bool, a: Tensor, b: Tensor, sims: np.ndarray, alpha: float) -> Tensor:
    k = cosine_k(favor_a, a, b, sims, alpha)
    return lerp(b.to(F32), a.to(F32), k)


# ---------------------------------------------------------------- trainDifference

def train_difference(a: Tensor, b: Tensor, c: Tensor, alpha: float) -> Optional[Tensor]:
    """smerge + traindiff. None means "B equals C: keep A" (the reference's `continue`)."""
    if torch.allclose(b.float(), c.float(), rtol=0, atol=0):
        return None
    diff_AB = b.float() - c.float()
    distance_A0 = torch.abs(b.float() - c.float())
    distance_A1 = torch.abs(b.float() - a.float())
    sum_distances = distance_A0 + distance_A1
    scale = torch.where(sum_distances != 0, distance_A1 / sum_distances, torch.tensor(0.).float())
    sign_scale = torch.sign(b.float() - c.float())
    scale = sign_scale * torch.abs(scale)
    new_diff = scale * torch.abs(diff_AB)
    # reference: theta_0[key] + (new_diff * (alpha*1.8)); A widened to f32 first (identical for
    # f16/bf16/f32 A, SPEC §2 for f64 A).
    return a.float() + (new_diff * (alpha * 1.8))


# ---------------------------------------------------------------- smoothAdd

def smooth_add(a: Tensor, d: Tensor, alpha: float) -> Tensor:
    filtered_diff = scipy.ndimage.median_filter(d.to(F32).cpu().numpy(), size=3)
    filtered_diff = scipy.ndimage.gaussian_filter(filtered_diff, sigma=1)
    f = torch.from_numpy(filtered_diff)  # reference: torch.tensor(...) copies; same values, scipy's output is fresh
    return a.float() + alpha * f


# ---------------------------------------------------------------- "use old calc method"

def old_calc(mode: str, a: Tensor, b: Tensor, c: Optional[Tensor], alpha: float, beta: float) -> Tensor:
    """smerge's non-lerp branches (uselerp False), in the inputs' own dtypes."""
    if mode == "ws":
        if alpha == 1:
            return b
        if alpha == 0:
            return a
        return (1 - alpha) * a + alpha * b
    if mode == "st":
        t = (1 - alpha) * a + alpha * b
        return (1 - beta) * t + beta * c
    if mode == "ts":
        return (1 - alpha - beta) * a + alpha * b + beta * c
    raise AssertionError(mode)


# ---------------------------------------------------------------- self / plus random

# supermerger c60e6f3 SELFKEYS: keys containing one of these keep A under self and plus random
SELFKEYS = ["to_out", "proj_out", "norm"]


def self_scale(a: Tensor, alpha: float) -> Tensor:
    """calcmode self: theta_0[key] = (theta_0[key].clone()) * current_alpha (A's dtype)."""
    return (a.clone()) * alpha


def plus_random(a: Tensor, alpha: float) -> Tensor:
    """calcmode plus random: theta_0[key] += torch.randn_like(theta_0[key].clone()) * current_alpha (A's dtype,
    torch's global CPU generator)."""
    t = a.clone()
    t += torch.randn_like(t.clone()) * alpha
    return t


# ---------------------------------------------------------------- tensor / tensor2

def _bounds(total: int, start_frac: float, end_frac: float) -> Tuple[int, int]:
    return int(total * start_frac), int(total * end_frac)


def tensor_exchange(first_dim: bool, a: Tensor, b: Tensor, alpha: float, beta: float, out_dtype: torch.dtype) -> Tensor:
    """tensormerge(): slice exchange, built directly in the output dtype (one rounding per value)."""
    dim = a.dim()
    if dim == 0 or dim > 4:
        return a.to(out_dtype)
    n0 = a.shape[0]
    if alpha + beta <= 1:
        s, e = _bounds(n0, beta, alpha + beta)
        if not first_dim and dim > 1 and a.shape[1] > 100:
            s, e = _bounds(a.shape[1], beta, alpha + beta)
        target, source = a, b
    else:
        s, e = _bounds(n0, alpha + beta - 1, beta)
        if not first_dim and dim > 1 and a.shape[1] > 100:
            s, e = _bounds(a.shape[1], alpha + beta - 1, beta)
        target, source = b, a
    out = target.to(out_dtype, copy=True)
    if first_dim or dim == 1:
        out[s:e] = source[s:e].to(out_dtype)
    else:
        out[:, s:e] = source[:, s:e].to(out_dtype)
    return out


# ---------------------------------------------------------------- extract

def extract_super(base: Tensor, a: Tensor, b: Tensor, alpha: float, beta: float, gamma: float) -> Tensor:
    """extract_super(theta_0, theta_1, theta_2, ...): base = A, a = B, b = C. Returns f32 before `.to(dtype)`."""
    base = base.float()
    a = a.float() - base
    b = b.float() - base
    c = cosine_similarity(a, b, -1).clamp(-1, 1).unsqueeze(-1)
    d = ((c + 1) / 2) ** gamma
    result = base + lerp(a, b, alpha) * lerp(d, 1 - d, beta)
    return result
