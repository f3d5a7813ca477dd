"""Tiny synthetic Stable Diffusion checkpoints for tests: real key names, shapes scaled down.

Key names and shapes come from /work/shared/arch/*.txt (override with FASTMERGE_ARCH_DIR), put
under the prefixes of /work/shared/arch/README.md. Every dimension above 16 is divided by
`scale` (at least 2 remain), so channel counts such as 4/8/9 and kernel sizes survive; CLIP
position ids stay int64 [1, 77] holding 0..76.

    python3 sdmodels.py sd1 out.safetensors [--seed N] [--dtype fp16|bf16|fp32] [--scale 64]
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Dict, List, Optional, Tuple

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from safetensors_io import save_file  # noqa: E402

ARCH_DIR = os.environ.get("FASTMERGE_ARCH_DIR", "/work/shared/arch")

# kind -> [(component file, prefix)]
KINDS: Dict[str, List[Tuple[str, str]]] = {
    "sd1": [("UNET-v1-SD", "model.diffusion_model."),
            ("CLIP-v1-SD", "cond_stage_model.transformer.text_model."),
            ("VAE-v1-SD", "first_stage_model.")],
    "sd1-inpainting": [("UNET-v1-Inpainting", "model.diffusion_model."),
                       ("CLIP-v1-SD", "cond_stage_model.transformer.text_model."),
                       ("VAE-v1-SD", "first_stage_model.")],
    "sd1-pix2pix": [("UNET-v1-Pix2Pix", "model.diffusion_model."),
                    ("CLIP-v1-SD", "cond_stage_model.transformer.text_model."),
                    ("VAE-v1-SD", "first_stage_model.")],
    "sd2": [("UNET-v2-SD", "model.diffusion_model."),
            ("CLIP-v2-SD", "cond_stage_model.model."),
            ("VAE-v1-SD", "first_stage_model.")],
    "sdxl": [("UNET-XL-SD", "model.diffusion_model."),
             ("CLIP-v1-SD", "conditioner.embedders.0.transformer.text_model."),
             ("CLIP-XL-SD", "conditioner.embedders.1.model."),
             ("VAE-v1-SD", "first_stage_model.")],
}

DTYPES = {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32}


def read_component(name: str) -> List[Tuple[str, Tuple[int, ...]]]:
    out = []
    with open(os.path.join(ARCH_DIR, name + ".txt"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            key, shape = line.rsplit(" ", 1)
            dims = shape.strip("[]")
            out.append((key, tuple(int(d) for d in dims.split(",")) if dims else ()))
    return out


def scaled(shape: Tuple[int, ...], scale: int) -> Tuple[int, ...]:
    return tuple(d if d <= 16 else max(2, d // scale) for d in shape)


def key_shapes(kind: str, scale: int = 64) -> List[Tuple[str, Tuple[int, ...]]]:
    result = []
    for component, prefix in KINDS[kind]:
        for key, shape in read_component(component):
            full = prefix + key
            result.append((full, shape if full.endswith("embeddings.position_ids") else scaled(shape, scale)))
    return result


def make_state_dict(kind: str, seed: int = 0, dtype: torch.dtype = torch.float16, scale: int = 64,
                    std: float = 0.1) -> Dict[str, torch.Tensor]:
    """Deterministic random weights; position ids are the correct int64 [[0..n-1]]."""
    g = torch.Generator().manual_seed(seed)
    sd: Dict[str, torch.Tensor] = {}
    for key, shape in key_shapes(kind, scale):
        if key.endswith("embeddings.position_ids"):
            sd[key] = torch.arange(shape[-1], dtype=torch.int64).reshape(shape)
        else:
            sd[key] = (torch.randn(shape, generator=g, dtype=torch.float32) * std).to(dtype)
    return sd


def write_model(path: str, kind: str, seed: int = 0, dtype: torch.dtype = torch.float16, scale: int = 64,
                overrides: Optional[Dict[str, torch.Tensor]] = None, drop: Optional[List[str]] = None) -> Dict[str, torch.Tensor]:
    sd = make_state_dict(kind, seed, dtype, scale)
    for k in drop or []:
        sd.pop(k, None)
    sd.update(overrides or {})
    save_file(sd, path, {"format": "pt"})
    return sd


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kind", choices=sorted(KINDS))
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dtype", choices=sorted(DTYPES), default="fp16")
    ap.add_argument("--scale", type=int, default=64)
    args = ap.parse_args()
    write_model(args.out, args.kind, args.seed, DTYPES[args.dtype], args.scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
