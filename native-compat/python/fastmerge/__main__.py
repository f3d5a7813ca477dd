"""``python -m fastmerge ARGS``: the ``fastmerge`` command line, exactly as the release binary behaves.

The wheel bundles the linux NativeAOT CLI as ``fastmerge/bin/fastmerge`` next to ``libfastmerge.so``. Running that
binary, rather than re-implementing the CLI over the C API, gives every command (merge, bulk, check, fix, hash,
inspect, extract, synth, demo) with the same flags, output, exit codes and output bytes as the CLI, and costs ~6 MB.
Without a bundled binary (a source checkout), ``fastmerge`` on PATH (the dotnet tool or a release binary) is run.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import List, Optional


def cli_path() -> Optional[str]:
    """The CLI that ``python -m fastmerge`` runs: the bundled binary, else ``fastmerge`` on PATH, else None."""
    bundled = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", "fastmerge")
    if os.path.isfile(bundled) and os.access(bundled, os.X_OK):
        return bundled
    return shutil.which("fastmerge")


def main(argv: Optional[List[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    cli = cli_path()
    if cli is None:
        print("fastmerge: this install has no bundled CLI and no fastmerge on PATH; install the fastmerge wheel, "
              "the dotnet tool (dotnet tool install -g fastmerge) or a release binary", file=sys.stderr)
        return 2
    if argv is None and os.name == "posix":
        # Become the CLI: signals (Ctrl+C cancels cleanly), stdin/stdout and the exit code are its own.
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(cli, [cli, *args])
    return subprocess.call([cli, *args])


if __name__ == "__main__":
    sys.exit(main())
