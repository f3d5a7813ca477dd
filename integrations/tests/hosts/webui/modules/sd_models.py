"""Stand-in for the checkpoint list of modules/sd_models.py (AUTOMATIC1111/stable-diffusion-webui @ 0411eced8968):
CheckpointInfo (filename, name relative to the models folder, title "name [shorthash]" once hashed), checkpoints_list
keyed by title, checkpoint_tiles(), list_models() scanning model_path and --ckpt-dir, get_closet_checkpoint_match().
The real list also loads aliases and hashes from the cache; a fresh install shows titles without hashes, as here."""
from __future__ import annotations

import glob
import os

from modules import shared

model_path = ""
checkpoints_list = {}
checkpoint_aliases = {}


class CheckpointInfo:
    def __init__(self, filename):
        self.filename = filename
        abspath = os.path.abspath(filename)
        if shared.cmd_opts.ckpt_dir is not None and abspath.startswith(shared.cmd_opts.ckpt_dir):
            name = abspath.replace(shared.cmd_opts.ckpt_dir, '')
        elif abspath.startswith(model_path):
            name = abspath.replace(model_path, '')
        else:
            name = os.path.basename(filename)
        if name.startswith("\\") or name.startswith("/"):
            name = name[1:]
        self.name = name
        self.name_for_extra = os.path.splitext(os.path.basename(filename))[0]
        self.model_name = os.path.splitext(name.replace("/", "_").replace("\\", "_"))[0]
        self.shorthash = None
        self.title = name if self.shorthash is None else f'{name} [{self.shorthash}]'
        self.short_title = self.name_for_extra if self.shorthash is None else f'{self.name_for_extra} [{self.shorthash}]'
        self.ids = [self.model_name, self.name, self.name_for_extra, self.title]

    def register(self):
        checkpoints_list[self.title] = self
        for id in self.ids:
            checkpoint_aliases[id] = self


def checkpoint_tiles(use_short=False):
    return [x.short_title if use_short else x.title for x in checkpoints_list.values()]


def list_models():
    checkpoints_list.clear()
    checkpoint_aliases.clear()
    found = []
    for folder in [model_path] + ([shared.cmd_opts.ckpt_dir] if shared.cmd_opts.ckpt_dir else []):
        for ext in ("*.ckpt", "*.safetensors"):
            found.extend(glob.glob(os.path.join(folder, "**", ext), recursive=True))
    for filename in sorted(set(found), key=str.lower):
        CheckpointInfo(filename).register()


def get_closet_checkpoint_match(search_string):
    if not search_string:
        return None
    info = checkpoint_aliases.get(search_string, None)
    if info is not None:
        return info
    found = sorted([info for info in checkpoints_list.values() if search_string in info.title], key=lambda x: len(x.title))
    return found[0] if found else None
