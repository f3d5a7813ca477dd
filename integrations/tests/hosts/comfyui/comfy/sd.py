"""Stand-in for comfy/sd.py load_checkpoint_guess_config (comfyanonymous/ComfyUI @ 00db33f6b7fc).

The real function loads the state dict (comfy.utils.load_torch_file), detects the UNet config from the
model.diffusion_model.* keys, and returns (ModelPatcher, CLIP, VAE, clipvision), raising RuntimeError
"ERROR: Could not detect model type of: PATH" when there is no UNet. This one reads the safetensors header, splits
the keys by the same prefixes and returns objects carrying them, and records each call in CALLS."""
from __future__ import annotations

import json
import struct

CALLS = []


class Loaded:
    def __init__(self, kind, path, keys):
        self.kind, self.path, self.keys = kind, path, keys

    def __repr__(self):
        return f"<{self.kind} {len(self.keys)} tensors from {self.path}>"


def _keys(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    header.pop("__metadata__", None)
    return sorted(header)


def load_checkpoint_guess_config(ckpt_path, output_vae=True, output_clip=True, output_clipvision=False,
                                 embedding_directory=None, output_model=True, model_options={}, te_model_options={}):
    CALLS.append({"ckpt_path": ckpt_path, "output_vae": output_vae, "output_clip": output_clip,
                  "embedding_directory": embedding_directory})
    keys = _keys(ckpt_path)
    unet = [k for k in keys if k.startswith("model.diffusion_model.")]
    if not unet:
        raise RuntimeError("ERROR: Could not detect model type of: {}".format(ckpt_path))
    clip = [k for k in keys if k.startswith(("cond_stage_model.", "conditioner.embedders."))]
    vae = [k for k in keys if k.startswith("first_stage_model.")]
    return (Loaded("MODEL", ckpt_path, unet) if output_model else None,
            Loaded("CLIP", ckpt_path, clip) if output_clip else None,
            Loaded("VAE", ckpt_path, vae) if output_vae else None,
            None)
