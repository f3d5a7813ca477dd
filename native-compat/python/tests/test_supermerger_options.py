"""Issue 14: every new supermerger option (random R/U/X block weights with seed/round/limits, calcmodes self and plus
random, old calc, elemental, adjust) through the C ABI (this ctypes binding) and bulk plans: the bytes equal the
CLI's for the same recipe, the metadata records the options, and a re-run from the metadata gives the same bytes."""
from __future__ import annotations

import json
import os
import subprocess

import pytest

import fastmerge
from conftest import read_safetensors
from test_fastmerge import CLI, sd1_models  # noqa: F401 - the module fixture (three synthetic SD1 checkpoints)

_UPPER = ",".join(["0.9"] * 26)
_LOWER = ",".join(["0.1"] * 26)

# (id, recipe members for merge(), the CLI flags of the same recipe, whether the option draws random weights)
CASES = [
    ("random-R", {"weights_alpha": "R", "seed": 2024}, ["--weights-alpha", "R", "--seed", "2024"], True),
    ("random-U-round", {"weights_alpha": "U", "seed": 7, "random_digits": 2},
     ["--weights-alpha", "U", "--seed", "7", "--random-round", "2"], True),
    ("random-X-limits", {"weights_alpha": "X", "seed": 5, "random_upper": _UPPER, "random_lower": _LOWER},
     ["--weights-alpha", "X", "--seed", "5", "--random-upper", _UPPER, "--random-lower", _LOWER], True),
    ("calc-self", {"calcmode": "self", "alpha": 0.7}, ["--calc", "self", "--alpha", "0.7"], False),
    ("calc-plus-random", {"calcmode": "plus random", "alpha": 0.1, "seed": 3},
     ["--calc", "plus random", "--alpha", "0.1", "--seed", "3"], False),
    ("old-calc", {"alpha": 0.3, "old_calc": True}, ["--alpha", "0.3", "--old-calc"], False),
    ("elemental", {"alpha": 0.4, "elemental": "IN04 OUT05:attn:0.2"},
     ["--alpha", "0.4", "--elemental", "IN04 OUT05:attn:0.2"], False),
    ("adjust", {"alpha": 0.5, "adjust": "1,1,1,0,0,0,0,0"}, ["--alpha", "0.5", "--adjust", "1,1,1,0,0,0,0,0"], False),
]


def _bytes(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _tensor_bytes(path: str) -> bytes:
    """The bytes after the header: what a re-run of a random draw must reproduce (only the first run records the draw)."""
    raw = _bytes(path)
    return raw[8 + int.from_bytes(raw[:8], "little"):]


def _cli_merge(a: str, b: str, flags, out: str) -> None:
    subprocess.run(["dotnet", CLI, "merge", "-a", a, "-b", b, *flags, "-o", out], check=True, capture_output=True)


@pytest.mark.parametrize("recipe, flags, draws", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_new_option_equals_the_cli_is_recorded_and_reruns_from_the_metadata(sd1_models, tmp_path, recipe, flags, draws):  # noqa: F811
    a, b, _ = sd1_models
    native, cli, rerun = (str(tmp_path / f"{n}.safetensors") for n in ("native", "cli", "rerun"))

    fastmerge.merge(a, b, native, **recipe)
    _cli_merge(a, b, flags, cli)
    assert _bytes(native) == _bytes(cli)

    _, metadata = read_safetensors(native)
    recorded = json.loads(metadata["fastmerge.recipe"])
    for name, value in recipe.items():
        if draws and name == "weights_alpha":
            # The drawn list is what ran: 26 numbers, and the seed and the list as given are in fastmerge.random.
            assert len(recorded[name].split(",")) == 26 and "R" not in recorded[name].split(",")
            record = json.loads(metadata["fastmerge.random"])
            assert record["seed"] == recipe["seed"] and record["weights_alpha"] == value
        else:
            assert recorded[name] == value, name

    # A re-run from the recorded recipe (paths and sha256 as recorded), through the C ABI.
    report = fastmerge.merge_run_json({"recipe": recorded, "output": rerun})
    assert report["warnings"] == []
    if draws:
        assert _tensor_bytes(rerun) == _tensor_bytes(native)
    else:
        assert _bytes(rerun) == _bytes(native)


def test_a_bulk_plan_takes_every_new_option_and_each_variant_equals_its_single_merge(sd1_models, tmp_path):  # noqa: F811
    a, b, _ = sd1_models
    plan = [dict(recipe, a={"path": a}, b={"path": b}, out=str(tmp_path / f"bulk-{name}.safetensors"))
            for name, recipe, _, _ in CASES]
    summary = fastmerge.bulk(plan)
    assert [v["status"] for v in summary["variants"]] == ["done"] * len(CASES)
    for (name, recipe, _, _), variant in zip(CASES, plan):
        single = str(tmp_path / f"single-{name}.safetensors")
        fastmerge.merge(a, b, single, **recipe)
        assert _bytes(variant["out"]) == _bytes(single), name


def test_the_catalog_lists_the_new_calcmodes_and_recipe_parameters():
    catalog = fastmerge.catalog()
    assert catalog["calcmodes"][-2:] == ["self", "plus random"]
    assert catalog["seeded_calcmodes"] == ["plus random"]
    assert catalog["calcmode_aliases"] == {"smoothAdd MT": "smoothAdd"}
    for name in ("seed", "random_digits", "random_upper", "random_lower", "elemental", "adjust", "old_calc"):
        assert name in catalog["recipe_parameters"]
