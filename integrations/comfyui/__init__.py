"""FastMerge for ComfyUI: copy or clone this folder into ComfyUI/custom_nodes/ and install the fastmerge wheel.

Importing the pack does no work: the host modules and libfastmerge.so are loaded when a node first runs.
"""
from .nodes_bulk import FastMergeBulk
from .nodes_merge import FastMergeCheckpoints
from .nodes_repair import (
    FastMergeBakeVAE,
    FastMergeCheck,
    FastMergeConvertPrecision,
    FastMergeFixPositionIds,
    FastMergePrune,
)
from .nodes_slothful import SlothfulAttention

NODE_CLASS_MAPPINGS = {
    "FastMergeCheckpoints": FastMergeCheckpoints,
    "FastMergeCheck": FastMergeCheck,
    "FastMergeFixPositionIds": FastMergeFixPositionIds,
    "FastMergePrune": FastMergePrune,
    "FastMergeConvertPrecision": FastMergeConvertPrecision,
    "FastMergeBakeVAE": FastMergeBakeVAE,
    "FastMergeBulk": FastMergeBulk,
    "FastMergeSlothfulAttention": SlothfulAttention,
}

NODE_DISPLAY_NAME_MAPPINGS = {
    "FastMergeCheckpoints": "FastMerge: Merge Checkpoints",
    "FastMergeCheck": "FastMerge: Check Model",
    "FastMergeFixPositionIds": "FastMerge: Fix Position IDs",
    "FastMergePrune": "FastMerge: Prune",
    "FastMergeConvertPrecision": "FastMerge: Convert Precision",
    "FastMergeBakeVAE": "FastMerge: Bake VAE",
    "FastMergeBulk": "FastMerge: Bulk Sweep",
    "FastMergeSlothfulAttention": "FastMerge: SlothfulAttention",
}

__all__ = ["NODE_CLASS_MAPPINGS", "NODE_DISPLAY_NAME_MAPPINGS"]
