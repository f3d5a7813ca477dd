"""The bulk node: an α sweep of one recipe written as files in one pass over the inputs (fastmerge.bulk)."""
from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, List

from . import common
from .common import FastMergeNodeError
from .nodes_merge import build_recipe

MAX_VARIANTS = 1000  # a typo in the step (0.0001) should not fill the disk


def alpha_values(start: float, stop: float, step: float) -> List[float]:
    """start, start+step, ..., stop inclusive, in decimal arithmetic so 0.1 steps land on 0.3, not 0.30000000000000004."""
    try:
        s, e, d = (Decimal(repr(float(v))) for v in (start, stop, step))
    except InvalidOperation:
        raise FastMergeNodeError("FastMerge: α range values must be numbers") from None
    if d <= 0:
        raise FastMergeNodeError(f"FastMerge: α step must be positive, got {step}")
    if e < s:
        raise FastMergeNodeError(f"FastMerge: α range {start}..{stop} is empty")
    count = int((e - s) / d) + 1
    if count > MAX_VARIANTS:
        raise FastMergeNodeError(f"FastMerge: α range {start}..{stop} step {step} makes {count} files (at most {MAX_VARIANTS})")
    return [float(s + i * d) for i in range(count)]


class FastMergeBulk:
    """Writes one merge per α value into a subfolder of the checkpoints folder, with ComfyUI's progress bar."""

    @classmethod
    def INPUT_TYPES(cls):
        import folder_paths
        names = folder_paths.get_filename_list("checkpoints")
        return {
            "required": {
                "ckpt_name_a": (names,),
                "ckpt_name_b": (names,),
                "mode": (common.MODES, {"default": "ws"}),
                "calcmode": (common.CALCMODES, {"default": "normal"}),
                "alpha_from": ("FLOAT", {"default": 0.0, "min": -1.0, "max": 2.0, "step": 0.01}),
                "alpha_to": ("FLOAT", {"default": 1.0, "min": -1.0, "max": 2.0, "step": 0.01}),
                "alpha_step": ("FLOAT", {"default": 0.25, "min": 0.001, "max": 3.0, "step": 0.001}),
                "beta": ("FLOAT", {"default": 0.25, "min": -1.0, "max": 2.0, "step": 0.01}),
                "preset": (common.PRESETS, {"default": "none"}),
                "block_weights": ("STRING", {"default": ""}),
                "position_ids": (common.POSITION_IDS, {"default": "reset"}),
                "dtype": (common.DTYPES, {"default": "keep"}),
                "subfolder": ("STRING", {"default": "fastmerge-sweep"}),
                "overwrite": ("BOOLEAN", {"default": False}),
            },
            "optional": {"ckpt_name_c": (["none"] + names, {"default": "none"}),
                         "seed": ("INT", {"default": -1, "min": -1, "max": 4294967295,
                                          "tooltip": "seed of plus random and R/U/X block weights; -1: none"})},
        }

    RETURN_TYPES = ("STRING",)
    RETURN_NAMES = ("ckpt_names",)
    FUNCTION = "sweep"
    OUTPUT_NODE = True
    CATEGORY = "advanced/model_merging/fastmerge"
    DESCRIPTION = "Merges a sweep of α values to files in one pass over the inputs (fastmerge bulk)."

    def plan(self, ckpt_name_a, ckpt_name_b, mode, calcmode, alpha_from, alpha_to, alpha_step, beta, preset,
             block_weights, position_ids, dtype, subfolder, ckpt_name_c=None, seed=-1) -> List[Dict[str, Any]]:
        a, b = common.checkpoint_path(ckpt_name_a), common.checkpoint_path(ckpt_name_b)
        c = common.checkpoint_path(ckpt_name_c) if ckpt_name_c and ckpt_name_c != "none" else None
        if mode == "ad" and c is None:
            raise FastMergeNodeError("FastMerge: add difference (ad) needs model C")
        sub = subfolder.strip()
        if not sub or os.path.basename(sub) != sub or sub in (".", ".."):
            raise FastMergeNodeError(f"FastMerge: subfolder '{subfolder}' must be one folder name")
        folder = os.path.join(common.checkpoints_dir(), sub)
        stem_b = os.path.splitext(os.path.basename(b))[0]
        variants = []
        for alpha in alpha_values(alpha_from, alpha_to, alpha_step):
            variant = build_recipe(mode, calcmode, alpha, beta, preset, block_weights, position_ids, dtype, seed=seed)
            variant["a"], variant["b"] = {"path": a}, {"path": b}
            if c is not None:
                variant["c"] = {"path": c}
            variant["out"] = os.path.join(folder, f"{stem_b}_{mode}_{calcmode}_a{alpha}.safetensors")
            variants.append(variant)
        return variants

    def sweep(self, overwrite=False, **inputs):
        import fastmerge
        variants = self.plan(**inputs)
        folder = os.path.dirname(variants[0]["out"])
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as ex:
            raise FastMergeNodeError(f"FastMerge: cannot create {folder}: {ex.strerror}") from None
        # A variant that fails is named in the one-line error; the variants that succeeded stay written, complete.
        # resume: a file whose metadata already records its variant's recipe is kept, so running the graph again
        # (or after a restart) merges only what is missing; overwrite rewrites them all.
        options = {"overwrite": True} if overwrite else {"resume": True}
        summary = common.run_fastmerge(fastmerge.bulk, variants, progress=common.progress_callback(), **options)
        skipped = sum(1 for v in summary.get("variants", []) if v.get("status") == "skipped")
        names = [os.path.relpath(v["out"], common.checkpoints_dir()) for v in variants]
        text = "\n".join(names)
        done = f"wrote {len(names) - skipped} files" + (f", kept {skipped} already merged" if skipped else "")
        return {"ui": {"text": [f"{done}:\n{text}"]}, "result": (text,)}
