"""Python binding of libfastmerge (FastMerge's C API) through ctypes: no compilation, no .NET at run time.

    import fastmerge
    fastmerge.merge("A.safetensors", "B.safetensors", "out.safetensors", alpha=0.3)
    report = fastmerge.check("out.safetensors")        # the model doctor's report, a dict
    changed = fastmerge.fix("in.safetensors", "fixed.safetensors", prune=True, dtype="fp16")  # its report, a dict

``python -m fastmerge ARGS`` runs the ``fastmerge`` command line (the wheel bundles it; see ``__main__``).

Every function raises a :class:`FastMergeError` subclass carrying the C status and ``fm_last_error()``.
The library releases the GIL while it works; progress callbacks may run on a worker thread.
"""
from __future__ import annotations

import ctypes
import difflib
import json
import os
import warnings
from typing import Any, Callable, Dict, Mapping, Optional, Sequence, Union

from ._library import PROGRESS_CB, library
from .errors import (
    CancelledError,
    FastMergeError,
    FastMergeWarning,
    InputError,
    InternalError,
    IOFailureError,
    LibraryNotFoundError,
    NotAvailableError,
    UnknownParameterError,
    error_for,
)

__version__ = "0.1.0"

__all__ = [
    "version", "version_number", "status_string", "exit_code", "catalog", "merge", "merge_json", "merge_run_json", "merge_recipe", "recorded_recipe", "merge_graph", "merge_graph_json", "bulk", "bulk_json", "check", "fix", "fix_json", "lora_bake", "lora_extract", "lora_merge",
    "FastMergeError", "InputError", "UnknownParameterError", "CancelledError", "InternalError", "NotAvailableError",
    "IOFailureError", "LibraryNotFoundError", "FastMergeWarning",
]

#: A file path: ``str`` or any ``os.PathLike[str]`` (e.g. ``pathlib.Path``).
PathLike = Union[str, "os.PathLike[str]"]

#: progress(done, total) -> truthy to cancel (None/False continue). Raising inside it also cancels and the
#: exception is re-raised by the call that was running.
Progress = Callable[[int, int], Any]


def version() -> str:
    """The library version, e.g. ``"0.1.0"``."""
    return library().fm_version().decode("utf-8")


def version_number() -> int:
    """The library version as MAJOR * 1000000 + MINOR * 1000 + PATCH (``FASTMERGE_VERSION_NUMBER`` of fastmerge.h)."""
    return int(library().fm_version_number())


def status_string(status: int) -> str:
    """The library's constant description of a status code (``fm_status_string``), e.g. 5 -> ``"no room for the output"``."""
    return library().fm_status_string(status).decode("utf-8")


def exit_code(status: int) -> int:
    """The exit code the ``fastmerge`` CLI gives for the outcome a status reports (``fm_exit_code``): 0 -> 0,
    E_INPUT -> 2, E_IO -> 3, E_INTERNAL -> 70, E_CANCELLED -> 130; any other code -> 70. Every
    :class:`FastMergeError` carries it as ``exit_code``, so a script can ``sys.exit(e.exit_code)`` as the CLI would."""
    return int(library().fm_exit_code(status))


def _raise_for(status: int) -> None:
    if status != 0:
        raise error_for(status, library().fm_last_error().decode("utf-8", errors="replace"))


class _Callback:
    """Adapts a Python progress function to fm_progress_cb, remembering an exception it raised."""

    def __init__(self, progress: Optional[Progress]) -> None:
        self.progress = progress
        self.error: Optional[BaseException] = None
        # A NULL function pointer when there is no callback; otherwise keep the ctypes thunk alive for the call.
        self.pointer = PROGRESS_CB(self._invoke) if progress is not None else PROGRESS_CB()

    def _invoke(self, done: int, total: int, _user: Optional[int]) -> int:
        try:
            return 1 if self.progress(done, total) else 0  # type: ignore[misc]
        except BaseException as ex:  # noqa: BLE001 - must not unwind into C; re-raised after the call
            self.error = ex
            return 1

    def finish(self, status: int) -> None:
        if self.error is not None:
            raise self.error
        _raise_for(status)


