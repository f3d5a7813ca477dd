"""Modes (SPEC §3), key selection (§6), output dtype (§8) and block weights on tiny real-key models."""
import os

import pytest
import torch

import reference_merge
import sd_blocks as blocks
from safetensors_io import SafeTensorsFile

from tensor_asserts import assert_same, floating_keys

F32 = torch.float32
POS = "cond_stage_model.transformer.text_model.embeddings.position_ids"


def test_ws_alpha0_is_a_and_alpha1_is_b_in_a_dtype(models, merge):
    A, B = models.sd["A"], models.sd["B"]
    out0 = merge(models.path["A"], models.path["B"], mode="ws", alpha=0)
    out1 = merge(models.path["A"], models.path["B"], mode="ws", alpha=1)
    assert list(out0) == list(out1) and set(out0) == set(A)
    for k in A:
        assert_same(out0[k], A[k], k)
        expected = B[k].to(A[k].dtype) if A[k].is_floating_point() else A[k]
        assert_same(out1[k], expected, k)


def test_ws_is_torch_lerp_in_f32_rounded_to_a_dtype(models, merge):
    A, B = models.sd["A"], models.sd["B"]
    out = merge(models.path["A"], models.path["B"], mode="ws", alpha=0.3)
    for k in floating_keys(A):
        assert_same(out[k], torch.lerp(A[k].to(F32), B[k].to(F32), 0.3).half(), k)


def test_ad_with_b_equal_c_gives_a(models, merge):
    out = merge(models.path["A"], models.path["C"], c=models.path["C"], mode="ad", alpha=0.7)
    for k, v in models.sd["A"].items():
        assert_same(out[k], v, k)


def test_ad_rounds_d_to_b_dtype_then_adds_in_f32(models, merge):
    # B is fp32 here: use C as B (fp16) so the rounding of D to B's dtype matters
    A, Bh, C = models.sd["A"], models.sd["C"], models.sd["B"]
    out = merge(models.path["A"], models.path["C"], c=models.path["B"], mode="ad", alpha=0.5)
    for k in floating_keys(A):
        d = (Bh[k].to(F32) - C[k].to(F32)).half()
        assert_same(out[k], (A[k].to(F32) + 0.5 * d.to(F32)).half(), k)


def test_ts_and_st(models, merge):
    A, B, C = (models.sd[n] for n in "ABC")
    ts = merge(models.path["A"], models.path["B"], c=models.path["C"], mode="ts", alpha=0.3, beta=0.2)
    st = merge(models.path["A"], models.path["B"], c=models.path["C"], mode="st", alpha=0.3, beta=0.2)
    ts0 = merge(models.path["A"], models.path["B"], c=models.path["C"], mode="ts", alpha=0.25, beta=-0.25)
    for k in floating_keys(A):
        a, b, c = A[k].to(F32), B[k].to(F32), C[k].to(F32)
        assert_same(ts[k], torch.lerp(a, torch.lerp(b, c, 0.2 / (0.3 + 0.2)), 0.3 + 0.2).half(), k)
        assert_same(st[k], torch.lerp(torch.lerp(a, b, 0.3), c, 0.2).half(), k)
        # alpha + beta == 0: (1-a-b)*A + a*B + b*C left to right in f32
        assert_same(ts0[k], ((1 - 0.25 + 0.25) * a + 0.25 * b + -0.25 * c).half(), k)


def test_ss_fades_a_block_and_keeps_factors_unnormalised(models, merge):
    A, B = models.sd["A"], models.sd["B"]
    wa = ["1"] * 26
    wb = ["0"] * 26
    wa[blocks.BLOCKID.index("IN04")] = "0.75"
    wb[blocks.BLOCKID.index("OUT02")] = "0.5"
    out = merge(models.path["A"], models.path["B"], "--weights-a", ",".join(wa), "--weights-b", ",".join(wb),
                mode="ss", alpha=1, beta=0)
    for k in floating_keys(A):
        blk = blocks.block_of_key(k, blocks.SD)
        fa = 0.75 if blk == "IN04" else 1.0
        fb = 0.5 if blk == "OUT02" else 0.0
        assert_same(out[k], (fa * A[k].to(F32) + fb * B[k].to(F32)).half(), k)


def test_block_weights_follow_the_spec_block_map(models, merge):
    A, B = models.sd["A"], models.sd["B"]
    values = [round(0.02 + i * 0.037, 3) for i in range(26)]
    out = merge(models.path["A"], models.path["B"], "--weights-alpha", ",".join(map(str, values)), mode="ws")
    by_block = dict(zip(blocks.BLOCKID, values))
    for k in floating_keys(A):
        blk = blocks.block_of_key(k, blocks.SD)
        assert_same(out[k], torch.lerp(A[k].to(F32), B[k].to(F32), by_block[blk]).half(), k)
    # the cases SPEC §5/§9 call out, checked on real key names
    te = "model.diffusion_model.time_embed.0.weight"
    assert_same(out[te], torch.lerp(A[te].to(F32), B[te].to(F32), by_block["IN00"]).half())
    o = "model.diffusion_model.out.2.weight"
    assert_same(out[o], torch.lerp(A[o].to(F32), B[o].to(F32), by_block["OUT11"]).half())


