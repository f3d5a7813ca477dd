"""Fixtures: the package on sys.path and small safetensors models written here (no torch needed to make them)."""
from __future__ import annotations

import json
import os
import struct
import sys
from typing import Dict, Tuple

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(autouse=True, scope="session")
def _private_hash_cache(tmp_path_factory):
    """Merges hash their inputs through a cache; keep the tests' entries out of the user's ~/.cache."""
    os.environ["FASTMERGE_CACHE_DIR"] = str(tmp_path_factory.mktemp("hash-cache"))

_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def write_safetensors(path: str, tensors: Dict[str, np.ndarray]) -> None:
    """Minimal writer: tensors back to back in the given order, header padded to 8 bytes."""
    names = {np.dtype(v): k for k, v in _DTYPES.items()}
    header, offset, blobs = {}, 0, []
    for key, array in tensors.items():
        data = np.ascontiguousarray(array).tobytes()
        header[key] = {"dtype": names[array.dtype], "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_safetensors(path: str) -> Tuple[Dict[str, np.ndarray], Dict[str, str]]:
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    metadata = header.pop("__metadata__", {})
    data = raw[8 + n:]
    tensors = {}
    for key, entry in header.items():
        start, end = entry["data_offsets"]
        tensors[key] = np.frombuffer(data[start:end], dtype=_DTYPES[entry["dtype"]]).reshape(entry["shape"])
    return tensors, metadata


def make_model(seed: int) -> Dict[str, np.ndarray]:
    """A small model of unknown architecture (one global alpha): f32 and f16 weights, an int64 tensor."""
    rng = np.random.default_rng(seed)
    return {
        "net.0.weight": rng.standard_normal((64, 33)).astype(np.float32),
        "net.0.bias": rng.standard_normal(33).astype(np.float32),
        "net.1.weight": rng.standard_normal((17, 9)).astype(np.float16),
        "net.steps": np.arange(5, dtype=np.int64) * (seed + 1),
    }


@pytest.fixture
def models(tmp_path):
    """Paths of two small models (A seed 1, B seed 2) and their tensors."""
    a, b = make_model(1), make_model(2)
    pa, pb = str(tmp_path / "a.safetensors"), str(tmp_path / "b.safetensors")
    write_safetensors(pa, a)
    write_safetensors(pb, b)
    return pa, pb, a, b
