"""Stand-in for how comfy/ldm/modules/attention.py's BasicTransformerBlock._forward (comfyanonymous/ComfyUI @
00db33f6b7fc) calls the attn1 patches: extra_options is transformer_options without "patches"/"patches_replace",
plus n_heads, dim_head and attn_precision; with no attn1 context, k and v start as n = norm1(x) and each patch in
order maps (n, context_attn1, value_attn1, extra_options) to the next triple, which to_q/to_k/to_v then project.
SpatialTransformer.forward has set transformer_options["activations_shape"] = list(x.shape) (B, C, h, w) before."""


def attn1_inputs(n, transformer_options, n_heads, d_head, attn_precision=None):
    extra_options = {}
    transformer_patches = {}
    for k in transformer_options:
        if k == "patches":
            transformer_patches = transformer_options[k]
        elif k == "patches_replace":
            pass
        else:
            extra_options[k] = transformer_options[k]
    extra_options["n_heads"] = n_heads
    extra_options["dim_head"] = d_head
    extra_options["attn_precision"] = attn_precision
    context_attn1 = None
    value_attn1 = None
    if "attn1_patch" in transformer_patches:
        patch = transformer_patches["attn1_patch"]
        if context_attn1 is None:
            context_attn1 = n
        value_attn1 = context_attn1
        for p in patch:
            n, context_attn1, value_attn1 = p(n, context_attn1, value_attn1, extra_options)
    if context_attn1 is None:
        context_attn1 = n
    if value_attn1 is None:
        value_attn1 = context_attn1
    return n, context_attn1, value_attn1