def test_25_value_list_takes_base_from_alpha(models, merge):
    A, B = models.sd["A"], models.sd["B"]
    out = merge(models.path["A"], models.path["B"], "--weights-alpha", ",".join(["0"] * 25), mode="ws", alpha=0.4)
    clip = "cond_stage_model.transformer.text_model.encoder.layers.3.mlp.fc2.weight"
    assert_same(out[clip], torch.lerp(A[clip].to(F32), B[clip].to(F32), 0.4).half())
    unet = "model.diffusion_model.input_blocks.4.1.proj_in.weight"
    assert_same(out[unet], A[unet])


def test_sdxl_26_list_is_converted(models, merge):
    A, B = models.sd["XA"], models.sd["XB"]
    values = [str(i / 32) for i in range(26)]  # exact binary fractions; value i/32 marks BLOCKID[i]
    out = merge(models.path["XA"], models.path["XB"], "--weights-alpha", ",".join(values), mode="ws")
    for k in floating_keys(A):
        blk = blocks.block_of_key(k, blocks.SDXL)
        w = blocks.BLOCKID.index(blk) / 32
        assert_same(out[k], torch.lerp(A[k].to(F32), B[k].to(F32), w).half() if w not in (0, 1) else
                    (A[k] if w == 0 else B[k]), k)
    assert blocks.block_of_key("model.diffusion_model.label_emb.0.0.weight", blocks.SDXL) == "IN00"


def test_position_ids_policies(models, merge, tmp_path):
    vec = SafeTensorsFile("/work/shared/vectors/8528d-fix.position_ids.safetensors").tensor(POS).clone()
    from safetensors_io import save_file
    broken = dict(models.sd["A"])
    broken[POS] = vec
    pa = str(tmp_path / "broken.safetensors")
    save_file(broken, pa)

    reset = merge(pa, models.path["B"], mode="ws", alpha=0.5)
    assert reset[POS].dtype == torch.int64 and reset[POS].tolist() == [list(range(77))]
    keep = merge(pa, models.path["B"], mode="ws", alpha=0.5, position_ids="keep")
    assert_same(keep[POS], vec)
    merged = merge(pa, models.path["B"], mode="ws", alpha=0.5, position_ids="merge")
    assert_same(merged[POS], torch.lerp(vec, torch.arange(77, dtype=F32).reshape(1, 77), 0.5))
    # A holds int64: the merged float is truncated toward zero back to int64
    drift = dict(models.sd["B"])
    drift[POS] = vec
    pb = str(tmp_path / "drift.safetensors")
    save_file(drift, pb)
    merged_int = merge(models.path["A"], pb, mode="ws", alpha=0.5, position_ids="merge")
    expected = torch.lerp(torch.arange(77, dtype=F32).reshape(1, 77), vec, 0.5).to(torch.int64)
    assert merged_int[POS].dtype == torch.int64 and torch.equal(merged_int[POS], expected)
    assert expected.tolist() != [list(range(77))]  # the test would not notice a reset otherwise


def test_sdxl_position_ids_reset_and_bf16_output(models, merge):
    out = merge(models.path["XA"], models.path["XB"], mode="ws", alpha=0.25, dtype="bf16")
    pos = "conditioner.embedders.0.transformer.text_model.embeddings.position_ids"
    assert out[pos].dtype == torch.int64 and out[pos].tolist() == [list(range(77))]
    A, B = models.sd["XA"], models.sd["XB"]
    for k in floating_keys(A):
        # rounded once from f32 to bf16, never through A's fp16
        assert_same(out[k], torch.lerp(A[k].to(F32), B[k].to(F32), 0.25).to(torch.bfloat16), k)


@pytest.mark.parametrize("name,channels", [("INP", 9), ("P2P", 8)])
def test_inpainting_a_merges_only_the_first_four_channels(models, merge, name, channels):
    A, B = models.sd[name], models.sd["A"]
    key = "model.diffusion_model.input_blocks.0.0.weight"
    assert A[key].shape[1] == channels and B[key].shape[1] == 4
    out = merge(models.path[name], models.path["A"], mode="ws", alpha=0.5)
    assert_same(out[key][:, 4:], A[key][:, 4:])
    assert_same(out[key][:, :4], torch.lerp(A[key][:, :4].to(F32), B[key].to(F32), 0.5).to(A[key].dtype))
    other = "model.diffusion_model.input_blocks.1.0.in_layers.2.weight"
    assert_same(out[other], torch.lerp(A[other].to(F32), B[other].to(F32), 0.5).to(A[other].dtype))
    adt = merge(models.path[name], models.path["A"], c=models.path["C"], mode="ad", calc="trainDifference", alpha=0.5)
    assert_same(adt[key][:, 4:], A[key][:, 4:])
    assert not torch.equal(adt[key][:, :4], A[key][:, :4])


