"""The FastMerge tab of AUTOMATIC1111 / Forge, and the /fastmerge/merge API route.

The merge runs in libfastmerge (the fastmerge wheel, installed by install.py) straight from the checkpoint files to a
new file in the webui's checkpoint folder: no model is loaded into RAM and torch is not used. The output's metadata
carries sd_merge_recipe / sd_merge_models (fastmerge writes them, with the inputs' hashes), so the webui's model
info shows the merge like one made by its own Checkpoint Merger or by supermerger.
"""
from __future__ import annotations

import os
import threading
from typing import Any, Callable, Dict, List, Optional

import gradio as gr

from modules import script_callbacks, sd_models, shared

MODES = {"Weighted sum (ws)": "ws", "Add difference (ad)": "ad", "Triple sum (ts)": "ts", "Sum twice (st)": "st",
         "Scaled sum (ss)": "ss"}
# The library's calcmode catalog (fastmerge.catalog()["calcmodes"]; the tests check they are equal). "plus random"
# (and R/U/X block weights) take the seed.
CALCMODES = ["normal", "cosineA", "cosineB", "trainDifference", "smoothAdd", "tensor", "tensor2", "extract", "self",
             "plus random"]
PRESETS = ["GRAD_V", "GRAD_A", "FLAT_25", "FLAT_75", "WRAP08", "WRAP12", "WRAP14", "WRAP16", "MID12_50", "OUT07",
           "OUT12", "OUT12_5", "RING08_SOFT", "RING08_5", "RING10_5", "RING10_3", "SMOOTHSTEP", "COSINE",
           "REVERSE_COSINE", "TRUE_CUBIC_HERMITE", "TRUE_REVERSE_CUBIC_HERMITE", "FAKE_CUBIC_HERMITE",
           "FAKE_REVERSE_CUBIC_HERMITE", "ALL_A", "ALL_B"]
# supermerger's 26-value order: BASE, the 12 input blocks, the middle block, the 12 output blocks.
BLOCK_IDS = ["BASE"] + [f"IN{i:02d}" for i in range(12)] + ["M00"] + [f"OUT{i:02d}" for i in range(12)]
WEIGHT_SOURCES = ["single α", "preset", "sliders", "text"]
NONE = "None"


# Set by the Cancel button (a second event, run while the merge's event is in the queue); read by the progress callback.
_cancel = threading.Event()


class MergeError(Exception):
    """A problem the user can fix; its message is the one line shown in the result box or the API's 400 detail."""


def checkpoint_titles() -> List[str]:
    return sd_models.checkpoint_tiles()


def checkpoint_file(title: Optional[str], role: str) -> Optional[str]:
    """The file of a checkpoint chosen in a dropdown (a title "name.safetensors [hash]") or named in an API call."""
    if not title or title == NONE:
        return None
    info = sd_models.checkpoints_list.get(title) or sd_models.get_closet_checkpoint_match(title)
    if info is None or not os.path.isfile(info.filename):
        raise MergeError(f"FastMerge: model {role} '{title}' is not in the checkpoint list (refresh the list?)")
    return info.filename


def output_folder() -> str:
    """Where the webui looks for checkpoints first: --ckpt-dir when given, else models/Stable-diffusion."""
    return shared.cmd_opts.ckpt_dir or sd_models.model_path


def block_weights(source: str, preset: str, sliders: List[float], text: str) -> Optional[str]:
    if source == "single α":
        return None
    if source == "preset":
        return preset
    if source == "sliders":
        return ",".join(format(float(v), ".10g") for v in sliders)  # 1.0 -> "1", as typed in supermerger's strings
    if not text.strip():
        raise MergeError("FastMerge: the block-weight text is empty (26 values for SD, 20 for SDXL, or a preset name)")
    return text.strip()


