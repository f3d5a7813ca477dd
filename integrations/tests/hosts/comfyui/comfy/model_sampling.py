"""Stand-in for comfy/model_sampling.py's ModelSamplingDiscrete (comfyanonymous/ComfyUI @ 00db33f6b7fc) with the
default "linear" schedule of SD1.x/SD2.x/SDXL: betas = linspace(sqrt(0.00085), sqrt(0.012), 1000)^2 in float64,
sigmas = sqrt((1 - cumprod(1 - betas)) / cumprod(1 - betas)), stored as float32 with their float32 logs;
timestep(sigma) is the nearest log-sigma index and sigma(t) interpolates the log sigmas."""
import torch


class ModelSamplingDiscrete(torch.nn.Module):
    def __init__(self, linear_start=0.00085, linear_end=0.012, timesteps=1000):
        super().__init__()
        betas = torch.linspace(linear_start ** 0.5, linear_end ** 0.5, timesteps, dtype=torch.float64) ** 2
        alphas_cumprod = torch.cumprod(1.0 - betas, dim=0)
        sigmas = ((1 - alphas_cumprod) / alphas_cumprod) ** 0.5
        self.register_buffer("sigmas", sigmas.float())
        self.register_buffer("log_sigmas", sigmas.log().float())

    def timestep(self, sigma):
        log_sigma = sigma.log()
        dists = log_sigma.to(self.log_sigmas.device) - self.log_sigmas[:, None]
        return dists.abs().argmin(dim=0).view(sigma.shape).to(sigma.device)

    def sigma(self, timestep):
        t = torch.clamp(timestep.float().to(self.log_sigmas.device), min=0, max=(len(self.sigmas) - 1))
        low_idx = t.floor().long()
        high_idx = t.ceil().long()
        w = t.frac()
        log_sigma = (1 - w) * self.log_sigmas[low_idx] + w * self.log_sigmas[high_idx]
        return log_sigma.exp().to(timestep.device)