def test_inpainting_as_b_is_an_error_before_any_output(models, tmp_path, capsys):
    out = str(tmp_path / "never.safetensors")
    rc = reference_merge.main(["-a", models.path["A"], "-b", models.path["INP"], "-o", out, "--mode", "ws"])
    assert rc == 2
    assert "put it as A" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []


def test_shape_mismatch_is_an_error_before_any_output(models, tmp_path, capsys):
    out = str(tmp_path / "never.safetensors")
    rc = reference_merge.main(["-a", models.path["A"], "-b", models.path["XA"], "-o", out])
    assert rc == 2 and "shape mismatch" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []


def test_missing_non_floating_excluded_and_b_only_keys(models, merge, tmp_path):
    from safetensors_io import save_file
    A = models.sd["A"]
    b = dict(models.sd["B"])
    dropped = "model.diffusion_model.input_blocks.7.0.in_layers.2.weight"
    del b[dropped]
    b["only.in.b"] = torch.ones(3)
    a = dict(A)
    a["model.diffusion_model.some_counter"] = torch.tensor([5], dtype=torch.int32)
    b["model.diffusion_model.some_counter"] = torch.tensor([9], dtype=torch.int32)
    pa, pb = str(tmp_path / "a.safetensors"), str(tmp_path / "b.safetensors")
    save_file(a, pa)
    save_file(b, pb)
    out = merge(pa, pb, "--exclude", "OUT03,proj_in", mode="ws", alpha=0.5)
    assert "only.in.b" not in out and set(out) == set(a)
    assert_same(out[dropped], A[dropped])
    assert_same(out["model.diffusion_model.some_counter"], a["model.diffusion_model.some_counter"])
    excluded = [k for k in floating_keys(A) if ".output_blocks.3." in k or "proj_in" in k]
    assert excluded
    for k in excluded:
        assert_same(out[k], A[k], k)
    k = "model.diffusion_model.output_blocks.4.0.in_layers.2.weight"
    assert not torch.equal(out[k], A[k])


def test_unknown_architecture_uses_global_alpha_and_rejects_lists(tmp_path, merge):
    from safetensors_io import save_file
    g = torch.Generator().manual_seed(5)
    a = {"lora_unet_x.weight": torch.randn(4, 4, generator=g), "logit_scale": torch.tensor(2.0)}
    b = {"lora_unet_x.weight": torch.randn(4, 4, generator=g), "logit_scale": torch.tensor(4.0)}
    pa, pb = str(tmp_path / "ua.safetensors"), str(tmp_path / "ub.safetensors")
    save_file(a, pa)
    save_file(b, pb)
    out = merge(pa, pb, mode="ws", alpha=0.25)
    for k in a:  # keys without weight/bias (logit_scale) are merged too (SPEC §9)
        assert_same(out[k], torch.lerp(a[k], b[k], 0.25), k)
    with pytest.raises(reference_merge.UsageError, match="unknown"):
        merge(pa, pb, "--weights-alpha", ",".join(["0.5"] * 26), mode="ws")


def test_output_layout_and_keys_subset(models, tmp_path):
    out = str(tmp_path / "sub.safetensors")
    counts = reference_merge.run(["-a", models.path["A"], "-b", models.path["B"], "-o", out, "-q",
                                  "--keys-subset", "50"])
    f = SafeTensorsFile(out)
    assert len(f.keys()) == 50 and sum(counts.values()) == 50
    sizes = [{"I64": 8, "F16": 2}[f.tensors[k].dtype] for k in f.keys()]
    assert sizes == sorted(sizes, reverse=True)
    assert sorted(os.listdir(tmp_path)) == ["sub.safetensors"]  # no temporary left behind
    out2 = str(tmp_path / "rx.safetensors")
    reference_merge.run(["-a", models.path["A"], "-b", models.path["B"], "-o", out2, "-q",
                         "--keys-subset", r"middle_block\.1\."])
    assert all(".middle_block.1." in k for k in SafeTensorsFile(out2).keys())


def test_invalid_combinations_are_usage_errors(models, tmp_path):
    base = ["-a", models.path["A"], "-b", models.path["B"], "-o", str(tmp_path / "o.safetensors")]
    for extra, msg in [(["--mode", "ad"], "needs model C"),
                       (["--mode", "ws", "--calc", "trainDifference"], "--mode ad"),
                       (["--mode", "ss", "--calc", "smoothAdd"], "ws, ad"),
                       (["--mode", "ws", "--calc", "plus random"], "--seed"),
                       (["--mode", "ad", "-c", models.path["C"], "--calc", "tensor"], "weighted sum"),
                       (["--mode", "ad", "-c", models.path["C"], "--calc", "extract", "--alpha", "1.5"], "extract needs")]:
        with pytest.raises(reference_merge.UsageError, match=msg):
            reference_merge.run(base + extra)
    with pytest.raises(reference_merge.UsageError, match="one of the inputs"):
        reference_merge.run(["-a", models.path["A"], "-b", models.path["B"], "-o", models.path["A"]])
