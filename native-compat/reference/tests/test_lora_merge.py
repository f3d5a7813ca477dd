"""`fastmerge lora merge` against kohya-ss merge_lora.py's merge_lora_models (sum) in float32 torch, bit for bit,
and the rank-concatenating merge against the sum of the LoRAs' products."""
from __future__ import annotations

import math
import os
import sys

import pytest
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import safetensors_io as st  # noqa: E402
from test_lora_bake import fastmerge  # noqa: E402,F401  (the fixture)

NAMES = ["lora_unet_down_blocks_0_attentions_0_proj_in", "lora_unet_up_blocks_1_attentions_2_transformer_blocks_0_attn1_to_q",
         "lora_unet_mid_block_resnets_0_conv1", "lora_te_text_model_encoder_layers_3_mlp_fc1"]
SHAPES = {NAMES[0]: (40, 40, 1, 1), NAMES[1]: (80, 80), NAMES[2]: (160, 160, 3, 3), NAMES[3]: (48, 96)}


def write(path, rank, alpha, seed, dtype=torch.float16):
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for n in NAMES:
        w = SHAPES[n]
        sd[n + ".lora_down.weight"] = (torch.randn((rank,) + w[1:], generator=g) * 0.1).to(dtype)
        sd[n + ".lora_up.weight"] = (torch.randn((w[0], rank) + ((1, 1) if len(w) == 4 else ()), generator=g) * 0.1).to(dtype)
        if alpha is not None:
            sd[n + ".alpha"] = torch.tensor(float(alpha)).to(dtype)
    st.save_file(sd, path)
    return path


def kohya_sum(paths, ratios):
    """merge_lora_models(models, ratios, torch.float, concat=False) transcribed."""
    base_alphas, merged = {}, {}
    for path, ratio in zip(paths, ratios):
        sd = {k: v.float() for k, v in st.load_file(path).items()}
        alphas, dims = {}, {}
        for key in sd:
            if "alpha" in key:
                name = key[: key.rfind(".alpha")]
                alphas[name] = float(sd[key].numpy())
                base_alphas.setdefault(name, alphas[name])
            elif "lora_down" in key:
                dims[key[: key.rfind(".lora_down")]] = sd[key].size()[0]
        for name in dims:
            if name not in alphas:
                alphas[name] = dims[name]
                base_alphas.setdefault(name, dims[name])
        for key in sd:
            if "alpha" in key:
                continue
            name = key[: key.rfind(".lora_")]
            scale = math.sqrt(alphas[name] / base_alphas[name]) * ratio
            scale = abs(scale) if "lora_up" in key else scale
            merged[key] = merged[key] + sd[key] * scale if key in merged else sd[key] * scale
    for name, alpha in base_alphas.items():
        merged[name + ".alpha"] = torch.tensor(float(alpha))
    return merged


def test_sum_is_kohyas_merge_bit_for_bit(fastmerge, tmp_path):  # noqa: F811
    a, b = write(str(tmp_path / "a.safetensors"), 8, 4, 1), write(str(tmp_path / "b.safetensors"), 8, None, 2, torch.float32)
    out = str(tmp_path / "m.safetensors")
    fastmerge("lora", "merge", a + ":0.7", b + ":-0.4", "-o", out)
    ours, ref = st.load_file(out), kohya_sum([a, b], [0.7, -0.4])
    assert ours.keys() == ref.keys()
    for k in ref:
        assert torch.equal(ours[k], ref[k].float()), k


def test_sum_needs_equal_ranks(fastmerge, tmp_path):  # noqa: F811
    a, b = write(str(tmp_path / "a.safetensors"), 8, 4, 1), write(str(tmp_path / "b.safetensors"), 4, 4, 2)
    r = fastmerge("lora", "merge", a, b, "-o", str(tmp_path / "m.safetensors"), check=False)
    assert r.returncode == 2 and "concat" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def delta(sd, name, ratio=1.0):
    down, up = sd[name + ".lora_down.weight"].double(), sd[name + ".lora_up.weight"].double()
    rank = down.shape[0]
    alpha = sd[name + ".alpha"].double().item() if name + ".alpha" in sd else rank
    return ratio * alpha / rank * (up.reshape(up.shape[0], rank) @ down.reshape(rank, -1))


def test_concat_is_the_sum_of_the_products(fastmerge, tmp_path):  # noqa: F811
    a, b = write(str(tmp_path / "a.safetensors"), 8, 2, 1), write(str(tmp_path / "b.safetensors"), 4, None, 2)
    out = str(tmp_path / "m.safetensors")
    fastmerge("lora", "merge", a + ":0.6", b + ":-1.5", "--mode", "concat", "-o", out)
    ours, la, lb = st.load_file(out), st.load_file(a), st.load_file(b)
    for n in NAMES:
        assert ours[n + ".lora_down.weight"].shape[0] == 12 and ours[n + ".alpha"].item() == 12
        expected = delta(la, n, 0.6) + delta(lb, n, -1.5)
        got = delta(ours, n)
        assert torch.allclose(got, expected, rtol=1e-5, atol=1e-7), n


def test_same_strength_scales_one_lora_linearly(fastmerge, tmp_path):  # noqa: F811
    a = write(str(tmp_path / "a.safetensors"), 8, 4, 1, torch.float32)
    out = str(tmp_path / "m.safetensors")
    fastmerge("lora", "merge", a + ":-0.25", "--same-strength", "-o", out)
    ours, la = st.load_file(out), st.load_file(a)
    for n in NAMES:
        assert torch.allclose(delta(ours, n), delta(la, n, -0.25), rtol=1e-5, atol=1e-8), n
