"""Stand-in for ComfyUI's folder_paths.py (comfyanonymous/ComfyUI @ 00db33f6b7fc): the same registry layout
(folder_names_and_paths: name -> ([folders], {extensions})) and the same look-up rules the nodes rely on. The tests
point base_path at a temporary folder with set_base_path(); the filename-list cache is left out (it only saves
directory scans)."""
from __future__ import annotations

import os

supported_pt_extensions: set = {'.ckpt', '.pt', '.bin', '.pth', '.safetensors', '.pkl', '.sft'}
folder_names_and_paths: dict = {}
models_dir = ""
output_directory = ""


def set_base_path(base: str) -> None:
    """Test helper: the models/ tree of a ComfyUI install rooted at base (as folder_paths.py builds it)."""
    global models_dir, output_directory
    models_dir = os.path.join(base, "models")
    folder_names_and_paths.clear()
    for name, sub in (("checkpoints", "checkpoints"), ("vae", "vae"), ("clip", "clip"), ("embeddings", "embeddings"),
                      ("loras", "loras")):
        folder_names_and_paths[name] = ([os.path.join(models_dir, sub)], supported_pt_extensions)
        os.makedirs(os.path.join(models_dir, sub), exist_ok=True)
    output_directory = os.path.join(base, "output")


def map_legacy(folder_name: str) -> str:
    return {"unet": "diffusion_models"}.get(folder_name, folder_name)


def add_model_folder_path(folder_name: str, full_folder_path: str, is_default: bool = False) -> None:
    folder_name = map_legacy(folder_name)
    if folder_name in folder_names_and_paths:
        if is_default:
            folder_names_and_paths[folder_name][0].insert(0, full_folder_path)
        else:
            folder_names_and_paths[folder_name][0].append(full_folder_path)
    else:
        folder_names_and_paths[folder_name] = ([full_folder_path], set())


def get_output_directory() -> str:
    return output_directory


def get_folder_paths(folder_name: str) -> list:
    return folder_names_and_paths[map_legacy(folder_name)][0][:]


def recursive_search(directory: str, excluded_dir_names=None):
    if not os.path.isdir(directory):
        return [], {}
    excluded = excluded_dir_names or []
    result, dirs = [], {directory: os.path.getmtime(directory)}
    for root, subdirs, files in os.walk(directory, followlinks=True):
        subdirs[:] = [d for d in subdirs if d not in excluded]
        for d in subdirs:
            dirs[os.path.join(root, d)] = os.path.getmtime(os.path.join(root, d))
        result.extend(os.path.relpath(os.path.join(root, f), directory) for f in files)
    return result, dirs


def filter_files_extensions(files, extensions) -> list:
    return sorted(list(filter(lambda a: os.path.splitext(a)[-1].lower() in extensions or len(extensions) == 0, files)))


def get_full_path(folder_name: str, filename: str):
    folder_name = map_legacy(folder_name)
    if folder_name not in folder_names_and_paths:
        return None
    folders = folder_names_and_paths[folder_name]
    filename = os.path.relpath(os.path.join("/", filename), "/")
    for x in folders[0]:
        full_path = os.path.join(x, filename)
        if os.path.isfile(full_path):
            return full_path
    return None


def get_full_path_or_raise(folder_name: str, filename: str) -> str:
    full_path = get_full_path(folder_name, filename)
    if full_path is None:
        raise FileNotFoundError(f"Model in folder '{folder_name}' with filename '{filename}' not found.")
    return full_path


def get_filename_list(folder_name: str) -> list:
    folder_name = map_legacy(folder_name)
    output_list = set()
    folders = folder_names_and_paths[folder_name]
    for x in folders[0]:
        files, _ = recursive_search(x, excluded_dir_names=[".git"])
        output_list.update(filter_files_extensions(files, folders[1]))
    return sorted(list(output_list))