def _json_arg(value: Union[str, Mapping[str, Any]]) -> bytes:
    return (value if isinstance(value, str) else json.dumps(value)).encode("utf-8")


def merge_json(request: Union[str, Mapping[str, Any]], progress: Optional[Progress] = None) -> None:
    """``fm_merge_json``: ``request`` is the merge request of fastmerge.h, as a dict or a JSON string."""
    callback = _Callback(progress)
    status = library().fm_merge_json(_json_arg(request), callback.pointer, None)
    callback.finish(status)


def _take_report(report: ctypes.c_void_p) -> Optional[Dict[str, Any]]:
    """The JSON a ``char** report_json`` out-parameter received, freed with fm_free."""
    if not report.value:
        return None
    try:
        return json.loads(ctypes.string_at(report.value).decode("utf-8"))
    finally:
        library().fm_free(report)


_catalog: Optional[Dict[str, Any]] = None


def catalog() -> Dict[str, Any]:
    """``fm_catalog_json``: the names the library accepts, from its own catalogs: ``modes``, ``calcmodes`` (with
    ``self`` and ``plus random``), ``calcmode_aliases``, ``seeded_calcmodes`` (those that need ``seed``), ``presets``,
    ``dtypes`` and ``recipe_parameters`` (the keywords :func:`merge` passes into the recipe)."""
    global _catalog
    if _catalog is None:
        report = ctypes.c_void_p()
        status = library().fm_catalog_json(ctypes.byref(report))
        result = _take_report(report)
        _raise_for(status)
        _catalog = result
    return dict(_catalog)  # type: ignore[arg-type]


def _check_parameters(function: str, given: Mapping[str, Any], known: Sequence[str]) -> None:
    """Raises :class:`UnknownParameterError` "unknown parameter 'alhpa' (did you mean 'alpha'?)" for the first keyword
    that is none of ``known``; the library's serializer would otherwise answer in its own words."""
    for name in given:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.7)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise UnknownParameterError(1, f"{function}: unknown parameter '{name}'{hint}")


def merge_run_json(request: Union[str, Mapping[str, Any]], progress: Optional[Progress] = None) -> Dict[str, Any]:
    """``fm_merge_run_json``: :func:`merge_json` returning the merge's report (``output``, ``sha256``, ``tensors``,
    ``merged``, ``copied``, ``device``, ``seconds``, ``warnings``)."""
    callback = _Callback(progress)
    report = ctypes.c_void_p()
    status = library().fm_merge_run_json(_json_arg(request), callback.pointer, None, ctypes.byref(report))
    result = _take_report(report)
    callback.finish(status)
    return result  # type: ignore[return-value]


def merge_recipe(recipe: Union[str, Mapping[str, Any]], output: PathLike, *, overwrite: bool = False, threads: int = 0,
                 no_mmap: bool = False, progress: Optional[Progress] = None) -> Dict[str, Any]:
    """Runs a whole recipe into ``output`` and returns the report of :func:`merge_run_json`: ``recipe`` is the CLI's
    recipe JSON (a dict or text), e.g. the ``fastmerge.recipe`` an earlier output records, to re-run it. An input whose
    sha256 differs from the one the recipe records (the file changed since) is merged anyway and issued as a
    :class:`FastMergeWarning`; the report's ``warnings`` holds the same lines."""
    body = json.loads(recipe) if isinstance(recipe, str) else dict(recipe)
    report = merge_run_json({"recipe": body, "output": os.fspath(output), "overwrite": overwrite, "threads": threads,
                             "no_mmap": no_mmap}, progress)
    for warning in report.get("warnings", []):
        warnings.warn(warning, FastMergeWarning, stacklevel=2)
    return report


