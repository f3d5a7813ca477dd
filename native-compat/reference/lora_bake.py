"""Reference for `fastmerge lora bake`: kohya-ss LoRA/LoCon modules added into a checkpoint, in float32 torch.

The arithmetic is kohya-ss sd-scripts `networks/merge_lora.py` (`merge_to_sd_model`), as supermerger's
`oldpluslora` repeats it: per module, in float32,

    linear:     weight = weight + ratio * (up @ down) * scale
    conv 1x1:   weight = weight + ratio * (up.squeeze(3).squeeze(2) @ down.squeeze(3).squeeze(2)).unsqueeze(2).unsqueeze(3) * scale
    conv 3x3:   weight = weight + ratio * conv2d(down.permute(1, 0, 2, 3), up).permute(1, 0, 2, 3) * scale

with scale = alpha / rank (alpha a float32 tensor, rank an int) and the LoRAs applied one after the other on the
float32 weight, rounded once to the output dtype at the end. Module names and block strengths are supermerger
`scripts/mergers/pluslora.py` (`convert_diffusers_name_to_compvis`, `keychanger`, `LBLCOKS26`, `lbw`, `to26`,
`plusweightsqvk` for OpenCLIP's fused in_proj), copied here as Python so the two implementations stay independent.
Deviation shared with fastmerge (documented there): a module matching no block takes the LoRA's plain strength.

A module with a `dora_scale` (DoRA) follows ComfyUI `comfy/weight_adapter/base.py` `weight_decompose` instead (see
`weight_decompose` below): ΔW = torch.mm of the flattened factors for every shape, times alpha / rank, added at
strength 1, the result rescaled per channel to the magnitude, then blended with the weight before by the strength.

    /usr/bin/python3 lora_bake.py MODEL LORA[:STRENGTH[:PRESET|LIST]] ... -o OUT [--dtype keep|fp16|bf16|fp32]
        [--dora-norm float64|float32]
"""
from __future__ import annotations

import argparse
import re
import sys

import torch

import safetensors_io as st

BLOCKID26 = ["BASE", "IN00", "IN01", "IN02", "IN03", "IN04", "IN05", "IN06", "IN07", "IN08", "IN09", "IN10", "IN11", "M00",
             "OUT00", "OUT01", "OUT02", "OUT03", "OUT04", "OUT05", "OUT06", "OUT07", "OUT08", "OUT09", "OUT10", "OUT11"]
BLOCKID17 = ["BASE", "IN01", "IN02", "IN04", "IN05", "IN07", "IN08", "M00", "OUT03", "OUT04", "OUT05", "OUT06", "OUT07", "OUT08", "OUT09", "OUT10", "OUT11"]
BLOCKID12 = ["BASE", "IN04", "IN05", "IN07", "IN08", "M00", "OUT00", "OUT01", "OUT02", "OUT03", "OUT04", "OUT05"]
BLOCKID20 = ["BASE", "IN00", "IN01", "IN02", "IN03", "IN04", "IN05", "IN06", "IN07", "IN08", "M00", "OUT00", "OUT01", "OUT02", "OUT03", "OUT04", "OUT05", "OUT06", "OUT07", "OUT08"]
BLOCKNUMS = [12, 17, 20, 26]
BLOCKIDS = [BLOCKID12, BLOCKID17, BLOCKID20, BLOCKID26]

LBLCOKS26 = ["encoder"] + [f"diffusion_model_input_blocks_{i}_" for i in range(12)] + ["diffusion_model_middle_block_"] \
    + [f"diffusion_model_output_blocks_{i}_" for i in range(12)] + ["embedders", "transformer_resblocks"]

PRESETS = {
    "NONE": "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0",
    "ALL": "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1",
    "INS": "1,1,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0",
    "IND": "1,0,0,0,1,1,1,0,0,0,0,0,0,0,0,0,0",
    "INALL": "1,1,1,1,1,1,1,0,0,0,0,0,0,0,0,0,0",
    "MIDD": "1,0,0,0,1,1,1,1,1,1,1,1,0,0,0,0,0",
    "OUTD": "1,0,0,0,0,0,0,0,1,1,1,1,0,0,0,0,0",
    "OUTS": "1,0,0,0,0,0,0,0,0,0,0,0,1,1,1,1,1",
    "OUTALL": "1,0,0,0,0,0,0,0,1,1,1,1,1,1,1,1,1",
    "ALL0.5": "0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5",
}


