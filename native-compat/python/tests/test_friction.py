"""Issue 17, the everyday friction of the Python binding: an unknown keyword names the closest known one, fix()
returns its report, every version string is 0.1.0, and re-running a recipe on a changed input warns."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import warnings

import pytest

import fastmerge
from conftest import read_safetensors
from test_fastmerge import CLI, corrupted_clip_model

_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


@pytest.mark.parametrize("keywords, message", [
    ({"alhpa": 0.3}, "merge: unknown parameter 'alhpa' (did you mean 'alpha'?)"),
    ({"overwrit": True}, "merge: unknown parameter 'overwrit' (did you mean 'overwrite'?)"),
    ({"weights_alhpa": "GRAD_V"}, "merge: unknown parameter 'weights_alhpa' (did you mean 'weights_alpha'?)"),
    ({"old_calcc": True}, "merge: unknown parameter 'old_calcc' (did you mean 'old_calc'?)"),
    ({"frobnicate": 1}, "merge: unknown parameter 'frobnicate'"),
], ids=["alhpa", "overwrit", "weights_alhpa", "old_calcc", "no-suggestion"])
def test_an_unknown_merge_keyword_names_the_closest_known_one(models, tmp_path, keywords, message):
    pa, pb, _, _ = models
    out = str(tmp_path / "out.safetensors")
    with pytest.raises(fastmerge.UnknownParameterError) as info:
        fastmerge.merge(pa, pb, out, **keywords)
    assert str(info.value) == message
    # Python's own class for a bad keyword, and the binding's for bad input (status FM_E_INPUT).
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError) and info.value.status == 1
    assert not os.path.exists(out)


def test_the_library_names_unknown_members_in_the_same_words_not_the_serializer_s(models, tmp_path):
    pa, pb, _, _ = models
    out = str(tmp_path / "out.safetensors")
    cases = [
        (lambda: fastmerge.merge_json({"recipe": {"a": {"path": pa}, "b": {"path": pb}, "alhpa": 0.3}, "output": out}),
         "unknown parameter 'alhpa' (did you mean 'alpha'?)"),
        (lambda: fastmerge.merge_json({"recipe": {"a": {"pth": pa}, "b": {"path": pb}}, "output": out}),
         "unknown parameter 'a.pth' (did you mean 'a.path'?)"),
        (lambda: fastmerge.merge_json({"recipe": {"a": {"path": pa}, "b": {"path": pb}}, "outptu": out}),
         "unknown parameter 'outptu' (did you mean 'output'?)"),
        (lambda: fastmerge.bulk_json([{"a": {"path": pa}, "b": {"path": pb}, "alhpa": 0.3, "out": out}]),
         "unknown parameter 'alhpa' (did you mean 'alpha'?)"),
        (lambda: fastmerge.bulk([{"a": {"path": pa}, "b": {"path": pb}, "out": out}], snik="hash"),
         "unknown parameter 'snik' (did you mean 'sink'?)"),
        (lambda: fastmerge.fix(pa, out, prnue=True), "fix: unknown parameter 'prnue' (did you mean 'prune'?)"),
    ]
    for call, message in cases:
        with pytest.raises(fastmerge.InputError) as info:
            call()
        assert message in info.value.message
        assert ".NET" not in info.value.message and "could not be mapped" not in info.value.message
    assert not os.path.exists(out)


def test_fix_returns_its_report(tmp_path):
    broken, fixed = str(tmp_path / "broken.safetensors"), str(tmp_path / "fixed.safetensors")
    corrupted_clip_model(broken)
    report = fastmerge.fix(broken, fixed, nan_to_num=True, dtype="fp16")
    assert report == {"output": fixed, "tensors": 2,
                      "position_ids_reset": 1, "pruned": 0, "converted": 1, "renamed": 0, "vae_replaced": 0,
                      "clip_replaced": 0, "non_finite_replaced": 1}
    clean = str(tmp_path / "clean.safetensors")
    again = fastmerge.fix(fixed, clean)
    assert again["position_ids_reset"] == 0 and again["non_finite_replaced"] == 0  # a clean model: nothing claimed


def test_every_version_string_is_0_1_0():
    props = re.search(r"<Version>([^<]+)</Version>", open(os.path.join(_ROOT, "Directory.Build.props")).read()).group(1)
    assert props == "0.1.0"
    assert fastmerge.__version__ == fastmerge.version() == props
    if not os.path.exists(CLI):
        pytest.skip("needs the CLI: dotnet build src/Fast.Cli -c Release")
    cli = subprocess.run(["dotnet", CLI, "--version"], capture_output=True, text=True, check=True).stdout
    assert re.fullmatch(r"(fastmerge )?0\.1\.0(\+\S+)?\n", cli), cli


def test_a_rerun_from_the_metadata_on_a_changed_input_warns(models, tmp_path):
    pa, pb, _, _ = models
    first = str(tmp_path / "first.safetensors")
    fastmerge.merge(pa, pb, first, alpha=0.3)
    recorded = fastmerge.recorded_recipe(first)
    assert recorded == json.loads(read_safetensors(first)[1]["fastmerge.recipe"]) and recorded["b"]["sha256"]
    with pytest.raises(fastmerge.InputError, match="records no recipe"):
        fastmerge.recorded_recipe(pa)

    # The same file: no warning, the same bytes.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        same = fastmerge.merge_run_json({"recipe": recorded, "output": str(tmp_path / "same.safetensors")})
    assert same["warnings"] == []

    # B replaced by other bytes at the recorded path: the merge runs and says so.
    shutil.copyfile(pa, pb)
    report = fastmerge.merge_run_json({"recipe": recorded, "output": str(tmp_path / "changed.safetensors")})
    (warning,) = report["warnings"]
    assert warning.startswith(f"B ({pb}) is not the file the recipe was made from: its sha256 is ")
    assert f"the recipe records {recorded['b']['sha256']}" in warning
    assert os.path.exists(tmp_path / "changed.safetensors")

    # merge_recipe() (a recipe re-run, e.g. from an output's metadata) issues it as a FastMergeWarning.
    with pytest.warns(fastmerge.FastMergeWarning, match=r"^B \(.*\) is not the file the recipe was made from") as caught:
        again = fastmerge.merge_recipe(json.dumps(recorded), str(tmp_path / "warned.safetensors"))
    assert [str(w.message) for w in caught] == again["warnings"] == [warning]


def test_a_bulk_variant_re_run_on_a_changed_input_warns(models, tmp_path):
    pa, pb, _, _ = models
    first = str(tmp_path / "first.safetensors")
    fastmerge.merge(pa, pb, first, alpha=0.3)
    recorded = fastmerge.recorded_recipe(first)
    shutil.copyfile(pa, pb)
    plan = [dict(recorded, out=str(tmp_path / "again.safetensors"))]
    with pytest.warns(fastmerge.FastMergeWarning, match=r"again\.safetensors: B \(.*\) is not the file the recipe was made from"):
        summary = fastmerge.bulk(plan)
    (variant,) = summary["variants"]
    assert variant["status"] == "done" and len(variant["warnings"]) == 1
