"""The checkpoint-merge node: FastMerge writes the merge into the checkpoints folder and it loads as a checkpoint."""
from __future__ import annotations

import os
from typing import Any, Dict, List

from . import common
from .common import FastMergeNodeError


def _checkpoint_names() -> List[str]:
    import folder_paths
    return folder_paths.get_filename_list("checkpoints")


def build_recipe(mode: str, calcmode: str, alpha: float, beta: float, preset: str, block_weights: str,
                 position_ids: str, dtype: str, beta_preset: str = "none", beta_block_weights: str = "",
                 seed: int = -1) -> Dict[str, Any]:
    """The recipe members passed to fastmerge.merge (the CLI's recipe JSON, without the input paths)."""
    if mode not in common.MODES:
        raise FastMergeNodeError(f"FastMerge: unknown mode '{mode}' (one of {', '.join(common.MODES)})")
    recipe: Dict[str, Any] = {"mode": mode, "calcmode": calcmode, "alpha": alpha, "position_ids": position_ids,
                              "dtype": dtype}
    if mode in ("ts", "st"):  # only the two-step modes read β; others would record a value that did nothing
        recipe["beta"] = beta
    weights = common.block_list(preset, block_weights)
    if weights is not None:
        recipe["weights_alpha"] = weights
    weights_beta = common.block_list(beta_preset, beta_block_weights)
    if weights_beta is not None:
        recipe["weights_beta"] = weights_beta
    if seed >= 0:  # -1: none (a recipe that draws nothing records no seed)
        recipe["seed"] = seed
    return recipe


class FastMergeCheckpoints:
    """Merges two or three checkpoints (every supermerger mode and calcmode, block weights) and loads the result."""

    @classmethod
    def INPUT_TYPES(cls):
        names = _checkpoint_names()
        return {
            "required": {
                "ckpt_name_a": (names, {"tooltip": "model A (the base)"}),
                "ckpt_name_b": (names, {"tooltip": "model B"}),
                "mode": (common.MODES, {"default": "ws", "tooltip": "ws weighted sum, ad add difference (needs C), "
                                        "ts triple sum, st sum twice, ss scaled sum"}),
                "calcmode": (common.CALCMODES, {"default": "normal"}),
                "alpha": ("FLOAT", {"default": 0.5, "min": -1.0, "max": 2.0, "step": 0.01}),
                "beta": ("FLOAT", {"default": 0.25, "min": -1.0, "max": 2.0, "step": 0.01}),
                "preset": (common.PRESETS, {"default": "none", "tooltip": "block-weight preset for α"}),
                "block_weights": ("STRING", {"default": "", "multiline": False,
                                             "tooltip": "26 values (SD: BASE,IN00..IN11,M00,OUT00..OUT11) or 20 "
                                                        "(SDXL), or a preset name; overrides the preset"}),
                "position_ids": (common.POSITION_IDS, {"default": "reset"}),
                "dtype": (common.DTYPES, {"default": "keep"}),
                "output_name": ("STRING", {"default": "", "tooltip": "empty: named from the recipe"}),
                "overwrite": ("BOOLEAN", {"default": False}),
            },
            "optional": {
                "ckpt_name_c": (["none"] + names, {"default": "none", "tooltip": "model C (add difference, triple sum)"}),
                "beta_preset": (common.PRESETS, {"default": "none"}),
                "beta_block_weights": ("STRING", {"default": ""}),
                "seed": ("INT", {"default": -1, "min": -1, "max": 4294967295,
                                 "tooltip": "seed of calcmode plus random and of random block weights (R, U, X); -1: none"}),
            },
        }

    RETURN_TYPES = ("MODEL", "CLIP", "VAE", "STRING")
    RETURN_NAMES = ("MODEL", "CLIP", "VAE", "ckpt_name")
    OUTPUT_TOOLTIPS = ("the merged diffusion model", "the merged text encoder", "the merged VAE",
                       "the merged file's name in the checkpoints folder")
    FUNCTION = "merge"
    CATEGORY = "advanced/model_merging/fastmerge"
    DESCRIPTION = "Merges checkpoints with FastMerge into the checkpoints folder (cached by recipe) and loads the result."

    @classmethod
    def _plan(cls, ckpt_name_a, ckpt_name_b, mode, calcmode, alpha, beta, preset, block_weights, position_ids, dtype,
              output_name, ckpt_name_c=None, beta_preset="none", beta_block_weights="", seed=-1):
        a, b = common.checkpoint_path(ckpt_name_a), common.checkpoint_path(ckpt_name_b)
        c = common.checkpoint_path(ckpt_name_c) if ckpt_name_c and ckpt_name_c != "none" else None
        if mode == "ad" and c is None:
            raise FastMergeNodeError("FastMerge: add difference (ad) needs model C")
        recipe = build_recipe(mode, calcmode, alpha, beta, preset, block_weights, position_ids, dtype,
                              beta_preset, beta_block_weights, seed)
        inputs = [a, b] + ([c] if c else [])
        key = common.recipe_hash(recipe, inputs)
        stem = "fm_{}_{}_{}_{}_a{}_{}".format(os.path.splitext(os.path.basename(a))[0],
                                              os.path.splitext(os.path.basename(b))[0], mode, calcmode, alpha, key[:10])
        return a, b, c, recipe, key, common.output_path(output_name, stem)

    @classmethod
    def IS_CHANGED(cls, **kwargs):
        # Re-run when the recipe or an input file changes; otherwise ComfyUI keeps the loaded outputs.
        try:
            return cls._plan(**{k: v for k, v in kwargs.items() if k != "overwrite"})[4]
        except Exception:  # noqa: BLE001 - let merge() report the problem on the node
            return float("nan")

    def merge(self, ckpt_name_a, ckpt_name_b, mode, calcmode, alpha, beta, preset, block_weights, position_ids,
              dtype, output_name, overwrite=False, ckpt_name_c=None, beta_preset="none", beta_block_weights="", seed=-1):
        import fastmerge
        a, b, c, recipe, key, out = self._plan(ckpt_name_a, ckpt_name_b, mode, calcmode, alpha, beta, preset,
                                               block_weights, position_ids, dtype, output_name, ckpt_name_c,
                                               beta_preset, beta_block_weights, seed)
        cached = common.cached_output(key, os.path.dirname(out))
        if cached is None or cached != out:
            if os.path.exists(out) and not overwrite:
                raise FastMergeNodeError(f"FastMerge: {out} already exists; choose another output name or set overwrite")
            common.run_fastmerge(fastmerge.merge, a, b, out, c=c, overwrite=overwrite,
                                 progress=common.progress_callback(), **recipe)
            common.run_fastmerge(common.remember_output, key, out)
        model, clip, vae = common.load_checkpoint(out)
        return (model, clip, vae, os.path.basename(out))
