"""The reference's own safetensors reader/writer (SPEC §1.2 layout)."""
import json
import os
import struct

import numpy as np
import pytest
import torch

from safetensors_io import (PlannedTensor, SafeTensorsError, SafeTensorsFile, StreamingWriter, load_file,
                            save_file)


def _header(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        text = f.read(n)
    return n, text


def test_roundtrip_every_torch_dtype(tmp_path):
    g = torch.Generator().manual_seed(0)
    tensors = {
        "bool": torch.tensor([True, False, True]),
        "u8": torch.arange(7, dtype=torch.uint8),
        "i8": torch.tensor([-128, 0, 127], dtype=torch.int8),
        "i16": torch.tensor([-32768, 1, 32767], dtype=torch.int16),
        "i32": torch.tensor([[-5, 6]], dtype=torch.int32),
        "i64": torch.arange(77, dtype=torch.int64).reshape(1, 77),
        "f16": torch.randn(3, 5, generator=g).half(),
        "bf16": torch.tensor([1.0, -0.0, float("inf"), float("nan"), 3.1415926], dtype=torch.bfloat16),
        "f32": torch.randn(2, 3, 4, generator=g),
        "f64": torch.randn(5, generator=g, dtype=torch.float64),
        "scalar": torch.tensor(2.5),
        "empty": torch.zeros(0, 4),
    }
    path = str(tmp_path / "rt.safetensors")
    save_file(tensors, path)
    back = load_file(path)
    assert set(back) == set(tensors)
    for k, v in tensors.items():
        assert back[k].dtype == v.dtype and back[k].shape == v.shape, k
        if v.dtype == torch.bfloat16:
            assert torch.equal(back[k].view(torch.int16), v.view(torch.int16))
        else:
            assert torch.equal(back[k], v), k


def test_layout_metadata_first_sorted_by_element_size_then_name_and_aligned(tmp_path):
    tensors = {"b16": torch.zeros(3, dtype=torch.float16), "a32": torch.zeros(1), "z64": torch.zeros(1, dtype=torch.int64),
               "a16": torch.zeros(1, dtype=torch.float16), "u8": torch.zeros(3, dtype=torch.uint8), "Z32": torch.zeros(2)}
    path = str(tmp_path / "l.safetensors")
    save_file(tensors, path, {"format": "pt"})
    n, text = _header(path)
    assert n % 8 == 0 and text.startswith(b'{"__metadata__"')
    header = json.loads(text)
    names = [k for k in header if k != "__metadata__"]
    assert names == ["z64", "Z32", "a32", "a16", "b16", "u8"]
    end = 0
    for k in names:
        start, stop = header[k]["data_offsets"]
        assert start == end
        size = {"I64": 8, "F32": 4, "F16": 2, "U8": 1}[header[k]["dtype"]]
        assert (8 + n + start) % size == 0
        end = stop
    assert os.path.getsize(path) == 8 + n + end


def test_writer_checks_plan_and_abort_leaves_nothing(tmp_path):
    path = str(tmp_path / "x.safetensors")
    w = StreamingWriter(path, [PlannedTensor("t", "F32", (2,))])
    with pytest.raises(ValueError, match="planned"):
        w.write("t", torch.zeros(3))
    w.abort()
    assert os.listdir(tmp_path) == []
    w = StreamingWriter(path, [PlannedTensor("t", "F32", (2,)), PlannedTensor("u", "F16", (1,))])
    w.write("t", torch.ones(2))
    with pytest.raises(RuntimeError, match="never written"):
        w.commit()
    assert os.listdir(tmp_path) == []


def test_reader_handles_unaligned_data(tmp_path):
    header = json.dumps({"x": {"dtype": "F32", "shape": [3], "data_offsets": [0, 12]}}).encode()
    header += b" " * ((-len(header)) % 8 + 1)  # 8 + N odd: data starts unaligned
    path = tmp_path / "u.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + np.array([1.5, -2, 3], dtype="<f4").tobytes())
    assert SafeTensorsFile(str(path)).tensor("x").tolist() == [1.5, -2.0, 3.0]


@pytest.mark.parametrize("blob,rule", [
    (b"\x01\x00", "shorter than 8"),
    (struct.pack("<Q", 10**9) + b"{}", "header length"),
    (struct.pack("<Q", 2) + b"[]", "root is not an object"),
    (struct.pack("<Q", 2) + b"{x", "not UTF-8 JSON"),
])
def test_reader_rejects_broken_files(tmp_path, blob, rule):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(blob)
    with pytest.raises(SafeTensorsError, match=rule):
        SafeTensorsFile(str(path))


def test_reader_rejects_lying_byte_counts(tmp_path):
    header = json.dumps({"x": {"dtype": "F32", "shape": [4], "data_offsets": [0, 12]}}).encode()
    path = tmp_path / "bad.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + bytes(12))
    with pytest.raises(SafeTensorsError, match="does not match"):
        SafeTensorsFile(str(path))


def test_reader_views_are_copy_on_write(tmp_path):
    path = str(tmp_path / "c.safetensors")
    save_file({"x": torch.ones(4)}, path)
    before = open(path, "rb").read()
    t = SafeTensorsFile(path).tensor("x")
    t.mul_(7)  # must never reach the file
    assert open(path, "rb").read() == before
