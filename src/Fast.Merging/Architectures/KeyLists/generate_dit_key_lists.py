#!/usr/bin/env python3
"""Writes the key lists of the transformer denoisers (Flux.1, SD3, SD3.5) in the format of the other lists:
`name [shape]`, names below `model.diffusion_model.`.

The lists are derived from the models' hyper-parameters the way the reference implementations build their
modules (black-forest-labs/flux `model.py`/`layers.py`, Stability's `mmditx.py` as ComfyUI ships it), and were
checked key for key and shape for shape against the model configs of ljleb/sd-mecha
(`flux-flux.yaml`: 780 keys of flux1-dev; `sd3-comfyui.yaml`: 491 keys of SD3 medium).

    python3 generate_dit_key_lists.py   # rewrites Flux-Dev.txt, Flux-Schnell.txt, SD3-Medium.txt, SD35-Large.txt
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def linear(name, out_dim, in_dim, bias=True):
    yield f"{name}.weight", [out_dim, in_dim]
    if bias:
        yield f"{name}.bias", [out_dim]


def flux(guidance):
    hidden, heads, mlp, double, single = 3072, 24, 12288, 19, 38
    head_dim = hidden // heads
    keys = []
    keys += linear("img_in", hidden, 64)
    keys += linear("time_in.in_layer", hidden, 256)
    keys += linear("time_in.out_layer", hidden, hidden)
    if guidance:  # dev is guidance-distilled; schnell has no guidance embedder
        keys += linear("guidance_in.in_layer", hidden, 256)
        keys += linear("guidance_in.out_layer", hidden, hidden)
    keys += linear("vector_in.in_layer", hidden, 768)
    keys += linear("vector_in.out_layer", hidden, hidden)
    keys += linear("txt_in", hidden, 4096)
    for i in range(double):
        for stream in ("img", "txt"):
            p = f"double_blocks.{i}.{stream}"
            keys += linear(f"{p}_mod.lin", 6 * hidden, hidden)
            keys += [(f"{p}_attn.norm.key_norm.scale", [head_dim]), (f"{p}_attn.norm.query_norm.scale", [head_dim])]
            keys += linear(f"{p}_attn.qkv", 3 * hidden, hidden)
            keys += linear(f"{p}_attn.proj", hidden, hidden)
            keys += linear(f"{p}_mlp.0", mlp, hidden)
            keys += linear(f"{p}_mlp.2", hidden, mlp)
    for i in range(single):
        p = f"single_blocks.{i}"
        keys += linear(f"{p}.linear1", 3 * hidden + mlp, hidden)
        keys += linear(f"{p}.linear2", hidden, hidden + mlp)
        keys += [(f"{p}.norm.key_norm.scale", [head_dim]), (f"{p}.norm.query_norm.scale", [head_dim])]
        keys += linear(f"{p}.modulation.lin", 3 * hidden, hidden)
    keys += linear("final_layer.adaLN_modulation.1", 2 * hidden, hidden)
    keys += linear("final_layer.linear", 64, hidden)
    return keys


def mmdit(depth, qk_norm):
    hidden = 64 * depth  # SD3's rule: hidden size = 64 × depth (1536 for 24 blocks, 2432 for 38)
    head_dim, mlp = 64, 4 * hidden
    keys = [("pos_embed", [1, 192 * 192, hidden])]
    keys += [("x_embedder.proj.weight", [hidden, 16, 2, 2]), ("x_embedder.proj.bias", [hidden])]
    keys += linear("context_embedder", hidden, 4096)
    keys += linear("y_embedder.mlp.0", hidden, 2048)
    keys += linear("y_embedder.mlp.2", hidden, hidden)
    keys += linear("t_embedder.mlp.0", hidden, 256)
    keys += linear("t_embedder.mlp.2", hidden, hidden)
    for i in range(depth):
        for part in ("context_block", "x_block"):
            # The last block's context stream only feeds the image stream's attention: no projection, no MLP.
            pre_only = part == "context_block" and i == depth - 1
            p = f"joint_blocks.{i}.{part}"
            keys += linear(f"{p}.adaLN_modulation.1", (2 if pre_only else 6) * hidden, hidden)
            keys += linear(f"{p}.attn.qkv", 3 * hidden, hidden)
            if qk_norm:
                keys += [(f"{p}.attn.ln_q.weight", [head_dim]), (f"{p}.attn.ln_k.weight", [head_dim])]
            if not pre_only:
                keys += linear(f"{p}.attn.proj", hidden, hidden)
                keys += linear(f"{p}.mlp.fc1", mlp, hidden)
                keys += linear(f"{p}.mlp.fc2", hidden, mlp)
    keys += linear("final_layer.adaLN_modulation.1", 2 * hidden, hidden)
    keys += linear("final_layer.linear", 64, hidden)
    return keys


def write(name, keys):
    with open(os.path.join(HERE, name + ".txt"), "w", encoding="ascii", newline="\n") as f:
        for key, shape in keys:
            f.write(f"{key} [{','.join(str(d) for d in shape)}]\n")


if __name__ == "__main__":
    write("Flux-Dev", flux(guidance=True))
    write("Flux-Schnell", flux(guidance=False))
    write("SD3-Medium", mmdit(24, qk_norm=False))
    write("SD35-Large", mmdit(38, qk_norm=True))
