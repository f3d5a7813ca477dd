"""`fastmerge lora bake` of DoRA LoRAs (a `dora_scale` beside lora_down/lora_up, or LyCORIS hada_*/lokr_*) against
lora_bake.py's float32 torch version of ComfyUI's `weight_decompose` (comfy/weight_adapter/base.py), on a synthetic
SD1 model with linear, 1x1 and 3x3 convolution modules, magnitudes on the output rows and on the input channels.

Acceptance as for the other bake formats: every element of the float32 result within 1 ulp of the reference with
the channel norms in the documented order (float64 sum of squares, rounded once), and the fp16 output is
fastmerge's float32 result rounded to nearest even. Against torch's own float32 norm (what ComfyUI runs, summed in
SIMD lanes as wide as the CPU's) every element stays within FLOAT32_NORM_ULPS ulp of its row's largest magnitude
(4 to 8 measured on an AVX2 machine).
"""
from __future__ import annotations

import os
import sys

import pytest
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import lora_bake  # noqa: E402
import safetensors_io as st  # noqa: E402
from test_lora_bake import (  # noqa: E402,F401  (fastmerge and sd1 are fixtures)
    LIST17, assert_rounded_same_way, assert_within_one_ulp, fastmerge, sd1, sd1_module_names, write_lycoris)

# Torch's float32 norm against the float64-summed one moves a magnitude's scale by an ulp or two, and the
# decomposed weight by as many (8 row ulps measured on AVX2, after a blend by -0.6); the bound leaves room for a
# wider SIMD unit than the one measured on.
FLOAT32_NORM_ULPS = 16


def row_ulps(ours, ref, base):
    """The largest |ours - ref| in ulps of the largest magnitude in its row (of ours or the weight before): a norm's
    rounding moves every element of a channel by about the same fraction of the channel's size, and the strength's
    blend (W + s·(W' − W)) can cancel an element towards 0, where counting its own ulps would mean nothing."""
    a, b, w = (t.reshape(t.shape[0], -1) for t in (ours, ref, base))
    size = torch.maximum(a.abs().amax(dim=1, keepdim=True), w.abs().amax(dim=1, keepdim=True))
    ulp = torch.nextafter(size, torch.tensor(float("inf"))) - size
    return ((a - b).abs() / ulp).max().item()


def magnitudes(weight, on_output, g):
    """LyCORIS's initial dora_scale (the weight's norm per output row or per input channel), moved up to 10%."""
    w = weight.float()
    dims = w.dim() - 1
    if on_output:
        norm = w.reshape(w.shape[0], -1).norm(dim=1).reshape(w.shape[0], *[1] * dims)
    else:
        norm = w.transpose(0, 1).reshape(w.shape[1], -1).norm(dim=1).reshape(w.shape[1], *[1] * dims).transpose(0, 1)
    return norm * (1 + 0.1 * torch.randn(norm.shape, generator=g))


def write_dora(model_path, path, names, seed, rank, dtype, alpha):
    """A kohya-ss/LyCORIS DoRA LoRA: lora_down/lora_up/alpha and a dora_scale per module, on the output rows for
    even modules and on the input channels for odd ones (both of LyCORIS's layouts); returns (modules, by axis)."""
    model = st.SafeTensorsFile(model_path)
    keys = model.keys()
    keychanger = lora_bake.keychanger_of(keys)
    shapes = {k: tuple(model.tensor(k).shape) for k in keys}
    g = torch.Generator().manual_seed(seed)
    sd = {}
    axes = {"output": 0, "input": 0, "conv3x3": 0, "linear": 0}
    n = 0
    for name in names:
        wkey, rows = lora_bake.target_of(lora_bake.msd_key_of(name, False, False), keychanger, shapes)
        if wkey is None:
            continue
        shape = shapes[wkey]
        down = torch.randn((rank,) + shape[1:], generator=g) * 0.1
        up = torch.randn((shape[0], rank) + ((1, 1) if len(shape) == 4 else ()), generator=g) * 0.1
        on_output = n % 2 == 0
        sd[name + ".lora_down.weight"] = down.to(dtype)
        sd[name + ".lora_up.weight"] = up.to(dtype)
        sd[name + ".alpha"] = torch.tensor(float(alpha)).to(dtype)
        sd[name + ".dora_scale"] = magnitudes(model.tensor(wkey), on_output, g).to(dtype)
        axes["output" if on_output else "input"] += 1
        kind = "linear" if len(shape) == 2 else "conv3x3" if shape[2] == 3 else "conv1x1"
        axes[kind] = axes.get(kind, 0) + 1
        n += 1
    st.save_file(sd, path, metadata={"ss_network_module": "lycoris.kohya"})
    return n, axes


def add_dora_scales(model_path, path, seed):
    """Adds a dora_scale to every LoHa/LoKr module of a LyCORIS file (LyCORIS with dora_wd), on alternate axes."""
    model = st.SafeTensorsFile(model_path)
    keychanger = lora_bake.keychanger_of(model.keys())
    shapes = {k: tuple(model.tensor(k).shape) for k in model.keys()}
    g = torch.Generator().manual_seed(seed)
    sd = st.load_file(path)
    for n, key in enumerate(k for k in list(sd) if k.endswith((".hada_w1_a", ".lokr_w1", ".lokr_w1_a"))):
        module = key[: key.rindex(".")]
        wkey, _ = lora_bake.target_of(lora_bake.msd_key_of(module, False, False), keychanger, shapes)
        sd[module + ".dora_scale"] = magnitudes(model.tensor(wkey), n % 2 == 0, g).to(sd[key].dtype)
    st.save_file(sd, path, metadata={"ss_network_module": "lycoris.kohya"})


