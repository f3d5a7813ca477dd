"""The SlothfulAttention node against shared/slothful/reference.py's goldens: every pooling case (through the node's
installed attn1 patch for the latent cases, through its pooling function for the direct-stride cases) and every
schedule table, in the three compat modes, on the stand-ins of ComfyUI's ModelPatcher, ModelSamplingDiscrete and
BasicTransformerBlock (hosts/comfyui/comfy)."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import types

import numpy as np
import pytest

from conftest import INTEGRATIONS, ROOT, load_custom_node

SHARED = os.environ.get("SLOTHFUL_SHARED", os.path.join(ROOT, "..", "shared", "slothful"))
COMPAT_UI = {"fixed": "Fixed", "2023": "Original2023", "2025": "Nearsighted2025"}


@pytest.fixture(scope="module")
def golden(tmp_path_factory):
    """(tensors, metadata) of `reference.py --out G.safetensors` (deterministic, ~5 s), read with its own reader."""
    ref = os.path.join(SHARED, "reference.py")
    assert os.path.exists(ref), f"{ref} not found (CI clones the repo next to shared/; or set SLOTHFUL_SHARED)"
    out = str(tmp_path_factory.mktemp("slothful") / "G.safetensors")
    subprocess.run(["/usr/bin/python3", ref, "--out", out], check=True, capture_output=True, text=True)
    spec = importlib.util.spec_from_file_location("slothful_st", os.path.join(SHARED, "st.py"))
    st = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(st)
    tensors, meta = st.read(out)
    plain = ("lerp", "torch", "generator")  # the only metadata values that are not JSON
    return tensors, {k: v if k in plain else json.loads(v) for k, v in meta.items()}


@pytest.fixture(scope="module")
def pack():
    return load_custom_node(os.path.join(INTEGRATIONS, "comfyui"), "comfyui_fastmerge_slothful")


def to_torch(dtype, arr):
    import torch
    if dtype == "BF16":
        return torch.from_numpy(np.ascontiguousarray(arr).view(np.int16).copy()).view(torch.bfloat16)
    return torch.from_numpy(np.array(arr))


def raw(t):
    import torch
    return t.contiguous().view(torch.int16 if t.dtype != torch.float32 else torch.int32).numpy().tobytes()


def make_model(model_channels):
    """A MODEL as CheckpointLoaderSimple returns it: a ModelPatcher over a BaseModel with model_config.unet_config
    and model_sampling."""
    from comfy.model_patcher import ModelPatcher
    from comfy.model_sampling import ModelSamplingDiscrete
    base = types.SimpleNamespace(model_config=types.SimpleNamespace(unet_config={"model_channels": model_channels}),
                                 model_sampling=ModelSamplingDiscrete())
    return ModelPatcher(base)


def node_inputs(pset, mode, kb, vb, compat, cpu_pooling):
    p = dict(pset, cpu_pooling=cpu_pooling)
    for side in ("in", "out"):
        p[side + "_mode"], p[side + "_k_blend"], p[side + "_v_blend"] = mode, kb, vb
    p["compat"] = COMPAT_UI[compat]
    return p


def run_layer(node_cls, model, inputs, x, block, H, W, n_heads, t, activations_shape=None):
    """One model evaluation's attn1 of one layer: the node patches a clone, the block calls the patch."""
    import torch
    from comfy.ldm.modules.attention import attn1_inputs
    (patched,) = node_cls().patch_model(model, **inputs)
    sigma = patched.model.model_sampling.sigma(torch.tensor([float(t)]))
    options = dict(patched.model_options["transformer_options"], block=(block, 1), sigmas=sigma,
                   original_shape=[x.shape[0], 4, H, W])
    if activations_shape is not None:
        options["activations_shape"] = activations_shape
    return patched, attn1_inputs(x, options, n_heads, 64)


def test_timestep_round_trip():
    """The stand-in's sigma(t) -> timestep() gives t back, as the node's schedule needs."""
    import torch
    from comfy.model_sampling import ModelSamplingDiscrete
    ms = ModelSamplingDiscrete()
    ts = torch.arange(1000)
    assert torch.equal(ms.timestep(ms.sigma(ts)), ts)


