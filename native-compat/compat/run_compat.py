#!/usr/bin/python3
"""Runs the compat matrix (cases.py) through fastmerge and the PyTorch/scipy reference, compares
the outputs tensor by tensor (compare.py) and prints one table row per case.

The reference runs in this process (torch is imported once instead of once per case, which
would cost ~3 s a case); fastmerge runs as the user runs it, one process per merge.

    run_compat.py --fastmerge path/to/fastmerge.dll --work DIR [--quick] [--filter REGEX] [--keep]
                  [--fastmerge-args "--device gpu"]

Exit status 1 if any row fails, 0 otherwise. The last line is always
`compat: N identical, M within tolerance, K failed`.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "reference"))

import cases as matrix  # noqa: E402
import compare  # noqa: E402
import models  # noqa: E402
import reference_merge  # noqa: E402
from safetensors_io import SafeTensorsFile  # noqa: E402

FASTMERGE_TIMEOUT_S = 300
UNSUPPORTED = "not available in this version"  # fastmerge's refusal of a feature it does not have yet

IDENTICAL, TOLERANCE, FAIL, BOTH_REJECT = "identical", "within tol", "FAIL", "both reject"


@dataclass
class Run:
    code: int
    message: str  # last stderr line
    seconds: float


@dataclass
class Row:
    case: str
    tensors: str
    identical: str
    differing: str
    max_abs_diff: str
    verdict: str
    detail: List[str]
    seconds_fast: float = 0.0
    seconds_ref: float = 0.0


def _last_line(text: str) -> str:
    lines = [x for x in text.strip().splitlines() if x.strip()]
    return lines[-1].strip() if lines else ""


def run_fastmerge(fastmerge: List[str], argv: List[str]) -> Run:
    t0 = time.perf_counter()
    try:
        done = subprocess.run(fastmerge + ["merge", *argv], capture_output=True, text=True, timeout=FASTMERGE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return Run(124, f"timed out after {FASTMERGE_TIMEOUT_S} s", time.perf_counter() - t0)
    return Run(done.returncode, _last_line(done.stderr), time.perf_counter() - t0)


def run_reference(argv: List[str], env: Tuple[Tuple[str, str], ...] = ()) -> Run:
    if env:
        # torch reads settings such as ATEN_CPU_CAPABILITY once per process: such a case needs its own
        t0 = time.perf_counter()
        script = os.path.join(os.path.dirname(os.path.abspath(reference_merge.__file__)), "reference_merge.py")
        done = subprocess.run([sys.executable, script, *argv], capture_output=True, text=True,
                              env={**os.environ, **dict(env)}, timeout=FASTMERGE_TIMEOUT_S)
        return Run(done.returncode, _last_line(done.stderr), time.perf_counter() - t0)
    err = io.StringIO()
    t0 = time.perf_counter()
    try:
        with contextlib.redirect_stderr(err):
            code = reference_merge.main(argv)
    except SystemExit as e:  # argparse refuses a flag
        code = e.code if isinstance(e.code, int) else 2
    except Exception as e:  # noqa: BLE001 - a reference crash is a failed row, not a crashed suite
        return Run(70, f"reference crashed: {type(e).__name__}: {e}", time.perf_counter() - t0)
    return Run(code, _last_line(err.getvalue()), time.perf_counter() - t0)


def _argv(case: matrix.Case, paths, out: str) -> List[str]:
    argv = ["-a", paths[case.a], "-b", paths[case.b]]
    if case.c:
        argv += ["-c", paths[case.c]]
    return argv + ["-o", out, *case.args]


def run_case(case: matrix.Case, fastmerge: List[str], paths, out_dir: str, keep: bool, extra: List[str]) -> Row:
    fast_out = os.path.join(out_dir, f"fast-{case.name}.safetensors")
    ref_out = os.path.join(out_dir, f"ref-{case.name}.safetensors")
    for p in (fast_out, ref_out):
        if os.path.exists(p):
            os.remove(p)
    threads = [] if "--threads" in case.fast_args else ["--threads", "2"]
    fast = run_fastmerge(fastmerge, _argv(case, paths, fast_out) + threads + list(case.fast_args) + extra)
    ref = run_reference(_argv(case, paths, ref_out) + ["--threads", "2", "-q"], case.reference_env)
    row = Row(case.name, "-", "-", "-", "-", FAIL, [], fast.seconds, ref.seconds)
    try:
        if case.reject:
            problems = []
            if fast.code != 2:
                problems.append(f"fastmerge exit {fast.code}, expected 2 (refusal): {fast.message or 'no message'}")
            elif UNSUPPORTED in fast.message:
                # refused for lack of the feature, not for the bad input this case is about
                problems.append(f"fastmerge refused an unsupported feature, not the input: {fast.message}")
            if os.path.exists(fast_out):
                problems.append("fastmerge left an output file")
            if ref.code != 2:
                problems.append(f"reference exit {ref.code}, expected 2 (refusal): {ref.message or 'no message'}")
            row.verdict = BOTH_REJECT if not problems else FAIL
            row.detail = problems or [f"fastmerge: {fast.message}", f"reference: {ref.message}"]
            return row
        if ref.code != 0:
            row.detail.append(f"reference exit {ref.code}: {ref.message}")
        if fast.code != 0:
            row.detail.append(f"fastmerge exit {fast.code}: {fast.message}")
        if row.detail:
            return row
        inputs = None
        if case.tolerance == "cosine":
            inputs = compare.MergeInputs(SafeTensorsFile(paths[case.a]), SafeTensorsFile(paths[case.b]),
                                         SafeTensorsFile(paths[case.c]) if case.mode == "ad" else None)
        elif case.tolerance == "ulp":
            inputs = compare.MergeInputs(SafeTensorsFile(paths[case.a]), None)
        result = compare.compare_files(fast_out, ref_out, case.tolerance, inputs)
        row.tensors, row.identical = str(result.tensors), str(result.identical)
        row.differing, row.max_abs_diff = str(result.differing), compare.format_diff(result.max_abs_diff)
        row.detail = result.problems[:5] + ([f"... {len(result.problems) - 5} more"] if len(result.problems) > 5 else [])
        row.verdict = FAIL if not result.ok else (IDENTICAL if result.exact else TOLERANCE)
        return row
    finally:
        if not keep:
            for p in (fast_out, ref_out):
                if os.path.exists(p):
                    os.remove(p)


def print_table(rows: List[Row]) -> None:
    headers = ("case", "tensors", "bit-identical", "differing", "max abs diff", "verdict")
    cells = [(r.case, r.tensors, r.identical, r.differing, r.max_abs_diff, r.verdict) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    right = (False, True, True, True, True, False)

    def line(values) -> str:
        parts = [v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right)]
        return "| " + " | ".join(parts) + " |"

    print(line(headers))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for c in cells:
        print(line(c))


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="fastmerge vs the PyTorch/scipy reference, tensor by tensor")
    ap.add_argument("--fastmerge", required=True, help="fastmerge.dll (run with dotnet) or an executable")
    ap.add_argument("--work", required=True, help="folder for the models and outputs")
    ap.add_argument("--quick", action="store_true", help="a subset: each mode and calcmode once")
    ap.add_argument("--filter", help="regex on case names")
    ap.add_argument("--keep", action="store_true", help="keep the merged outputs in WORK/out")
    ap.add_argument("--fastmerge-args", default="", help="more flags for every fastmerge merge, e.g. '--device gpu'")
    args = ap.parse_args(argv)

    fastmerge = ["dotnet", args.fastmerge] if args.fastmerge.endswith(".dll") else [args.fastmerge]
    selected = matrix.select(args.quick, args.filter)
    if not selected:
        print("compat: no case matches", file=sys.stderr)
        print("compat: 0 identical, 0 within tolerance, 1 failed")
        return 1
    t0 = time.perf_counter()
    paths = models.generate(fastmerge, os.path.join(args.work, "models"), matrix.models_needed(selected))
    print(f"compat: {len(paths)} models generated in {time.perf_counter() - t0:.1f} s; {len(selected)} cases", flush=True)
    out_dir = os.path.join(args.work, "out")
    os.makedirs(out_dir, exist_ok=True)

    rows: List[Row] = []
    for case in selected:
        row = run_case(case, fastmerge, paths, out_dir, args.keep, shlex.split(args.fastmerge_args))
        rows.append(row)
        print(f"  {case.name}: {row.verdict} (fastmerge {row.seconds_fast:.1f} s, reference {row.seconds_ref:.1f} s)",
              flush=True)

    print()
    print_table(rows)
    failed = [r for r in rows if r.verdict == FAIL]
    if failed or any(r.verdict == BOTH_REJECT for r in rows):
        print()
    for r in rows:
        if r.detail and (r.verdict in (FAIL, BOTH_REJECT)):
            print(f"{r.case} ({r.verdict}):")
            for d in r.detail:
                print(f"    {d}")
    n_identical = sum(r.verdict in (IDENTICAL, BOTH_REJECT) for r in rows)
    n_tolerance = sum(r.verdict == TOLERANCE for r in rows)
    fast_s = sum(r.seconds_fast for r in rows)
    ref_s = sum(r.seconds_ref for r in rows)
    print(f"\n{len(rows)} cases in {time.perf_counter() - t0:.1f} s (fastmerge {fast_s:.1f} s, reference {ref_s:.1f} s)")
    print(f"compat: {n_identical} identical, {n_tolerance} within tolerance, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