@pytest.fixture(scope="module")
def doras(sd1):
    root, model, l1, l2, n1, n2 = sd1
    names = [n for n in sd1_module_names() if "conv_in" not in n]
    dora16, dora32 = str(root / "dora16.safetensors"), str(root / "dora32.safetensors")
    count16, axes16 = write_dora(model, dora16, names[::2], seed=21, rank=4, dtype=torch.float16, alpha=2)
    count32, axes32 = write_dora(model, dora32, names[1::3], seed=22, rank=8, dtype=torch.float32, alpha=8)
    loha, lokr = str(root / "dora_loha.safetensors"), str(root / "dora_lokr.safetensors")
    lycoris_names = [n for n in names if "samplers" not in n]
    write_lycoris(model, loha, lycoris_names[::7], seed=23, kind="loha", dtype=torch.float32, alpha=3)
    write_lycoris(model, lokr, lycoris_names[3::7], seed=25, kind="lokr", dtype=torch.float16, alpha=2)
    add_dora_scales(model, loha, seed=24)
    add_dora_scales(model, lokr, seed=26)
    for path in (loha, lokr):
        assert sum(k.endswith(".dora_scale") for k in st.SafeTensorsFile(path).keys()) >= 8, path
    for axes in (axes16, axes32):
        assert axes["output"] > 10 and axes["input"] > 10 and axes["conv3x3"] > 5 and axes["linear"] > 10, axes
    return root, model, l1, dora16, dora32, loha, lokr


@pytest.mark.parametrize("specs", [
    ("{dora16}",),
    ("{dora16}:0.8:MIDD", "{l1}:0.5"),
    ("{l1}:0.7", "{dora32}:-0.6:" + LIST17, "{loha}:1.3", "{lokr}:0.9"),
], ids=["strength1", "blocks+lora", "lora+dora+loha+lokr"])
def test_bake_dora_matches_comfyui_within_one_ulp(fastmerge, doras, specs):
    root, model, l1, dora16, dora32, loha, lokr = doras
    specs = [s.format(l1=l1, dora16=dora16, dora32=dora32, loha=loha, lokr=lokr) for s in specs]
    tag = str(abs(hash(tuple(specs))))
    ours32, ours16 = str(root / f"do32_{tag}.safetensors"), str(root / f"do16_{tag}.safetensors")
    ref32, comfy32 = str(root / f"dr32_{tag}.safetensors"), str(root / f"dc32_{tag}.safetensors")
    fastmerge("lora", "bake", model, *specs, "-o", ours32, "--dtype", "fp32")
    fastmerge("lora", "bake", model, *specs, "-o", ours16)
    lora_bake.bake(model, specs, ref32, "fp32", dora_norm="float64")
    lora_bake.bake(model, specs, comfy32, "fp32", dora_norm="float32")
    o32, rf32, o16, cf32 = st.load_file(ours32), st.load_file(ref32), st.load_file(ours16), st.load_file(comfy32)
    assert_within_one_ulp(o32, rf32)
    assert_rounded_same_way(o16, o32, rf32, torch.float16)
    base = st.load_file(model)
    worst = max(row_ulps(o32[k], cf32[k], base[k].float()) for k in o32 if o32[k].dim() >= 2)
    assert worst <= FLOAT32_NORM_ULPS, f"{worst} ulp from torch's float32 norms"
    print(f"DoRA bake {specs}: worst {worst} row ulps from ComfyUI's float32-norm result")
    dora_keys = [k for k in base if not torch.equal(o32[k], base[k].float())]
    assert len(dora_keys) > 30


def test_bake_dora_bad_magnitude_exits_2_naming_the_key(fastmerge, doras, tmp_path):
    root, model, l1, dora16, dora32, loha, lokr = doras
    out = str(tmp_path / "x.safetensors")
    sd = st.load_file(dora16)
    key = next(k for k in sd if k.endswith(".dora_scale") and sd[k].dim() == 4 and sd[k].shape[0] > 1)
    bad = str(tmp_path / "bad_dora.safetensors")
    wrong = dict(sd)
    wrong[key] = torch.ones(sd[key].shape[0] + 1, 1, 1, 1, dtype=sd[key].dtype)
    st.save_file(wrong, bad)
    r = fastmerge("lora", "bake", model, bad, "-o", out, check=False)
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1 and key in lines[0] and bad in lines[0] and "fits neither" in lines[0], r.stderr
    lone = str(tmp_path / "lone.safetensors")
    st.save_file({key: sd[key]}, lone)
    r = fastmerge("lora", "bake", model, lone, "-o", out, check=False)
    assert r.returncode == 2 and key in r.stderr and len(r.stderr.strip().splitlines()) == 1
    peft = str(tmp_path / "peft_dora.safetensors")
    st.save_file({"unet.mid_block.attentions.0.proj_in.lora_A.weight": torch.zeros(2, 4),
                  "unet.mid_block.attentions.0.proj_in.lora_B.weight": torch.zeros(4, 2),
                  "unet.mid_block.attentions.0.proj_in.lora_magnitude_vector": torch.ones(4)}, peft)
    r = fastmerge("lora", "bake", model, peft, "-o", out, check=False)
    assert r.returncode == 2 and "lora_magnitude_vector" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not os.path.exists(out)


def test_inspect_reports_dora(fastmerge, doras):
    root, model, l1, dora16, dora32, loha, lokr = doras
    count = sum(1 for k in st.SafeTensorsFile(dora16).keys() if k.endswith(".dora_scale"))
    report = fastmerge("inspect", dora16).stdout
    assert f"DoRA {count}" in report, report
    assert "loha" in fastmerge("inspect", loha).stdout and "lokr" in fastmerge("inspect", lokr).stdout
