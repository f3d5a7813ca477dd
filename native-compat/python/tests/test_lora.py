"""The LoRA entry points through the binding: fm_lora_bake_json, fm_lora_extract_json and fm_lora_merge_json."""
from __future__ import annotations

import numpy as np
import pytest

import fastmerge
from conftest import read_safetensors, write_safetensors

KEY = "model.diffusion_model.input_blocks.1.1.proj_in.weight"
MODULE = "lora_unet_down_blocks_0_attentions_0_proj_in"


def test_bake_adds_the_scaled_product(tmp_path):
    rng = np.random.default_rng(1)
    w = rng.standard_normal((16, 24)).astype(np.float32)
    up, down = rng.standard_normal((16, 2)).astype(np.float32), rng.standard_normal((2, 24)).astype(np.float32)
    model, lora, out = str(tmp_path / "m.safetensors"), str(tmp_path / "l.safetensors"), str(tmp_path / "o.safetensors")
    write_safetensors(model, {KEY: w, "model.diffusion_model.out.2.bias": np.zeros(4, np.float32)})
    write_safetensors(lora, {MODULE + ".lora_down.weight": down, MODULE + ".lora_up.weight": up,
                             MODULE + ".alpha": np.array(1.0, np.float32)})
    assert fastmerge.lora_bake(model, [lora + ":0.5"], out) == out
    tensors, _ = read_safetensors(out)
    expected = w + (up.astype(np.float64) @ down.astype(np.float64) * 0.5 * 0.5).astype(np.float32)
    np.testing.assert_allclose(tensors[KEY], expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(tensors["model.diffusion_model.out.2.bias"], np.zeros(4, np.float32))


def test_extract_then_bake_recovers_a_low_rank_change(tmp_path):
    rng = np.random.default_rng(2)
    base = rng.standard_normal((20, 30)).astype(np.float32)
    change = (np.outer(rng.standard_normal(20), rng.standard_normal(30)) * 0.1).astype(np.float32)
    b, t = str(tmp_path / "b.safetensors"), str(tmp_path / "t.safetensors")
    write_safetensors(b, {KEY: base})
    write_safetensors(t, {KEY: base + change})
    lora, baked = str(tmp_path / "l.safetensors"), str(tmp_path / "baked.safetensors")
    fastmerge.lora_extract(t, b, lora, rank=1, clamp_quantile=None)
    tensors, _ = read_safetensors(lora)
    assert tensors[MODULE + ".lora_down.weight"].shape == (1, 30)
    fastmerge.lora_bake(b, [lora], baked)
    np.testing.assert_allclose(read_safetensors(baked)[0][KEY], base + change, atol=1e-5)


def test_bad_requests_are_input_errors(tmp_path):
    model = str(tmp_path / "m.safetensors")
    write_safetensors(model, {KEY: np.zeros((4, 4), np.float32)})
    with pytest.raises(fastmerge.InputError, match="strength"):
        fastmerge.lora_bake(model, [model + ":x"], str(tmp_path / "o.safetensors"))
    with pytest.raises(fastmerge.InputError, match="rank"):
        fastmerge.lora_extract(model, model, str(tmp_path / "l.safetensors"), rank=0)
    with pytest.raises(fastmerge.InputError, match="input"):
        fastmerge.lora_bake(model, [model], model, overwrite=True)  # never writes over an input


def write_lora(path, rng, rank, alpha):
    down = rng.standard_normal((rank, 24)).astype(np.float32)
    up = rng.standard_normal((16, rank)).astype(np.float32)
    write_safetensors(path, {MODULE + ".lora_down.weight": down, MODULE + ".lora_up.weight": up,
                             MODULE + ".alpha": np.array(alpha, np.float32)})
    return up, down


def test_merge_concat_is_the_sum_of_the_updates(tmp_path):
    rng = np.random.default_rng(3)
    a, b, out = str(tmp_path / "a.safetensors"), str(tmp_path / "b.safetensors"), str(tmp_path / "m.safetensors")
    up_a, down_a = write_lora(a, rng, rank=2, alpha=1.0)
    up_b, down_b = write_lora(b, rng, rank=3, alpha=3.0)
    assert fastmerge.lora_merge([a + ":0.5", b + ":-0.25"], out, mode="concat") == out
    t, _ = read_safetensors(out)
    down, up, alpha = t[MODULE + ".lora_down.weight"], t[MODULE + ".lora_up.weight"], t[MODULE + ".alpha"]
    assert down.shape == (5, 24) and up.shape == (16, 5) and float(alpha) == 5.0
    merged = up.astype(np.float64) @ down.astype(np.float64) * (float(alpha) / 5)
    expected = 0.5 * (1.0 / 2) * (up_a.astype(np.float64) @ down_a) - 0.25 * (3.0 / 3) * (up_b.astype(np.float64) @ down_b)
    np.testing.assert_allclose(merged, expected, rtol=1e-5, atol=1e-5)


def test_merge_sum_follows_kohya_and_refuses_other_ranks(tmp_path):
    rng = np.random.default_rng(4)
    a, b, out = str(tmp_path / "a.safetensors"), str(tmp_path / "b.safetensors"), str(tmp_path / "m.safetensors")
    up_a, down_a = write_lora(a, rng, rank=2, alpha=2.0)
    up_b, down_b = write_lora(b, rng, rank=2, alpha=2.0)
    fastmerge.lora_merge([a + ":0.5", b + ":0.25"], out, dtype="fp16")
    t, _ = read_safetensors(out)
    assert t[MODULE + ".lora_down.weight"].dtype == np.float16
    # kohya merge_lora_models: down = sum(ratio * down), up = sum(|ratio| * up) (same alphas: sqrt(alpha/alpha0) = 1).
    np.testing.assert_allclose(t[MODULE + ".lora_down.weight"], (0.5 * down_a + 0.25 * down_b).astype(np.float16), rtol=2e-3, atol=2e-3)
    np.testing.assert_allclose(t[MODULE + ".lora_up.weight"], (0.5 * up_a + 0.25 * up_b).astype(np.float16), rtol=2e-3, atol=2e-3)
    c = str(tmp_path / "c.safetensors")
    write_lora(c, rng, rank=3, alpha=3.0)
    with pytest.raises(fastmerge.InputError, match="rank"):
        fastmerge.lora_merge([a, c], str(tmp_path / "x.safetensors"))
    with pytest.raises(fastmerge.InputError, match="mode"):
        fastmerge.lora_merge([a, b], str(tmp_path / "y.safetensors"), mode="average")
    with pytest.raises(fastmerge.InputError, match="input"):
        fastmerge.lora_merge([a, b], a, overwrite=True)  # never writes over an input
