"""Shared fixtures: tiny synthetic SD1 / SDXL checkpoints written once per session."""
from __future__ import annotations

import os
import sys

import pytest
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import reference_merge  # noqa: E402
import sdmodels  # noqa: E402
from safetensors_io import load_file  # noqa: E402


class Models:
    """Paths and in-memory copies of the generated inputs."""

    def __init__(self, root):
        self.root = root
        self.sd: dict = {}
        self.path: dict = {}

    def add(self, name, kind, seed, dtype, **kw):
        path = str(self.root / f"{name}.safetensors")
        self.sd[name] = sdmodels.write_model(path, kind, seed, dtype, **kw)
        self.path[name] = path
        return path


@pytest.fixture(scope="session")
def models(tmp_path_factory):
    m = Models(tmp_path_factory.mktemp("models"))
    m.add("A", "sd1", 1, torch.float16)
    m.add("B", "sd1", 2, torch.float32)   # different dtype on purpose: results follow A's dtype
    m.add("C", "sd1", 3, torch.float16)
    m.add("XA", "sdxl", 11, torch.float16)
    m.add("XB", "sdxl", 12, torch.float16)
    m.add("XC", "sdxl", 13, torch.float16)
    m.add("INP", "sd1-inpainting", 21, torch.float16)
    m.add("P2P", "sd1-pix2pix", 22, torch.bfloat16)
    return m


@pytest.fixture
def merge(tmp_path):
    """Run the reference in-process; returns the output as a dict of tensors."""
    counter = [0]

    def run(a, b, *args, c=None, **kw):
        counter[0] += 1
        out = str(tmp_path / f"out{counter[0]}.safetensors")
        argv = ["-a", a, "-b", b, "-o", out, "-q"] + (["-c", c] if c else []) + list(args)
        for k, v in kw.items():
            argv += ["--" + k.replace("_", "-"), str(v)]
        reference_merge.run(argv)
        return load_file(out)

    return run
