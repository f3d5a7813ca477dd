"""`fastmerge lora bake` against lora_bake.py (kohya merge_lora.py's float32 torch arithmetic, supermerger's names
and block weights) on a synthetic SD1 model from `fastmerge synth` and LoRAs written here.

Acceptance: every element of the float32 result within 1 ulp of torch's; the fp16 output is fastmerge's own
float32 result rounded to nearest even, and equal to torch's rounding wherever the two float32 results agree.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.dirname(HERE))

import lora_bake  # noqa: E402
import safetensors_io as st  # noqa: E402

DLL = os.path.join(REPO, "src", "Fast.Cli", "bin", "Release", "net10.0", "fastmerge.dll")


@pytest.fixture(scope="module")
def fastmerge():
    if not os.path.exists(DLL):
        subprocess.run(["dotnet", "build", os.path.join(REPO, "src", "Fast.Cli"), "-c", "Release", "-v", "quiet", "-nologo"], check=True)

    def run(*args, check=True):
        r = subprocess.run(["dotnet", DLL, *args], capture_output=True, text=True, timeout=300)
        if check:
            assert r.returncode == 0, r.stderr
        return r

    return run


def sd1_module_names():
    """Every kohya-ss module name a full SD1 LoRA/LoCon can hold (diffusers names for the UNet)."""
    attn = ["proj_in", "proj_out", "transformer_blocks_0_ff_net_0_proj", "transformer_blocks_0_ff_net_2"]
    attn += [f"transformer_blocks_0_attn{a}_{p}" for a in (1, 2) for p in ("to_q", "to_k", "to_v", "to_out_0")]
    res = ["conv1", "conv2", "time_emb_proj", "conv_shortcut"]
    names = ["lora_unet_conv_in", "lora_unet_conv_out", "lora_unet_time_embedding_linear_1", "lora_unet_time_embedding_linear_2"]
    for i in range(4):
        for j in range(2):
            names += [f"lora_unet_down_blocks_{i}_resnets_{j}_{s}" for s in res]
            if i < 3:
                names += [f"lora_unet_down_blocks_{i}_attentions_{j}_{s}" for s in attn]
        for j in range(3):
            names += [f"lora_unet_up_blocks_{i}_resnets_{j}_{s}" for s in res]
            if i > 0:
                names += [f"lora_unet_up_blocks_{i}_attentions_{j}_{s}" for s in attn]
        if i < 3:
            names += [f"lora_unet_down_blocks_{i}_downsamplers_0_conv", f"lora_unet_up_blocks_{i}_upsamplers_0_conv"]
    names += [f"lora_unet_mid_block_resnets_{j}_{s}" for j in range(2) for s in res]
    names += [f"lora_unet_mid_block_attentions_0_{s}" for s in attn]
    names += [f"lora_te_text_model_encoder_layers_{i}_{s}" for i in range(12)
              for s in ("self_attn_q_proj", "self_attn_k_proj", "self_attn_v_proj", "self_attn_out_proj", "mlp_fc1", "mlp_fc2")]
    return names


def write_lora(model_path, path, names, seed, rank, dtype, alpha, isv2=False, isxl=False, extra_unmatched=True):
    """A kohya-ss LoRA with LoCon conv modules: down (r, in, kh, kw), up (out, r, 1, 1); returns the module count."""
    model = st.SafeTensorsFile(model_path)
    keys = model.keys()
    keychanger = lora_bake.keychanger_of(keys)
    shapes = {k: tuple(model.tensor(k).shape) for k in keys}
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for name in names:
        wkey, rows = lora_bake.target_of(lora_bake.msd_key_of(name, isv2, isxl), keychanger, shapes)
        if wkey is None:
            continue
        shape = shapes[wkey]
        out = shape[0] // 3 if rows is not None else shape[0]
        down = torch.randn((rank,) + shape[1:], generator=g) * 0.1
        up = torch.randn((out, rank) + ((1, 1) if len(shape) == 4 else ()), generator=g) * 0.1
        sd[name + ".lora_down.weight"] = down.to(dtype)
        sd[name + ".lora_up.weight"] = up.to(dtype)
        if alpha is not None:
            sd[name + ".alpha"] = torch.tensor(float(alpha)).to(dtype)
    count = len(sd) // (3 if alpha is not None else 2)
    assert count > 0
    if extra_unmatched:
        sd["lora_unet_not_a_layer.lora_down.weight"] = torch.zeros(rank, 8).to(dtype)
        sd["lora_unet_not_a_layer.lora_up.weight"] = torch.zeros(8, rank).to(dtype)
    st.save_file(sd, path, metadata={"ss_network_module": "networks.lora"})
    return count


def ordered(t):
    """float32 bits as integers that order like the values, so |a - b| counts ulps."""
    i = t.contiguous().view(torch.int32).to(torch.int64)
    return torch.where(i < 0, -(i & 0x7FFFFFFF), i)


def assert_within_one_ulp(ours, ref):
    assert ours.keys() == ref.keys()
    worst, changed = 0, 0
    for k in ref:
        a, b = ours[k], ref[k]
        assert a.dtype == b.dtype and a.shape == b.shape, k
        if not a.is_floating_point():
            assert torch.equal(a, b), k
            continue
        d = (ordered(a.float()) - ordered(b.float())).abs().max().item() if a.numel() else 0
        worst = max(worst, d)
        changed += int(not torch.equal(a, b))
        assert d <= 1, f"{k}: {d} ulp"
    return worst


def assert_rounded_same_way(ours16, ours32, ref32, dtype):
    for k in ours32:
        if not ours32[k].is_floating_point():
            continue
        assert torch.equal(ours16[k], ours32[k].to(dtype)), f"{k}: the {dtype} output is not fastmerge's float32 result rounded"
        agree = ours32[k] == ref32[k]
        assert torch.equal(ours16[k][agree], ref32[k].to(dtype)[agree]), k


@pytest.fixture(scope="module")
def sd1(tmp_path_factory, fastmerge):
    root = tmp_path_factory.mktemp("lora")
    model = str(root / "sd1.safetensors")
    fastmerge("synth", "--arch", "sd1", "--scale", "16", "-o", model, "--seed", "5")
    names = sd1_module_names()
    l1, l2 = str(root / "l1.safetensors"), str(root / "l2.safetensors")
    n1 = write_lora(model, l1, names, seed=1, rank=4, dtype=torch.float16, alpha=2)
    n2 = write_lora(model, l2, names[::2], seed=2, rank=8, dtype=torch.float32, alpha=None, extra_unmatched=False)
    return root, model, l1, l2, n1, n2


LIST26 = "0.3,1,0.9,0.8,0.7,0.6,0.5,0.4,0.3,0.2,0.1,0,1.1,1.2,0.25,0.5,0.75,1,1.25,1.5,-0.5,2,0.1,0.2,0.3,0.4"
LIST17 = "1,0,0.5,1,0.25,1,0.75,1,0,0.5,1,0.25,1,0.75,1,0,2"


@pytest.mark.parametrize("specs", [
    ("{l1}:0.8",),
    ("{l1}:0.8:OUTALL", "{l2}:0.5:" + LIST26),
    ("{l2}:-0.7:" + LIST17, "{l1}"),
], ids=["one", "preset+list26", "list17+plain"])
def test_bake_matches_torch_within_one_ulp(fastmerge, sd1, specs):
    root, model, l1, l2, n1, n2 = sd1
    specs = [s.format(l1=l1, l2=l2) for s in specs]
    tag = str(abs(hash(tuple(specs))))
    ours32, ref32 = str(root / f"o32_{tag}.safetensors"), str(root / f"r32_{tag}.safetensors")
    ours16 = str(root / f"o16_{tag}.safetensors")
    r = fastmerge("lora", "bake", model, *specs, "-o", ours32, "--dtype", "fp32")
    if any(l1 in s for s in specs):
        assert "not_a_layer" in r.stderr  # the unmatched module is reported, not fatal
    fastmerge("lora", "bake", model, *specs, "-o", ours16)
    lora_bake.bake(model, specs, ref32, "fp32")
    o32, rf32, o16 = st.load_file(ours32), st.load_file(ref32), st.load_file(ours16)
    assert_within_one_ulp(o32, rf32)
    assert_rounded_same_way(o16, o32, rf32, torch.float16)
    base = st.load_file(model)
    changed = sum(not torch.equal(o16[k], base[k]) for k in base)
    assert changed >= n1 * 0.9 or changed >= n2 * 0.9  # the LoRAs really changed the model


def test_bake_bad_inputs_exit_2(fastmerge, sd1, tmp_path):
    root, model, l1, l2, n1, n2 = sd1
    out = str(tmp_path / "x.safetensors")
    r = fastmerge("lora", "bake", model, l1 + ":abc", "-o", out, check=False)
    assert r.returncode == 2 and "strength" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = fastmerge("lora", "bake", model, l1 + ":1:NOPE", "-o", out, check=False)
    assert r.returncode == 2 and "preset" in r.stderr
    r = fastmerge("lora", "bake", model, l1, "-o", model, "--overwrite", check=False)
    assert r.returncode == 2 and "input" in r.stderr
    bad = str(tmp_path / "bad.safetensors")
    sd = st.load_file(l1)
    key = next(k for k in sd if k.endswith("proj_in.lora_down.weight"))
    sd[key] = torch.zeros(4, 3, 1, 1, dtype=torch.float16)
    st.save_file(sd, bad)
    r = fastmerge("lora", "bake", model, bad, "-o", out, check=False)
    assert r.returncode == 2 and "does not fit" in r.stderr and bad in r.stderr
    assert not os.path.exists(out)
    # DoRA's bad inputs (a dora_scale that fits neither axis, PEFT's lora_magnitude_vector): test_lora_bake_dora.py
    tucker = str(tmp_path / "tucker.safetensors")
    st.save_file({"lora_unet_x.lokr_w1": torch.zeros(2, 2), "lora_unet_x.lokr_w2_a": torch.zeros(4, 2),
                  "lora_unet_x.lokr_w2_b": torch.zeros(2, 4), "lora_unet_x.lokr_t2": torch.zeros(2, 2, 3, 3)}, tucker)
    r = fastmerge("lora", "bake", model, tucker, "-o", out, check=False)
    assert r.returncode == 2 and "Tucker" in r.stderr
    sd = st.load_file(l1)
    key = next(k for k in sd if k.endswith("proj_in.lora_down.weight"))
    module = key[: -len(".lora_down.weight")]
    out_ch = sd[module + ".lora_up.weight"].shape[0]
    bad_loha = str(tmp_path / "bad_loha.safetensors")
    st.save_file({module + ".hada_w1_a": torch.zeros(out_ch, 2), module + ".hada_w1_b": torch.zeros(2, 3),
                  module + ".hada_w2_a": torch.zeros(out_ch, 2), module + ".hada_w2_b": torch.zeros(2, 3)}, bad_loha)
    r = fastmerge("lora", "bake", model, bad_loha, "-o", out, check=False)
    assert r.returncode == 2 and "do not fit" in r.stderr and bad_loha in r.stderr
    assert not os.path.exists(out)


def te_names(prefix, layers):
    return [f"{prefix}_text_model_encoder_layers_{i}_{s}" for i in range(layers)
            for s in ("self_attn_q_proj", "self_attn_k_proj", "self_attn_v_proj", "self_attn_out_proj", "mlp_fc1", "mlp_fc2")]


def ldm_unet_names(model_path):
    """kohya's SDXL naming: the UNet by its checkpoint names (lora_unet_input_blocks_4_1_proj_in, ...)."""
    f = st.SafeTensorsFile(model_path)
    names = []
    for k in f.keys():
        if k.startswith("model.diffusion_model.") and k.endswith(".weight") and f.tensor(k).dim() >= 2:
            names.append("lora_unet_" + k[len("model.diffusion_model."):-len(".weight")].replace(".", "_"))
    return names