def recorded_recipe(path: PathLike) -> Dict[str, Any]:
    """The recipe a FastMerge output records (``fastmerge.recipe`` in its safetensors metadata), as a dict for
    :func:`merge_recipe`: its inputs' paths and sha256 as they were. Raises :class:`InputError` when the file is not a
    safetensors file or records no recipe."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as f:
            size = int.from_bytes(f.read(8), "little")
            if size <= 0 or size > 100_000_000:
                raise InputError(1, f"{name}: not a safetensors file (header length {size})")
            header = json.loads(f.read(size))
    except OSError as ex:
        raise InputError(1, f"{name}: {ex.strerror or ex}") from None
    except ValueError:
        raise InputError(1, f"{name}: not a safetensors file (its header is not JSON)") from None
    metadata = header.get("__metadata__") if isinstance(header, dict) else None
    if not isinstance(metadata, dict) or "fastmerge.recipe" not in metadata:
        raise InputError(1, f"{name} records no recipe (fastmerge.recipe) in its metadata; it was not made by fastmerge merge")
    return json.loads(metadata["fastmerge.recipe"])


_MERGE_KEYWORDS = ("c", "mode", "alpha", "overwrite", "threads", "no_mmap", "progress")


def merge(
    a: PathLike,
    b: PathLike,
    output: PathLike,
    *,
    c: Optional[PathLike] = None,
    mode: str = "ws",
    alpha: float = 0.5,
    overwrite: bool = False,
    threads: int = 0,
    no_mmap: bool = False,
    progress: Optional[Progress] = None,
    **recipe: Any,
) -> str:
    """Merges checkpoints into ``output`` and returns its path.

    The output is byte-identical to ``fastmerge merge`` with the same inputs and recipe, and appears only when
    complete. ``mode`` is ws (weighted sum), ad (add difference, needs ``c``), ts, st or ss; ``alpha`` the base α.
    ``progress(done, total)`` receives output bytes done; returning a truthy value cancels (:class:`CancelledError`).
    ``recipe`` takes the other members of the CLI recipe JSON: ``beta``, ``weights_alpha``, ``weights_beta``,
    ``scaled_sum_weights_a``, ``scaled_sum_weights_b``, ``position_ids``, ``dtype``, ``include``, ``exclude``,
    ``calcmode`` (``catalog()["calcmodes"]``, e.g. ``"self"``, ``"plus random"``), ``seed`` (random R/U/X block
    entries and plus random), ``random_digits``, ``random_upper``, ``random_lower``, ``elemental``, ``adjust``,
    ``old_calc`` (``catalog()["recipe_parameters"]``). An unknown name raises :class:`UnknownParameterError`
    ("unknown parameter 'alhpa' (did you mean 'alpha'?)"). What the library reports although the merge ran (an input
    whose sha256 is not the one a re-run recipe records) is issued as a :class:`FastMergeWarning`.
    """
    recipe_parameters = [p for p in catalog()["recipe_parameters"] if p not in ("a", "b")]
    _check_parameters("merge", recipe, [p for p in recipe_parameters if p not in _MERGE_KEYWORDS] + list(_MERGE_KEYWORDS))
    body: Dict[str, Any] = {"a": {"path": os.fspath(a)}, "b": {"path": os.fspath(b)}, "mode": mode, "alpha": alpha}
    if c is not None:
        body["c"] = {"path": os.fspath(c)}
    body.update(recipe)
    report = merge_run_json({"recipe": body, "output": os.fspath(output), "overwrite": overwrite,
                             "threads": threads, "no_mmap": no_mmap}, progress)
    for warning in report.get("warnings", []):
        warnings.warn(warning, FastMergeWarning, stacklevel=2)
    return os.fspath(output)


def merge_graph_json(request: Union[str, Mapping[str, Any]], progress: Optional[Progress] = None) -> None:
    """``fm_merge_graph_json``: ``request`` is the graph merge request of fastmerge.h, as a dict or a JSON string."""
    callback = _Callback(progress)
    status = library().fm_merge_graph_json(_json_arg(request), callback.pointer, None)
    callback.finish(status)


def merge_graph(recipe: Union[str, Mapping[str, Any]], output: PathLike, *, overwrite: bool = False, threads: int = 0,
                no_mmap: bool = False, progress: Optional[Progress] = None) -> str:
    """Runs a recipe graph (docs/recipes.md) into ``output`` and returns its path: the N-model methods slerp, ties,
    dare, dare_ties, model_stock, weighted_sum and add_difference, as ``fastmerge merge --recipe``, e.g.
    ``{"inputs": {"base": "b.safetensors", "m1": ..., "m2": ...}, "merges": [{"name": "out", "method": "ties",
    "base": "base", "models": ["m1", "m2"], "density": 0.5}], "output": "out"}``. ``recipe`` is a dict or JSON text."""
    body = json.loads(recipe) if isinstance(recipe, str) else dict(recipe)
    merge_graph_json({"recipe": body, "output": os.fspath(output), "overwrite": overwrite, "threads": threads,
                      "no_mmap": no_mmap}, progress)
    return os.fspath(output)


def _plan_text(plan: Union[str, Sequence[Mapping[str, Any]]]) -> str:
    return plan if isinstance(plan, str) else "".join(json.dumps(variant) + "\n" for variant in plan)


def bulk_json(plan_jsonl: Union[str, Sequence[Mapping[str, Any]]], progress: Optional[Progress] = None) -> None:
    """``fm_bulk_json``: many merges in one pass over the inputs, one variant per line (a recipe plus ``"out"``).

    ``plan_jsonl`` is JSON Lines text, or a list of dicts written as such. Raises :class:`InputError` for a bad
    line, or when some variants failed (the message names each; the other outputs were written).
    """
    callback = _Callback(progress)
    status = library().fm_bulk_json(_plan_text(plan_jsonl).encode("utf-8"), callback.pointer, None)
    callback.finish(status)


def bulk(plan: Union[str, Sequence[Mapping[str, Any]]], progress: Optional[Progress] = None, **options: Any) -> Dict[str, Any]:
    """``fm_bulk_run_json``: :func:`bulk_json` with the run options of ``fastmerge bulk`` and its summary.

    Options: ``sink`` ("files", "hash": the sha256 each file would have, nothing written; "null"), ``resume``,
    ``overwrite``, ``shard_index``/``shard_count``, ``max_memory`` (e.g. "2G"), ``threads``, ``no_mmap``.
    Returns the summary dict (``variants``: index, out, status, sha256, error, and ``warnings`` when a variant's
    recorded input sha256 differs from its file: also issued as :class:`FastMergeWarning`). When some variants failed,
    raises :class:`InputError` whose ``report`` attribute holds that summary.
    """
    lib = library()
    callback = _Callback(progress)
    report = ctypes.c_void_p()
    status = lib.fm_bulk_run_json(_plan_text(plan).encode("utf-8"), json.dumps(options).encode("utf-8") if options else None,
                                  callback.pointer, None, ctypes.byref(report))
    try:
        summary = json.loads(ctypes.string_at(report.value).decode("utf-8")) if report.value else None
    finally:
        if report.value:
            lib.fm_free(report)
    for variant in (summary or {}).get("variants", []):
        for warning in variant.get("warnings", []):
            warnings.warn(f"{variant['out']}: {warning}", FastMergeWarning, stacklevel=2)
    try:
        callback.finish(status)
    except FastMergeError as error:
        error.report = summary  # type: ignore[attr-defined]
        raise
    return summary  # type: ignore[return-value]


def check(path: PathLike) -> Dict[str, Any]:
    """``fm_check_json``: the model doctor's report as a dict (``fastmerge check --json``, schema
    ``fastmerge.check/1``): architecture, missing/unknown keys, position ids, EMA, junk, NaN/Inf, hashes, and
    ``healthy``. A model with problems is still a report; an unreadable file raises :class:`InputError`."""
    lib = library()
    report = ctypes.c_void_p()
    status = lib.fm_check_json(os.fspath(path).encode("utf-8"), ctypes.byref(report))
    try:
        _raise_for(status)
        return json.loads(ctypes.string_at(report.value).decode("utf-8"))
    finally:
        if report.value:
            lib.fm_free(report)


def fix_json(options: Union[str, Mapping[str, Any]]) -> None:
    """``fm_fix_json``: repairs a model as described by ``options`` (a dict or a JSON string)."""
    _raise_for(library().fm_fix_json(_json_arg(options)))


def fix(
    input: PathLike,  # noqa: A002 - the name of the C API's member
    output: PathLike,
    *,
    position_ids: str = "reset",
    prune: bool = False,
    dtype: str = "keep",
    vae: Optional[PathLike] = None,
    clip: Optional[PathLike] = None,
    rename_nai: bool = False,
    nan_to_num: bool = False,
    overwrite: bool = False,
    no_mmap: bool = False,
    **extra: Any,
) -> Dict[str, Any]:
    """``fm_fix_run_json`` (``fastmerge fix``): writes a repaired copy of ``input`` to ``output`` and returns what it
    changed: ``{"output", "tensors", "position_ids_reset", "pruned", "converted", "renamed", "vae_replaced",
    "clip_replaced", "non_finite_replaced"}``.

    ``position_ids`` reset (int64 ``[[0..n-1]]``) or keep; ``prune`` drops the EMA copy and keys no loader uses;
    ``dtype`` keep|fp16|bf16|fp32|fp8_e4m3|fp8_e5m2 for floating tensors; ``vae``/``clip`` replace those components
    from another file; ``rename_nai`` renames NAI-style CLIP keys; ``nan_to_num`` as ``torch.nan_to_num``. The input
    is never written. An unknown keyword raises :class:`UnknownParameterError` naming the closest known one.
    """
    _check_parameters("fix", extra, ["input", "output", "position_ids", "prune", "dtype", "vae", "clip", "rename_nai",
                                     "nan_to_num", "overwrite", "no_mmap"])
    options: Dict[str, Any] = {
        "input": os.fspath(input), "output": os.fspath(output), "position_ids": position_ids, "prune": prune,
        "dtype": dtype, "rename_nai": rename_nai, "nan_to_num": nan_to_num, "overwrite": overwrite, "no_mmap": no_mmap,
    }
    if vae is not None:
        options["vae"] = os.fspath(vae)
    if clip is not None:
        options["clip"] = os.fspath(clip)
    report = ctypes.c_void_p()
    status = library().fm_fix_run_json(_json_arg(options), ctypes.byref(report))
    result = _take_report(report)
    _raise_for(status)
    return result  # type: ignore[return-value]


def lora_bake(model: PathLike, loras: Sequence[str], output: PathLike, *, dtype: str = "keep", threads: int = 0,
              overwrite: bool = False, no_mmap: bool = False) -> str:
    """``fm_lora_bake_json`` (``fastmerge lora bake``): adds kohya-ss LoRAs, each ``"FILE[:STRENGTH[:PRESET|LIST]]"``,
    into ``model`` and writes ``output`` (W += strength * alpha/rank * up @ down in float32, rounded once)."""
    options = {"model": os.fspath(model), "loras": [os.fspath(l) for l in loras], "output": os.fspath(output),
               "dtype": dtype, "threads": threads, "overwrite": overwrite, "no_mmap": no_mmap}
    _raise_for(library().fm_lora_bake_json(_json_arg(options)))
    return os.fspath(output)


def lora_extract(tuned: PathLike, base: PathLike, output: PathLike, *, rank: int, conv_rank: Optional[int] = None,
                 clamp_quantile: Optional[float] = 0.99, min_diff: float = 0.01, dtype: str = "fp32", threads: int = 0,
                 overwrite: bool = False, no_mmap: bool = False) -> str:
    """``fm_lora_extract_json`` (``fastmerge lora extract``): a kohya-ss LoRA of ``tuned - base`` by truncated SVD
    per layer; ``clamp_quantile=None`` turns kohya's clamp off."""
    options = {"tuned": os.fspath(tuned), "base": os.fspath(base), "output": os.fspath(output), "rank": rank,
               "conv_rank": conv_rank, "clamp_quantile": clamp_quantile, "min_diff": min_diff, "dtype": dtype,
               "threads": threads, "overwrite": overwrite, "no_mmap": no_mmap}
    _raise_for(library().fm_lora_extract_json(_json_arg(options)))
    return os.fspath(output)


