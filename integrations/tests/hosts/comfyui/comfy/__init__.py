"""Stand-in for ComfyUI's comfy package (only the modules the FastMerge nodes use)."""