@pytest.mark.parametrize("arch", ["sdxl", "sd2"])
def test_bake_other_architectures_match_torch(fastmerge, tmp_path, arch):
    """SDXL (ldm UNet names, both text encoders, OpenCLIP q/k/v into thirds of in_proj) and SD2 (OpenCLIP as lora_te_)."""
    model = str(tmp_path / f"{arch}.safetensors")
    fastmerge("synth", "--arch", arch, "--scale", "16", "-o", model, "--seed", "9")
    isxl, isv2 = arch == "sdxl", arch == "sd2"
    if isxl:
        names = ldm_unet_names(model) + te_names("lora_te1", 12) + te_names("lora_te2", 32)
    else:
        names = sd1_module_names() + te_names("lora_te", 24)[12 * 6:]
    lora = str(tmp_path / "l.safetensors")
    n = write_lora(model, lora, names, seed=4, rank=8, dtype=torch.bfloat16, alpha=4, isv2=isv2, isxl=isxl)
    in_proj = [k for k in st.SafeTensorsFile(model).keys() if k.endswith("attn.in_proj_weight")]
    assert in_proj  # the fused OpenCLIP projection exists, so the q/k/v path is exercised
    spec = f"{lora}:0.6:" + ("0.3,1,0.9,0.8,0.7,0.6,0.5,0.4,0.3,0.2,1.1,1.2,0.25,0.5,0.75,1,1.25,1.5,-0.5,2" if isxl else "MIDD")
    ours32, ref32, ours = str(tmp_path / "o32.safetensors"), str(tmp_path / "r32.safetensors"), str(tmp_path / "o.safetensors")
    fastmerge("lora", "bake", model, spec, "-o", ours32, "--dtype", "fp32")
    fastmerge("lora", "bake", model, spec, "-o", ours)
    lora_bake.bake(model, [spec], ref32, "fp32")
    o32, rf32, o = st.load_file(ours32), st.load_file(ref32), st.load_file(ours)
    assert_within_one_ulp(o32, rf32)
    assert_rounded_same_way(o, o32, rf32, torch.float16)
    base = st.load_file(model)
    assert all(not torch.equal(o[k], base[k]) for k in in_proj)
    assert n > 50


