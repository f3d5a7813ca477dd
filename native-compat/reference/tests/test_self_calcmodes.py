"""Calcmodes self and plus random, and smoothAdd outside add difference, against smerge's own lines (c60e6f3):
the key loop run as supermerger writes it, sequentially over the state dict in safetensors' (sorted) key order."""
import pytest
import scipy.ndimage
import torch

import merge_ops as ops

from tensor_asserts import assert_same


def _smerge_loop(A, B, calc, alpha, seed=None):
    """smerge's Stage 1 for calcmode self / plus random with one global alpha: keys with "model" in them that B holds,
    SELFKEYS and alpha 0 skipped; with SPEC §9's deviations: floating keys without weight/bias in their name
    (SDXL's logit_scale, text_projection) are merged, and so are SDXL's time_embed/label_emb (blockfromkey's
    "Not Merge"); the int64 position ids are the policy's."""
    theta_0 = {k: A[k].clone() for k in sorted(A)}
    if seed is not None:
        torch.manual_seed(seed)
    for key in theta_0.keys():
        if not ("model" in key and key in B):
            continue
        if not theta_0[key].is_floating_point():
            continue
        if calc == "self":
            if any(selfkey in key for selfkey in ops.SELFKEYS):
                continue
            if alpha == 0:
                continue
            theta_0[key] = (theta_0[key].clone()) * alpha
        elif calc == "plus random":
            if any(selfkey in key for selfkey in ops.SELFKEYS):
                continue
            if alpha == 0:
                continue
            theta_0[key] += torch.randn_like(theta_0[key].clone()) * alpha
    return theta_0


@pytest.mark.parametrize("calc", ["self", "plus random"])
@pytest.mark.parametrize("a_name", ["A", "XA", "P2P"])  # fp16, fp16 SDXL, bf16
def test_reference_self_calcmodes_equal_smerges_loop(models, merge, calc, a_name):
    b_name = {"A": "B", "XA": "XB", "P2P": "A"}[a_name]
    A, B = models.sd[a_name], models.sd[b_name]
    seed = 31337 if calc == "plus random" else None
    extra = ["--seed", str(seed)] if seed is not None else []
    out = merge(models.path[a_name], models.path[b_name], "--calc", calc, *extra, mode="ws", alpha=0.3,
                position_ids="keep")
    expected = _smerge_loop(A, B, calc, 0.3, seed)
    changed = 0
    for k in A:
        assert_same(out[k], expected[k], k)
        changed += int(not torch.equal(out[k], A[k]))
    assert changed > 50


def test_plus_random_draws_in_sorted_key_order_across_small_tensors():
    # tensors under 16 elements draw from the double Box-Muller pair and leave the second sample cached: the next
    # small tensor takes it, so the order of keys matters
    torch.manual_seed(5)
    x = [torch.randn(3, dtype=torch.float16), torch.randn(5, dtype=torch.float16)]
    torch.manual_seed(5)
    y = torch.randn(8, dtype=torch.float64).to(torch.float16)
    assert torch.equal(torch.cat(x), y)


@pytest.mark.parametrize("mode", ["ws", "ts", "st"])
def test_smooth_add_outside_add_difference_filters_raw_b(models, merge, mode):
    A, B = models.sd["A"], models.sd["B"]
    c = models.path["C"] if mode != "ws" else None
    out = merge(models.path["A"], models.path["B"], "--calc", "smoothAdd", c=c, mode=mode, alpha=0.4, beta=0.2)
    key = "model.diffusion_model.input_blocks.1.0.in_layers.2.weight"
    f = scipy.ndimage.median_filter(B[key].to(torch.float32).numpy(), size=3)
    f = scipy.ndimage.gaussian_filter(f, sigma=1)
    expected = (A[key] + 0.4 * torch.tensor(f)).to(A[key].dtype)
    assert_same(out[key], expected, key)
