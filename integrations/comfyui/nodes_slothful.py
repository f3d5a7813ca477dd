"""The SlothfulAttention node: a self-attention (attn1) patch that pools the keys and values of every UNet
transformer block with a window set by the timestep and the block's depth (shared/slothful/SPEC.md), so attention
runs over fewer keys. Installed as the original node installs it: model.clone() and set_model_attn1_patch."""
from __future__ import annotations

from . import slothful_torch as st
from .common import FastMergeNodeError

# UI names of the compat modes -> the schedule's names (SPEC §9).
COMPAT_MODES = {"Fixed": "fixed", "Original2023": "2023", "Nearsighted2025": "2025"}
# How CPU hidden states are pooled (same bits): libfastmerge's SIMD kernels or torch. GPU tensors always use torch.
CPU_POOLING = ["fastmerge", "torch"]
# The original node's widgets and ranges (SPEC §4), identical in 2023 and 2025.
_RANGES = {"peak_time": (0.4, 0.0, 1.0, 0.1), "time_decay": (2.0, 0.0, 4.0, 0.5),
           "in_depth_decay": (2.0, 0.0, 4.0, 0.5), "in_slothful": (6.0, 0.0, 50.0, 0.5),
           "in_k_blend": (0.0, 0.0, 1.0, 0.05), "in_v_blend": (0.0, 0.0, 1.0, 0.05),
           "out_depth_decay": (2.0, 0.0, 4.0, 0.5), "out_slothful": (4.0, 0.0, 50.0, 0.5),
           "out_k_blend": (0.0, 0.0, 1.0, 0.05), "out_v_blend": (0.0, 0.0, 1.0, 0.05)}


def _float(default, lo, hi, step):
    return ("FLOAT", {"default": default, "min": lo, "max": hi, "step": step})


def check_settings(settings):
    """Every widget value in its range and every mode known, else one readable error (the UI enforces the ranges;
    an API prompt does not)."""
    for name, (_, lo, hi, _) in _RANGES.items():
        value = settings[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (lo <= float(value) <= hi):
            raise FastMergeNodeError(f"SlothfulAttention: {name} must be a number in [{lo}, {hi}], got {value!r}")
    for name in ("in_mode", "out_mode"):
        if settings[name] not in st.POOL_MODES:
            raise FastMergeNodeError(f"SlothfulAttention: {name} {settings[name]!r} is not one of "
                                     f"{', '.join(st.POOL_MODES)}")


def make_patch(model, settings, compat, cpu_pooling="fastmerge"):
    """The attn1 patch p(q, k, v, extra_options) -> (q, K', V') of the 2023/2025 node: it pools q (the block's
    norm1 output), which is k and v unless an earlier attn1 patch changed them; middle blocks and strides <= 1 pass
    q through unchanged."""
    model_channels = int(model.model.model_config.unet_config["model_channels"])
    model_sampling = model.model.model_sampling

    def slothful_attn1_patch(q, k, v, extra_options):
        block = extra_options["block"][0]
        if block == "middle":
            return q, q, q
        side = "out" if block == "output" else "in"
        t = model_sampling.timestep(extra_options["sigmas"][0]).item()
        if q.dim() != 3:
            raise FastMergeNodeError(f"SlothfulAttention: hidden states must be (B, N, C), got {tuple(q.shape)}")
        _, N, C = q.shape
        stride, _, _ = st.layer_stride(settings, side, C, model_channels, int(extra_options["n_heads"]), t, compat)
        if stride <= 1:
            return q, q, q
        mode = settings[side + "_mode"]
        grid = None
        if mode.startswith("2D"):
            shape = extra_options["original_shape"]
            grid = st.derive_grid(N, int(shape[2]), int(shape[3]), compat, extra_options.get("activations_shape"))
            if grid is None:  # the 2023 node raises inside einops here; say why instead
                raise FastMergeNodeError(
                    f"SlothfulAttention: {N} tokens do not form a grid for the {shape[2]}x{shape[3]} latent in "
                    f"compat mode {compat} (latent sides not multiples of 4); use compat Fixed or a 1D mode")
        pool = st.pool_kv_fastmerge if cpu_pooling == "fastmerge" and q.device.type == "cpu" else st.pool_kv
        kk, vv = pool(q, stride, mode, settings[side + "_k_blend"], settings[side + "_v_blend"], grid, compat)
        return q, kk, vv

    return slothful_attn1_patch


class SlothfulAttention:
    """SlothfulAttention (MitoshiroPJ, 2023; 2025 in comfyui_nearsighted_attention): self-attention keys and values
    pooled before their projection, strongest at peak_time and in the shallow blocks."""

    @classmethod
    def INPUT_TYPES(cls):
        required = {"model": ("MODEL",), "peak_time": _float(*_RANGES["peak_time"]),
                    "time_decay": _float(*_RANGES["time_decay"])}
        for side in ("in", "out"):
            required[side + "_mode"] = (list(st.POOL_MODES), {"default": "2D_AVG"})
            for name in ("depth_decay", "slothful", "k_blend", "v_blend"):
                required[f"{side}_{name}"] = _float(*_RANGES[f"{side}_{name}"])
        required["compat"] = (list(COMPAT_MODES), {"default": "Fixed"})
        return {"required": required, "optional": {"cpu_pooling": (list(CPU_POOLING), {"default": "fastmerge"})}}

    RETURN_TYPES = ("MODEL",)
    FUNCTION = "patch_model"
    CATEGORY = "model_patches/unet"
    DESCRIPTION = ("Pools self-attention keys/values by timestep and depth (SlothfulAttention). compat: Fixed (in/out "
                   "slothful as named, no blend shortcut, the UNet's real token grid), Original2023, Nearsighted2025 "
                   "(bit-compatible with those nodes, quirks included).")

    def patch_model(self, model, peak_time, time_decay, in_mode, in_depth_decay, in_slothful, in_k_blend, in_v_blend,
                    out_mode, out_depth_decay, out_slothful, out_k_blend, out_v_blend, compat="Fixed",
                    cpu_pooling="fastmerge"):
        if compat not in COMPAT_MODES:
            raise FastMergeNodeError(f"SlothfulAttention: compat {compat!r} is not one of {', '.join(COMPAT_MODES)}")
        if cpu_pooling not in CPU_POOLING:
            raise FastMergeNodeError(f"SlothfulAttention: cpu_pooling {cpu_pooling!r} is not one of "
                                     f"{', '.join(CPU_POOLING)}")
        settings = dict(peak_time=peak_time, time_decay=time_decay, in_mode=in_mode, in_depth_decay=in_depth_decay,
                        in_slothful=in_slothful, in_k_blend=in_k_blend, in_v_blend=in_v_blend, out_mode=out_mode,
                        out_depth_decay=out_depth_decay, out_slothful=out_slothful, out_k_blend=out_k_blend,
                        out_v_blend=out_v_blend)
        check_settings(settings)
        settings = {k: (float(v) if k in _RANGES else v) for k, v in settings.items()}  # the node works in doubles
        m = model.clone()
        m.set_model_attn1_patch(make_patch(m, settings, COMPAT_MODES[compat], cpu_pooling))
        return (m,)
