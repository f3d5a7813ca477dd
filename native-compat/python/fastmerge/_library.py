"""Finding and loading libfastmerge.so, and declaring the C signatures of fastmerge.h."""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from typing import List, Optional

from .errors import LibraryNotFoundError

# int (*fm_progress_cb)(int64_t done, int64_t total, void* user)
PROGRESS_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p)

_ENV = "FASTMERGE_LIBRARY"
_lock = threading.Lock()
_lib: Optional[ctypes.CDLL] = None


def candidates() -> List[str]:
    """Where the library is looked for, in order.

    The copy inside the package comes first: an installed wheel carries the library its Python code was written
    against. Then ``$FASTMERGE_LIBRARY`` (a source checkout, or a vendored package without the library), the
    build-native.sh output of a source checkout, and the system search path (``-lfastmerge``).
    """
    here = os.path.dirname(os.path.abspath(__file__))
    paths = [os.path.join(here, "libfastmerge.so")]  # the wheel's own (or vendored next to the package)
    if os.environ.get(_ENV):
        paths.append(os.environ[_ENV])
    paths.append(os.path.normpath(os.path.join(here, "..", "..", "build", "libfastmerge.so")))  # build-native.sh output
    found = ctypes.util.find_library("fastmerge")
    if found:
        paths.append(found)
    return paths


def _declare(lib: ctypes.CDLL) -> ctypes.CDLL:
    lib.fm_version.argtypes = []
    lib.fm_version.restype = ctypes.c_char_p
    lib.fm_version_number.argtypes = []
    lib.fm_version_number.restype = ctypes.c_int
    lib.fm_status_string.argtypes = [ctypes.c_int]
    lib.fm_status_string.restype = ctypes.c_char_p
    lib.fm_exit_code.argtypes = [ctypes.c_int]
    lib.fm_exit_code.restype = ctypes.c_int
    lib.fm_last_error.argtypes = []
    lib.fm_last_error.restype = ctypes.c_char_p
    lib.fm_merge_json.argtypes = [ctypes.c_char_p, PROGRESS_CB, ctypes.c_void_p]
    lib.fm_merge_json.restype = ctypes.c_int
    lib.fm_merge_graph_json.argtypes = [ctypes.c_char_p, PROGRESS_CB, ctypes.c_void_p]
    lib.fm_merge_graph_json.restype = ctypes.c_int
    lib.fm_merge_run_json.argtypes = [ctypes.c_char_p, PROGRESS_CB, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.fm_merge_run_json.restype = ctypes.c_int
    lib.fm_bulk_json.argtypes = [ctypes.c_char_p, PROGRESS_CB, ctypes.c_void_p]
    lib.fm_bulk_json.restype = ctypes.c_int
    lib.fm_bulk_run_json.argtypes = [ctypes.c_char_p, ctypes.c_char_p, PROGRESS_CB, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.fm_bulk_run_json.restype = ctypes.c_int
    # char** out-parameter: a c_void_p so the pointer can be handed back to fm_free unchanged.
    lib.fm_check_json.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.fm_check_json.restype = ctypes.c_int
    lib.fm_fix_json.argtypes = [ctypes.c_char_p]
    lib.fm_fix_json.restype = ctypes.c_int
    lib.fm_fix_run_json.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.fm_fix_run_json.restype = ctypes.c_int
    lib.fm_catalog_json.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    lib.fm_catalog_json.restype = ctypes.c_int
    lib.fm_lora_bake_json.argtypes = [ctypes.c_char_p]
    lib.fm_lora_bake_json.restype = ctypes.c_int
    lib.fm_lora_extract_json.argtypes = [ctypes.c_char_p]
    lib.fm_lora_extract_json.restype = ctypes.c_int
    lib.fm_lora_merge_json.argtypes = [ctypes.c_char_p]
    lib.fm_lora_merge_json.restype = ctypes.c_int
    lib.fm_slothful_pool.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64, ctypes.c_int64,
                                     ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_double, ctypes.c_double,
                                     ctypes.c_double, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_void_p,
                                     ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64, ctypes.POINTER(ctypes.c_int64)]
    lib.fm_slothful_pool.restype = ctypes.c_int
    lib.fm_free.argtypes = [ctypes.c_void_p]
    lib.fm_free.restype = None
    return lib


def library() -> ctypes.CDLL:
    """The loaded library (loaded on first use, so ``import fastmerge`` works before it is built)."""
    global _lib
    with _lock:
        if _lib is None:
            tried = []
            for path in candidates():
                if os.path.sep in path and not os.path.exists(path):
                    tried.append(f"{path} (absent)")
                    continue
                try:
                    _lib = _declare(ctypes.CDLL(path))
                    break
                except OSError as ex:
                    tried.append(f"{path} ({ex})")
            if _lib is None:
                raise LibraryNotFoundError(
                    -1,
                    "libfastmerge.so not found: build it with native-compat/build-native.sh or set "
                    f"{_ENV} to its path; tried " + "; ".join(tried))
        return _lib
