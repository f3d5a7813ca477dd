"""The LoRA entry points through the binding: fm_lora_bake_json and fm_lora_extract_json."""
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
