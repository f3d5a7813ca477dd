"""Example ComfyUI custom node: merge two checkpoints with libfastmerge and save the result.

Install: copy this file into ComfyUI/custom_nodes/fastmerge_node/__init__.py, copy the package folder
native-compat/python/fastmerge next to it, and put libfastmerge.so inside that folder (or set
FASTMERGE_LIBRARY=/path/to/libfastmerge.so). No compilation and no .NET runtime are needed.

The merge runs in FastMerge's native code with the GIL released; the progress callback drives ComfyUI's
progress bar, and returning True from it when the user presses Cancel stops the merge without leaving a
partial file.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import comfy.model_management  # noqa: E402  (ComfyUI modules, present when loaded as a custom node)
import comfy.utils  # noqa: E402
import folder_paths  # noqa: E402

import fastmerge  # noqa: E402


class FastMergeCheckpoints:
    @classmethod
    def INPUT_TYPES(cls):
        names = folder_paths.get_filename_list("checkpoints")
        return {"required": {
            "model_a": (names,),
            "model_b": (names,),
            "mode": (["ws", "ad", "ts", "st"],),
            "alpha": ("FLOAT", {"default": 0.5, "min": -1.0, "max": 2.0, "step": 0.01}),
            "weights_alpha": ("STRING", {"default": ""}),  # 26 MBW values or a preset name such as GRAD_V
            "output_name": ("STRING", {"default": "fastmerge.safetensors"}),
        }, "optional": {"model_c": (names,)}}

    RETURN_TYPES = ("STRING",)
    RETURN_NAMES = ("path",)
    FUNCTION = "merge"
    CATEGORY = "advanced/model_merging"
    OUTPUT_NODE = True

    def merge(self, model_a, model_b, mode, alpha, weights_alpha, output_name, model_c=None):
        output = os.path.join(folder_paths.get_folder_paths("checkpoints")[0], output_name)
        bar = comfy.utils.ProgressBar(1000)

        def progress(done, total):
            bar.update_absolute(int(1000 * done / max(total, 1)))
            return comfy.model_management.processing_interrupted()  # True cancels the merge

        recipe = {"weights_alpha": weights_alpha} if weights_alpha.strip() else {}
        try:
            fastmerge.merge(
                folder_paths.get_full_path("checkpoints", model_a),
                folder_paths.get_full_path("checkpoints", model_b),
                output,
                c=folder_paths.get_full_path("checkpoints", model_c) if model_c else None,
                mode=mode, alpha=alpha, overwrite=True, progress=progress, **recipe)
        except fastmerge.CancelledError:
            comfy.model_management.throw_exception_if_processing_interrupted()
            raise
        except fastmerge.InputError as ex:
            # A one-line reason the user can act on ("... shape [320, 9, 3, 3] in A but ...").
            raise ValueError(f"FastMerge: {ex.message}") from ex
        return (output,)


NODE_CLASS_MAPPINGS = {"FastMergeCheckpoints": FastMergeCheckpoints}
NODE_DISPLAY_NAME_MAPPINGS = {"FastMergeCheckpoints": "FastMerge: merge checkpoints"}
