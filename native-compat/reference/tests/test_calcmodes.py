"""Calcmodes (SPEC §4) on tiny real-key models, plus op-order equivalences the README relies on."""
import numpy as np
import pytest
import scipy.ndimage
import torch

import merge_ops as ops
from safetensors_io import save_file

from tensor_asserts import assert_same, floating_keys

F32 = torch.float32


def test_reference_add_lerp_with_weight_one_equals_two_ops():
    # supermerger: lerp(A32, A32 + alpha*D32, 1.0); SPEC/ours: A32 + alpha*D32
    g = torch.Generator().manual_seed(3)
    a = torch.randn(100_003, generator=g)
    d = torch.randn(100_003, generator=g) * torch.logspace(-8, 3, 100_003)
    for alpha in (0.3, 1.0, -0.7, 1e-5):
        ref = torch.lerp(a, a + alpha * d, 1.0)
        assert torch.equal(ref.view(torch.int32), ops.add_difference(a, d, alpha).view(torch.int32))


@pytest.mark.parametrize("calc", ["cosineA", "cosineB"])
def test_cosine_lies_between_b_and_a_and_skips_vae(models, merge, calc):
    A, B = models.sd["A"], models.sd["B"]
    out = merge(models.path["A"], models.path["B"], mode="ws", calc=calc, alpha=0.1)
    moved = 0
    for k in floating_keys(A):
        a, b, o = A[k].to(F32), B[k].to(F32).half().to(F32), out[k].to(F32)
        if k.startswith("first_stage_model."):
            assert torch.equal(out[k], A[k]), k
            continue
        lo, hi = torch.minimum(a, b), torch.maximum(a, b)
        tol = 1e-3 * (hi - lo).abs() + 1e-3  # fp16 rounding of the result and of B
        assert bool(((o >= lo - tol) & (o <= hi + tol)).all()), k
        moved += int(not torch.equal(out[k], A[k]))
    assert moved > 0


@pytest.mark.parametrize("calc", ["cosineA", "cosineB"])
def test_cosine_per_key_formula(models, merge, calc):
    A, B = models.sd["A"], models.sd["B"]
    out = merge(models.path["A"], models.path["B"], mode="ws", calc=calc, alpha=0.05)
    keys = [k for k in floating_keys(A) if not k.startswith("first_stage_model.")]
    # precosine measures every non-VAE key B holds, the int64 position ids too (as f32), in A's order
    measured = [k for k in A if not k.startswith("first_stage_model.") and k in B
                and (k in keys or k.endswith("embeddings.position_ids"))]
    assert any(k.endswith("embeddings.position_ids") for k in measured)
    sims = ops.cosine_trim([ops.cosine_stat(calc == "cosineA", A[k], B[k]) for k in measured])
    for k in keys[::97]:
        k_w = ops.cosine_k(calc == "cosineA", A[k], B[k], sims, 0.05)
        assert float(k_w.min()) >= 0 and float(k_w.max()) <= 1
        assert_same(out[k], torch.lerp(B[k].to(F32), A[k].to(F32), k_w).half(), k)


def test_cosine_of_identical_models_returns_a(models, merge):
    out = merge(models.path["A"], models.path["A"], mode="ws", calc="cosineB", alpha=0.2)
    for k in floating_keys(models.sd["A"]):
        assert torch.equal(out[k], models.sd["A"][k]), k


def test_train_difference_keeps_a_where_b_equals_c_and_outputs_a_dtype(models, merge, tmp_path):
    A, B, C = (models.sd[n] for n in "ABC")
    c2 = dict(C)
    same = "model.diffusion_model.middle_block.1.proj_out.weight"
    c2[same] = B[same].clone()  # B == C element for element on this key
    pc = str(tmp_path / "c2.safetensors")
    save_file(c2, pc)
    out = merge(models.path["A"], models.path["B"], c=pc, mode="ad", calc="trainDifference", alpha=0.6)
    assert_same(out[same], A[same])
    for k in floating_keys(A)[::53]:
        if k == same:
            continue
        a, b, c = A[k], B[k], c2[k]
        dist0 = torch.abs(b.float() - c.float())
        dist1 = torch.abs(b.float() - a.float())
        s = dist0 + dist1
        scale = torch.where(s != 0, dist1 / s, torch.tensor(0.))
        scale = torch.sign(b.float() - c.float()) * torch.abs(scale)
        expected = (a.float() + scale * torch.abs(b.float() - c.float()) * (0.6 * 1.8)).half()
        assert_same(out[k], expected, k)  # SPEC §9: f16 like A, not the reference's f32


def test_smooth_add_is_scipy_median_then_gaussian(models, merge):
    A, B, C = (models.sd[n] for n in "ABC")
    out = merge(models.path["A"], models.path["B"], c=models.path["C"], mode="ad", calc="smoothAdd", alpha=0.8)
    for k in ["model.diffusion_model.input_blocks.1.0.in_layers.2.weight",
              "model.diffusion_model.out.0.bias",
              "cond_stage_model.transformer.text_model.encoder.layers.0.self_attn.k_proj.weight"]:
        d = (B[k].to(F32) - C[k].to(F32)).to(B[k].dtype).to(F32).numpy()
        f = scipy.ndimage.gaussian_filter(scipy.ndimage.median_filter(d, size=3), sigma=1)
        assert f.dtype == np.float32
        assert_same(out[k], (A[k].float() + 0.8 * torch.from_numpy(f)).half(), k)


