"""`fastmerge convert X.ckpt -o X.safetensors` against torch.load + the reference safetensors writer.

The checkpoints are made here by torch.save (zip and legacy formats), so the reader is held to what
PyTorch really writes: fp16/fp32/bf16/int/bool, tensors sharing one storage, views with storage
offsets, scalars, empty tensors, state dicts nested as Lightning and training scripts nest them.
A live os.system payload (torch.load runs it) is refused and never runs under fastmerge.
"""
from __future__ import annotations

import collections
import os
import pickle
import subprocess
import sys

import pytest
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.dirname(HERE))

import safetensors_io as st  # noqa: E402

DLL = os.path.join(REPO, "src", "Fast.Cli", "bin", "Release", "net10.0", "fastmerge.dll")


@pytest.fixture(scope="session")
def fastmerge():
    if not os.path.exists(DLL):
        subprocess.run(["dotnet", "build", os.path.join(REPO, "src", "Fast.Cli"), "-c", "Release", "-v", "quiet", "-nologo"], check=True)

    def run(*args):
        return subprocess.run(["dotnet", DLL, *args], capture_output=True, text=True, timeout=120)

    return run


def state_dict():
    g = torch.Generator().manual_seed(18)
    base = torch.randn(12, 8, generator=g)
    half = torch.randn(6, 5, generator=g).half()
    sd = collections.OrderedDict()
    sd["model.diffusion_model.input_blocks.0.0.weight"] = torch.randn(4, 3, 3, 3, generator=g)
    sd["model.diffusion_model.half"] = half
    sd["model.diffusion_model.half_rows"] = half[2:5]          # shares half's storage, offset 10 elements
    sd["model.diffusion_model.bf16"] = torch.randn(7, 3, generator=g).to(torch.bfloat16)
    sd["cond_stage_model.base"] = base
    sd["cond_stage_model.slice"] = base[3:9]                   # view with a storage offset
    sd["cond_stage_model.row"] = base[11]                      # a row of the same storage
    sd["cond_stage_model.view_of_view"] = base[3:9][1:2]
    sd["cond_stage_model.reshaped"] = base.view(4, 24)         # same bytes, another shape
    sd["first_stage_model.position_ids"] = torch.arange(77, dtype=torch.int64).unsqueeze(0)
    sd["first_stage_model.mask"] = torch.tensor([True, False, True])
    sd["first_stage_model.f64"] = torch.randn(3, dtype=torch.float64, generator=g)
    sd["scalar"] = torch.tensor(0.5)
    sd["empty"] = torch.zeros(0, 4)
    sd["param"] = torch.nn.Parameter(torch.randn(2, 2, generator=g))
    sd._metadata = {"": {"version": 1}}                          # what nn.Module.state_dict() attaches
    return sd


def reference(sd, path, dtype=None):
    tensors = {k: (v.detach().to(dtype) if dtype is not None and v.is_floating_point() else v.detach()).contiguous() for k, v in sd.items()}
    st.save_file(tensors, path, metadata={"format": "pt"})


WRAPPERS = {
    "plain": lambda sd: sd,
    "lightning": lambda sd: {"epoch": 6, "global_step": 470000, "pytorch-lightning_version": "1.4.2", "state_dict": sd},
    "model": lambda sd: {"model": sd, "optimizer": None, "args": [1, 2.5, "x"]},
}


@pytest.mark.parametrize("zipfile", [True, False], ids=["zip", "legacy"])
@pytest.mark.parametrize("wrap", sorted(WRAPPERS))
def test_convert_is_bit_identical(tmp_path, fastmerge, zipfile, wrap):
    sd = state_dict()
    ckpt = str(tmp_path / "m.ckpt")
    torch.save(WRAPPERS[wrap](sd), ckpt, _use_new_zipfile_serialization=zipfile)
    out, ref = str(tmp_path / "m.safetensors"), str(tmp_path / "ref.safetensors")
    r = fastmerge("convert", ckpt, "-o", out)
    assert r.returncode == 0, r.stderr
    loaded = torch.load(ckpt, map_location="cpu")
    loaded = loaded.get("state_dict", loaded.get("model", loaded)) if wrap != "plain" else loaded
    reference(loaded, ref)
    assert open(out, "rb").read() == open(ref, "rb").read()


