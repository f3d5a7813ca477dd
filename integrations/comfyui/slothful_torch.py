"""SlothfulAttention's schedule and K/V pooling in torch (shared/slothful/SPEC.md §5-§7), on whatever device the
hidden states live: the node runs on the UNet's GPU tensors, where a numpy round trip would be wrong and slow.

Compat modes (SPEC §9): "2023" (comfyui_slothful_attention f297558), "2025" (comfyui_nearsighted_attention 1.0.0)
and "fixed" (no in/out slothful swap, no blend shortcut, the grid the UNet really has). torch is imported inside the
functions so that importing the pack does not import it."""
from __future__ import annotations

import math
from typing import Any, Dict, Optional, Tuple

from .common import FastMergeNodeError

POOL_MODES = ["1D_AVG", "1D_MAX", "2D_AVG", "2D_MAX"]
COMPATS = ("fixed", "2023", "2025")


def _clip(v, lo, hi):
    return max(min(v, hi), lo)


def time_ratio(peak_time: float, time_decay: float, t: int) -> float:
    """SPEC §5 in IEEE double, left to right; '**' is libm pow as in the node (not x*x)."""
    if time_decay <= 0:
        return 1.0
    time = _clip(1 - (t / 1000), 0, 1)
    return math.exp(-((time - peak_time) ** 2) / ((1 / time_decay) ** 2))


def layer_stride(params: Dict[str, Any], side: str, C: int, model_channels: int, n_heads: int, t: int,
                 compat: str) -> Tuple[float, float, float]:
    """(stride, time_ratio, depth_ratio) of one attn1 layer; side is 'in' or 'out'."""
    depth = C // model_channels
    if depth == 0:  # Q6: the node divides by zero here
        raise FastMergeNodeError(f"SlothfulAttention: hidden states have C={C} channels, fewer than the model's "
                                 f"model_channels={model_channels} (depth 0): not a UNet attention layer")
    rate = (2 / depth) if n_heads != 8 else (1 / depth)  # Q5: is_xl = n_heads != 8 (SD2.x counts as XL)
    other = "out" if side == "in" else "in"
    slothful = params[other + "_slothful"] if compat != "fixed" else params[side + "_slothful"]  # Q1: swapped
    tr = time_ratio(params["peak_time"], params["time_decay"], t)
    dr = rate ** params[side + "_depth_decay"]
    return (slothful * tr) * dr, tr, dr


def derive_grid(N: int, H: int, W: int, compat: str,
                activations_shape: Optional[Any] = None) -> Optional[Tuple[int, int]]:
    """The token grid (h, w) of N tokens at latent H x W; None when none fits (the 2D modes cannot run).

    2023/2025 derive it from N/(H*W) as those nodes do (Q4: 2023 rounds and can fail, 2025 can transpose odd
    latents). "fixed" takes the feature map's shape when the host gives it (ComfyUI's SpatialTransformer puts it in
    transformer_options["activations_shape"]), else follows the UNet's downsamples (3x3 conv, stride 2, pad 1:
    ceil halving) until the size is N."""
    if compat == "fixed":
        if activations_shape is not None and len(activations_shape) == 4:
            h, w = int(activations_shape[2]), int(activations_shape[3])
            if h * w == N:
                return h, w
        h, w = H, W
        while h * w > N and (h > 1 or w > 1):
            h, w = (h + 1) // 2, (w + 1) // 2
        return (h, w) if h * w == N else None
    r = math.sqrt(N / (H * W))
    w = round(W * r) if compat == "2023" else math.ceil(W * r)
    if w <= 0:
        return None
    h = N // w
    if compat == "2025" and h * w != N:
        w = math.floor(W * r)
        if w <= 0:
            return None
        h = N // w
    return (h, w) if h * w == N else None


def _shortcut(compat: str, k_blend: float, v_blend: float) -> bool:
    """Q2 (2023: k = v = 1) and Q3 (2025: k = v = 0): the uncropped strided sample is returned as K and V."""
    return ((compat == "2023" and k_blend == 1 and v_blend == 1)
            or (compat == "2025" and k_blend == 0 and v_blend == 0))


def check_blend(name: str, value: float) -> float:
    value = float(value)
    if not (0.0 <= value <= 1.0):  # also rejects NaN
        raise FastMergeNodeError(f"SlothfulAttention: {name} must be in [0, 1], got {value}")
    return value