@pytest.mark.parametrize("cpu_pooling", ["torch", "fastmerge"])
def test_every_golden_pooling_case(golden, pack, cpu_pooling):
    """torch: the path GPU tensors always take; fastmerge: libfastmerge's kernels, the default for CPU tensors."""
    tensors, meta = golden
    node = pack.NODE_CLASS_MAPPINGS["FastMergeSlothfulAttention"]
    sl = sys.modules["comfyui_fastmerge_slothful.slothful_torch"]
    pool_kv = sl.pool_kv if cpu_pooling == "torch" else sl.pool_kv_fastmerge
    seen, same, bad = set(), 0, []
    for name, c in meta["cases"].items():
        x = to_torch(c["dtype"], tensors[c["input"]][1])
        if "latent" in c:
            model_name, H, W = meta["latents"][c["latent"]]
            mc, levels = meta["models"][model_name]
            (ds, Cm, nh), = [lv for lv in levels if lv[0] == c["ds"]]
            depth = Cm // mc
            model = make_model(x.shape[2] // depth)  # C=8 test states: model_channels scaled to keep the depth
            grid_shape = [x.shape[0], x.shape[2], *c["grid_used"]] if c["version"] == "fixed" else None
            patched, (q, k, v) = run_layer(node, model, node_inputs(meta["psets"][c["pset"]], c["mode"], c["kb"],
                                                                    c["vb"], c["version"], cpu_pooling),
                                           x, "output" if c["side"] == "out" else "input", H, W, nh, c["t"],
                                           grid_shape)
            assert q is x and "patches" not in model.model_options["transformer_options"]  # the input MODEL is untouched
        else:
            k, v = pool_kv(x, float(c["stride"]), c["mode"], c["kb"], c["vb"], tuple(c["grid"]), c["version"])
        gk = tensors[name + "/K"]
        gv = tensors.get(name + "/V", gk)
        ok = (tuple(k.shape) == tuple(gk[1].shape) and raw(k) == gk[1].tobytes()
              and tuple(v.shape) == tuple(gv[1].shape) and raw(v) == gv[1].tobytes()
              and ((v is k) == (name + "/V" not in tensors)))
        same += ok
        seen.add(c["version"])
        if not ok:
            bad.append(name)
    print(f"SlothfulAttention node ({cpu_pooling} pooling) vs golden: {same}/{len(meta['cases'])} cases identical")
    assert not bad, f"{len(bad)} cases differ, e.g. {bad[:5]}"
    assert seen == {"2023", "2025", "fixed"} and len(meta["cases"]) == 696


def test_schedule_tables(golden, pack):
    """Every row of every sched/ table: stride, time and depth ratios bit for bit, windows and grids exactly."""
    tensors, meta = golden
    sl = sys.modules["comfyui_fastmerge_slothful.slothful_torch"]
    cols = meta["sched_columns"]
    rows = expected = 0
    for latent, (model_name, H, W) in meta["latents"].items():
        mc = meta["models"][model_name][0]
        for pname, pset in meta["psets"].items():
            for ver in ("2023", "2025", "fixed"):
                i64 = tensors[f"sched/{latent}/{pname}/{ver}/i64"][1]
                f64 = tensors[f"sched/{latent}/{pname}/{ver}/f64"][1]
                expected += len(i64)
                for r, f in zip(i64, f64):
                    row = dict(zip(cols, r.tolist()))
                    side = "out" if row["side(0=in,1=out)"] else "in"
                    stride, tr, dr = sl.layer_stride(pset, side, row["C"], mc, row["n_heads"], row["t"], ver)
                    assert np.array([tr, dr, stride]).tobytes() == f.tobytes(), (latent, pname, ver, row)
                    assert (stride > 1) == bool(row["pooled"])
                    grid = sl.derive_grid(row["N"], H, W, ver)
                    assert (grid or (-1, -1)) == (row["h"], row["w"]), (latent, ver, row)
                    rows += 1
    assert rows == expected > 0


def test_compat_modes_differ_as_the_spec_says(pack):
    """SD1.5 512², OUT level 1, t=600, default parameters (SPEC §10): 2023 gives 21x32 = 672 keys from 3x2 windows,
    2025 at the default blends 0 returns the uncropped 22x32 = 704 samples (Q3), Fixed uses out_slothful (4, no
    swap): stride 4 -> 2x2 windows, 1024 keys."""
    import torch
    node = pack.NODE_CLASS_MAPPINGS["FastMergeSlothfulAttention"]
    defaults = {k: v[1]["default"] for k, v in node.INPUT_TYPES()["required"].items() if k != "model"}
    x = torch.randn(2, 64 * 64, 320)
    got = {}
    for compat in ("Original2023", "Nearsighted2025", "Fixed"):
        _, (_, k, v) = run_layer(node, make_model(320), dict(defaults, compat=compat), x, "output", 64, 64, 8, 600,
                                 [2, 320, 64, 64])
        assert v is k
        got[compat] = k.shape[1]
    assert got == {"Original2023": 672, "Nearsighted2025": 704, "Fixed": 1024}
    # middle blocks and the last steps are never pooled
    _, (q, k, v) = run_layer(node, make_model(320), dict(defaults), x, "middle", 64, 64, 8, 600)
    assert k is x and v is x


@pytest.mark.parametrize("change, message", [
    (dict(in_k_blend=1.5), "in_k_blend must be a number in [0.0, 1.0], got 1.5"),
    (dict(out_mode="3D_AVG"), "out_mode '3D_AVG' is not one of 1D_AVG, 1D_MAX, 2D_AVG, 2D_MAX"),
    (dict(compat="Original2024"), "compat 'Original2024' is not one of Fixed, Original2023, Nearsighted2025"),
    (dict(peak_time=float("nan")), "peak_time must be a number in [0.0, 1.0], got nan"),
    (dict(cpu_pooling="numpy"), "cpu_pooling 'numpy' is not one of fastmerge, torch"),
])
def test_bad_settings_are_one_readable_error(pack, change, message):
    node = pack.NODE_CLASS_MAPPINGS["FastMergeSlothfulAttention"]
    defaults = {k: v[1]["default"] for k, v in node.INPUT_TYPES()["required"].items() if k != "model"}
    model = make_model(320)
    with pytest.raises(pack.common.FastMergeNodeError) as e:
        node().patch_model(model, **dict(defaults, **change))
    assert str(e.value) == "SlothfulAttention: " + message and "\n" not in str(e.value)
    assert "patches" not in model.model_options["transformer_options"]


def test_bad_layers_are_one_readable_error(pack):
    """What the original node crashes on (SPEC Q4, Q6) is one readable error at sampling time."""
    import torch
    node = pack.NODE_CLASS_MAPPINGS["FastMergeSlothfulAttention"]
    defaults = {k: v[1]["default"] for k, v in node.INPUT_TYPES()["required"].items() if k != "model"}
    # depth 0: C below model_channels
    with pytest.raises(pack.common.FastMergeNodeError, match=r"C=160 channels, fewer than the model's "
                                                             r"model_channels=320 \(depth 0\)"):
        run_layer(node, make_model(320), dict(defaults), torch.randn(1, 4096, 160), "output", 64, 64, 8, 600)
    # 2023 grid derivation for a 33x48 latent at ds 4 (9x12 = 108 tokens): no grid fits; Fixed pools it
    x = torch.randn(1, 108, 1280)
    with pytest.raises(pack.common.FastMergeNodeError, match="108 tokens do not form a grid for the 33x48 latent in "
                                                             "compat mode 2023"):
        run_layer(node, make_model(320), dict(defaults, out_slothful=50.0, compat="Original2023"), x, "input", 33, 48,
                  8, 600)
    _, (_, k, _) = run_layer(node, make_model(320), dict(defaults, out_slothful=50.0, compat="Fixed",
                                                         in_slothful=50.0), x, "input", 33, 48, 8, 600)
    assert k.shape[1] == (9 // 2) * (12 // 2)
