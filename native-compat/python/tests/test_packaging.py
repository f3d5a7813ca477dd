"""The pieces of the installable package: one version everywhere, status strings, and `python -m fastmerge`."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import fastmerge

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def _read(*parts: str) -> str:
    with open(os.path.join(_ROOT, *parts), encoding="utf-8") as f:
        return f.read()


def test_every_version_string_agrees():
    props = re.search(r"<Version>([^<]+)</Version>", _read("Directory.Build.props")).group(1)
    pyproject = re.search(r'^version = "([^"]+)"', _read("native-compat", "python", "pyproject.toml"), re.M).group(1)
    header = _read("native-compat", "include", "fastmerge.h")
    macros = [re.search(rf"#define FASTMERGE_VERSION_{part} (\d+)", header).group(1) for part in ("MAJOR", "MINOR", "PATCH")]
    string_macro = re.search(r'#define FASTMERGE_VERSION_STRING "([^"]+)"', header).group(1)
    major, minor, patch = (int(x) for x in props.split("."))
    assert pyproject == fastmerge.__version__ == fastmerge.version() == string_macro == ".".join(macros) == props
    assert fastmerge.version_number() == major * 1000000 + minor * 1000 + patch


def test_status_strings_name_every_code_and_unknown_ones():
    assert fastmerge.status_string(0) == "success"
    assert fastmerge.status_string(1) == "invalid input"
    assert fastmerge.status_string(5) == "no room for the output"
    assert fastmerge.status_string(99) == "unknown status"


def _package_with_cli(tmp_path, script: str) -> str:
    """A copy of the package whose bundled CLI is `script`: what `python -m fastmerge` execs."""
    package = tmp_path / "pkg" / "fastmerge"
    shutil.copytree(os.path.dirname(fastmerge.__file__), package, ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    (package / "bin").mkdir()
    cli = package / "bin" / "fastmerge"
    cli.write_text(script)
    cli.chmod(0o755)
    return str(tmp_path / "pkg")


def test_python_m_fastmerge_runs_the_bundled_cli_with_its_arguments_and_exit_code(tmp_path):
    path = _package_with_cli(tmp_path, '#!/bin/sh\necho "cli: $*"\nexit 3\n')
    env = dict(os.environ, PYTHONPATH=path)
    result = subprocess.run(["/usr/bin/python3", "-m", "fastmerge", "merge", "-a", "x y"], env=env, cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 3
    assert result.stdout == "cli: merge -a x y\n"


def test_python_m_fastmerge_without_any_cli_says_how_to_get_one(tmp_path):
    package = tmp_path / "pkg" / "fastmerge"
    shutil.copytree(os.path.dirname(fastmerge.__file__), package, ignore=shutil.ignore_patterns("__pycache__", "*.so", "bin"))
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "pkg"), PATH=str(tmp_path))
    result = subprocess.run(["/usr/bin/python3", "-m", "fastmerge", "check", "x"], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 2
    assert "no bundled CLI" in result.stderr and "dotnet tool install" in result.stderr