def pool_kv(x, stride: float, mode: str, k_blend: float, v_blend: float, grid: Optional[Tuple[int, int]],
            compat: str = "fixed"):
    """K', V' of x (B, N, C) (SPEC §7): pooled in float32, rounded to x's dtype after each kernel, lerp with a float32
    weight. Returns (x, x) when stride <= 1; V' is K' (the same tensor) when k_blend == v_blend."""
    import torch
    import torch.nn.functional as F
    if mode not in POOL_MODES:
        raise FastMergeNodeError(f"SlothfulAttention: unknown mode {mode!r} (expected one of {', '.join(POOL_MODES)})")
    if compat not in COMPATS:
        raise FastMergeNodeError(f"SlothfulAttention: unknown compat mode {compat!r}")
    k_blend, v_blend = check_blend("k_blend", k_blend), check_blend("v_blend", v_blend)
    if not isinstance(x, torch.Tensor) or x.dim() != 3:
        raise FastMergeNodeError(f"SlothfulAttention: hidden states must be a (B, N, C) tensor, got "
                                 f"{tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__}")
    if x.dtype not in (torch.float32, torch.float16, torch.bfloat16):
        raise FastMergeNodeError(f"SlothfulAttention: dtype {x.dtype} (expected float32, float16 or bfloat16)")
    if not stride > 1:
        return x, x
    B, N, C = x.shape
    dt = x.dtype
    # float32 accumulation and comparisons, one rounding to dt per kernel: what torch's CUDA kernels do for fp16
    # (SPEC §7, R6), and possible on every device (torch 1.13's CPU pooling has no fp16).
    xf = x.float()
    if mode.startswith("1D"):
        s = _clip(math.ceil(stride), 1, N)
        # The node's kernel-1 average pool: +0 + x, so -0 becomes +0 (R7); ceil(N/s) samples.
        one = xf[:, ::s, :] + 0.0
        if _shortcut(compat, k_blend, v_blend):
            out = one.to(dt).contiguous()
            return out, out
        pool = (F.avg_pool2d if mode == "1D_AVG" else F.max_pool2d)(xf, (s, 1), stride=(s, 1))  # (B, N//s, C)
        one = one[:, :pool.shape[1], :]
    else:
        if grid is None or grid[0] * grid[1] != N:
            raise FastMergeNodeError(f"SlothfulAttention: {N} tokens do not fit the grid {grid}")
        h, w = grid
        sy = _clip(math.ceil(math.sqrt(stride)), 1, h)
        sx = _clip(math.ceil(stride / sy), 1, w)
        x4 = xf.reshape(B, h, w, C)
        one = x4[:, ::sy, ::sx, :] + 0.0
        if _shortcut(compat, k_blend, v_blend):
            out = one.reshape(B, -1, C).to(dt).contiguous()
            return out, out
        # 4-D input is unbatched for pool3d: (C=B, D=h, H=w, W=C), windows over rows and columns only.
        pool = (F.avg_pool3d if mode == "2D_AVG" else F.max_pool3d)(x4, (sy, sx, 1), stride=(sy, sx, 1))
        one = one[:, :pool.shape[1], :pool.shape[2], :]
    a = one.reshape(B, -1, C).to(dt).float()
    b = pool.reshape(B, -1, C).to(dt).float()
    k = torch.lerp(a, b, k_blend).to(dt)
    v = k if k_blend == v_blend else torch.lerp(a, b, v_blend).to(dt)
    return k, v


def pool_kv_fastmerge(x, stride: float, mode: str, k_blend: float, v_blend: float,
                      grid: Optional[Tuple[int, int]], compat: str = "fixed"):
    """pool_kv through libfastmerge's SIMD kernels (fastmerge.slothful_pool, the same bits) for CPU tensors only:
    the numpy arrays it takes share memory with a CPU tensor, while a GPU tensor would make a round trip."""
    import numpy as np
    import torch
    import fastmerge
    from .common import run_fastmerge
    if not isinstance(x, torch.Tensor) or x.device.type != "cpu":
        raise FastMergeNodeError("SlothfulAttention: the fastmerge pooling takes CPU tensors only")
    if not stride > 1 or x.dim() != 3 or x.dtype not in (torch.float32, torch.float16, torch.bfloat16):
        return pool_kv(x, stride, mode, k_blend, v_blend, grid, compat)  # pass-through, or the same error
    k_blend, v_blend = check_blend("k_blend", k_blend), check_blend("v_blend", v_blend)
    bf16 = x.dtype == torch.bfloat16
    a = x.contiguous()
    arr = a.view(torch.int16).numpy().view(np.uint16) if bf16 else a.numpy()
    k, v = run_fastmerge(fastmerge.slothful_pool, arr, float(stride), mode, grid=grid, k_blend=k_blend,
                         v_blend=v_blend, compat=compat, lerp="fused", bf16=bf16)

    def back(y):
        return torch.from_numpy(y.view(np.int16)).view(torch.bfloat16) if bf16 else torch.from_numpy(y)

    kt = back(k)
    return kt, (kt if v is k else back(v))
