"""Exceptions raised by the fastmerge binding; each carries the library's status code and fm_last_error()."""
from __future__ import annotations

# Status codes of fastmerge.h.
OK = 0
E_INPUT = 1
E_CANCELLED = 2
E_INTERNAL = 3
E_UNAVAILABLE = 4
E_IO = 5


class FastMergeError(Exception):
    """A libfastmerge call failed. ``status`` is the FM_E_* code, ``message`` the library's one-line reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    @property
    def exit_code(self) -> int:
        """The exit code the ``fastmerge`` CLI gives for this outcome (``fm_exit_code``: 2, 3, 70 or 130)."""
        from ._library import library  # late: the errors module loads without the library

        return int(library().fm_exit_code(self.status))


class InputError(FastMergeError, ValueError):
    """FM_E_INPUT: a bad request, recipe or model file (missing, malformed, incompatible); fix the input."""


class UnknownParameterError(InputError, TypeError):
    """A keyword no function or recipe takes (``alhpa=0.3``): the message names the closest known one. Both a
    :class:`ValueError` (an :class:`InputError`, status FM_E_INPUT) and the :class:`TypeError` Python raises for an
    unexpected keyword argument."""


class FastMergeWarning(UserWarning):
    """Something the library reports although the operation ran, e.g. an input whose sha256 is not the one the
    recipe records (a recipe re-run on a changed file)."""


class CancelledError(FastMergeError):
    """FM_E_CANCELLED: the progress callback stopped the operation; no output was left behind."""


class InternalError(FastMergeError):
    """FM_E_INTERNAL: a bug in FastMerge; please report the message."""


class NotAvailableError(FastMergeError, NotImplementedError):
    """FM_E_UNAVAILABLE: the feature is not part of this build of the library."""


class IOFailureError(FastMergeError):
    """FM_E_IO: no room for the output (device full, file-size limit, quota); nothing was written. Other failures to
    open or read a file are :class:`InputError`, as the CLI reports them (exit 2)."""


class LibraryNotFoundError(FastMergeError, ImportError):
    """libfastmerge.so could not be found or loaded."""


_BY_STATUS = {
    E_INPUT: InputError,
    E_CANCELLED: CancelledError,
    E_INTERNAL: InternalError,
    E_UNAVAILABLE: NotAvailableError,
    E_IO: IOFailureError,
}


def error_for(status: int, message: str) -> FastMergeError:
    """The exception for a non-zero status (an unknown code, from a newer library, is a plain FastMergeError)."""
    return _BY_STATUS.get(status, FastMergeError)(status, message)
