"""Stand-in for the patch-registry part of comfy/model_patcher.py's ModelPatcher (comfyanonymous/ComfyUI @
00db33f6b7fc): clone() shares the model and copies model_options (so a patch on the clone leaves the input MODEL
untouched), set_model_patch appends to model_options["transformer_options"]["patches"][name], and
set_model_attn1_patch is set_model_patch(patch, "attn1_patch"). Weight patches, devices and hooks are left out."""
import copy


class ModelPatcher:
    def __init__(self, model, load_device=None, offload_device=None, size=0, weight_inplace_update=False):
        self.size = size
        self.model = model
        self.patches = {}
        self.object_patches = {}
        self.model_options = {"transformer_options": {}}
        self.load_device = load_device
        self.offload_device = offload_device
        self.weight_inplace_update = weight_inplace_update

    def clone(self):
        n = ModelPatcher(self.model, self.load_device, self.offload_device, self.size,
                         weight_inplace_update=self.weight_inplace_update)
        n.patches = {k: self.patches[k][:] for k in self.patches}
        n.object_patches = self.object_patches.copy()
        n.model_options = copy.deepcopy(self.model_options)
        return n

    def set_model_patch(self, patch, name):
        to = self.model_options["transformer_options"]
        if "patches" not in to:
            to["patches"] = {}
        to["patches"][name] = to["patches"].get(name, []) + [patch]

    def set_model_attn1_patch(self, patch):
        self.set_model_patch(patch, "attn1_patch")

    def set_model_attn2_patch(self, patch):
        self.set_model_patch(patch, "attn2_patch")
