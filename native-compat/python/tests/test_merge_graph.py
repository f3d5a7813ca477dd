"""Recipe graphs and the N-model methods through the binding: fm_merge_graph_json."""
from __future__ import annotations

import json

import numpy as np
import pytest

import fastmerge
from conftest import make_model, read_safetensors, write_safetensors


def _three(tmp_path):
    paths = []
    for seed in (1, 2, 3):
        p = str(tmp_path / f"m{seed}.safetensors")
        write_safetensors(p, make_model(seed))
        paths.append(p)
    return paths


def test_weighted_sum_of_three_is_the_stated_f32_order(tmp_path):
    p1, p2, p3 = _three(tmp_path)
    out = str(tmp_path / "ws.safetensors")
    recipe = {"inputs": {"a": p1, "b": p2, "c": p3},
              "merges": [{"name": "out", "method": "weighted_sum", "models": ["a", "b", "c"], "weights": [0.2, 0.3, 0.5]}],
              "output": "out"}
    assert fastmerge.merge_graph(recipe, out) == out
    tensors, metadata = read_safetensors(out)
    models = [make_model(s) for s in (1, 2, 3)]
    w = [np.float32(x) for x in (0.2, 0.3, 0.5)]
    expected = w[0] * models[0]["net.0.weight"]
    expected = expected + w[1] * models[1]["net.0.weight"]
    expected = expected + w[2] * models[2]["net.0.weight"]
    np.testing.assert_array_equal(tensors["net.0.weight"], expected.astype(np.float32))
    np.testing.assert_array_equal(tensors["net.steps"], models[0]["net.steps"])  # integers are copied from the primary
    recorded = json.loads(metadata["fastmerge.graph"])
    assert [m["method"] for m in recorded["merges"]] == ["weighted_sum"]
    assert all(len(i["sha256"]) == 64 for i in recorded["inputs"])


def test_bad_graphs_are_input_errors(tmp_path):
    p1, p2, _ = _three(tmp_path)
    out = str(tmp_path / "o.safetensors")
    with pytest.raises(fastmerge.InputError, match="cycle"):
        fastmerge.merge_graph({"inputs": {"a": p1, "b": p2},
                               "merges": [{"name": "x", "method": "slerp", "models": ["a", "y"]},
                                          {"name": "y", "method": "slerp", "models": ["x", "b"]}],
                               "output": "y"}, out)
    with pytest.raises(fastmerge.InputError, match="density"):
        fastmerge.merge_graph({"inputs": {"a": p1, "b": p2, "c": p1},
                               "merges": [{"name": "x", "method": "ties", "base": "a", "models": ["b", "c"], "density": 0}],
                               "output": "x"}, out)