def to26(ratios):
    if len(ratios) == 26:
        return ratios
    ids = BLOCKIDS[BLOCKNUMS.index(len(ratios))]
    output = [0] * 26
    for i, id in enumerate(ids):
        output[BLOCKID26.index(id)] = ratios[i]
    return output


def parse_lora(spec):
    """supermerger pluslora: name:ratio -> [ratio]*26; name:ratio:PRESET -> preset*ratio; name:ratio:list -> list."""
    n = spec.split(":", 2)
    strength = float(n[1]) if len(n) > 1 else 1.0
    if len(n) < 3:
        return n[0], strength, [strength] * 26
    if n[2].strip() in PRESETS:
        return n[0], strength, to26([float(r) * strength for r in PRESETS[n[2].strip()].split(",")])
    return n[0], strength, to26([float(x) for x in n[2].split(",")])


re_digits = re.compile(r"\d+")
suffix_conversion = {
    "attentions": {},
    "resnets": {"conv1": "in_layers_2", "conv2": "out_layers_3", "norm1": "in_layers_0", "norm2": "out_layers_0",
                "time_emb_proj": "emb_layers_1", "conv_shortcut": "skip_connection"},
}


def convert_diffusers_name_to_compvis(key, is_sd2):
    def match(match_list, regex_text):
        r = re.match(regex_text, key)
        if not r:
            return False
        match_list.clear()
        match_list.extend([int(x) if re.match(re_digits, x) else x for x in r.groups()])
        return True

    m = []
    if match(m, r"lora_unet_conv_in(.*)"):
        return f'diffusion_model_input_blocks_0_0{m[0]}'
    if match(m, r"lora_unet_conv_out(.*)"):
        return f'diffusion_model_out_2{m[0]}'
    if match(m, r"lora_unet_time_embedding_linear_(\d+)(.*)"):
        return f"diffusion_model_time_embed_{m[0] * 2 - 2}{m[1]}"
    if match(m, r"lora_unet_down_blocks_(\d+)_(attentions|resnets)_(\d+)_(.+)"):
        suffix = suffix_conversion.get(m[1], {}).get(m[3], m[3])
        return f"diffusion_model_input_blocks_{1 + m[0] * 3 + m[2]}_{1 if m[1] == 'attentions' else 0}_{suffix}"
    if match(m, r"lora_unet_mid_block_(attentions|resnets)_(\d+)_(.+)"):
        suffix = suffix_conversion.get(m[0], {}).get(m[2], m[2])
        return f"diffusion_model_middle_block_{1 if m[0] == 'attentions' else m[1] * 2}_{suffix}"
    if match(m, r"lora_unet_up_blocks_(\d+)_(attentions|resnets)_(\d+)_(.+)"):
        suffix = suffix_conversion.get(m[1], {}).get(m[3], m[3])
        return f"diffusion_model_output_blocks_{m[0] * 3 + m[2]}_{1 if m[1] == 'attentions' else 0}_{suffix}"
    if match(m, r"lora_unet_down_blocks_(\d+)_downsamplers_0_conv"):
        return f"diffusion_model_input_blocks_{3 + m[0] * 3}_0_op"
    if match(m, r"lora_unet_up_blocks_(\d+)_upsamplers_0_conv"):
        return f"diffusion_model_output_blocks_{2 + m[0] * 3}_{2 if m[0] > 0 else 1}_conv"
    if match(m, r"lora_te_text_model_encoder_layers_(\d+)_(.+)"):
        if is_sd2:
            if 'mlp_fc1' in m[1]:
                return f"model_transformer_resblocks_{m[0]}_{m[1].replace('mlp_fc1', 'mlp_c_fc')}"
            elif 'mlp_fc2' in m[1]:
                return f"model_transformer_resblocks_{m[0]}_{m[1].replace('mlp_fc2', 'mlp_c_proj')}"
            else:
                return f"model_transformer_resblocks_{m[0]}_{m[1].replace('self_attn', 'attn')}"
        return f"transformer_text_model_encoder_layers_{m[0]}_{m[1]}"
    if match(m, r"lora_te2_text_model_encoder_layers_(\d+)_(.+)"):
        if 'mlp_fc1' in m[1]:
            return f"1_model_transformer_resblocks_{m[0]}_{m[1].replace('mlp_fc1', 'mlp_c_fc')}"
        elif 'mlp_fc2' in m[1]:
            return f"1_model_transformer_resblocks_{m[0]}_{m[1].replace('mlp_fc2', 'mlp_c_proj')}"
        else:
            return f"1_model_transformer_resblocks_{m[0]}_{m[1].replace('self_attn', 'attn')}"
    return key


