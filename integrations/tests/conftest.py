"""Fixtures for the integration tests: the fastmerge package from the source tree, the host stand-ins (hosts/), the
CLI, and synthetic checkpoints written by `fastmerge synth` (SD1 and SDXL layouts at 1/32 scale)."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from typing import Dict, List

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
INTEGRATIONS = os.path.join(ROOT, "integrations")
CLI = os.path.join(ROOT, "src", "Fast.Cli", "bin", "Release", "net10.0", "fastmerge.dll")

# fastmerge from the source tree (it finds native-compat/build/libfastmerge.so), then the hosts' stand-ins.
for path in (os.path.join(ROOT, "native-compat", "python"), os.path.join(HERE, "hosts", "comfyui"),
             os.path.join(HERE, "hosts", "webui")):
    if path not in sys.path:
        sys.path.insert(0, path)


def cli(*args: str) -> subprocess.CompletedProcess:
    """Runs the fastmerge CLI (the reference every node's output is compared with)."""
    if not os.path.exists(CLI):
        raise RuntimeError(f"{CLI} is missing: dotnet build src/Fast.Cli -c Release (CI builds it first)")
    return subprocess.run(["dotnet", CLI, *args], check=True, capture_output=True, text=True)


def same_bytes(p: str, q: str) -> bool:
    with open(p, "rb") as f, open(q, "rb") as g:
        return f.read() == g.read()


@pytest.fixture(autouse=True, scope="session")
def _private_hash_cache(tmp_path_factory):
    """Merges hash their inputs through a cache; keep the tests' entries out of the user's ~/.cache."""
    os.environ["FASTMERGE_CACHE_DIR"] = str(tmp_path_factory.mktemp("hash-cache"))


@pytest.fixture(scope="session")
def synth(tmp_path_factory) -> Dict[str, str]:
    """sd1 A/B/C (seeds 1-3), sd1 with EMA and junk, an sdxl model, and the VAE of B as its own file."""
    folder = str(tmp_path_factory.mktemp("synth"))
    models = {}
    for name, flags in (("sd1_a", ["--arch", "sd1", "--seed", "1"]), ("sd1_b", ["--arch", "sd1", "--seed", "2"]),
                        ("sd1_c", ["--arch", "sd1", "--seed", "3"]),
                        ("sd1_ema", ["--arch", "sd1", "--seed", "4", "--ema", "--junk"]),
                        ("sdxl", ["--arch", "sdxl", "--seed", "5"])):
        models[name] = os.path.join(folder, name + ".safetensors")
        cli("synth", *flags, "--scale", "32", "-o", models[name])
    models["vae_b"] = os.path.join(folder, "vae_b.safetensors")
    cli("extract", models["sd1_b"], "--component", "vae", "-o", models["vae_b"])
    return models


def load_custom_node(module_path: str, module_name: str):
    """As ComfyUI's nodes.load_custom_node imports a custom-node folder: its __init__.py under the folder's name."""
    spec = importlib.util.spec_from_file_location(module_name, os.path.join(module_path, "__init__.py"),
                                                  submodule_search_locations=[module_path])
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def comfy_host(tmp_path, synth):
    """A ComfyUI tree in tmp_path with the synthetic models in models/checkpoints and the VAE in models/vae; returns
    (pack module, folder_paths, checkpoints dir, recorded progress-hook calls)."""
    import comfy.model_management
    import comfy.sd
    import comfy.utils
    import folder_paths
    folder_paths.set_base_path(str(tmp_path / "ComfyUI"))
    ckpts = folder_paths.get_folder_paths("checkpoints")[0]
    for name in ("sd1_a", "sd1_b", "sd1_c", "sd1_ema", "sdxl"):
        shutil.copy(synth[name], os.path.join(ckpts, name + ".safetensors"))
    shutil.copy(synth["vae_b"], os.path.join(folder_paths.get_folder_paths("vae")[0], "vae_b.safetensors"))
    hook_calls: List[tuple] = []
    comfy.utils.set_progress_bar_global_hook(lambda value, total, preview, node_id=None: hook_calls.append((value, total)))
    comfy.sd.CALLS.clear()
    comfy.model_management.interrupt_current_processing(False)
    pack = load_custom_node(os.path.join(INTEGRATIONS, "comfyui"), "comfyui_fastmerge")
    yield pack, folder_paths, ckpts, hook_calls
    comfy.utils.set_progress_bar_global_hook(None)