def test_tensor_exchanges_rows(models, merge):
    A, B = models.sd["A"], models.sd["B"]
    out = merge(models.path["A"], models.path["B"], mode="ws", calc="tensor", alpha=0.25, beta=0.25)
    k = "model.diffusion_model.input_blocks.1.1.proj_in.weight"
    n = A[k].shape[0]
    s, e = int(n * 0.25), int(n * 0.5)
    assert e > s
    expected = A[k].clone()
    expected[s:e] = B[k][s:e].half()
    assert_same(out[k], expected)
    # alpha + beta > 1: start from B and put A's rows back
    out2 = merge(models.path["A"], models.path["B"], mode="ws", calc="tensor", alpha=0.75, beta=0.5)
    s2, e2 = int(n * 0.25), int(n * 0.5)
    expected2 = B[k].half().clone()
    expected2[s2:e2] = A[k][s2:e2]
    assert_same(out2[k], expected2)


def test_tensor2_uses_dim1_only_above_100_columns(tmp_path, merge):
    g = torch.Generator().manual_seed(9)
    a = {"wide.weight": torch.randn(8, 200, generator=g), "narrow.weight": torch.randn(40, 6, generator=g),
         "scalar": torch.tensor(1.0)}
    b = {k: torch.randn(v.shape, generator=g) for k, v in a.items()}
    pa, pb = str(tmp_path / "a.safetensors"), str(tmp_path / "b.safetensors")
    save_file(a, pa)
    save_file(b, pb)
    out = merge(pa, pb, mode="ws", calc="tensor2", alpha=0.3, beta=0.1)
    wide = a["wide.weight"].clone()
    wide[:, int(200 * 0.1):int(200 * (0.3 + 0.1))] = b["wide.weight"][:, int(200 * 0.1):int(200 * (0.3 + 0.1))]
    assert_same(out["wide.weight"], wide)
    # shape[1] <= 100: bounds from shape[0] but still applied on dim 1 (the reference's quirk)
    narrow = a["narrow.weight"].clone()
    narrow[:, int(40 * 0.1):int(40 * 0.4)] = b["narrow.weight"][:, int(40 * 0.1):int(40 * 0.4)]
    assert_same(out["narrow.weight"], narrow)
    assert_same(out["scalar"], a["scalar"])  # 0-dim keys keep A


def test_extract_with_identical_inputs_is_a_and_matches_formula(models, merge):
    A, B, C = (models.sd[n] for n in "ABC")
    same = merge(models.path["A"], models.path["A"], c=models.path["A"], mode="ad", calc="extract", alpha=0.5, beta=0.5)
    for k in floating_keys(A):
        assert_same(same[k], A[k], k)
    out = merge(models.path["A"], models.path["B"], c=models.path["C"], mode="ad", calc="extract",
                alpha=0.4, beta=0.2, gamma=0.5)
    for k in floating_keys(A)[::71]:
        base = A[k].float()
        x, y = B[k].float() - base, C[k].float() - base
        cs = torch.nn.functional.cosine_similarity(x, y, -1).clamp(-1, 1).unsqueeze(-1)
        d = ((cs + 1) / 2) ** 0.5
        expected = (base + torch.lerp(x, y, 0.4) * torch.lerp(d, 1 - d, 0.2)).reshape(A[k].shape).half()
        assert_same(out[k], expected, k)


@pytest.mark.parametrize("mode,calc", [("ws", "normal"), ("ad", "normal"), ("ts", "normal"), ("st", "normal"),
                                       ("ss", "normal"), ("ws", "cosineA"), ("ws", "cosineB"), ("ad", "cosineA"),
                                       ("ad", "trainDifference"), ("ad", "smoothAdd"), ("ws", "tensor"),
                                       ("ws", "tensor2"), ("ad", "extract")])
def test_every_mode_on_sdxl_keeps_a_keys_shapes_and_dtypes(models, merge, mode, calc):
    A = models.sd["XA"]
    out = merge(models.path["XA"], models.path["XB"], c=models.path["XC"], mode=mode, calc=calc, alpha=0.3, beta=0.2)
    assert list(out) != [] and set(out) == set(A)
    for k, v in A.items():
        assert out[k].dtype == v.dtype and out[k].shape == v.shape, k
        if v.is_floating_point():
            assert bool(torch.isfinite(out[k]).all()), k


@pytest.mark.parametrize("mode,calc", [("ad", "smoothAdd"), ("ws", "normal"), ("ws", "cosineA")])
def test_output_file_is_byte_identical_whatever_the_thread_count(models, tmp_path, mode, calc):
    import reference_merge
    files = []
    for threads in (1, 3):
        out = str(tmp_path / f"t{threads}.safetensors")
        reference_merge.run(["-a", models.path["A"], "-b", models.path["B"], "-c", models.path["C"], "-o", out, "-q",
                             "--mode", mode, "--calc", calc, "--alpha", "0.4", "--threads", str(threads)])
        files.append(open(out, "rb").read())
    assert files[0] == files[1]
