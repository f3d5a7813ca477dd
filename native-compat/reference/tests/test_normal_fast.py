"""normal_fast (reused buffers, out= kernels) is bit-identical to merge_ops (the reference's expressions)."""
import pytest
import torch

import merge_ops as ops
import normal_fast as fast
from tensor_asserts import assert_same

DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64]
SPECIALS = [0.0, -0.0, float("inf"), float("-inf"), float("nan"), 1e-40, -1e-45, 65504.0, 3e38, -2.5]


def sample(shape, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    t = torch.randn(shape, generator=g) * torch.exp(torch.randn(shape, generator=g) * 4)
    flat = t.reshape(-1)
    for i, v in enumerate(SPECIALS):
        if i * 7 < flat.numel():
            flat[i * 7] = v
    return t.to(dtype)


WEIGHTS = [(0.0, 0.0), (1.0, 0.0), (0.3, 0.2), (0.5, 0.5), (0.49999997, -0.25), (0.25, -0.25), (1.7, -0.4), (-0.6, 1.0)]


@pytest.mark.parametrize("shape", [(), (1,), (33,), (17, 9), (4, 3, 3, 3), (1031,)])
@pytest.mark.parametrize("da,db,dc", [(torch.float16, torch.float16, torch.float16),
                                      (torch.float16, torch.float32, torch.bfloat16),
                                      (torch.bfloat16, torch.float64, torch.float16),
                                      (torch.float32, torch.float32, torch.float32)])
def test_fast_equals_reference_expressions(shape, da, db, dc):
    a, b, c = sample(shape, da, 1), sample(shape, db, 2), sample(shape, dc, 3)
    s = fast.Scratch()
    for alpha, beta in WEIGHTS:
        cases = [
            (ops.weighted_sum(a, b, alpha), lambda: fast.weighted_sum(s, a, b, alpha)),
            (ops.add_difference(a, ops.add_difference_d(b, c), alpha), lambda: fast.add_difference(s, a, b, c, alpha)),
            (ops.triple_sum(a, b, c, alpha, beta), lambda: fast.triple_sum(s, a, b, c, alpha, beta)),
            (ops.sum_twice(a, b, c, alpha, beta), lambda: fast.sum_twice(s, a, b, c, alpha, beta)),
            (ops.scaled_sum(a, b, alpha, beta), lambda: fast.scaled_sum(s, a, b, alpha, beta)),
        ]
        for i, (expected, run) in enumerate(cases):
            got = run()
            assert_same(got, expected, f"case {i} alpha={alpha} beta={beta}")
            for out in (torch.float16, torch.bfloat16, torch.float32):
                assert_same(s.convert(got, out), expected.to(out), f"case {i} -> {out}")


def test_scratch_buffers_are_reused_and_inputs_untouched():
    s = fast.Scratch()
    a = sample((64,), torch.float32, 4)
    b = sample((64,), torch.float16, 5)
    keep_a, keep_b = a.clone(), b.clone()
    r1 = fast.weighted_sum(s, a, b, 0.3)
    r2 = fast.weighted_sum(s, a[:10], b[:10], 0.3)
    assert r1.data_ptr() == r2.data_ptr()  # no new allocation for the smaller key
    assert_same(a, keep_a)
    assert_same(b, keep_b)