def run_merge(model_a: str, model_b: str, model_c: Optional[str] = None, mode: str = "ws", calcmode: str = "normal",
              alpha: float = 0.5, beta: float = 0.25, weights_alpha: Optional[str] = None, position_ids: str = "reset",
              dtype: str = "keep", output_name: str = "", overwrite: bool = False,
              progress: Optional[Callable[[int, int], Any]] = None, seed: Optional[int] = None) -> Dict[str, Any]:
    """One merge, for the tab and the API: returns the output path, its size and the recipe."""
    import fastmerge

    a, b = checkpoint_file(model_a, "A"), checkpoint_file(model_b, "B")
    if a is None or b is None:
        raise MergeError("FastMerge: choose models A and B")
    c = checkpoint_file(model_c, "C")
    mode = MODES.get(mode, mode)
    if mode == "ad" and c is None:
        raise MergeError("FastMerge: add difference needs model C")
    recipe: Dict[str, Any] = {"mode": mode, "calcmode": calcmode, "alpha": float(alpha), "position_ids": position_ids,
                              "dtype": dtype}
    if mode in ("ts", "st"):
        recipe["beta"] = float(beta)
    if weights_alpha:
        recipe["weights_alpha"] = weights_alpha
    if seed is not None:
        recipe["seed"] = int(seed)
    name = (output_name or "").strip() or "{}_{}_{}_{}".format(
        os.path.splitext(os.path.basename(a))[0], os.path.splitext(os.path.basename(b))[0], mode, float(alpha))
    if os.path.basename(name) != name or name in (".", ".."):
        raise MergeError(f"FastMerge: output name '{name}' must be a file name, not a path")
    if not name.endswith(".safetensors"):
        name += ".safetensors"
    out = os.path.join(output_folder(), name)
    if os.path.exists(out) and not overwrite:
        raise MergeError(f"FastMerge: {out} already exists; choose another name or tick overwrite")
    try:
        fastmerge.merge(a, b, out, c=c, overwrite=overwrite, progress=progress, **recipe)
    except fastmerge.CancelledError:
        raise MergeError("FastMerge: cancelled; nothing was written") from None
    except fastmerge.FastMergeError as ex:
        raise MergeError(f"FastMerge: {ex.message}") from None
    sd_models.list_models()  # the new file appears in the checkpoint dropdowns, as after the webui's own merger
    return {"output": out, "bytes": os.path.getsize(out), "recipe": recipe}


def ui_merge(model_a, model_b, model_c, mode, calcmode, alpha, beta, weight_source, preset, weight_text,
             position_ids, dtype, output_name, overwrite, seed_text, *sliders, progress=gr.Progress()):
    """The Merge button: the result box gets one line, the output's path or the reason it was not written."""
    def report(done: int, total: int) -> bool:
        progress(done / max(total, 1), desc="FastMerge: merging")
        return _cancel.is_set()  # True stops the merge; the temporary file is removed

    _cancel.clear()

    try:
        seed = (seed_text or "").strip()
        if seed and not seed.isdigit():
            raise MergeError(f"FastMerge: the seed '{seed}' must be a whole number from 0 to 4294967295 (or empty)")
        result = run_merge(model_a, model_b, model_c, mode, calcmode, alpha, beta,
                           block_weights(weight_source, preset, list(sliders), weight_text), position_ids, dtype,
                           output_name, overwrite, progress=report, seed=int(seed) if seed else None)
    except MergeError as ex:
        return str(ex)
    return "FastMerge: wrote {} ({:.1f} MiB)".format(result["output"], result["bytes"] / 2**20)


