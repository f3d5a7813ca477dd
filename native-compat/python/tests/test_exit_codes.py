"""Each status is one class of outcome, the class the CLI turns into its exit code: fm_exit_code and the errors'
``exit_code`` give that code, and a run of the CLI on the same failure exits with it."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

import fastmerge
from fastmerge import errors

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
_CLI = os.path.join(_ROOT, "src", "Fast.Cli", "bin", "Release", "net10.0", "fastmerge.dll")


def test_every_status_maps_to_the_cli_exit_code():
    assert [fastmerge.exit_code(s) for s in (errors.OK, errors.E_INPUT, errors.E_IO, errors.E_INTERNAL, errors.E_CANCELLED)] == [0, 2, 3, 70, 130]
    assert fastmerge.exit_code(errors.E_UNAVAILABLE) == 70 and fastmerge.exit_code(42) == 70


def _cli(*args, preexec=None):
    if not os.path.exists(_CLI):
        pytest.fail(f"build the CLI first: dotnet build src/Fast.Cli -c Release ({_CLI} is missing)")
    # The runtime's W^X double mapping writes a memory file at start-up, which a tiny file-size limit would stop.
    env = dict(os.environ, DOTNET_EnableWriteXorExecute="0")
    return subprocess.run(["dotnet", _CLI, *args], capture_output=True, text=True, preexec_fn=preexec, env=env, check=False)


def test_a_missing_input_is_input_error_and_exit_code_2_in_both(models, tmp_path):
    _, pb, _, _ = models
    missing, out = str(tmp_path / "missing.safetensors"), str(tmp_path / "out.safetensors")
    with pytest.raises(fastmerge.InputError) as raised:
        fastmerge.merge(missing, pb, out)
    assert raised.value.exit_code == 2
    assert _cli("merge", "-a", missing, "-b", pb, "-o", out).returncode == 2
    assert not os.path.exists(out)


_NO_ROOM = """
import resource, sys
sys.path.insert(0, sys.argv[1])
import fastmerge
resource.setrlimit(resource.RLIMIT_FSIZE, (64, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
try:
    fastmerge.merge(sys.argv[2], sys.argv[3], sys.argv[4])
except fastmerge.FastMergeError as e:
    print(type(e).__name__, e.status, e.exit_code)
"""


def test_no_room_for_the_output_is_io_failure_and_exit_code_3_in_both(models, tmp_path):
    # Python ignores SIGXFSZ, so a write past RLIMIT_FSIZE fails with EFBIG, as a full disk fails with ENOSPC.
    pa, pb, _, _ = models
    out = str(tmp_path / "out.safetensors")
    package = os.path.dirname(os.path.dirname(fastmerge.__file__))
    run = subprocess.run([sys.executable, "-c", _NO_ROOM, package, pa, pb, out], capture_output=True, text=True, check=False)
    assert run.stdout.split() == ["IOFailureError", str(errors.E_IO), "3"], run.stdout + run.stderr
    assert not os.path.exists(out)

    def limit_file_size():
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    cli = _cli("merge", "-a", pa, "-b", pb, "-o", out, preexec=limit_file_size)
    assert cli.returncode == 3, cli.stderr
    assert not os.path.exists(out)
