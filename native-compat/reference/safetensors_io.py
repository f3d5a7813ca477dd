"""Minimal safetensors reader/writer for the reference scripts (no `safetensors` package here).

Reading maps the file (mmap, copy-on-write so torch gets writable zero-copy views without ever
touching the file) and hands out numpy/torch views per tensor. Writing plans the whole header
first (SPEC §1.2: `__metadata__` first, data ordered by descending element size then ordinal
name, header padded with spaces to a multiple of 8), preallocates the file, then writes each
tensor once at its planned offset into a temporary file that is renamed into place at the end.

torch 1.13 has no float8 and no uint16/32/64: such tensors can be carried through as raw bytes
but not computed on (see `torch_dtype`).
"""
from __future__ import annotations

import json
import mmap
import os
import struct
import tempfile
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Tuple

import numpy as np
import torch

MAX_HEADER_BYTES = 100_000_000

# safetensors dtype name -> (element size in bytes, numpy dtype used to view the raw bytes)
DTYPE_INFO: Dict[str, Tuple[int, np.dtype]] = {
    "BOOL": (1, np.dtype(np.bool_)),
    "U8": (1, np.dtype(np.uint8)),
    "I8": (1, np.dtype(np.int8)),
    "F8_E4M3": (1, np.dtype(np.uint8)),
    "F8_E5M2": (1, np.dtype(np.uint8)),
    "I16": (2, np.dtype("<i2")),
    "U16": (2, np.dtype("<u2")),
    "F16": (2, np.dtype("<f2")),
    "BF16": (2, np.dtype("<i2")),  # numpy has no bf16: viewed as int16, reinterpreted by torch
    "I32": (4, np.dtype("<i4")),
    "U32": (4, np.dtype("<u4")),
    "F32": (4, np.dtype("<f4")),
    "I64": (8, np.dtype("<i8")),
    "U64": (8, np.dtype("<u8")),
    "F64": (8, np.dtype("<f8")),
}

_TORCH_OF = {
    "BOOL": torch.bool,
    "U8": torch.uint8,
    "I8": torch.int8,
    "I16": torch.int16,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "I32": torch.int32,
    "F32": torch.float32,
    "I64": torch.int64,
    "F64": torch.float64,
}
_NAME_OF = {v: k for k, v in _TORCH_OF.items()}

FLOATING = frozenset({"F16", "BF16", "F32", "F64", "F8_E4M3", "F8_E5M2"})


class SafeTensorsError(Exception):
    """A file that is not a usable safetensors file; the message names the file and the rule."""


def torch_dtype(name: str) -> torch.dtype:
    if name not in _TORCH_OF:
        raise SafeTensorsError(
            f"dtype {name} cannot be computed on with torch {torch.__version__} "
            "(float8 / unsigned 16-64 bit are out of scope for the reference)")
    return _TORCH_OF[name]


def dtype_name(dtype: torch.dtype) -> str:
    return _NAME_OF[dtype]


@dataclass(frozen=True)
class TensorInfo:
    name: str
    dtype: str
    shape: Tuple[int, ...]
    start: int  # offset inside the data buffer
    end: int

    @property
    def numel(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n


class SafeTensorsFile:
    """A mapped safetensors file. Tensors keep the mapping alive; close() only drops our handle."""

    def __init__(self, path: str):
        self.path = path
        size = os.path.getsize(path)
        if size < 8:
            raise SafeTensorsError(f"{path}: shorter than 8 bytes")
        with open(path, "rb") as f:
            (n,) = struct.unpack("<Q", f.read(8))
            if n > MAX_HEADER_BYTES or 8 + n > size:
                raise SafeTensorsError(f"{path}: header length {n} is larger than allowed or than the file")
            raw = f.read(n)
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY) if size > 0 else None
        try:
            header = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise SafeTensorsError(f"{path}: header is not UTF-8 JSON ({e})") from None
        if not isinstance(header, dict):
            raise SafeTensorsError(f"{path}: header root is not an object")
        self.data_start = 8 + n
        self.metadata = header.pop("__metadata__", None) or {}
        self.tensors: Dict[str, TensorInfo] = {}
        for name, entry in header.items():
            if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
                raise SafeTensorsError(f"{path}: tensor {name!r} entry is not {{dtype, shape, data_offsets}}")
            dt = entry["dtype"]
            if dt not in DTYPE_INFO:
                raise SafeTensorsError(f"{path}: tensor {name!r} has unknown dtype {dt}")
            shape = tuple(int(d) for d in entry["shape"])
            start, end = (int(x) for x in entry["data_offsets"])
            info = TensorInfo(name, dt, shape, start, end)
            if any(d < 0 for d in shape) or end < start or end - start != info.numel * DTYPE_INFO[dt][0]:
                raise SafeTensorsError(f"{path}: tensor {name!r} byte range does not match dtype x shape")
            if self.data_start + end > size:
                raise SafeTensorsError(f"{path}: tensor {name!r} runs past the end of the file")
            self.tensors[name] = info

    def keys(self) -> List[str]:
        return list(self.tensors.keys())

    def __contains__(self, name: str) -> bool:
        return name in self.tensors

    def raw(self, name: str) -> memoryview:
        """The tensor's bytes, zero copy."""
        info = self.tensors[name]
        return memoryview(self._map)[self.data_start + info.start: self.data_start + info.end]

    def numpy(self, name: str) -> np.ndarray:
        info = self.tensors[name]
        size, npdt = DTYPE_INFO[info.dtype]
        off = self.data_start + info.start
        if info.numel == 0:
            return np.zeros(info.shape, dtype=npdt)
        arr = np.frombuffer(self._map, dtype=npdt, count=info.numel, offset=off).reshape(info.shape)
        if off % size:
            # The format gives no alignment guarantee; torch kernels want aligned elements.
            arr = arr.copy()
        return arr

    def tensor(self, name: str) -> torch.Tensor:
        """A torch view on the mapped bytes (copy-on-write mapping: writes never reach the file)."""
        info = self.tensors[name]
        dt = torch_dtype(info.dtype)
        arr = self.numpy(name)
        t = torch.from_numpy(arr)
        if dt == torch.bfloat16:
            t = t.view(torch.bfloat16)
        return t