def lora_merge(loras: Sequence[str], output: PathLike, *, mode: str = "sum", same_strength: bool = False,
               dtype: str = "fp32", overwrite: bool = False, no_mmap: bool = False) -> str:
    """``fm_lora_merge_json`` (``fastmerge lora merge``): one LoRA from several ``"FILE[:STRENGTH[:PRESET|LIST]]"``,
    by same-rank sum (kohya ``merge_lora.py``) or exact rank concatenation (``mode="concat"``)."""
    options = {"loras": [os.fspath(l) for l in loras], "output": os.fspath(output), "mode": mode,
               "same_strength": same_strength, "dtype": dtype, "overwrite": overwrite, "no_mmap": no_mmap}
    _raise_for(library().fm_lora_merge_json(_json_arg(options)))
    return os.fspath(output)


_SLOTHFUL_MODES = {"1D_AVG": 0, "1D_MAX": 1, "2D_AVG": 2, "2D_MAX": 3}
_SLOTHFUL_COMPAT = {"fixed": 0, "2023": 1, "2025": 2}


def slothful_pool(x: Any, stride: float, mode: str = "2D_AVG", grid: Optional[Sequence[int]] = None,
                  k_blend: float = 0.0, v_blend: float = 0.0, compat: str = "fixed", lerp: str = "fused",
                  threads: int = 0, bf16: bool = False) -> Any:
    """SlothfulAttention K/V pooling of x (B, N, C), a C-contiguous numpy array of float32 or float16 (or uint16 bf16
    bit patterns with bf16=True). Returns (K, V) as new arrays of x's dtype, shape (B, M, C); V is K (the same
    array) when k_blend == v_blend. grid = (h, w) with h*w == N (required for 2D modes)."""
    import numpy as np
    x = np.ascontiguousarray(x)
    if x.ndim != 3:
        raise InputError(1, f"slothful_pool: x must be (B, N, C), got shape {x.shape}")
    if bf16:
        if x.dtype != np.uint16:
            raise InputError(1, "slothful_pool: bf16=True takes uint16 bit patterns")
        dtype = 2
    elif x.dtype == np.float32:
        dtype = 0
    elif x.dtype == np.float16:
        dtype = 1
    else:
        raise InputError(1, f"slothful_pool: dtype {x.dtype} (expected float32, float16 or uint16 with bf16=True)")
    if mode not in _SLOTHFUL_MODES:
        raise InputError(1, f"slothful_pool: unknown mode {mode!r}")
    if compat not in _SLOTHFUL_COMPAT:
        raise InputError(1, f"slothful_pool: unknown compat {compat!r}")
    if lerp not in ("fused", "unfused"):
        raise InputError(1, f"slothful_pool: lerp must be 'fused' or 'unfused', got {lerp!r}")
    B, N, C = x.shape
    h, w = (0, 0) if grid is None else (int(grid[0]), int(grid[1]))
    lib = library()
    m = ctypes.c_int64(0)
    args = [dtype, x.ctypes.data, B, N, C, _SLOTHFUL_MODES[mode], h, w, float(stride), float(k_blend), float(v_blend),
            _SLOTHFUL_COMPAT[compat], 1 if lerp == "unfused" else 0, int(threads)]
    _raise_for(lib.fm_slothful_pool(*args, None, 0, None, 0, ctypes.byref(m)))
    k = np.empty((B, m.value, C), dtype=x.dtype)
    v = k if k_blend == v_blend else np.empty_like(k)
    _raise_for(lib.fm_slothful_pool(*args, k.ctypes.data, k.nbytes, None if v is k else v.ctypes.data,
                                    0 if v is k else v.nbytes, ctypes.byref(m)))
    return k, v
