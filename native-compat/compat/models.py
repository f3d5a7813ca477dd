"""The synthetic checkpoints the compat matrix merges.

Every model is written by `fastmerge synth` (real SD key names and shapes from shared/arch, shrunk
by --scale) with its own seed, so A, B and C differ everywhere; A, B and C use different dtypes so
every merge mixes fp16, bf16 and fp32 inputs. Two variants carry damaged CLIP position ids: F32
values drifting around their integers the way repeated merges leave them (shared/vectors has a
real one), which is the case the `merge` position-ids policy exists for.
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "native-compat", "reference"))

import torch  # noqa: E402

from safetensors_io import load_file, save_file  # noqa: E402

SD1_POSITION_IDS_KEY = "cond_stage_model.transformer.text_model.embeddings.position_ids"


@dataclass(frozen=True)
class ModelSpec:
    name: str
    arch: str
    dtype: str
    seed: int
    scale: int = 32
    extra: Tuple[str, ...] = ()         # further synth flags (--ema, --junk)
    drifted_from: Optional[str] = None  # copy of that model with the damaged position ids
    specials_from: Optional[str] = None  # copy of that model with special values written into every float tensor
    specials: str = ""                   # "nonfinite" (NaN, +inf, -inf, -0) or "negzero" (-0 every 5th element)


MODELS: List[ModelSpec] = [
    ModelSpec("sd1-a", "sd1", "fp16", 11),
    ModelSpec("sd1-b", "sd1", "bf16", 12),
    ModelSpec("sd1-c", "sd1", "fp32", 13),
    ModelSpec("sd1-a-junk", "sd1", "fp16", 11, extra=("--junk",)),
    ModelSpec("sd1-b-ema", "sd1", "bf16", 12, extra=("--ema",)),
    ModelSpec("sd1-inpaint-a", "sd1-inpaint", "fp32", 14),
    ModelSpec("sd1-a-drift", "sd1", "fp16", 11, drifted_from="sd1-a"),
    ModelSpec("sd1-b-drift", "sd1", "bf16", 12, drifted_from="sd1-b"),
    # weighted sum at alpha 0 / 1 keeps A / copies B: NaN, inf and -0 of the other model must not leak (SPEC §3)
    ModelSpec("sd1-a-negzero", "sd1", "fp16", 11, specials_from="sd1-a", specials="negzero"),
    ModelSpec("sd1-b-nonfinite", "sd1", "bf16", 12, specials_from="sd1-b", specials="nonfinite"),
    ModelSpec("sd1x8-a", "sd1", "fp16", 31, scale=8),
    ModelSpec("sd1x8-b", "sd1", "bf16", 32, scale=8),
    ModelSpec("sd1x8-c", "sd1", "fp16", 33, scale=8),
    ModelSpec("sd2-a", "sd2", "fp16", 41),
    ModelSpec("sd2-b", "sd2", "bf16", 42),
    ModelSpec("sdxl-a", "sdxl", "bf16", 21),
    ModelSpec("sdxl-b", "sdxl", "fp32", 22),
    ModelSpec("sdxl-c", "sdxl", "fp16", 23),
    ModelSpec("sdxl-b-nonfinite", "sdxl", "fp32", 22, specials_from="sdxl-b", specials="nonfinite"),
]


def model_path(folder: str, name: str) -> str:
    return os.path.join(folder, name + ".safetensors")


def drifted_position_ids(n: int = 77) -> torch.Tensor:
    """F32 [1, n]: i minus a small drift for most i (75.9975 truncates to 75), a few exact or just above."""
    drift = torch.tensor([0.0, 2.5e-3, 3.0e-5, -1.0e-4, 6.1e-4, 1.0e-6, 0.0, 2.0e-2], dtype=torch.float64)
    values = torch.arange(n, dtype=torch.float64) - drift[torch.arange(n) % len(drift)]
    return values.to(torch.float32).reshape(1, n)


def _with_drifted_position_ids(source: str, target: str) -> None:
    """`source` with its CLIP position ids replaced by a drifted F32 tensor."""
    tensors = load_file(source)
    if SD1_POSITION_IDS_KEY not in tensors:
        raise RuntimeError(f"{source} has no {SD1_POSITION_IDS_KEY}")
    tensors[SD1_POSITION_IDS_KEY] = drifted_position_ids(tensors[SD1_POSITION_IDS_KEY].shape[-1])
    save_file(tensors, target, {"format": "pt"})


def _with_specials(source: str, target: str, kind: str) -> None:
    """`source` with special values in every floating tensor (position ids untouched)."""
    tensors = load_file(source)
    for key, t in tensors.items():
        if not t.is_floating_point() or key.endswith("position_ids") or t.numel() == 0:
            continue
        flat = t.reshape(-1).clone()
        if kind == "nonfinite":
            values = [float("nan"), float("inf"), float("-inf"), -0.0]
            for i, v in enumerate(values[:flat.numel()]):
                flat[(i * 7919) % flat.numel()] = v
        elif kind == "negzero":
            flat[::5] = -0.0
        else:
            raise ValueError(kind)
        tensors[key] = flat.reshape(t.shape)
    save_file(tensors, target, {"format": "pt"})


def generate(fastmerge: List[str], folder: str, names: Optional[List[str]] = None) -> Dict[str, str]:
    """Write the models (all, or those named and what they derive from) into `folder`; name -> path."""
    os.makedirs(folder, exist_ok=True)
    wanted = set(names) if names is not None else {m.name for m in MODELS}
    wanted |= {m.drifted_from for m in MODELS if m.name in wanted and m.drifted_from}
    wanted |= {m.specials_from for m in MODELS if m.name in wanted and m.specials_from}
    paths: Dict[str, str] = {}
    for m in MODELS:  # sources come before the variants derived from them
        if m.name not in wanted:
            continue
        path = model_path(folder, m.name)
        if m.drifted_from:
            _with_drifted_position_ids(paths[m.drifted_from], path)
        elif m.specials_from:
            _with_specials(paths[m.specials_from], path, m.specials)
        else:
            cmd = fastmerge + ["synth", "--arch", m.arch, "--scale", str(m.scale), "--dtype", m.dtype,
                               "--seed", str(m.seed), *m.extra, "-o", path, "--overwrite"]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()}")
        paths[m.name] = path
    return paths
