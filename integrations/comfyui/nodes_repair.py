"""Model-doctor nodes: check (report as text on the node) and the repairs of `fastmerge fix`, each writing a new
file into the checkpoints folder (the input is never written; the output appears only complete)."""
from __future__ import annotations

import os
from typing import Any, Dict, List

from . import common
from .common import FastMergeNodeError


def _checkpoint_names() -> List[str]:
    import folder_paths
    return folder_paths.get_filename_list("checkpoints")


def report_text(report: Dict[str, Any]) -> str:
    """The doctor's report (schema fastmerge.check/1) as the lines shown on the node."""
    arch = report.get("architecture") or {}
    lines = [
        "{}: {}".format(os.path.basename(str(report.get("path", ""))), "healthy" if report.get("healthy") else "PROBLEMS FOUND"),
        "architecture: {}{}".format(arch.get("name") or arch.get("id") or "unknown", " (with EMA)" if arch.get("ema") else ""),
        "tensors: {}, {} bytes".format(report.get("tensor_count"), report.get("file_bytes")),
    ]
    for pid in report.get("position_ids") or []:
        state = "clean" if pid.get("clean") else "damaged (dtype {}, exact integers: {})".format(
            pid.get("dtype"), pid.get("exact_integers"))
        lines.append("position ids {}: {}".format(pid.get("key"), state))
    non_finite = report.get("non_finite") or []
    lines.append("NaN/Inf: none" if not non_finite else "NaN/Inf in {} tensors: {}".format(
        len(non_finite), ", ".join("{} ({} NaN, {} Inf)".format(t.get("key"), t.get("nan"), t.get("inf"))
                                   for t in non_finite[:5]) + (" ..." if len(non_finite) > 5 else "")))
    for problem in report.get("problems") or []:
        fix = problem.get("fix")
        lines.append("- {}{}".format(problem.get("message"), f"  [fix: {fix}]" if fix else ""))
    sha = (report.get("hashes") or {}).get("sha256")
    if sha:
        lines.append(f"sha256: {sha}")
    return "\n".join(lines)


class FastMergeCheck:
    """The model doctor: position ids, junk keys, EMA, NaN/Inf, architecture; the report is shown as text."""

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {"ckpt_name": (_checkpoint_names(),)}}

    RETURN_TYPES = ("STRING",)
    RETURN_NAMES = ("report",)
    FUNCTION = "check"
    OUTPUT_NODE = True
    CATEGORY = "advanced/model_merging/fastmerge"
    DESCRIPTION = "Checks a checkpoint (fastmerge check) and shows the report."

    def check(self, ckpt_name):
        import fastmerge
        report = common.run_fastmerge(fastmerge.check, common.checkpoint_path(ckpt_name))
        text = report_text(report)
        return {"ui": {"text": [text]}, "result": (text,)}


class _FixNode:
    """A `fastmerge fix` job: subclasses name the options the node exposes; the file goes to the checkpoints folder."""

    SUFFIX = "fixed"
    RETURN_TYPES = ("STRING",)
    RETURN_NAMES = ("ckpt_name",)
    FUNCTION = "fix"
    OUTPUT_NODE = True
    CATEGORY = "advanced/model_merging/fastmerge"

    @classmethod
    def extra_inputs(cls) -> Dict[str, Any]:
        return {}

    @classmethod
    def INPUT_TYPES(cls):
        required = {"ckpt_name": (_checkpoint_names(),)}
        required.update(cls.extra_inputs())
        required["output_name"] = ("STRING", {"default": "", "tooltip": f"empty: NAME-{cls.SUFFIX}.safetensors"})
        required["overwrite"] = ("BOOLEAN", {"default": False})
        return {"required": required}

    def options(self, **inputs: Any) -> Dict[str, Any]:
        raise NotImplementedError

    def fix(self, ckpt_name, output_name, overwrite=False, **inputs):
        import fastmerge
        source = common.checkpoint_path(ckpt_name)
        out = common.output_path(output_name, "{}-{}".format(os.path.splitext(os.path.basename(ckpt_name))[0], self.SUFFIX))
        if os.path.abspath(out) == os.path.abspath(source):
            raise FastMergeNodeError(f"FastMerge: the output {out} would replace the input; choose another name")
        if os.path.exists(out) and not overwrite:
            raise FastMergeNodeError(f"FastMerge: {out} already exists; choose another output name or set overwrite")
        options = self.options(**inputs)
        common.run_fastmerge(fastmerge.fix, source, out, overwrite=overwrite, **options)
        name = os.path.basename(out)
        return {"ui": {"text": [f"wrote {name}"]}, "result": (name,)}


class FastMergeFixPositionIds(_FixNode):
    SUFFIX = "posfix"
    DESCRIPTION = "Rewrites CLIP position ids as int64 [[0..n-1]] (the drift broken mergers leave)."

    def options(self, **inputs):
        return {"position_ids": "reset"}


class FastMergePrune(_FixNode):
    SUFFIX = "pruned"
    DESCRIPTION = "Drops the EMA copy and keys no loader uses."

    def options(self, **inputs):
        return {"prune": True, "position_ids": "keep"}


class FastMergeConvertPrecision(_FixNode):
    SUFFIX = "converted"
    DESCRIPTION = "Converts every floating tensor to fp16, bf16, fp32 or fp8."

    @classmethod
    def extra_inputs(cls):
        return {"dtype": (["fp16", "bf16", "fp32", "fp8_e4m3", "fp8_e5m2"], {"default": "fp16"})}

    def options(self, dtype="fp16", **inputs):
        return {"dtype": dtype, "position_ids": "keep"}


class FastMergeBakeVAE(_FixNode):
    SUFFIX = "vae"
    DESCRIPTION = "Replaces the checkpoint's VAE with one from the vae folder."

    @classmethod
    def extra_inputs(cls):
        import folder_paths
        return {"vae_name": (folder_paths.get_filename_list("vae"),)}

    def options(self, vae_name="", **inputs):
        return {"vae": common.folder_path("vae", vae_name), "position_ids": "keep"}
