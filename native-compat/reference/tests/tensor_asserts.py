"""Exact tensor comparisons shared by the tests (bitwise, so -0.0 and NaN payloads count)."""
import torch

_INT_VIEW = {torch.float16: torch.int16, torch.bfloat16: torch.int16, torch.float32: torch.int32,
             torch.float64: torch.int64}


def bits(t: torch.Tensor) -> torch.Tensor:
    return t.view(_INT_VIEW[t.dtype]) if t.dtype in _INT_VIEW else t


def assert_same(x: torch.Tensor, y: torch.Tensor, key: str = "") -> None:
    assert x.dtype == y.dtype and x.shape == y.shape, f"{key}: {x.dtype} {tuple(x.shape)} vs {y.dtype} {tuple(y.shape)}"
    assert torch.equal(bits(x), bits(y)), key


def floating_keys(sd):
    return [k for k, v in sd.items() if v.is_floating_point()]