def keychanger_of(keys):
    keychanger = {}
    for key in keys:
        skey = key.replace(".", "_").replace("_weight", "")
        if "conditioner_embedders_" in skey:
            keychanger[skey.split("conditioner_embedders_", 1)[1]] = key
        elif "wrapped" in skey:
            keychanger[skey.split("wrapped_", 1)[1]] = key
        elif "clip_l" in skey or "t5xxl" in skey:
            keychanger[skey.replace("text_encoders_", "")] = key
        elif "model_" in skey:
            keychanger[skey.split("model_", 1)[1]] = key
    return keychanger


def msd_key_of(module, isv2, isxl):
    msd_key = convert_diffusers_name_to_compvis(module, isv2)
    if isxl:
        if "lora_unet" in msd_key:
            msd_key = msd_key.replace("lora_unet", "diffusion_model")
        elif "lora_te1_text_model" in msd_key:
            msd_key = msd_key.replace("lora_te1_text_model", "0_transformer_text_model")
    return msd_key


def block_ratio(msd_key, lwei, strength, isv2):
    blocks = list(LBLCOKS26)
    if isv2:
        blocks[0] = "resblocks"
    ratio, picked = strength, False
    for i, block in enumerate(blocks):
        if block in msd_key:
            ratio = lwei[0 if i >= 26 else i]
            picked = True
    return ratio if picked else strength


def target_of(msd_key, keychanger, shapes):
    """(model key, row slice) of a module: direct, or q/k/v thirds of OpenCLIP's in_proj (plusweightsqvk)."""
    if msd_key in keychanger:
        return keychanger[msd_key], None
    for i, x in enumerate(["_q_proj", "_k_proj", "_v_proj"]):
        if x in msd_key:
            inkey = msd_key.replace(x, "") + "_in_proj"
            if inkey in keychanger:
                d = shapes[keychanger[inkey]][0] // 3
                return keychanger[inkey], slice(i * d, (i + 1) * d)
    return None, None


def lora_delta(up, down, ratio, scale, weight_shape, matmul_only=False):
    """ratio * (up @ down) * scale in float32, shaped like the weight: merge_lora.py's three cases (or, for DoRA,
    ComfyUI's one: torch.mm of the factors flattened from dim 1, for every shape)."""
    if matmul_only:
        return ratio * torch.mm(up.flatten(start_dim=1), down.flatten(start_dim=1)).reshape(weight_shape) * scale
    if len(weight_shape) == 2:
        return ratio * (up @ down) * scale
    if down.size()[2:4] == (1, 1):
        return ratio * (up.squeeze(3).squeeze(2) @ down.squeeze(3).squeeze(2)).unsqueeze(2).unsqueeze(3) * scale
    conved = torch.nn.functional.conv2d(down.permute(1, 0, 2, 3), up).permute(1, 0, 2, 3)
    return ratio * conved * scale


KINDS = {".lora_down.weight": "kohya", ".lora_A.weight": "peft", ".hada_w1_a": "loha", ".lokr_w1": "lokr", ".lokr_w1_a": "lokr"}


def modules_of(keys):
    """(module, kind) in key order: kohya lora_down/lora_up, PEFT lora_A/lora_B, LyCORIS LoHa (hada_*) and LoKr (lokr_*)."""
    found = []
    for key in keys:
        for suffix, kind in KINDS.items():
            if key.endswith(suffix):
                found.append((key[: -len(suffix)], kind))
    return found


