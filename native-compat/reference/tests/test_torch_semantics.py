"""Facts about this torch build that SPEC §2 and the C# port rely on.

torch's CPU lerp contracts to a fused multiply-add only in its AVX2/AVX512 kernels; with
ATEN_CPU_CAPABILITY=default it rounds twice. The reference is only valid with the FMA kernels,
so this test fails loudly on a build or setting that would make every lerp result differ.
"""
import numpy as np
import torch


def test_lerp_is_the_spec_fma_formula():
    g = torch.Generator().manual_seed(0)
    s = torch.randn(100_003, generator=g)
    e = torch.randn(100_003, generator=g) * 3
    d = (e - s).numpy().astype(np.float64)
    for w in (0.3, -0.2, 0.49999997, 0.5, 0.7, 1.3, -0.5, -0.58, -2.0):
        w32 = np.float32(w)
        got = torch.lerp(s, e, w).numpy()
        if w32 < 0.5:  # fma(w, d, s), negative weights too (torch 1.13 has no abs); w*d is exact in double
            expected = (np.float64(w32) * d + s.numpy().astype(np.float64)).astype(np.float32)
        else:  # fma(w - 1, d, e)
            expected = (np.float64(w32 - np.float32(1)) * d + e.numpy().astype(np.float64)).astype(np.float32)
        assert np.array_equal(got.view(np.int32), expected.view(np.int32)), w


def test_python_float_scalar_is_used_as_f32():
    x = torch.randn(10_000, generator=torch.Generator().manual_seed(1))
    alpha = 0.1  # not representable: f32(0.1) != 0.1
    got = (alpha * x).numpy()
    as_f32 = (np.float32(alpha) * x.numpy()).astype(np.float32)
    in_double = (alpha * x.numpy().astype(np.float64)).astype(np.float32)
    assert np.array_equal(got, as_f32)
    assert not np.array_equal(got, in_double)  # the distinction is visible on this data