def divisor(n, wanted=(4, 3, 2)):
    return next((d for d in wanted if n % d == 0 and n > d), 1)


def write_lycoris(model_path, path, names, seed, kind, dtype, alpha):
    """LyCORIS LoHa (hada_w1_a/b, hada_w2_a/b; 2-D w*_b for convolutions) or LoKr modules on the given kohya names.

    LoKr alternates its storage: w1 whole + w2 as a pair, w1 as a pair + w2 whole, both pairs, both whole (a 4-D w2
    for convolutions), so every scale rule of lokr.py is exercised.
    """
    model = st.SafeTensorsFile(model_path)
    keys = model.keys()
    keychanger = lora_bake.keychanger_of(keys)
    shapes = {k: tuple(model.tensor(k).shape) for k in keys}
    g = torch.Generator().manual_seed(seed)
    sd = {}
    count = 0
    for n, name in enumerate(names):
        wkey, rows = lora_bake.target_of(lora_bake.msd_key_of(name, False, False), keychanger, shapes)
        if wkey is None:
            continue
        shape = shapes[wkey]
        out = shape[0] // 3 if rows is not None else shape[0]
        cols = 1
        for d in shape[1:]:
            cols *= d
        r = lambda *s: torch.randn(s, generator=g) * 0.3
        if kind == "loha":
            sd[name + ".hada_w1_a"], sd[name + ".hada_w1_b"] = r(out, 4), r(4, cols)
            sd[name + ".hada_w2_a"], sd[name + ".hada_w2_b"] = r(out, 4), r(4, cols)
        else:
            o1, i1 = divisor(out), divisor(shape[1])
            o2, c2 = out // o1, cols // i1
            mode = n % 4
            if mode in (0, 2):
                sd[name + ".lokr_w2_a"], sd[name + ".lokr_w2_b"] = r(o2, 3), r(3, c2)
            else:
                sd[name + ".lokr_w2"] = r(o2, shape[1] // i1, *shape[2:]) if len(shape) == 4 else r(o2, c2)
            if mode in (1, 2):
                sd[name + ".lokr_w1_a"], sd[name + ".lokr_w1_b"] = r(o1, 2), r(2, i1)
            else:
                sd[name + ".lokr_w1"] = r(o1, i1)
        if alpha is not None:
            sd[name + ".alpha"] = torch.tensor(float(alpha))
        count += 1
    st.save_file({k: v.to(dtype) for k, v in sd.items()}, path, metadata={"ss_network_module": "lycoris.kohya"})
    return count


PEFT_MODULES = [
    "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q",
    "unet.down_blocks.1.attentions.1.transformer_blocks.0.ff.net.0.proj",
    "unet.mid_block.attentions.0.proj_in",
    "unet.up_blocks.1.resnets.0.conv1",
    "unet.up_blocks.3.attentions.2.transformer_blocks.0.attn2.to_out.0",
    "text_encoder.text_model.encoder.layers.3.mlp.fc1",
    "text_encoder.text_model.encoder.layers.11.self_attn.v_proj",
]


def write_peft(model_path, path, seed, rank, dtype):
    """PEFT/diffusers lora_A/lora_B modules (no alpha: scale 1) named by module path."""
    model = st.SafeTensorsFile(model_path)
    keys = model.keys()
    keychanger = lora_bake.keychanger_of(keys)
    shapes = {k: tuple(model.tensor(k).shape) for k in keys}
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for module in PEFT_MODULES:
        wkey, _ = lora_bake.target_of(lora_bake.msd_key_of(lora_bake.peft_to_kohya(module, False), False, False), keychanger, shapes)
        assert wkey is not None, module
        shape = shapes[wkey]
        sd[module + ".lora_A.weight"] = (torch.randn((rank,) + shape[1:], generator=g) * 0.1).to(dtype)
        sd[module + ".lora_B.weight"] = (torch.randn((shape[0], rank) + ((1, 1) if len(shape) == 4 else ()), generator=g) * 0.1).to(dtype)
    st.save_file(sd, path)
    return len(PEFT_MODULES)


def test_bake_loha_lokr_peft_match_torch_within_one_ulp(fastmerge, sd1):
    """LyCORIS LoHa and LoKr (ComfyUI weight_adapter maths) and PEFT lora_A/lora_B, one after the other, with block weights."""
    root, model, l1, l2, n1, n2 = sd1
    names = [n for n in sd1_module_names() if "samplers" not in n]
    loha, lokr, peft = str(root / "loha.safetensors"), str(root / "lokr.safetensors"), str(root / "peft.safetensors")
    nh = write_lycoris(model, loha, names[::3], seed=11, kind="loha", dtype=torch.float16, alpha=3)
    nk = write_lycoris(model, lokr, names[1::3], seed=12, kind="lokr", dtype=torch.float32, alpha=2)
    np_ = write_peft(model, peft, seed=13, rank=4, dtype=torch.bfloat16)
    specs = [f"{loha}:0.7:MIDD", f"{lokr}:-0.4", f"{peft}:1.1:" + LIST17]
    ours32, ref32, ours16 = str(root / "ly32.safetensors"), str(root / "lyref32.safetensors"), str(root / "ly16.safetensors")
    r = fastmerge("lora", "bake", model, *specs, "-o", ours32, "--dtype", "fp32")
    fastmerge("lora", "bake", model, *specs, "-o", ours16)
    lora_bake.bake(model, specs, ref32, "fp32")
    o32, rf32, o16 = st.load_file(ours32), st.load_file(ref32), st.load_file(ours16)
    assert_within_one_ulp(o32, rf32)
    assert_rounded_same_way(o16, o32, rf32, torch.float16)
    base = st.load_file(model)
    changed = sum(not torch.equal(o16[k], base[k]) for k in base)
    assert changed >= (nh + nk) * 0.5 and nh > 30 and nk > 30 and np_ == len(PEFT_MODULES)
    report = fastmerge("inspect", loha).stdout + fastmerge("inspect", lokr).stdout + fastmerge("inspect", peft).stdout
    assert "loha " in report and "lokr " in report and "peft " in report


def test_bake_into_an_inpainting_model_pads_conv_in(fastmerge, sd1, tmp_path):
    """A LoRA trained on the 4-channel SD1 conv_in baked into a 9-channel inpainting conv_in: the update covers the
    latent channels and the mask/masked-image channels stay as they were (A1111's zero padding)."""
    root, model, l1, l2, n1, n2 = sd1
    inpaint = str(tmp_path / "inpaint.safetensors")
    fastmerge("synth", "--arch", "sd1-inpaint", "--scale", "16", "-o", inpaint, "--seed", "6")
    key = "model.diffusion_model.input_blocks.0.0.weight"
    assert st.SafeTensorsFile(inpaint).tensor(key).shape[1] == 9
    assert "lora_unet_conv_in.lora_down.weight" in st.SafeTensorsFile(l1).keys()
    spec = f"{l1}:0.9"
    ours32, ref32 = str(tmp_path / "o32.safetensors"), str(tmp_path / "r32.safetensors")
    fastmerge("lora", "bake", inpaint, spec, "-o", ours32, "--dtype", "fp32")
    lora_bake.bake(inpaint, [spec], ref32, "fp32")
    o32, rf32 = st.load_file(ours32), st.load_file(ref32)
    assert_within_one_ulp(o32, rf32)
    base = st.load_file(inpaint)[key].float()
    assert not torch.equal(o32[key][:, :4], base[:, :4])
    assert torch.equal(o32[key][:, 4:], base[:, 4:])