def peft_to_kohya(module, isxl):
    """PEFT/diffusers module path -> kohya name: the kohya root for the model part, dots as underscores."""
    for root, kohya in (("base_model.model.unet.", "lora_unet_"), ("base_model.model.text_encoder_2.", "lora_te2_"),
                        ("base_model.model.text_encoder.", "lora_te_"), ("unet.", "lora_unet_"),
                        ("text_encoder_2.", "lora_te2_"), ("text_encoder.", "lora_te_")):
        if module.startswith(root):
            if isxl and kohya == "lora_te_":
                kohya = "lora_te1_"
            return kohya + module[len(root):].replace(".", "_")
    return module


def module_delta(lora, lkeys, module, kind, ratio, weight_shape, matmul_only=False):
    """ratio * delta * scale in float32, shaped like the weight (rows of it for OpenCLIP's in_proj thirds).

    kohya / PEFT: merge_lora.py (above). LoHa and LoKr: ComfyUI comfy/weight_adapter/loha.py and lokr.py, with the
    strength applied as kohya applies it (ratio * delta * scale):
        LoHa: delta = (w1_a @ w1_b) * (w2_a @ w2_b), scale = alpha / w1_b.shape[0] (1 without alpha)
        LoKr: delta = kron(w1, w2), a factor stored as a pair being a @ b; a 4-D w2 makes w1 a 1x1 kernel;
              scale = alpha / rank of the factored pair (w2's if both), 1 if none is factored or without alpha.
    """
    def t(name):
        return lora.tensor(module + name).float()

    alpha = t(".alpha") if module + ".alpha" in lkeys else None
    if kind in ("kohya", "peft"):
        down, up = (t(".lora_down.weight"), t(".lora_up.weight")) if kind == "kohya" else (t(".lora_A.weight"), t(".lora_B.weight"))
        dim = down.size()[0]
        scale = (alpha if alpha is not None else dim) / dim
        return lora_delta(up, down, ratio, scale, weight_shape, matmul_only)
    if kind == "loha":
        w1b = t(".hada_w1_b")
        m1 = torch.mm(t(".hada_w1_a"), w1b.reshape(w1b.shape[0], -1))
        w2b = t(".hada_w2_b")
        m2 = torch.mm(t(".hada_w2_a"), w2b.reshape(w2b.shape[0], -1))
        scale = alpha / w1b.shape[0] if alpha is not None else 1.0
        return (ratio * (m1 * m2) * scale).reshape(weight_shape)
    dim = None
    if module + ".lokr_w1" in lkeys:
        w1 = t(".lokr_w1")
    else:
        w1b = t(".lokr_w1_b")
        dim = w1b.shape[0]
        w1 = torch.mm(t(".lokr_w1_a"), w1b)
    if module + ".lokr_w2" in lkeys:
        w2 = t(".lokr_w2")
    else:
        w2b = t(".lokr_w2_b")
        dim = w2b.shape[0]
        w2 = torch.mm(t(".lokr_w2_a"), w2b.reshape(w2b.shape[0], -1))
        if len(weight_shape) == 4:
            w2 = w2.reshape(w2.shape[0], -1, *weight_shape[2:])
    if w2.dim() == 4:
        w1 = w1.unsqueeze(2).unsqueeze(2)
    scale = alpha / dim if alpha is not None and dim is not None else 1.0
    return (ratio * torch.kron(w1, w2) * scale).reshape(weight_shape)


def channel_norms(rows, dora_norm):
    """The 2-norm of each row of a 2-D float32 tensor, as a column. "float32": torch's own float32 reduction, which
    ComfyUI runs (its summation order follows the CPU's SIMD width); "float64": the float32 rounding of the square
    root of a float64 sum of squares, the order fastmerge documents (the correctly rounded norm but for rare ties)."""
    if dora_norm == "float32":
        return rows.norm(dim=1, keepdim=True)
    return rows.double().pow(2).sum(dim=1, keepdim=True).sqrt().float()