@pytest.mark.parametrize("dtype,name", [(torch.float16, "fp16"), (torch.bfloat16, "bf16")])
def test_convert_with_dtype_rounds_like_torch(tmp_path, fastmerge, dtype, name):
    sd = collections.OrderedDict((k, v) for k, v in state_dict().items() if v.dtype in (torch.float32, torch.float16, torch.bfloat16))
    ckpt = str(tmp_path / "m.pt")
    torch.save(sd, ckpt)
    out, ref = str(tmp_path / "m.safetensors"), str(tmp_path / "ref.safetensors")
    r = fastmerge("convert", ckpt, "-o", out, "--dtype", name)
    assert r.returncode == 0, r.stderr
    reference(torch.load(ckpt), ref, dtype)
    a, b = st.load_file(out), st.load_file(ref)
    assert a.keys() == b.keys()
    for k in a:
        assert a[k].dtype == b[k].dtype and torch.equal(a[k].view(torch.int16), b[k].view(torch.int16)), k


class Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("zipfile", [True, False], ids=["zip", "legacy"])
def test_live_payload_is_refused_and_never_runs(tmp_path, fastmerge, zipfile):
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ckpt = str(tmp_path / "evil.ckpt")
    torch.save({"state_dict": {"w": torch.ones(2)}, "x": Payload(ours)}, ckpt, _use_new_zipfile_serialization=zipfile)
    for args in (["convert", ckpt, "-o", str(tmp_path / "o.safetensors")], ["inspect", ckpt], ["check", ckpt]):
        r = fastmerge(*args)
        assert r.returncode == 2, r
        assert r.stderr.strip().count("\n") == 0 and "refusing to run code: GLOBAL posix.system" in r.stderr, r.stderr
    assert not ours.exists() and not (tmp_path / "o.safetensors").exists()
    # The payload is live: the unrestricted unpickler does run it.
    torch.save({"x": Payload(theirs)}, ckpt, _use_new_zipfile_serialization=zipfile)
    torch.load(ckpt)
    assert theirs.exists()


def test_non_contiguous_view_is_refused_with_one_line(tmp_path, fastmerge):
    ckpt = str(tmp_path / "t.ckpt")
    torch.save({"w": torch.randn(3, 4).t()}, ckpt)
    r = fastmerge("convert", ckpt, "-o", str(tmp_path / "o.safetensors"))
    assert r.returncode == 2 and "non-contiguous view" in r.stderr and r.stderr.strip().count("\n") == 0, r.stderr


def test_plain_pickle_protocol_4_state_dict(tmp_path, fastmerge):
    # A dict pickled at protocol 4 (FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL) through torch's zip writer.
    sd = {"a": torch.arange(5, dtype=torch.float32), "b": torch.ones(2, 2, dtype=torch.float16)}
    ckpt = str(tmp_path / "p4.pt")
    torch.save(sd, ckpt, pickle_protocol=4)
    out, ref = str(tmp_path / "o.safetensors"), str(tmp_path / "ref.safetensors")
    r = fastmerge("convert", ckpt, "-o", out)
    assert r.returncode == 0, r.stderr
    reference(sd, ref)
    assert open(out, "rb").read() == open(ref, "rb").read()
    assert pickle.HIGHEST_PROTOCOL >= 4


@pytest.mark.parametrize("read", ["mmap", "no-mmap"])
def test_merge_reads_a_checkpoint_like_its_safetensors(tmp_path, fastmerge, models, read):
    # Every command opens inputs through the same reader: a merge with A as a .ckpt gives A's tensors.
    ckpt = str(tmp_path / "A.ckpt")
    torch.save({"state_dict": st.load_file(models.path["A"])}, ckpt)
    extra = ["--no-mmap"] if read == "no-mmap" else []
    outs = []
    for i, a in enumerate((ckpt, models.path["A"])):
        out = str(tmp_path / f"m{i}.safetensors")
        r = fastmerge("merge", "-a", a, "-b", models.path["B"], "--alpha", "0.3", "-o", out, *extra)
        assert r.returncode == 0, r.stderr
        outs.append(st.SafeTensorsFile(out))
    assert outs[0].keys() == outs[1].keys()
    for k in outs[0].keys():
        assert bytes(outs[0].raw(k)) == bytes(outs[1].raw(k)), k