def _ordinal(name: str) -> bytes:
    return name.encode("utf-8")


@dataclass(frozen=True)
class PlannedTensor:
    name: str
    dtype: str
    shape: Tuple[int, ...]


class StreamingWriter:
    """Writes a planned safetensors file tensor by tensor, each once, at its offset.

    The layout is decided in the constructor; `write` may be called in any order. `commit`
    renames the finished temporary file over `path`; `abort` removes it.
    """

    def __init__(self, path: str, planned: Iterable[PlannedTensor], metadata: Optional[Dict[str, str]] = None):
        self.path = path
        items = list(planned)
        order = sorted(items, key=lambda p: (-DTYPE_INFO[p.dtype][0], _ordinal(p.name)))
        header: Dict[str, object] = {"__metadata__": dict(metadata or {})}
        self._slots: Dict[str, Tuple[int, int, PlannedTensor]] = {}
        offset = 0
        for p in order:
            n = 1
            for d in p.shape:
                n *= d
            nbytes = n * DTYPE_INFO[p.dtype][0]
            header[p.name] = {"dtype": p.dtype, "shape": list(p.shape), "data_offsets": [offset, offset + nbytes]}
            self._slots[p.name] = (offset, nbytes, p)
            offset += nbytes
        text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        text += b" " * ((-len(text)) % 8)
        self._data_start = 8 + len(text)
        self._total = self._data_start + offset
        folder = os.path.dirname(os.path.abspath(path))
        fd, self._tmp = tempfile.mkstemp(prefix=".refmerge-", suffix=".tmp", dir=folder)
        self._fd = fd
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp creates 0600; the output is an ordinary file
        self._written = set()
        os.ftruncate(fd, self._total)
        os.pwrite(fd, struct.pack("<Q", len(text)) + text, 0)

    def planned(self, name: str) -> PlannedTensor:
        return self._slots[name][2]

    def write_bytes(self, name: str, data) -> None:
        offset, nbytes, _ = self._slots[name]
        mv = memoryview(data).cast("B")
        if mv.nbytes != nbytes:
            raise ValueError(f"{name}: {mv.nbytes} bytes given, {nbytes} planned")
        pos = self._data_start + offset
        done = 0
        while done < nbytes:  # pwrite may write less than asked for very large buffers
            done += os.pwrite(self._fd, mv[done:], pos + done)
        self._written.add(name)

    def write(self, name: str, tensor: torch.Tensor) -> None:
        _, _, p = self._slots[name]
        if dtype_name(tensor.dtype) != p.dtype or tuple(tensor.shape) != p.shape:
            raise ValueError(f"{name}: got {tensor.dtype} {tuple(tensor.shape)}, planned {p.dtype} {p.shape}")
        t = tensor.contiguous()
        if t.dtype == torch.bfloat16:
            t = t.view(torch.int16)
        self.write_bytes(name, t.numpy().reshape(-1) if t.dim() else t.numpy().reshape(1))

    def commit(self) -> None:
        missing = set(self._slots) - self._written
        if missing:
            self.abort()
            raise RuntimeError(f"{len(missing)} planned tensors were never written, e.g. {sorted(missing)[0]}")
        os.close(self._fd)
        self._fd = -1
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        try:
            os.unlink(self._tmp)
        except FileNotFoundError:
            pass


def save_file(tensors: Dict[str, torch.Tensor], path: str, metadata: Optional[Dict[str, str]] = None) -> None:
    """Convenience for tests and generators: write a dict of tensors."""
    plan = [PlannedTensor(k, dtype_name(v.dtype), tuple(v.shape)) for k, v in tensors.items()]
    w = StreamingWriter(path, plan, metadata)
    try:
        for k, v in tensors.items():
            w.write(k, v)
        w.commit()
    except BaseException:
        w.abort()
        raise


def load_file(path: str) -> Dict[str, torch.Tensor]:
    """Read every tensor into memory (copies; for tests)."""
    f = SafeTensorsFile(path)
    return {k: f.tensor(k).clone() for k in f.keys()}