def weight_decompose(dora_scale, weight, lora_diff, strength, dora_norm="float64"):
    """ComfyUI comfy/weight_adapter/base.py weight_decompose in float32, lora_diff already times alpha / rank:

        weight_calc = weight + lora_diff
        output axis (dora_scale.shape[0] == rows): norm of each row of weight (before the update, as ComfyUI does)
        input axis: norm of each input channel (over rows and kernel positions) of weight_calc
        weight_calc *= dora_scale / (norm + finfo(float32).eps)
        strength != 1: weight + strength * (weight_calc - weight), else weight_calc
    """
    dora_scale = dora_scale.float()
    weight_calc = weight + lora_diff
    if dora_scale.shape[0] == weight_calc.shape[0]:
        norm = channel_norms(weight.reshape(weight.shape[0], -1), dora_norm).reshape(weight.shape[0], *[1] * (weight.dim() - 1))
    else:
        columns = weight_calc.transpose(0, 1).reshape(weight_calc.shape[1], -1)
        norm = channel_norms(columns, dora_norm).reshape(weight_calc.shape[1], *[1] * (weight_calc.dim() - 1)).transpose(0, 1)
    norm = norm + torch.finfo(torch.float32).eps
    weight_calc = weight_calc * (dora_scale / norm)
    if strength != 1.0:
        weight_calc = weight_calc - weight
        return weight + strength * weight_calc
    return weight_calc


def bake(model_path, specs, out_path, dtype="keep", dora_norm="float64"):
    # One thread: torch's conv2d then picks oneDNN (fused multiply-add) or its native kernel (rounded) by batch size
    # alone (use_mkldnn: in_channels >= 16), not by the thread count, so the 3x3 LoCon rounding is reproducible.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _bake(model_path, specs, out_path, dtype, dora_norm)
    finally:
        torch.set_num_threads(threads)


def _bake(model_path, specs, out_path, dtype, dora_norm):
    model = st.SafeTensorsFile(model_path)
    keys = model.keys()
    isxl = "conditioner.embedders.1.model.transformer.resblocks.9.mlp.c_proj.weight" in keys
    isv2 = "cond_stage_model.model.transformer.resblocks.0.attn.out_proj.weight" in keys
    keychanger = keychanger_of(keys)
    shapes = {k: tuple(model.tensor(k).shape) for k in keys}
    work = {}   # model key -> float32 tensor being updated
    for spec in specs:
        path, strength, lwei = parse_lora(spec)
        lora = st.SafeTensorsFile(path)
        lkeys = lora.keys()
        for module, kind in modules_of(lkeys):
            msd_key = msd_key_of(peft_to_kohya(module, isxl) if kind == "peft" else module, isv2, isxl)
            wkey, rows = target_of(msd_key, keychanger, shapes)
            if wkey is None:
                continue
            ratio = block_ratio(msd_key, lwei, strength, isv2)
            if wkey not in work:
                work[wkey] = model.tensor(wkey).float().clone()
            w = work[wkey]
            shape = w[rows].shape if rows is not None else shapes[wkey]
            if module + ".dora_scale" in lkeys:
                before = w[rows] if rows is not None else w
                diff = module_delta(lora, lkeys, module, kind, 1.0, shape, matmul_only=True)
                decomposed = weight_decompose(lora.tensor(module + ".dora_scale"), before, diff, ratio, dora_norm)
                if rows is None:
                    work[wkey] = decomposed
                else:
                    w = w.clone()
                    w[rows] = decomposed
                    work[wkey] = w
                continue
            delta = module_delta(lora, lkeys, module, kind, ratio, shape)
            if len(shape) == 4 and shape[1] == 9 and delta.shape[1] == 4:
                # inpainting conv_in (A1111 extensions-builtin/Lora/networks.py): zero pad updown's channels 4 to 9
                delta = torch.nn.functional.pad(delta, (0, 0, 0, 0, 0, 5))
            if rows is None:
                work[wkey] = w + delta
            else:
                part = w[rows] + delta
                w = w.clone()
                w[rows] = part
                work[wkey] = w

    out = {}
    for k in keys:
        t = work.get(k)
        src = model.tensor(k)
        target = src.dtype if dtype == "keep" or not src.is_floating_point() else {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32}[dtype]
        out[k] = (t if t is not None else src).to(target).contiguous()
    st.save_file(out, out_path, metadata={"format": "pt"})
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model")
    p.add_argument("loras", nargs="+")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--dtype", default="keep", choices=["keep", "fp16", "bf16", "fp32"])
    p.add_argument("--dora-norm", default="float64", choices=["float64", "float32"])
    a = p.parse_args(argv)
    bake(a.model, a.loras, a.output, a.dtype, a.dora_norm)


if __name__ == "__main__":
    sys.exit(main())
