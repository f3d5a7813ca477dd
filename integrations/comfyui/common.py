"""What every FastMerge node shares: host look-ups, the recipe and its hash, the merge cache, one-line errors.

ComfyUI's own modules (folder_paths, comfy.*) are imported inside the functions that use them, so importing the pack
costs nothing and needs only the fastmerge wheel; ComfyUI has them on sys.path whenever a node runs.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from typing import Any, Dict, List, Optional, Tuple

MODES = ["ws", "ad", "ts", "st", "ss"]  # weighted sum, add difference, triple sum, sum twice, scaled sum
# The library's calcmode catalog (fastmerge.catalog()["calcmodes"]; the tests check they are equal). A literal list:
# the pack's import must not load libfastmerge. "plus random" (and R/U/X block weights) need the seed input.
CALCMODES = ["normal", "cosineA", "cosineB", "trainDifference", "smoothAdd", "tensor", "tensor2", "extract", "self",
             "plus random"]
POSITION_IDS = ["reset", "keep", "merge"]
DTYPES = ["keep", "fp16", "bf16", "fp32", "fp8_e4m3", "fp8_e5m2"]
# FastMerge's MBW presets (src/Fast.Merging/Blocks/BlockWeightPresets.cs); "none" = the single α/β.
PRESETS = ["none", "GRAD_V", "GRAD_A", "FLAT_25", "FLAT_75", "WRAP08", "WRAP12", "WRAP14", "WRAP16", "MID12_50",
           "OUT07", "OUT12", "OUT12_5", "RING08_SOFT", "RING08_5", "RING10_5", "RING10_3", "SMOOTHSTEP", "COSINE",
           "REVERSE_COSINE", "TRUE_CUBIC_HERMITE", "TRUE_REVERSE_CUBIC_HERMITE", "FAKE_CUBIC_HERMITE",
           "FAKE_REVERSE_CUBIC_HERMITE", "ALL_A", "ALL_B"]
CACHE_INDEX = ".fastmerge-cache.json"


class FastMergeNodeError(Exception):
    """The one-line message ComfyUI shows on the node (it prints str(exception))."""


def checkpoint_path(name: str) -> str:
    """The full path of a checkpoint chosen from the list, or a readable error (ComfyUI's folder_paths look-up)."""
    import folder_paths
    path = folder_paths.get_full_path("checkpoints", name) if name else None
    if path is None:
        raise FastMergeNodeError(f"FastMerge: checkpoint '{name}' not found in the checkpoints folders")
    return path


def folder_path(kind: str, name: str) -> str:
    import folder_paths
    path = folder_paths.get_full_path(kind, name)
    if path is None:
        raise FastMergeNodeError(f"FastMerge: '{name}' not found in the {kind} folders")
    return path


def checkpoints_dir() -> str:
    """Where merges are written: the first checkpoints folder, as ComfyUI lists it first."""
    import folder_paths
    return folder_paths.get_folder_paths("checkpoints")[0]


def output_path(name: str, default_stem: str) -> str:
    """A file in the checkpoints folder: the user's name (without folders or '..'), else the recipe-derived one."""
    name = name.strip()
    if not name:
        name = default_stem
    base = os.path.basename(name)
    if base != name or name in (".", ".."):
        raise FastMergeNodeError(f"FastMerge: output name '{name}' must be a file name, not a path")
    if not base.endswith(".safetensors"):
        base += ".safetensors"
    return os.path.join(checkpoints_dir(), base)


def block_list(preset: str, text: str) -> Optional[str]:
    """The block list for the recipe: the text box when filled (26/20 values or a preset name), else the preset."""
    text = text.strip()
    if text:
        return text
    return None if preset == "none" else preset


def _identity(path: str) -> Dict[str, Any]:
    st = os.stat(path)
    return {"path": os.path.abspath(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def recipe_hash(recipe: Dict[str, Any], inputs: List[str]) -> str:
    """sha256 of the recipe and each input's path, size and mtime: a changed input or value is a new merge."""
    key = json.dumps({"recipe": recipe, "inputs": [_identity(p) for p in inputs]}, sort_keys=True)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _index_path(folder: str) -> str:
    return os.path.join(folder, CACHE_INDEX)


def _read_index(folder: str) -> Dict[str, Any]:
    try:
        with open(_index_path(folder), encoding="utf-8") as f:
            data = json.load(f)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}  # no index yet, or a damaged one: the cache is only an optimisation


def cached_output(key: str, folder: str) -> Optional[str]:
    """The file an earlier run wrote for this recipe hash, when it is still there unchanged."""
    entry = _read_index(folder).get(key)
    if not isinstance(entry, dict):
        return None
    path = os.path.join(folder, str(entry.get("file", "")))
    try:
        st = os.stat(path)
    except OSError:
        return None
    return path if st.st_size == entry.get("size") and st.st_mtime_ns == entry.get("mtime_ns") else None


def remember_output(key: str, path: str) -> None:
    """Records path under the recipe hash; the index is replaced atomically (temp + rename)."""
    folder = os.path.dirname(path)
    index = _read_index(folder)
    st = os.stat(path)
    index[key] = {"file": os.path.basename(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    fd, tmp = tempfile.mkstemp(prefix=".fastmerge-cache.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(index, f, indent=1, sort_keys=True)
        os.replace(tmp, _index_path(folder))
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def progress_callback(total_steps: int = 1000):
    """A fastmerge progress function driving ComfyUI's progress bar; it cancels when the user interrupts."""
    import comfy.model_management
    import comfy.utils
    bar = comfy.utils.ProgressBar(total_steps)

    def progress(done: int, total: int) -> bool:
        bar.update_absolute(int(total_steps * done / max(total, 1)))
        return comfy.model_management.processing_interrupted()  # True stops the merge, nothing is left behind

    return progress


def run_fastmerge(call, *args: Any, **kwargs: Any) -> Any:
    """Runs a fastmerge function, turning its errors into the one-line node message (and an interrupt into
    ComfyUI's own InterruptProcessingException)."""
    import fastmerge
    try:
        return call(*args, **kwargs)
    except fastmerge.CancelledError:
        import comfy.model_management
        comfy.model_management.throw_exception_if_processing_interrupted()
        raise FastMergeNodeError("FastMerge: cancelled") from None
    except fastmerge.FastMergeError as ex:
        raise FastMergeNodeError(f"FastMerge: {ex.message}") from None
    except OSError as ex:  # e.g. a full disk while writing the cache index
        raise FastMergeNodeError(f"FastMerge: {ex.filename or ''}: {ex.strerror or ex}") from None


def load_checkpoint(path: str) -> Tuple[Any, Any, Any]:
    """MODEL, CLIP, VAE exactly as ComfyUI's CheckpointLoaderSimple loads them (nodes.py)."""
    import comfy.sd
    import folder_paths
    out = comfy.sd.load_checkpoint_guess_config(path, output_vae=True, output_clip=True,
                                                embedding_directory=folder_paths.get_folder_paths("embeddings"))
    return out[:3]
