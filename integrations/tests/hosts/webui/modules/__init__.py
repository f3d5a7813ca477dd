"""Stand-in for the webui's modules package (AUTOMATIC1111/stable-diffusion-webui @ 0411eced8968)."""