def on_ui_tabs():
    titles = checkpoint_titles()
    with gr.Blocks(analytics_enabled=False) as tab:
        with gr.Row():
            model_a = gr.Dropdown(choices=titles, label="Model A", elem_id="fastmerge_model_a")
            model_b = gr.Dropdown(choices=titles, label="Model B", elem_id="fastmerge_model_b")
            model_c = gr.Dropdown(choices=[NONE] + titles, value=NONE, label="Model C", elem_id="fastmerge_model_c")
            refresh = gr.Button(value="Refresh", elem_id="fastmerge_refresh")
        with gr.Row():
            mode = gr.Radio(choices=list(MODES), value="Weighted sum (ws)", label="Mode")
            calcmode = gr.Dropdown(choices=CALCMODES, value="normal", label="Calculation")
            seed_text = gr.Textbox(label="Seed (plus random, R/U/X block weights)", lines=1, placeholder="empty: none")
        with gr.Row():
            alpha = gr.Slider(minimum=-1.0, maximum=2.0, step=0.01, value=0.5, label="α (alpha)")
            beta = gr.Slider(minimum=-1.0, maximum=2.0, step=0.01, value=0.25, label="β (beta, triple sum / sum twice)")
        with gr.Row():
            weight_source = gr.Radio(choices=WEIGHT_SOURCES, value="single α", label="Block weights from")
            preset = gr.Dropdown(choices=PRESETS, value="GRAD_V", label="Preset")
            weight_text = gr.Textbox(label="26 values (SD) / 20 (SDXL), supermerger's format", lines=1,
                                     placeholder="0.5,0.5,...  or a preset name")
        with gr.Accordion("Block-weight sliders (SD: BASE, IN00-IN11, M00, OUT00-OUT11)", open=False):
            sliders = []
            for start in range(0, len(BLOCK_IDS), 13):
                with gr.Row():
                    with gr.Column():
                        for block in BLOCK_IDS[start:start + 13]:
                            sliders.append(gr.Slider(minimum=0.0, maximum=1.0, step=0.01, value=0.5, label=block))
        with gr.Row():
            position_ids = gr.Radio(choices=["reset", "keep", "merge"], value="reset", label="CLIP position ids")
            dtype = gr.Dropdown(choices=["keep", "fp16", "bf16", "fp32", "fp8_e4m3", "fp8_e5m2"], value="keep",
                                label="Precision")
        with gr.Row():
            output_name = gr.Textbox(label="Output name (empty: A_B_mode_alpha)", lines=1)
            overwrite = gr.Checkbox(value=False, label="Overwrite")
            merge = gr.Button(value="Merge", variant="primary", elem_id="fastmerge_merge")
            cancel = gr.Button(value="Cancel", elem_id="fastmerge_cancel")
        result = gr.Textbox(label="Result", interactive=False, elem_id="fastmerge_result")

        def refresh_lists():
            sd_models.list_models()
            names = checkpoint_titles()
            return gr.update(choices=names), gr.update(choices=names), gr.update(choices=[NONE] + names)

        refresh.click(fn=refresh_lists, inputs=[], outputs=[model_a, model_b, model_c])
        cancel.click(fn=_cancel.set, inputs=[], outputs=[])
        merge.click(fn=ui_merge,
                    inputs=[model_a, model_b, model_c, mode, calcmode, alpha, beta, weight_source, preset, weight_text,
                            position_ids, dtype, output_name, overwrite, seed_text] + sliders,
                    outputs=[result])
    return [(tab, "FastMerge", "fastmerge")]


def api_merge(request: dict) -> dict:
    """POST /fastmerge/merge with a JSON body: model_a, model_b, [model_c], mode, calcmode, alpha, beta,
    weights_alpha (26/20 values or a preset; R/U/X entries draw from seed), position_ids, dtype, output_name, overwrite,
    seed (plus random, random block weights). Models are checkpoint
    titles or names as /sdapi/v1/sd-models lists them. 200: {"output", "bytes", "recipe"}; 400: {"detail": reason}."""
    from fastapi import HTTPException

    allowed = {"model_a", "model_b", "model_c", "mode", "calcmode", "alpha", "beta", "weights_alpha", "position_ids",
               "dtype", "output_name", "overwrite", "seed"}
    unknown = sorted(set(request) - allowed)
    if unknown:
        raise HTTPException(status_code=400, detail=f"FastMerge: unknown field(s) {', '.join(unknown)}")
    try:
        return run_merge(**request)
    except MergeError as ex:
        raise HTTPException(status_code=400, detail=str(ex)) from None
    except (TypeError, ValueError) as ex:  # e.g. "alpha": "half" from a script
        raise HTTPException(status_code=400, detail=f"FastMerge: bad request value: {ex}") from None


def on_app_started(demo, app) -> None:
    app.add_api_route("/fastmerge/merge", api_merge, methods=["POST"])


script_callbacks.on_ui_tabs(on_ui_tabs)
script_callbacks.on_app_started(on_app_started)
