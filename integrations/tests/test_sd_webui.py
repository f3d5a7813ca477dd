"""The A1111/Forge extension against stand-ins of modules.script_callbacks, modules.sd_models, modules.shared,
gradio and FastAPI (hosts/webui), on checkpoints made by `fastmerge synth`, compared with the CLI."""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import struct

import pytest

from conftest import INTEGRATIONS, cli, same_bytes

EXT = os.path.join(INTEGRATIONS, "sd-webui")
LIST26 = "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1,0.9,0.8,0.7,0.6,0.5,0.4,0.3,0.2,0.1,0,0.25,0.5,0.75,1,0.5,0.3"


def load_module(path):
    """As modules/script_loading.load_module loads an extension's script."""
    spec = importlib.util.spec_from_file_location(os.path.basename(path), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def metadata(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        return json.loads(f.read(n)).get("__metadata__", {})


@pytest.fixture
def webui(tmp_path, synth):
    from modules import script_callbacks, sd_models, shared
    folder = tmp_path / "webui" / "models" / "Stable-diffusion"
    folder.mkdir(parents=True)
    for name in ("sd1_a", "sd1_b", "sd1_c", "sdxl"):
        shutil.copy(synth[name], folder / (name + ".safetensors"))
    shared.cmd_opts.ckpt_dir = None
    sd_models.model_path = str(folder)
    sd_models.list_models()
    script_callbacks.clear_callbacks()
    script_callbacks.errors.clear()
    script = load_module(os.path.join(EXT, "scripts", "fastmerge_tab.py"))
    return script, str(folder)


def components(tab):
    """Components by label (a Button by its text, its value in gradio)."""
    found = {c.label: c for c in tab.walk() if getattr(c, "label", None)}
    found.update({c.value: c for c in tab.walk() if type(c).__name__ == "Button"})
    return found


def click(button, progress):
    kind, fn, inputs, outputs = next(e for e in button.events if e[0] == "click")
    return fn(*[c.value for c in inputs], progress=progress)


def test_tab_and_route_are_registered(webui):
    from modules import script_callbacks
    import fastapi
    tabs = script_callbacks.ui_tabs_callback()
    assert [(title, elem) for _, title, elem in tabs] == [("FastMerge", "fastmerge")]
    app = fastapi.FastAPI()
    script_callbacks.app_started_callback(None, app)
    assert ("POST", "/fastmerge/merge") in app.routes and not script_callbacks.errors
    ui = components(tabs[0][0])
    assert ui["Model A"].choices == ["sd1_a.safetensors", "sd1_b.safetensors", "sd1_c.safetensors", "sdxl.safetensors"]
    assert [ui[b].label for b in ("BASE", "IN00", "M00", "OUT11")] and sum(1 for c in tabs[0][0].walk()
                                                                             if type(c).__name__ == "Slider") == 28


def test_tab_merge_matches_the_cli_and_records_the_a1111_metadata(webui, tmp_path):
    import gradio as gr
    from modules import script_callbacks, sd_models
    script, folder = webui
    tab = script_callbacks.ui_tabs_callback()[0][0]
    ui = components(tab)
    ui["Model A"].value, ui["Model B"].value, ui["Model C"].value = "sd1_a.safetensors", "sd1_b.safetensors", "sd1_c.safetensors"
    ui["Mode"].value, ui["α (alpha)"].value = "Add difference (ad)", 0.4
    ui["Block weights from"].value = "text"
    ui["26 values (SD) / 20 (SDXL), supermerger's format"].value = LIST26
    ui["Output name (empty: A_B_mode_alpha)"].value = "tab-merge"
    progress = gr.Progress()

    message = click(ui["Merge"], progress)

    out = os.path.join(folder, "tab-merge.safetensors")
    assert message.startswith(f"FastMerge: wrote {out} (")
    reference = str(tmp_path / "cli.safetensors")
    cli("merge", "-a", os.path.join(folder, "sd1_a.safetensors"), "-b", os.path.join(folder, "sd1_b.safetensors"),
        "-c", os.path.join(folder, "sd1_c.safetensors"), "--mode", "ad", "--calc", "normal", "--alpha", "0.4",
        "--weights-alpha", LIST26, "--position-ids", "reset", "--dtype", "keep", "-o", reference)
    assert same_bytes(out, reference)
    meta = metadata(out)
    recipe = json.loads(meta["sd_merge_recipe"])
    models = json.loads(meta["sd_merge_models"])
    assert recipe and len(models) == 3  # A, B and C by their sha256, as the webui's model info reads them
    assert progress.calls and progress.calls[-1][0] == 1.0
    assert "tab-merge.safetensors" in sd_models.checkpoint_tiles()  # the list was refreshed

    # Sliders: the 26 values in block order, equal to the same list typed in.
    for i, slider in enumerate(c for c in tab.walk() if type(c).__name__ == "Slider" and c.label[:2] in ("BA", "IN", "M0", "OU")):
        slider.value = float(LIST26.split(",")[i])
    ui["Block weights from"].value = "sliders"
    ui["Output name (empty: A_B_mode_alpha)"].value = "slider-merge"
    assert click(ui["Merge"], gr.Progress()).startswith("FastMerge: wrote")
    # The same block values reach the library whether typed or set on the sliders: the same bytes.
    assert same_bytes(os.path.join(folder, "slider-merge.safetensors"), out)


def test_cancel_button_stops_the_merge_without_a_file(webui):
    import gradio as gr
    from modules import script_callbacks
    script, folder = webui
    ui = components(script_callbacks.ui_tabs_callback()[0][0])
    ui["Model A"].value, ui["Model B"].value = "sd1_a.safetensors", "sd1_b.safetensors"

    class CancelOnFirstUpdate(gr.Progress):
        def __call__(self, progress, desc=None, total=None, unit="steps"):
            super().__call__(progress, desc)
            next(e for e in ui["Cancel"].events if e[0] == "click")[1]()  # the user presses Cancel

    before = sorted(os.listdir(folder))
    assert click(ui["Merge"], CancelOnFirstUpdate()) == "FastMerge: cancelled; nothing was written"
    assert sorted(os.listdir(folder)) == before
    assert click(ui["Merge"], gr.Progress()).startswith("FastMerge: wrote")  # the next merge is not cancelled


@pytest.mark.parametrize("changes, expected", [
    ({"26 values (SD) / 20 (SDXL), supermerger's format": "0.5," * 23 + "0.5"}, "weight"),
    ({"Model B": "sdxl.safetensors"}, "different architectures"),
    ({"Model B": "deleted.safetensors"}, "deleted.safetensors"),
])
def test_tab_bad_input_is_one_line_and_no_file(webui, changes, expected):
    import gradio as gr
    from modules import script_callbacks
    script, folder = webui
    ui = components(script_callbacks.ui_tabs_callback()[0][0])
    ui["Model A"].value, ui["Model B"].value = "sd1_a.safetensors", "sd1_b.safetensors"
    ui["Block weights from"].value = "text"
    ui["26 values (SD) / 20 (SDXL), supermerger's format"].value = LIST26
    for label, value in changes.items():
        ui[label].value = value
    before = sorted(os.listdir(folder))
    message = click(ui["Merge"], gr.Progress())
    assert message.startswith("FastMerge: ") and "\n" not in message and expected in message, message
    assert sorted(os.listdir(folder)) == before


def test_api_route_merges_and_reports_errors_as_400(webui, tmp_path):
    import fastapi
    from modules import script_callbacks
    script, folder = webui
    app = fastapi.FastAPI()
    script_callbacks.app_started_callback(None, app)
    status, body = app.post("/fastmerge/merge", json={"model_a": "sd1_a.safetensors", "model_b": "sd1_b", "alpha": 0.3,
                                                      "weights_alpha": "GRAD_V", "output_name": "api-merge"})
    assert status == 200, body
    reference = str(tmp_path / "cli.safetensors")
    cli("merge", "-a", os.path.join(folder, "sd1_a.safetensors"), "-b", os.path.join(folder, "sd1_b.safetensors"),
        "--alpha", "0.3", "--weights-alpha", "GRAD_V", "--position-ids", "reset", "-o", reference)
    assert body["output"] == os.path.join(folder, "api-merge.safetensors") and same_bytes(body["output"], reference)
    assert "sd_merge_models" in metadata(body["output"])

    before = sorted(os.listdir(folder))
    for request, expected in (({"model_a": "sd1_a", "model_b": "sdxl"}, "different architectures"),
                              ({"model_a": "sd1_a", "model_b": "nope"}, "nope"),
                              ({"model_a": "sd1_a", "model_b": "sd1_b", "weights_alpha": "1,2"}, "weight"),
                              ({"model_a": "sd1_a", "model_b": "sd1_b", "alpah": 0.3}, "alpah"),
                              ({"model_a": "sd1_a", "model_b": "sd1_b", "output_name": "api-merge"}, "already exists")):
        status, body = app.post("/fastmerge/merge", json=request)
        assert status == 400 and expected in body["detail"] and "\n" not in body["detail"], body
    assert sorted(os.listdir(folder)) == before


class FakeLaunch:
    def __init__(self):
        self.pip = []

    def run_pip(self, command, desc=None, live=False):
        self.pip.append(command)


def test_install_uses_the_local_wheel_through_run_pip(tmp_path, monkeypatch):
    install = load_module(os.path.join(EXT, "install.py"))
    (tmp_path / "wheels").mkdir()
    for version in ("0.1.0", "0.10.0", "0.9.1"):
        (tmp_path / "wheels" / f"fastmerge-{version}-py3-none-linux_x86_64.whl").write_bytes(b"")
    monkeypatch.setattr(install, "installed_version", lambda: "0.1.0")
    launch = FakeLaunch()
    install.ensure_fastmerge(launch, {}, str(tmp_path))
    newest = tmp_path / "wheels" / "fastmerge-0.10.0-py3-none-linux_x86_64.whl"
    assert launch.pip == [f'install --upgrade "{newest}"']
    monkeypatch.setattr(install, "installed_version", lambda: "0.10.0")
    assert install.ensure_fastmerge(launch, {}, str(tmp_path)) == "fastmerge 0.10.0 already installed" and len(launch.pip) == 1
    explicit = tmp_path / "fastmerge-2.0.0-py3-none-linux_x86_64.whl"
    explicit.write_bytes(b"")
    install.ensure_fastmerge(launch, {"FASTMERGE_WHEEL": str(explicit)}, str(tmp_path))
    assert launch.pip[-1] == f'install --upgrade "{explicit}"'
    with pytest.raises(SystemExit, match="not a fastmerge"):
        install.ensure_fastmerge(launch, {"FASTMERGE_WHEEL": str(tmp_path / "other.whl")}, str(tmp_path))
    monkeypatch.setattr(install, "installed_version", lambda: None)
    install.ensure_fastmerge(launch, {}, str(tmp_path / "empty"))
    assert launch.pip[-1] == "install fastmerge"


def test_calcmodes_are_the_library_catalog_and_plus_random_takes_the_seed(webui, tmp_path):
    import fastapi
    import fastmerge
    from modules import script_callbacks
    script, folder = webui
    ui = components(script_callbacks.ui_tabs_callback()[0][0])
    assert script.CALCMODES == ui["Calculation"].choices == fastmerge.catalog()["calcmodes"]
    app = fastapi.FastAPI()
    script_callbacks.app_started_callback(None, app)
    status, body = app.post("/fastmerge/merge", json={"model_a": "sd1_a", "model_b": "sd1_b", "calcmode": "plus random",
                                                      "alpha": 0.1, "seed": 3, "output_name": "api-plus-random"})
    assert status == 200, body
    reference = str(tmp_path / "cli.safetensors")
    cli("merge", "-a", os.path.join(folder, "sd1_a.safetensors"), "-b", os.path.join(folder, "sd1_b.safetensors"),
        "--calc", "plus random", "--alpha", "0.1", "--seed", "3", "-o", reference)
    assert same_bytes(body["output"], reference)
    status, body = app.post("/fastmerge/merge", json={"model_a": "sd1_a", "model_b": "sd1_b", "calcmode": "plus random"})
    assert status == 400 and "seed" in body["detail"]

    # The tab's seed box reaches the recipe: the same bytes as the API's merge.
    import gradio as gr
    ui["Model A"].value, ui["Model B"].value = "sd1_a.safetensors", "sd1_b.safetensors"
    ui["Calculation"].value, ui["α (alpha)"].value = "plus random", 0.1
    ui["Seed (plus random, R/U/X block weights)"].value = "3"
    ui["Output name (empty: A_B_mode_alpha)"].value = "tab-plus-random"
    assert click(ui["Merge"], gr.Progress()).startswith("FastMerge: wrote")
    assert same_bytes(os.path.join(folder, "tab-plus-random.safetensors"), reference)
    ui["Seed (plus random, R/U/X block weights)"].value = "three"
    ui["Output name (empty: A_B_mode_alpha)"].value = "tab-bad-seed"
    assert "seed 'three'" in click(ui["Merge"], gr.Progress())
