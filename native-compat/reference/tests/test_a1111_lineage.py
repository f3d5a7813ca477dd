"""fastmerge's merge history read the way AUTOMATIC1111 reads it (issue 17).

A1111 reads a model's metadata with `modules/sd_models.py` read_metadata_from_safetensors (a value starting with "{"
is json.loads-ed, else kept as text), and its merger (`modules/extras.py` run_modelmerger, add_model_metadata) writes
`sd_merge_models` as {sha256: {"name", "legacy_hash", "sd_merge_recipe"}} for each input, updated with the input's own
`sd_merge_models`: the lineage. Both functions are restated here from A1111's source, and fastmerge's output of a
merge of two merges must be exactly what A1111's code builds from the two inputs (the same dict, and the same
json.dumps text), with the tree two generations deep.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DLL = os.path.join(REPO, "src", "Fast.Cli", "bin", "Release", "net10.0", "fastmerge.dll")


@pytest.fixture(scope="session")
def fastmerge():
    if not os.path.exists(DLL):
        subprocess.run(["dotnet", "build", os.path.join(REPO, "src", "Fast.Cli"), "-c", "Release", "-v", "quiet", "-nologo"], check=True)

    def run(*args):
        r = subprocess.run(["dotnet", DLL, *args], capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        return r

    return run


def read_metadata_from_safetensors(filename):
    """A1111 modules/sd_models.py, as written there (errors aside)."""
    with open(filename, mode="rb") as file:
        metadata_len = int.from_bytes(file.read(8), "little")
        json_start = file.read(2)
        assert metadata_len > 2 and json_start in (b'{"', b"{'"), f"{filename} is not a safetensors file"
        res = {}
        json_obj = json.loads(json_start + file.read(metadata_len - 2))
        for k, v in json_obj.get("__metadata__", {}).items():
            res[k] = v
            if isinstance(v, str) and v[0:1] == '{':
                try:
                    res[k] = json.loads(v)
                except Exception:
                    pass
        return res


def raw_metadata(filename):
    with open(filename, "rb") as file:
        n = int.from_bytes(file.read(8), "little")
        return json.loads(file.read(n))["__metadata__"]


class CheckpointInfo:
    """What A1111's CheckpointInfo gives add_model_metadata: sha256, the legacy hash, the name, the metadata."""

    def __init__(self, path):
        data = open(path, "rb").read()
        self.sha256 = hashlib.sha256(data).hexdigest()
        self.hash = hashlib.sha256(data[0x100000:0x110000]).hexdigest()[0:8]  # modules/hashes.py model_hash
        self.name = os.path.basename(path)
        self.metadata = read_metadata_from_safetensors(path)

    def calculate_shorthash(self):
        return self.sha256[0:10]


def a1111_sd_merge_models(*infos):
    """A1111 modules/extras.py run_modelmerger, the sd_merge_models part, as written there."""
    sd_merge_models = {}

    def add_model_metadata(checkpoint_info):
        checkpoint_info.calculate_shorthash()
        sd_merge_models[checkpoint_info.sha256] = {
            "name": checkpoint_info.name,
            "legacy_hash": checkpoint_info.hash,
            "sd_merge_recipe": checkpoint_info.metadata.get("sd_merge_recipe", None)
        }

        sd_merge_models.update(checkpoint_info.metadata.get("sd_merge_models", {}))

    for info in infos:
        add_model_metadata(info)
    return sd_merge_models


def test_a_merge_of_two_merges_records_the_lineage_as_a1111_does(tmp_path, fastmerge, models):
    a, b, c = models.path["A"], models.path["B"], models.path["C"]
    left, right, top = (str(tmp_path / f"{n}.safetensors") for n in ("left", "right", "top"))
    fastmerge("merge", "-a", a, "-b", b, "--alpha", "0.3", "-o", left)
    fastmerge("merge", "-a", b, "-b", c, "-c", a, "--mode", "ad", "--alpha", "0.6", "-o", right)
    fastmerge("merge", "-a", left, "-b", right, "--alpha", "0.5", "-o", top, "--meta", "modelspec.author=lineage test")

    infos = [CheckpointInfo(p) for p in (left, right)]
    expected = a1111_sd_merge_models(*infos)
    raw = raw_metadata(top)
    assert raw["sd_merge_models"] == json.dumps(expected)          # the very text A1111's json.dumps writes
    parsed = read_metadata_from_safetensors(top)
    assert parsed["sd_merge_models"] == expected

    # The tree: top -> left, right -> A, B, C (two generations), every model named by sha256.
    recipe = parsed["sd_merge_recipe"]
    assert (recipe["model_a"], recipe["model_b"]) == (infos[0].sha256, infos[1].sha256)
    left_recipe = parsed["sd_merge_models"][infos[0].sha256]["sd_merge_recipe"]
    right_recipe = parsed["sd_merge_models"][infos[1].sha256]["sd_merge_recipe"]
    sha = {k: CheckpointInfo(p).sha256 for k, p in (("A", a), ("B", b), ("C", c))}
    assert (left_recipe["model_a"], left_recipe["model_b"]) == (sha["A"], sha["B"])
    assert (right_recipe["model_a"], right_recipe["model_b"], right_recipe["model_c"]) == (sha["B"], sha["C"], sha["A"])
    for k in "ABC":
        entry = parsed["sd_merge_models"][sha[k]]
        assert entry["name"] == os.path.basename(models.path[k])
        assert entry["sd_merge_recipe"] is None                     # the synthetic inputs are not merges

    # Model spec keys, and the user's entry.
    assert parsed["modelspec.sai_model_spec"] == "1.0.0"
    assert parsed["modelspec.architecture"] == "stable-diffusion-v1"
    assert parsed["modelspec.title"] == "left_x_right_ws0.5"
    assert parsed["modelspec.merged_from"] == "A_x_B_ws0.3, B_x_C_x_A_ad0.6"
    assert parsed["modelspec.author"] == "lineage test"

    # inspect --lineage shows the same tree.
    tree = json.loads(fastmerge("inspect", top, "--lineage", "--json").stdout)
    assert tree["depth"] == 2
    assert [p["sha256"] for p in tree["tree"]["parents"]] == [infos[0].sha256, infos[1].sha256]
    assert [p["sha256"] for p in tree["tree"]["parents"][1]["parents"]] == [sha["B"], sha["C"], sha["A"]]
