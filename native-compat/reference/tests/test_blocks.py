"""SPEC §5 block map, weight lists and architecture detection."""
import pytest

import sd_blocks as blocks
import sdmodels

SD1_CASES = {
    "model.diffusion_model.time_embed.0.weight": "IN00",       # SPEC §9: c60e6f3 read OUT11 here
    "model.diffusion_model.time_embed.2.bias": "IN00",
    "model.diffusion_model.out.0.weight": "OUT11",
    "model.diffusion_model.out.2.bias": "OUT11",
    "model.diffusion_model.input_blocks.0.0.weight": "IN00",
    "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_out.0.weight": "IN01",
    "model.diffusion_model.input_blocks.11.0.out_layers.3.weight": "IN11",
    "model.diffusion_model.middle_block.1.proj_out.weight": "M00",
    "model.diffusion_model.middle_block.2.emb_layers.1.bias": "M00",
    "model.diffusion_model.output_blocks.0.0.skip_connection.weight": "OUT00",
    "model.diffusion_model.output_blocks.10.1.transformer_blocks.0.attn1.to_out.0.weight": "OUT10",
    "model.diffusion_model.output_blocks.11.1.proj_out.bias": "OUT11",
    "cond_stage_model.transformer.text_model.encoder.layers.0.mlp.fc1.weight": "BASE",
    "cond_stage_model.transformer.text_model.embeddings.position_ids": "BASE",
    "cond_stage_model.model.transformer.resblocks.3.attn.out_proj.weight": "BASE",
    "first_stage_model.decoder.conv_out.weight": "BASE",
    "first_stage_model.encoder.mid.attn_1.proj_out.weight": "BASE",
    "alphas_cumprod": "BASE",
}

SDXL_CASES = {
    "model.diffusion_model.time_embed.0.weight": "IN00",
    "model.diffusion_model.label_emb.0.2.bias": "IN00",
    "model.diffusion_model.out.2.weight": "OUT08",
    "model.diffusion_model.out.0.bias": "OUT08",
    "model.diffusion_model.input_blocks.0.0.weight": "IN00",
    "model.diffusion_model.input_blocks.8.1.transformer_blocks.9.attn2.to_out.0.bias": "IN08",
    "model.diffusion_model.middle_block.1.transformer_blocks.3.ff.net.2.weight": "M00",
    "model.diffusion_model.output_blocks.2.1.transformer_blocks.9.attn1.to_k.weight": "OUT02",
    "model.diffusion_model.output_blocks.8.0.out_layers.3.weight": "OUT08",
    "conditioner.embedders.0.transformer.text_model.embeddings.position_ids": "BASE",
    "conditioner.embedders.1.model.transformer.resblocks.9.mlp.c_proj.weight": "BASE",
    "conditioner.embedders.1.model.logit_scale": "BASE",
    "first_stage_model.encoder.down.0.block.0.conv1.weight": "BASE",
}


@pytest.mark.parametrize("key,block", sorted(SD1_CASES.items()))
def test_sd1_block_of_key(key, block):
    assert blocks.block_of_key(key, blocks.SD) == block


@pytest.mark.parametrize("key,block", sorted(SDXL_CASES.items()))
def test_sdxl_block_of_key(key, block):
    assert blocks.block_of_key(key, blocks.SDXL) == block


@pytest.mark.parametrize("kind,arch,ids", [("sd1", blocks.SD, blocks.BLOCKID), ("sd2", blocks.SD, blocks.BLOCKID),
                                           ("sdxl", blocks.SDXL, blocks.BLOCKID_XL)])
def test_every_block_is_used_by_real_keys(kind, arch, ids):
    keys = [k for k, _ in sdmodels.key_shapes(kind)]
    assert blocks.detect_architecture(keys) == arch
    used = {blocks.block_of_key(k, arch) for k in keys}
    assert used == set(ids)


def test_sd1_unet_keys_follow_their_block_numbers():
    for key, _ in sdmodels.key_shapes("sd1"):
        block = blocks.block_of_key(key, blocks.SD)
        rest = key[len("model.diffusion_model."):]
        if rest.startswith("input_blocks."):
            assert block == f"IN{int(rest.split('.')[1]):02d}"
        elif rest.startswith("output_blocks."):
            assert block == f"OUT{int(rest.split('.')[1]):02d}"
        elif not key.startswith("model.diffusion_model."):
            assert block == "BASE", key


def test_detect_architecture():
    assert blocks.detect_architecture(["conditioner.embedders.0.x", "model.diffusion_model.y"]) == blocks.SDXL
    assert blocks.detect_architecture(["cond_stage_model.x", "model.diffusion_model.y"]) == blocks.SD
    assert blocks.detect_architecture(["lora_unet_down.weight"]) == blocks.UNKNOWN


def test_sd_lists():
    full = [i / 100 for i in range(26)]
    assert blocks.parse_weight_list(",".join(map(str, full)), blocks.SD, 0.9, "w") == full
    assert blocks.parse_weight_list(",".join(map(str, full[1:])), blocks.SD, 0.9, "w") == [0.9] + full[1:]
    with pytest.raises(blocks.WeightListError, match="26 values"):
        blocks.parse_weight_list("0.1,0.2", blocks.SD, 0.5, "w")
    with pytest.raises(blocks.WeightListError, match="decimals"):
        blocks.parse_weight_list("0.1,abc", blocks.SD, 0.5, "w")


def test_sdxl_list_conversion_drops_in09_11_and_out09_11():
    full = [float(i) for i in range(26)]  # value == index into BLOCKID
    xl = blocks.parse_weight_list(",".join(map(str, full)), blocks.SDXL, 0.5, "w")
    assert len(xl) == 20
    for i, bid in enumerate(blocks.BLOCKID_XL):
        assert xl[i] == blocks.BLOCKID.index(bid), bid
    assert blocks.parse_weight_list(",".join(["1"] * 19), blocks.SDXL, 0.25, "w") == [0.25] + [1.0] * 19
    with pytest.raises(blocks.WeightListError, match="SDXL"):
        blocks.parse_weight_list(",".join(["1"] * 21), blocks.SDXL, 0.25, "w")


def test_unknown_architecture_rejects_lists():
    with pytest.raises(blocks.WeightListError, match="unknown"):
        blocks.parse_weight_list(",".join(["1"] * 26), blocks.UNKNOWN, 0.5, "w")


def test_exclusion():
    assert blocks.is_excluded("model.diffusion_model.input_blocks.5.0.x.weight", "IN05", ["IN05"])
    assert not blocks.is_excluded("model.diffusion_model.input_blocks.5.0.x.weight", "IN05", ["IN04"])
    assert blocks.is_excluded("first_stage_model.decoder.x.weight", "BASE", ["VAE"])
    assert blocks.is_excluded("model.diffusion_model.input_blocks.5.1.proj_in.weight", "IN05", ["proj_in"])
    # a block id is never used as a substring ("IN0" style partial ids are not block ids)
    assert not blocks.is_excluded("model.M00.weight", "BASE", ["M00"])
