"""The ComfyUI node pack against the stand-ins of ComfyUI's folder_paths, comfy.sd, comfy.utils and
comfy.model_management (hosts/comfyui), on checkpoints made by `fastmerge synth`, compared with the CLI."""
from __future__ import annotations

import os
import subprocess
import sys
import tomllib

import pytest

from conftest import INTEGRATIONS, ROOT, cli, same_bytes

LIST26 = "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1,0.9,0.8,0.7,0.6,0.5,0.4,0.3,0.2,0.1,0,0.25,0.5,0.75,1,0.5,0.3"


def merge_inputs(**overrides):
    inputs = dict(ckpt_name_a="sd1_a.safetensors", ckpt_name_b="sd1_b.safetensors", mode="ws", calcmode="normal",
                  alpha=0.3, beta=0.25, preset="none", block_weights="", position_ids="reset", dtype="keep",
                  output_name="", overwrite=False)
    inputs.update(overrides)
    return inputs


def files(folder):
    return sorted(os.listdir(folder))


def test_registry_metadata_and_the_pack_imports_with_only_fastmerge():
    with open(os.path.join(INTEGRATIONS, "comfyui", "pyproject.toml"), "rb") as f:
        meta = tomllib.load(f)
    assert meta["tool"]["comfy"]["PublisherId"] and meta["tool"]["comfy"]["DisplayName"] == "FastMerge"
    assert meta["project"]["name"] and meta["project"]["version"]
    # A fresh interpreter with only the fastmerge package on its path (no ComfyUI modules): the import does no work.
    code = (
        "import importlib.util, os, sys\n"
        f"sys.path.insert(0, {os.path.join(ROOT, 'native-compat', 'python')!r})\n"
        f"p = {os.path.join(INTEGRATIONS, 'comfyui')!r}\n"
        "spec = importlib.util.spec_from_file_location('fastmerge_pack', os.path.join(p, '__init__.py'), submodule_search_locations=[p])\n"
        "m = importlib.util.module_from_spec(spec); sys.modules['fastmerge_pack'] = m; spec.loader.exec_module(m)\n"
        "import fastmerge._library as lib\n"
        "assert lib._lib is None, 'libfastmerge loaded at import'\n"
        "assert 'folder_paths' not in sys.modules and 'comfy' not in sys.modules and 'torch' not in sys.modules\n"
        "print(sorted(m.NODE_CLASS_MAPPINGS), sorted(m.NODE_DISPLAY_NAME_MAPPINGS) == sorted(m.NODE_CLASS_MAPPINGS))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "FastMergeCheckpoints" in out and "FastMergeBulk" in out and out.strip().endswith("True")


def test_node_conventions(comfy_host):
    pack, folder_paths, _, _ = comfy_host
    for name, cls in pack.NODE_CLASS_MAPPINGS.items():
        types = cls.INPUT_TYPES()
        assert "required" in types and isinstance(cls.RETURN_TYPES, tuple), name
        assert callable(getattr(cls(), cls.FUNCTION)) and cls.CATEGORY.startswith(
            "model_patches/" if name == "FastMergeSlothfulAttention" else "advanced/model_merging"), name
        assert name in pack.NODE_DISPLAY_NAME_MAPPINGS
    names = pack.NODE_CLASS_MAPPINGS["FastMergeCheckpoints"].INPUT_TYPES()["required"]["ckpt_name_a"][0]
    assert names == folder_paths.get_filename_list("checkpoints") and "sd1_a.safetensors" in names


def test_merge_node_writes_the_cli_bytes_loads_them_and_caches(comfy_host, tmp_path):
    import comfy.sd
    import fastmerge
    pack, _, ckpts, hook = comfy_host
    node = pack.NODE_CLASS_MAPPINGS["FastMergeCheckpoints"]
    inputs = merge_inputs(mode="ad", ckpt_name_c="sd1_c.safetensors", block_weights=LIST26, alpha=0.4)

    model, clip, vae, name = node().merge(**inputs)

    out = os.path.join(ckpts, name)
    assert name.startswith("fm_sd1_a_sd1_b_ad_normal_a0.4_") and name.endswith(".safetensors")
    reference = str(tmp_path / "cli.safetensors")
    cli("merge", "-a", os.path.join(ckpts, "sd1_a.safetensors"), "-b", os.path.join(ckpts, "sd1_b.safetensors"),
        "-c", os.path.join(ckpts, "sd1_c.safetensors"), "--mode", "ad", "--calc", "normal", "--alpha", "0.4",
        "--weights-alpha", LIST26, "--position-ids", "reset", "--dtype", "keep", "-o", reference)
    assert same_bytes(out, reference)
    # Loaded as CheckpointLoaderSimple loads: the merged file, with VAE and CLIP, and the embeddings folder.
    assert comfy.sd.CALLS[-1]["ckpt_path"] == out and comfy.sd.CALLS[-1]["output_vae"] and comfy.sd.CALLS[-1]["output_clip"]
    assert model.path == out and clip.keys and vae.keys
    assert hook and hook[-1] == (1000, 1000)  # the progress bar ran to the end

    # The same recipe again: no merge (fastmerge.merge would fail), the same file loaded again.
    stamp = os.stat(out).st_mtime_ns
    real_merge = fastmerge.merge
    fastmerge.merge = lambda *a, **k: pytest.fail("re-merged a cached recipe")
    try:
        again = node().merge(**inputs)
    finally:
        fastmerge.merge = real_merge
    assert again[3] == name and os.stat(out).st_mtime_ns == stamp and comfy.sd.CALLS[-1]["ckpt_path"] == out
    # IS_CHANGED is the recipe hash: stable for the same inputs, new when an input file changes.
    first = node.IS_CHANGED(**inputs)
    assert first == node.IS_CHANGED(**inputs) and first[:10] in name
    os.utime(os.path.join(ckpts, "sd1_b.safetensors"), ns=(1, 1))
    assert node.IS_CHANGED(**inputs) != first


def test_named_output_and_preset(comfy_host, tmp_path):
    pack, _, ckpts, _ = comfy_host
    node = pack.NODE_CLASS_MAPPINGS["FastMergeCheckpoints"]()
    _, _, _, name = node.merge(**merge_inputs(preset="GRAD_V", output_name="my merge"))
    assert name == "my merge.safetensors"
    reference = str(tmp_path / "cli.safetensors")
    cli("merge", "-a", os.path.join(ckpts, "sd1_a.safetensors"), "-b", os.path.join(ckpts, "sd1_b.safetensors"),
        "--mode", "ws", "--calc", "normal", "--alpha", "0.3", "--weights-alpha", "GRAD_V", "--position-ids", "reset",
        "--dtype", "keep", "-o", reference)
    assert same_bytes(os.path.join(ckpts, name), reference)
    # Another recipe under the same name is refused unless overwrite is set.
    with pytest.raises(Exception, match="already exists"):
        node.merge(**merge_inputs(alpha=0.6, output_name="my merge"))


@pytest.mark.parametrize("overrides, expected", [
    (dict(block_weights="0.5," * 23 + "0.5"), "weight"),                      # 24 values: no layout takes them
    (dict(ckpt_name_b="sdxl.safetensors"), "different architectures"),                       # architecture mismatch
    (dict(ckpt_name_b="gone.safetensors"), "gone.safetensors"),               # missing file
    (dict(mode="ad"), "needs model C"),
    (dict(output_name="../escape"), "file name"),
])
def test_bad_input_is_one_readable_line_and_leaves_no_file(comfy_host, overrides, expected):
    pack, _, ckpts, _ = comfy_host
    before = files(ckpts)
    with pytest.raises(Exception) as info:
        pack.NODE_CLASS_MAPPINGS["FastMergeCheckpoints"]().merge(**merge_inputs(**overrides))
    message = str(info.value)
    assert message.startswith("FastMerge: ") and "\n" not in message and expected.lower() in message.lower(), message
    assert files(ckpts) == before  # no partial or temporary file, no cache entry


def test_interrupt_cancels_without_a_partial_file(comfy_host):
    import comfy.model_management
    pack, _, ckpts, _ = comfy_host
    before = files(ckpts)
    comfy.model_management.interrupt_current_processing(True)
    with pytest.raises(comfy.model_management.InterruptProcessingException):
        pack.NODE_CLASS_MAPPINGS["FastMergeCheckpoints"]().merge(**merge_inputs())
    assert files(ckpts) == before


def test_check_node_reports_as_text(comfy_host):
    pack, _, _, _ = comfy_host
    result = pack.NODE_CLASS_MAPPINGS["FastMergeCheck"]().check("sd1_ema.safetensors")
    text = result["result"][0]
    assert result["ui"]["text"] == [text]
    assert text.startswith("sd1_ema.safetensors: ") and "position ids" in text and "NaN/Inf" in text
    assert "sha256: " in text


@pytest.mark.parametrize("node_name, extra, flags", [
    ("FastMergeFixPositionIds", {}, ["--position-ids", "reset"]),
    ("FastMergePrune", {}, ["--prune", "--position-ids", "keep"]),
    ("FastMergeConvertPrecision", {"dtype": "fp16"}, ["--dtype", "fp16", "--position-ids", "keep"]),
    ("FastMergeBakeVAE", {"vae_name": "vae_b.safetensors"}, ["--vae", "VAE", "--position-ids", "keep"]),
])
def test_repair_nodes_write_the_cli_bytes(comfy_host, tmp_path, node_name, extra, flags):
    pack, folder_paths, ckpts, _ = comfy_host
    cls = pack.NODE_CLASS_MAPPINGS[node_name]
    assert set(extra) <= set(cls.INPUT_TYPES()["required"])
    result = cls().fix("sd1_ema.safetensors", "", False, **extra)
    name = result["result"][0]
    assert name == "sd1_ema-{}.safetensors".format(cls.SUFFIX)
    reference = str(tmp_path / "cli.safetensors")
    vae = os.path.join(folder_paths.get_folder_paths("vae")[0], "vae_b.safetensors")
    cli("fix", os.path.join(ckpts, "sd1_ema.safetensors"), *[vae if f == "VAE" else f for f in flags], "-o", reference)
    assert same_bytes(os.path.join(ckpts, name), reference)
    with pytest.raises(Exception, match="already exists"):
        cls().fix("sd1_ema.safetensors", "", False, **extra)


def test_bulk_node_sweeps_with_progress(comfy_host, tmp_path):
    pack, _, ckpts, hook = comfy_host
    node = pack.NODE_CLASS_MAPPINGS["FastMergeBulk"]()
    result = node.sweep(ckpt_name_a="sd1_a.safetensors", ckpt_name_b="sd1_b.safetensors", mode="ws", calcmode="normal",
                        alpha_from=0.0, alpha_to=0.5, alpha_step=0.25, beta=0.25, preset="none", block_weights="",
                        position_ids="reset", dtype="keep", subfolder="sweep", overwrite=False)
    names = result["result"][0].split("\n")
    assert names == [f"sweep/sd1_b_ws_normal_a{a}.safetensors" for a in (0.0, 0.25, 0.5)]
    assert hook and hook[-1] == (1000, 1000)
    reference = str(tmp_path / "cli.safetensors")
    cli("merge", "-a", os.path.join(ckpts, "sd1_a.safetensors"), "-b", os.path.join(ckpts, "sd1_b.safetensors"),
        "--mode", "ws", "--calc", "normal", "--alpha", "0.25", "--position-ids", "reset", "--dtype", "keep",
        "-o", reference)
    assert same_bytes(os.path.join(ckpts, names[1]), reference)
    assert result["ui"]["text"][0].startswith("wrote 3 files:")
    # Run again: every file already records its recipe, nothing is merged or rewritten.
    stamps = [os.stat(os.path.join(ckpts, n)).st_mtime_ns for n in names]
    again = node.sweep(ckpt_name_a="sd1_a.safetensors", ckpt_name_b="sd1_b.safetensors", mode="ws", calcmode="normal",
                       alpha_from=0.0, alpha_to=0.5, alpha_step=0.25, beta=0.25, preset="none", block_weights="",
                       position_ids="reset", dtype="keep", subfolder="sweep", overwrite=False)
    assert again["ui"]["text"][0].startswith("wrote 0 files, kept 3 already merged:")
    assert [os.stat(os.path.join(ckpts, n)).st_mtime_ns for n in names] == stamps
    with pytest.raises(Exception, match="step must be positive"):
        node.sweep(ckpt_name_a="sd1_a.safetensors", ckpt_name_b="sd1_b.safetensors", mode="ws", calcmode="normal",
                   alpha_from=0.0, alpha_to=0.5, alpha_step=0.0, beta=0.25, preset="none", block_weights="",
                   position_ids="reset", dtype="keep", subfolder="sweep2", overwrite=False)


FULL_DISK = r"""
import os, shutil, subprocess, sys
sys.path[:0] = [@NATIVE@, @HOST@]
import folder_paths
folder_paths.set_base_path(@BASE@)
full = folder_paths.get_folder_paths("checkpoints")[0]   # the first folder, where merges are written: 1 MiB tmpfs
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", full], check=True)
inputs = os.path.join(@BASE@, "more-checkpoints")          # the models, in a second checkpoints folder
os.makedirs(inputs)
folder_paths.add_model_folder_path("checkpoints", inputs)
for p in @MODELS@:
    shutil.copy(p, inputs)
from conftest import load_custom_node
pack = load_custom_node(@PACK@, "comfyui_fastmerge")
try:
    pack.NODE_CLASS_MAPPINGS["FastMergeCheckpoints"]().merge(
        ckpt_name_a="sd1_a.safetensors", ckpt_name_b="sd1_b.safetensors", mode="ws", calcmode="normal", alpha=0.3,
        beta=0.25, preset="none", block_weights="", position_ids="reset", dtype="keep", output_name="", overwrite=False)
    print("NO ERROR")
except Exception as ex:
    print(str(ex))
print("EMPTY" if os.listdir(full) == [] else "LEFT: " + repr(os.listdir(full)))
"""


def test_full_disk_is_one_line_and_no_partial_file(tmp_path, synth):
    """A real ENOSPC: the output folder is a 1 MiB tmpfs, mounted in a user+mount namespace (unshare -Urm, no root
    needed) so nothing outside the test sees it; the merged model is ~2 MiB."""
    from conftest import HERE
    code = FULL_DISK
    for name, value in (("@NATIVE@", os.path.join(ROOT, "native-compat", "python")),
                        ("@HOST@", os.path.join(HERE, "hosts", "comfyui")), ("@BASE@", str(tmp_path / "ComfyUI")),
                        ("@MODELS@", [synth["sd1_a"], synth["sd1_b"]]), ("@PACK@", os.path.join(INTEGRATIONS, "comfyui"))):
        code = code.replace(name, repr(value))
    assert os.path.getsize(synth["sd1_a"]) > 2 ** 20
    run = subprocess.run(["unshare", "-Urm", sys.executable, "-c", code], capture_output=True, text=True, cwd=HERE)
    lines = run.stdout.strip().splitlines()
    assert run.returncode == 0 and len(lines) == 2, run.stdout + run.stderr
    assert lines[0].startswith("FastMerge: ") and "no space left on the device" in lines[0] and lines[1] == "EMPTY", lines


def test_calcmode_lists_are_the_library_catalog_and_plus_random_takes_the_seed(comfy_host, tmp_path):
    import fastmerge
    pack, _, ckpts, _ = comfy_host
    import importlib
    assert importlib.import_module(pack.__name__ + ".common").CALCMODES == fastmerge.catalog()["calcmodes"]
    for name in ("FastMergeCheckpoints", "FastMergeBulk"):
        assert pack.NODE_CLASS_MAPPINGS[name].INPUT_TYPES()["required"]["calcmode"][0] == fastmerge.catalog()["calcmodes"]
    node = pack.NODE_CLASS_MAPPINGS["FastMergeCheckpoints"]
    _, _, _, name = node().merge(**merge_inputs(calcmode="plus random", alpha=0.1, seed=3))
    reference = str(tmp_path / "cli.safetensors")
    cli("merge", "-a", os.path.join(ckpts, "sd1_a.safetensors"), "-b", os.path.join(ckpts, "sd1_b.safetensors"),
        "--calc", "plus random", "--alpha", "0.1", "--seed", "3", "--position-ids", "reset", "--dtype", "keep",
        "-o", reference)
    assert same_bytes(os.path.join(ckpts, name), reference)
    # self needs no seed, and -1 (the default) records none.
    _, _, _, name = node().merge(**merge_inputs(calcmode="self", alpha=0.7))
    reference = str(tmp_path / "cli-self.safetensors")
    cli("merge", "-a", os.path.join(ckpts, "sd1_a.safetensors"), "-b", os.path.join(ckpts, "sd1_b.safetensors"),
        "--calc", "self", "--alpha", "0.7", "-o", reference)
    assert same_bytes(os.path.join(ckpts, name), reference)
    with pytest.raises(Exception, match="seed"):
        node().merge(**merge_inputs(calcmode="plus random", alpha=0.1, output_name="no-seed"))
