"""Run by AUTOMATIC1111/Forge at start-up (launch_utils.run_extension_installer runs each extension's install.py with
the webui's Python and `launch` importable): makes sure the fastmerge wheel is installed in the webui's venv.

Where the wheel comes from, first match wins:
1. $FASTMERGE_WHEEL, a path to a fastmerge-*.whl (an offline install, or a build of your own);
2. a fastmerge-*.whl in this extension's wheels/ folder (drop the release wheel there; the newest version is used);
3. the package index, `pip install fastmerge` (what the webui's own requirements use).
A local wheel is installed with launch.run_pip, the webui's pip wrapper (same interpreter, same venv, its index
settings, its error reporting), as `install --upgrade "PATH"`; nothing happens when that version is already there.
"""
from __future__ import annotations

import glob
import os
import re
from typing import Mapping, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
_WHEEL = re.compile(r"fastmerge-(\d+(?:\.\d+)*)-")


def _version_tuple(text: str) -> Tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def wheel_version(path: str) -> Optional[str]:
    match = _WHEEL.match(os.path.basename(path))
    return match.group(1) if match else None


def find_wheel(environ: Mapping[str, str], here: str = HERE) -> Optional[str]:
    """The local wheel to install, or None to use the package index."""
    explicit = environ.get("FASTMERGE_WHEEL")
    if explicit:
        if not os.path.isfile(explicit) or wheel_version(explicit) is None:
            raise SystemExit(f"FastMerge install: FASTMERGE_WHEEL={explicit} is not a fastmerge-*.whl file")
        return explicit
    wheels = [w for w in glob.glob(os.path.join(here, "wheels", "fastmerge-*.whl")) if wheel_version(w)]
    return max(wheels, key=lambda w: _version_tuple(wheel_version(w))) if wheels else None


def installed_version() -> Optional[str]:
    try:
        from importlib import metadata
        return metadata.version("fastmerge")
    except Exception:  # noqa: BLE001 - not installed (PackageNotFoundError) or broken metadata: install again
        return None


def ensure_fastmerge(launch, environ: Mapping[str, str] = os.environ, here: str = HERE) -> str:
    """Installs the wheel when needed; returns what was done (the webui prints nothing for a quiet success)."""
    wheel = find_wheel(environ, here)
    have = installed_version()
    if wheel is None:
        if have is not None:
            return f"fastmerge {have} already installed"
        launch.run_pip("install fastmerge", "FastMerge requirement: fastmerge")
        return "installed fastmerge from the package index"
    want = wheel_version(wheel)
    if have == want:
        return f"fastmerge {have} already installed"
    launch.run_pip(f'install --upgrade "{wheel}"', f"FastMerge requirement: fastmerge {want} from {os.path.basename(wheel)}")
    return f"installed {wheel}"


if __name__ == "__main__":
    import launch  # the webui's module, importable when the webui runs this file

    ensure_fastmerge(launch)
