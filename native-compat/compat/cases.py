"""The compat matrix: every mode with calcmode normal, every calcmode with the modes the reference
allows it (README of native-compat/reference, "Combinations"), block lists, exclusions, each
position-ids policy, --dtype variants, inpainting A, extra keys, and a few inputs both tools must
refuse. The same flags go to fastmerge and to reference_merge.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

# 26 values: BASE, IN00..IN11, M00, OUT00..OUT11. Zeros and ones included (α = 0 keeps A, α = 1 takes B).
SD_ALPHA = "0.35,0,1,0.25,0.1,0.75,0.3,0.9,0.15,0.6,0.45,0.05,0.8,0.33,0.2,0.4,0.65,0.7,1,0,0.55,0.95,0.12,0.85,0.5,0.27"
# IN02 is -0.25 against α 0.25: α + β = 0 exercises triple sum's second branch.
SD_BETA = "0.2,0.1,0.3,-0.25,0.4,0.05,0.6,0,0.15,0.25,0.5,0.7,0.35,0.45,0.1,0.9,0.3,0,0.2,0.65,0.4,0.1,0.75,0.05,0.5,0.6"
# extract needs 0 <= α, β <= 1 in every block.
SD_BETA_UNIT = "0.2,0.1,0.3,0.25,0.4,0.05,0.6,0,0.15,0.25,0.5,0.7,0.35,0.45,0.1,0.9,0.3,0,0.2,0.65,0.4,0.1,0.75,0.05,0.5,0.6"
# Only 0 and 1: every block either keeps A or copies B.
SD_ENDS = "0,1,0,1,1,0,0,1,0,1,0,0,1,1,0,1,0,1,0,0,1,1,0,1,0,1"
XL_ENDS = "1,0,1,1,0,0,1,0,1,0,1,1,0,1,0,0,1,0,1,1"
# 20 values: BASE, IN00..IN08, M00, OUT00..OUT08.
XL_ALPHA = "0.4,0.1,0.9,0.25,1,0.6,0.3,0.75,0,0.55,0.45,0.2,0.8,0.35,0.65,0.15,0.5,0.05,0.7,0.95"
XL_BETA = "0.3,0.2,0.05,0.5,0.1,0.4,0.6,0.25,0.35,0.15,0.45,0.7,0.1,0.55,0.2,0.3,0.8,0.65,0.05,0.4"
# scaled sum: per-block factors for A and B that need not sum to 1 (0.75·A + 0·B fades a block).
SD_FACTORS_A = "1,0.75,0.5,1.25,0,1,0.9,0.6,0.75,1,0.5,0.8,1.1,0.95,0.7,0.75,1,0.4,0.6,1,0.85,0.5,0.75,1.2,0.9,0.3"
SD_FACTORS_B = "0,0.5,0.5,-0.25,1,0.25,0.1,0.4,0,0.3,0.5,0.2,0.1,0.05,0.3,0.5,0,0.6,0.4,0.2,0.15,0.5,0.25,0,0.1,0.7"
XL_FACTORS_A = "1,0.75,0.5,1.25,0,1,0.9,0.6,0.75,1,0.5,0.8,1.1,0.95,0.7,0.75,1,0.4,0.6,1"
XL_FACTORS_B = "0,0.5,0.5,-0.25,1,0.25,0.1,0.4,0,0.3,0.5,0.2,0.1,0.05,0.3,0.5,0,0.6,0.4,0.2"


@dataclass(frozen=True)
class Case:
    name: str
    a: str
    b: str
    c: Optional[str]
    args: Tuple[str, ...]
    tolerance: str = "exact"           # compare.TOLERANCES: cosine and ulp only where SPEC §4 allows
    quick: bool = False                # part of --quick
    reject: bool = False               # both tools must refuse it (exit 2, no output)
    fast_args: Tuple[str, ...] = ()    # fastmerge-only flags (threads, buffered reads)
    reference_env: Tuple[Tuple[str, str], ...] = ()  # run the reference in a child with these variables set
    mode: str = field(init=False, default="ws")

    def __post_init__(self) -> None:
        args = list(self.args)
        object.__setattr__(self, "mode", args[args.index("--mode") + 1] if "--mode" in args else "ws")


def _c(name, a, b, c, *args, **kw) -> Case:
    return Case(name, a, b, c, tuple(str(x) for x in args), **kw)


CASES: List[Case] = [
    # ---- calcmode normal, SD1 (A fp16, B bf16, C fp32)
    _c("sd1-ws", "sd1-a", "sd1-b", None, "--mode", "ws", "--alpha", 0.3, quick=True),
    _c("sd1-ws-list", "sd1-a", "sd1-b", None, "--mode", "ws", "--weights-alpha", SD_ALPHA),
    _c("sd1-ws-threads1-nommap", "sd1-a", "sd1-b", None, "--mode", "ws", "--weights-alpha", SD_ALPHA,
       fast_args=("--threads", "1", "--no-mmap")),
    _c("sd1-ad", "sd1-a", "sd1-b", "sd1-c", "--mode", "ad", "--alpha", 0.7, quick=True),
    _c("sd1-ad-list", "sd1-a", "sd1-b", "sd1-c", "--mode", "ad", "--weights-alpha", SD_ALPHA),
    _c("sd1-ts", "sd1-a", "sd1-b", "sd1-c", "--mode", "ts", "--alpha", 0.3, "--beta", 0.2, quick=True),
    _c("sd1-ts-lists", "sd1-a", "sd1-b", "sd1-c", "--mode", "ts", "--weights-alpha", SD_ALPHA, "--weights-beta", SD_BETA),
    _c("sd1-ts-sum-zero", "sd1-a", "sd1-b", "sd1-c", "--mode", "ts", "--alpha", 0.4, "--beta", -0.4),
    # No lerp weights <= -0.5 here: FastMerge follows SPEC §2 (current torch: |w| < 0.5 ? fma(w, d, s) : fma(w - 1, d, e)),
    # while Debian's torch 1.13, which runs the reference, tests w < 0.5 without the absolute value; those weights are
    # covered against the SPEC formula by golden_arith.py (its check_lerp_against_torch states the 1.13 difference).
    _c("sd1-st", "sd1-a", "sd1-b", "sd1-c", "--mode", "st", "--alpha", 0.3, "--beta", 0.6, quick=True),
    _c("sd1-st-lists", "sd1-a", "sd1-b", "sd1-c", "--mode", "st", "--weights-alpha", SD_ALPHA, "--weights-beta", SD_BETA),
    _c("sd1-ss", "sd1-a", "sd1-b", None, "--mode", "ss", "--alpha", 0.75, "--beta", 0.5, quick=True),
    _c("sd1-ss-lists", "sd1-a", "sd1-b", None, "--mode", "ss", "--weights-a", SD_FACTORS_A, "--weights-b", SD_FACTORS_B),
    _c("sd1-ws-exclude", "sd1-a", "sd1-b", None, "--mode", "ws", "--alpha", 0.6, "--exclude", "IN05,OUT11,VAE,proj_in"),
    _c("sd1-ad-exclude", "sd1-a", "sd1-b", "sd1-c", "--mode", "ad", "--weights-alpha", SD_ALPHA,
       "--exclude", "BASE,M00,attn2"),
    _c("sd1-ws-fp32", "sd1-a", "sd1-b", None, "--mode", "ws", "--alpha", 0.45, "--dtype", "fp32", quick=True),
    _c("sd1-st-bf16", "sd1-a", "sd1-b", "sd1-c", "--mode", "st", "--alpha", 0.3, "--beta", 0.6, "--dtype", "bf16"),
    _c("sd1-ws-extra-keys", "sd1-a-junk", "sd1-b-ema", None, "--mode", "ws", "--alpha", 0.5),
    # ---- position ids (A or B holds F32 ids drifting around their integers)
    _c("sd1-posids-reset", "sd1-a-drift", "sd1-b-drift", None, "--mode", "ws", "--alpha", 0.5,
       "--position-ids", "reset", quick=True),
    _c("sd1-posids-keep", "sd1-a-drift", "sd1-b", None, "--mode", "ws", "--alpha", 0.5, "--position-ids", "keep"),
    _c("sd1-posids-merge-f32", "sd1-a-drift", "sd1-b", None, "--mode", "ws", "--alpha", 0.5, "--position-ids", "merge"),
    _c("sd1-posids-merge-int64", "sd1-a", "sd1-b-drift", None, "--mode", "ws", "--alpha", 0.7,
       "--position-ids", "merge", quick=True),
    _c("sd1-posids-merge-ad", "sd1-a", "sd1-b-drift", "sd1-c", "--mode", "ad", "--alpha", 0.8, "--position-ids", "merge"),
    # ---- inpainting A (fp32, 9 input channels): only [:, 0:4] of conv_in is merged
    _c("sd1-inpaint-ws", "sd1-inpaint-a", "sd1-b", None, "--mode", "ws", "--alpha", 0.4, quick=True),
    _c("sd1-inpaint-ad", "sd1-inpaint-a", "sd1-b", "sd1-c", "--mode", "ad", "--weights-alpha", SD_ALPHA),
    _c("sd1-inpaint-st-fp16", "sd1-inpaint-a", "sd1-b", "sd1-c", "--mode", "st", "--alpha", 0.3, "--beta", 0.3,
       "--dtype", "fp16"),
    # ---- bigger tensors (scale 8: ~16 M parameters)
    _c("sd1x8-ws-list", "sd1x8-a", "sd1x8-b", None, "--mode", "ws", "--weights-alpha", SD_ALPHA),
    _c("sd1x8-ts-lists", "sd1x8-a", "sd1x8-b", "sd1x8-c", "--mode", "ts", "--weights-alpha", SD_ALPHA,
       "--weights-beta", SD_BETA),
    # ---- SD2
    _c("sd2-ws-list", "sd2-a", "sd2-b", None, "--mode", "ws", "--weights-alpha", SD_ALPHA, "--position-ids", "keep"),
    # ---- SDXL (A bf16, B fp32, C fp16)
    _c("sdxl-ws-list", "sdxl-a", "sdxl-b", None, "--mode", "ws", "--weights-alpha", XL_ALPHA, quick=True),
    _c("sdxl-ws-sd-list", "sdxl-a", "sdxl-b", None, "--mode", "ws", "--weights-alpha", SD_ALPHA),
    _c("sdxl-ad-list", "sdxl-a", "sdxl-b", "sdxl-c", "--mode", "ad", "--weights-alpha", XL_ALPHA),
    _c("sdxl-ts-lists", "sdxl-a", "sdxl-b", "sdxl-c", "--mode", "ts", "--weights-alpha", XL_ALPHA, "--weights-beta", XL_BETA),
    _c("sdxl-st-lists", "sdxl-a", "sdxl-b", "sdxl-c", "--mode", "st", "--weights-alpha", XL_ALPHA, "--weights-beta", XL_BETA),
    _c("sdxl-ss-lists", "sdxl-a", "sdxl-b", None, "--mode", "ss", "--weights-a", XL_FACTORS_A, "--weights-b", XL_FACTORS_B),
    _c("sdxl-ws-exclude", "sdxl-a", "sdxl-b", None, "--mode", "ws", "--alpha", 0.35, "--exclude", "BASE,IN04,OUT08,attn1"),
    _c("sdxl-ws-fp16", "sdxl-a", "sdxl-b", None, "--mode", "ws", "--weights-alpha", XL_ALPHA, "--dtype", "fp16"),
    _c("sdxl-posids-keep", "sdxl-a", "sdxl-b", None, "--mode", "ws", "--alpha", 0.5, "--position-ids", "keep"),
    _c("sdxl-posids-merge", "sdxl-a", "sdxl-b", "sdxl-c", "--mode", "st", "--alpha", 0.5, "--beta", 0.5,
       "--position-ids", "merge"),
    # ---- cosineA / cosineB (ws; ad measures and merges against B - C): bit-identical (SPEC §4: torch's reduction
    # orders). The similarity pass measures the position ids under every policy, as precosine does.
    _c("sd1-cosineA", "sd1-a", "sd1-b", None, "--mode", "ws", "--calc", "cosineA", "--alpha", 0.2, quick=True),
    _c("sd1-cosineB", "sd1-a", "sd1-b", None, "--mode", "ws", "--calc", "cosineB", "--alpha", 0.3),
    _c("sd1-cosineA-list", "sd1-a", "sd1-b", None, "--mode", "ws", "--calc", "cosineA", "--weights-alpha", SD_ALPHA),
    _c("sd1-cosineB-ad", "sd1-a", "sd1-b", "sd1-c", "--mode", "ad", "--calc", "cosineB", "--alpha", 0.1),
    _c("sd1-cosineA-fp32", "sd1-a", "sd1-b", None, "--mode", "ws", "--calc", "cosineA", "--alpha", 0.1, "--dtype", "fp32"),
    _c("sd1-cosineB-bf16", "sd1-a", "sd1-b", None, "--mode", "ws", "--calc", "cosineB", "--alpha", -0.2, "--dtype", "bf16"),
    _c("sd1-cosineB-posids-keep", "sd1-a-drift", "sd1-b-drift", None, "--mode", "ws", "--calc", "cosineB", "--alpha", 0.3,
       "--position-ids", "keep"),
    _c("sd1-cosineA-posids-merge", "sd1-a-drift", "sd1-b", None, "--mode", "ws", "--calc", "cosineA", "--alpha", 0.3,
       "--position-ids", "merge"),
    _c("sd1x8-cosineB", "sd1x8-a", "sd1x8-b", None, "--mode", "ws", "--calc", "cosineB", "--alpha", 0.25),
    _c("sd1x8-cosineA-ad-fp32", "sd1x8-a", "sd1x8-b", "sd1x8-c", "--mode", "ad", "--calc", "cosineA", "--alpha", 0.4,
       "--dtype", "fp32"),
    _c("sdxl-cosineA", "sdxl-a", "sdxl-b", None, "--mode", "ws", "--calc", "cosineA", "--alpha", 0.25),
    _c("sdxl-cosineB-list", "sdxl-a", "sdxl-b", None, "--mode", "ws", "--calc", "cosineB", "--weights-alpha", XL_ALPHA),
    _c("sdxl-cosineA-ad-fp16", "sdxl-a", "sdxl-b", "sdxl-c", "--mode", "ad", "--calc", "cosineA", "--alpha", 0.15,
       "--dtype", "fp16"),
    _c("sdxl-cosineB-fp32", "sdxl-a", "sdxl-b", None, "--mode", "ws", "--calc", "cosineB", "--alpha", 0.05,
       "--dtype", "fp32"),
    # ---- trainDifference (ad)
    _c("sd1-trainDifference", "sd1-a", "sd1-b", "sd1-c", "--mode", "ad", "--calc", "trainDifference", "--alpha", 0.6,
       quick=True),
    _c("sd1-trainDifference-list", "sd1-a", "sd1-b", "sd1-c", "--mode", "ad", "--calc", "trainDifference",
       "--weights-alpha", SD_ALPHA, "--dtype", "fp32"),
    _c("sd1-trainDifference-B-is-C", "sd1-a", "sd1-b", "sd1-b", "--mode", "ad", "--calc", "trainDifference",
       "--alpha", 0.6),
    _c("sd1-inpaint-trainDifference", "sd1-inpaint-a", "sd1-b", "sd1-c", "--mode", "ad", "--calc", "trainDifference",
       "--alpha", 0.5),
    _c("sdxl-trainDifference", "sdxl-a", "sdxl-b", "sdxl-c", "--mode", "ad", "--calc", "trainDifference",
       "--weights-alpha", XL_ALPHA),
    # ---- smoothAdd (ad): scipy median + gaussian, bit-identical
    _c("sd1-smoothAdd", "sd1-a", "sd1-b", "sd1-c", "--mode", "ad", "--calc", "smoothAdd", "--alpha", 0.5, quick=True),
    _c("sd1-smoothAdd-list-bf16", "sd1-a", "sd1-b", "sd1-c", "--mode", "ad", "--calc", "smoothAdd",
       "--weights-alpha", SD_ALPHA, "--dtype", "bf16"),
    _c("sdxl-smoothAdd", "sdxl-a", "sdxl-b", "sdxl-c", "--mode", "ad", "--calc", "smoothAdd", "--alpha", 0.4),
    # ---- tensor / tensor2 (ws): row/column exchange; α + β > 1 takes A's slices into B
    _c("sd1-tensor", "sd1-a", "sd1-b", None, "--mode", "ws", "--calc", "tensor", "--alpha", 0.3, "--beta", 0.4,
       quick=True),
    _c("sd1-tensor-over-1", "sd1-a", "sd1-b", None, "--mode", "ws", "--calc", "tensor", "--alpha", 0.7, "--beta", 0.6),
    _c("sd1-tensor2", "sd1-a", "sd1-b", None, "--mode", "ws", "--calc", "tensor2", "--alpha", 0.3, "--beta", 0.4,
       quick=True),
    _c("sd1-tensor2-lists", "sd1-a", "sd1-b", None, "--mode", "ws", "--calc", "tensor2", "--weights-alpha", SD_ALPHA,
       "--weights-beta", SD_BETA_UNIT),
    _c("sdxl-tensor2-over-1", "sdxl-a", "sdxl-b", None, "--mode", "ws", "--calc", "tensor2", "--alpha", 0.8,
       "--beta", 0.5),
    # ---- extract (three models, ad): within 1 ulp of the output dtype (SPEC §4)
    _c("sd1-extract", "sd1-a", "sd1-b", "sd1-c", "--mode", "ad", "--calc", "extract", "--alpha", 0.5, "--beta", 0.3,
       tolerance="ulp", quick=True),
    _c("sd1-extract-lists", "sd1-a", "sd1-b", "sd1-c", "--mode", "ad", "--calc", "extract", "--weights-alpha", SD_ALPHA,
       "--weights-beta", SD_BETA_UNIT, "--gamma", 0.7, tolerance="ulp"),
    _c("sdxl-extract", "sdxl-a", "sdxl-b", "sdxl-c", "--mode", "ad", "--calc", "extract", "--alpha", 0.4, "--beta", 0.6,
       "--gamma", 1.5, tolerance="ulp"),
    # fp32 output shows every last-place difference of the cosine and of d = ((c+1)/2)**gamma. The engine
    # reproduces torch's f32 cosine_similarity (Fast.Kernels TorchCosine) and its SLEEF pow (TorchPow), so all
    # extract rows are bit-identical; with double sums and a correctly rounded pow this row missed by 2-3 ulp.
    _c("sdxl-extract-fp32", "sdxl-a", "sdxl-b", "sdxl-c", "--mode", "ad", "--calc", "extract", "--alpha", 0.4,
       "--beta", 0.6, "--gamma", 1.5, "--dtype", "fp32", tolerance="ulp"),
    # ---- weighted sum at alpha exactly 0 / 1 (lists and presets): A kept, B copied; B holds NaN/inf/-0, A -0 (SPEC §3)
    _c("sd1-ws-ends-nonfinite", "sd1-a-negzero", "sd1-b-nonfinite", None, "--mode", "ws", "--weights-alpha", SD_ENDS,
       quick=True),
    _c("sd1-ws-ends-nonfinite-fp32", "sd1-a-negzero", "sd1-b-nonfinite", None, "--mode", "ws", "--weights-alpha",
       SD_ENDS, "--dtype", "fp32"),
    _c("sd1-ws-ends-nonfinite-bf16", "sd1-a-negzero", "sd1-b-nonfinite", None, "--mode", "ws", "--weights-alpha",
       SD_ENDS, "--dtype", "bf16"),
    _c("sd1-ws-alpha0-nonfinite", "sd1-a-negzero", "sd1-b-nonfinite", None, "--mode", "ws", "--alpha", 0),
    _c("sd1-ws-alpha1-nonfinite", "sd1-b-nonfinite", "sd1-a-negzero", None, "--mode", "ws", "--alpha", 1),
    _c("sdxl-ws-ends-nonfinite-fp16", "sdxl-a", "sdxl-b-nonfinite", None, "--mode", "ws", "--weights-alpha", XL_ENDS,
       "--dtype", "fp16"),
    # ---- presets: their own BASE (0; 1 for ALL_B), not --alpha (SPEC §5)
    _c("sd1-ws-preset-GRAD_V", "sd1-a", "sd1-b", None, "--mode", "ws", "--weights-alpha", "GRAD_V", "--alpha", 0.5,
       quick=True),
    _c("sd1-ws-preset-WRAP08-nonfinite", "sd1-a-negzero", "sd1-b-nonfinite", None, "--mode", "ws", "--weights-alpha",
       "WRAP08", "--alpha", 0.5),
    _c("sd1-ws-preset-ALL_B-fp32", "sd1-a", "sd1-b", None, "--mode", "ws", "--weights-alpha", "ALL_B", "--alpha", 0.3,
       "--dtype", "fp32"),
    _c("sdxl-ws-preset-ALL_A-nonfinite", "sdxl-a", "sdxl-b-nonfinite", None, "--mode", "ws", "--weights-alpha", "ALL_A",
       "--alpha", 0.7),
    _c("sdxl-ad-preset-GRAD_A", "sdxl-a", "sdxl-b", "sdxl-c", "--mode", "ad", "--weights-alpha", "GRAD_A",
       "--alpha", 0.8),
    _c("sd1-ts-preset-beta-FLAT_75", "sd1-a", "sd1-b", "sd1-c", "--mode", "ts", "--alpha", 0.25, "--beta", 0.5,
       "--weights-beta", "FLAT_75"),
    # ---- random block weights: numpy's legacy generator seeded as supermerger does, Python's round (SPEC §4)
    _c("sd1-ws-random-R", "sd1-a", "sd1-b", None, "--mode", "ws", "--weights-alpha", "R", "--seed", 2024, quick=True),
    _c("sd1-st-random-U-beta", "sd1-a", "sd1-b", "sd1-c", "--mode", "st", "--alpha", 0.3, "--weights-beta", "U",
       "--seed", 7, "--random-round", 5),
    _c("sdxl-ws-random-X-mixed", "sdxl-a", "sdxl-b", None, "--mode", "ws", "--seed", 4294967295,
       "--weights-alpha", "U,0,0,0,0,0,0,0,0,0,0,0,0,X,X,X,R,R,R,R,R,R,R,R,R,R", "--random-round", 2,
       "--random-upper", "1,1,1,1,1,1,1,1,1,1,1,1,1,0.9,0.8,0.7,1,1,1,1,1,1,1,1,1,1",
       "--random-lower", "0,0,0,0,0,0,0,0,0,0,0,0,0,0.1,0.2,0.3,0,0,0,0,0,0,0,0,0,0"),
    _c("reject-random-without-seed", "sd1-a", "sd1-b", None, "--mode", "ws", "--weights-alpha", "R", reject=True),
    # ---- self and plus random (A alone, in A's dtype; to_out/proj_out/norm keys and alpha 0 keep A). plus random
    # draws torch's randn_like key after key in sorted key order from torch.manual_seed(--seed) (SPEC §4).
    _c("sd1-self", "sd1-a", "sd1-b", None, "--mode", "ws", "--calc", "self", "--alpha", 0.7, quick=True),
    _c("sd1-self-list-fp32", "sd1-a", "sd1-b", None, "--mode", "ws", "--calc", "self", "--weights-alpha", SD_ALPHA,
       "--dtype", "fp32"),
    _c("sd1-self-nonfinite-ad", "sd1-b-nonfinite", "sd1-a-negzero", "sd1-c", "--mode", "ad", "--calc", "self",
       "--alpha", -1.3),
    _c("sdxl-self-ts", "sdxl-a", "sdxl-b", "sdxl-c", "--mode", "ts", "--calc", "self", "--weights-alpha", XL_ALPHA,
       "--beta", 0.2),
    _c("sd1-inpaint-self", "sd1-inpaint-a", "sd1-b", None, "--mode", "ws", "--calc", "self", "--alpha", 0.9),
    _c("sd1-plus-random", "sd1-a", "sd1-b", None, "--mode", "ws", "--calc", "plus random", "--alpha", 0.01,
       "--seed", 1234, quick=True),
    _c("sd1-plus-random-list-bf16", "sd1-a", "sd1-b", None, "--mode", "ws", "--calc", "plus random",
       "--weights-alpha", SD_ALPHA, "--seed", 4294967295, "--dtype", "bf16"),
    _c("sd1-plus-random-nonfinite-st", "sd1-b-nonfinite", "sd1-a-negzero", "sd1-c", "--mode", "st",
       "--calc", "plus random", "--alpha", 0.5, "--beta", 0.3, "--seed", 0, "--exclude", "IN05,attn2"),
    _c("sdxl-plus-random", "sdxl-a", "sdxl-b", None, "--mode", "ws", "--calc", "plus random", "--weights-alpha",
       XL_ALPHA, "--seed", 77),
    # fp32 A: torch's portable randn kernel (its AVX2 kernel differs by 1 ulp in ~1% of draws; see TorchRandn)
    _c("sdxl-plus-random-fp32-A", "sdxl-b", "sdxl-a", None, "--mode", "ws", "--calc", "plus random", "--alpha", 0.2,
       "--seed", 5, reference_env=(("ATEN_CPU_CAPABILITY", "default"),)),
    _c("sd1-inpaint-plus-random-fp32-A", "sd1-inpaint-a", "sd1-b", None, "--mode", "ws", "--calc", "plus random",
       "--alpha", 0.3, "--seed", 9, reference_env=(("ATEN_CPU_CAPABILITY", "default"),)),
    _c("reject-plus-random-without-seed", "sd1-a", "sd1-b", None, "--mode", "ws", "--calc", "plus random",
       "--alpha", 0.1, reject=True),
    _c("reject-self-with-ss", "sd1-a", "sd1-b", None, "--mode", "ss", "--calc", "self", "--alpha", 0.5, reject=True),
    # ---- elemental merge: BLOCKS:ELEMENTS:RATIO after the block weights, later entries winning; NOT, ranges, R/U/X
    _c("sd1-elemental", "sd1-a", "sd1-b", None, "--mode", "ws", "--alpha", 0.5,
       "--elemental", "IN04 OUT05:attn:0.2,OUT05:attn2.to_k:0.9", quick=True),
    _c("sd1-elemental-not-ranges-list", "sd1-a", "sd1-b", "sd1-c", "--mode", "ad", "--weights-alpha", SD_ALPHA,
       "--elemental", "NOT OUT04:attn:1\nOUT05:NOT attn proj:0.2,IN01-IN03::0.7,OUT11-OUT09:norm:0.35"),
    # R, not U, on OUT:ff: U draws weights below -0.5, where Debian torch 1.13's lerp differs from SPEC §2 (see above).
    _c("sd1-elemental-random", "sd1-a", "sd1-b", None, "--mode", "ws", "--alpha", 0.4, "--seed", 99,
       "--elemental", "IN00-M00:attn:R,OUT:ff:R,BASE::X", "--random-round", 4),
    # ER / EX in the α list: the block's weight is 0 and randdealer appends "IN02 M00::R,OUT05::X" after the user's
    # entries, so EX overrides OUT05:attn (no EU: its 1 - 2r goes below -0.5, where Debian torch 1.13's lerp differs)
    _c("sd1-elemental-E-entries", "sd1-a", "sd1-b", None, "--mode", "ws", "--seed", 7, "--elemental", "OUT05:attn:0.2",
       "--weights-alpha", "0.3,0.1,0.2,ER,0.4,R,0.6,0.7,0.8,0.9,1,0.5,0.25,ER,0.35,0.45,0.55,0.65,0.75,EX,0.15,0.05,0.95,"
       "0.85,0.5,0.5"),
    _c("reject-E-entry-in-beta", "sd1-a", "sd1-b", "sd1-c", "--mode", "ts", "--seed", 7, "--weights-beta",
       "0.3,0.1,0.2,ER,0.4,0.5,0.6,0.7,0.8,0.9,1,0.5,0.25,0.2,0.35,0.45,0.55,0.65,0.75,0.1,0.15,0.05,0.95,0.85,0.5,0.5",
       reject=True),
    _c("sdxl-elemental", "sdxl-a", "sdxl-b", None, "--mode", "ws", "--weights-alpha", XL_ALPHA,
       "--elemental", "M00:attn2:0.3,IN00-IN02::0.9,NOT BASE:proj_in:0.15"),
    _c("reject-elemental-one-colon", "sd1-a", "sd1-b", None, "--mode", "ws", "--elemental", "IN04:0.2", reject=True),
    _c("reject-elemental-bad-range", "sd1-a", "sd1-b", None, "--mode", "ws", "--elemental", "IN04-IN99:attn:0.2",
       reject=True),
    _c("reject-elemental-random-without-seed", "sd1-a", "sd1-b", None, "--mode", "ws", "--elemental", "OUT05::R",
       reject=True),
    # ---- Adjust (fineman): input conv and output norm/conv factors, output bias offsets, in smerge's stored dtype
    _c("sd1-adjust", "sd1-a", "sd1-b", None, "--mode", "ws", "--alpha", 0.5, "--adjust", "1,1,1,0,0,0,0,0", quick=True),
    _c("sd1-adjust-colours-ad-fp32", "sd1-a", "sd1-b", "sd1-c", "--mode", "ad", "--alpha", 0.3,
       "--adjust", "2,-3.5,1,0.7,-1.2,2,0.5,-3", "--dtype", "fp32"),
    _c("sd1-adjust-ws-ends-nonfinite", "sd1-a-negzero", "sd1-b-nonfinite", None, "--mode", "ws",
       "--weights-alpha", SD_ENDS, "--adjust", "4,-4,2,1,1,1,1,1"),
    _c("sd1-adjust-smoothAdd", "sd1-a", "sd1-b", "sd1-c", "--mode", "ad", "--calc", "smoothAdd", "--alpha", 0.5,
       "--adjust", "1,2,3,0.5,0.5,0.5,0.5,0.5"),
    _c("sd1-adjust-trainDifference-B-is-C", "sd1-a", "sd1-b", "sd1-b", "--mode", "ad", "--calc", "trainDifference",
       "--alpha", 0.6, "--adjust", "1,1,1,1,1,1,1,1"),
    _c("sd1-adjust-self-bf16", "sd1-a", "sd1-b", None, "--mode", "ws", "--calc", "self", "--alpha", 0.8,
       "--adjust", "1,1,1,0,0,0,0,0", "--dtype", "bf16"),
    _c("sd1-inpaint-adjust", "sd1-inpaint-a", "sd1-b", None, "--mode", "ws", "--alpha", 0.4, "--adjust", "3,0,0,1,0,0,0,1"),
    _c("sdxl-adjust-cosineA", "sdxl-a", "sdxl-b", None, "--mode", "ws", "--calc", "cosineA", "--alpha", 0.1,
       "--adjust", "1,-1,2,0,1,-1,0.5,2"),
    _c("sdxl-adjust-elemental-st", "sdxl-a", "sdxl-b", "sdxl-c", "--mode", "st", "--alpha", 0.3, "--beta", 0.4,
       "--adjust", "0,0,0,2,0,0,0,0", "--elemental", "OUT08::0.6"),
    _c("reject-adjust-no-comma", "sd1-a", "sd1-b", None, "--mode", "ws", "--adjust", "1", reject=True),
    _c("reject-adjust-not-a-number", "sd1-a", "sd1-b", None, "--mode", "ws", "--adjust", "1,x,0", reject=True),
    # ---- "use old calc method": ws/st/ts in the inputs' own dtypes (F16 with BF16 promotes to F32)
    _c("sd1-ws-old-calc", "sd1-a", "sd1-b", None, "--mode", "ws", "--weights-alpha", SD_ALPHA, "--old-calc", quick=True),
    _c("sd1-ws-old-calc-same-dtype", "sd1-a", "sd1-a-negzero", None, "--mode", "ws", "--alpha", 0.3, "--old-calc"),
    _c("sd1-st-old-calc", "sd1-a", "sd1-b", "sd1-c", "--mode", "st", "--weights-alpha", SD_ALPHA, "--weights-beta",
       SD_BETA, "--old-calc"),
    _c("sd1-ts-old-calc-nonfinite-bf16", "sd1-a-negzero", "sd1-b-nonfinite", "sd1-c", "--mode", "ts", "--alpha", 0.4,
       "--beta", -0.4, "--old-calc", "--dtype", "bf16"),
    _c("sdxl-ts-old-calc", "sdxl-a", "sdxl-b", "sdxl-c", "--mode", "ts", "--weights-alpha", XL_ALPHA, "--weights-beta",
       XL_BETA, "--old-calc"),
    _c("sd1-ad-old-calc", "sd1-a", "sd1-b", "sd1-c", "--mode", "ad", "--alpha", 0.7, "--old-calc"),
    _c("reject-old-calc-cosine", "sd1-a", "sd1-b", None, "--mode", "ws", "--calc", "cosineA", "--old-calc", reject=True),
    # ---- smoothAdd in the reference's other modes: raw B filtered (theta_1 is B - C in add difference only)
    _c("sd1-smoothAdd-ws", "sd1-a", "sd1-b", None, "--mode", "ws", "--calc", "smoothAdd", "--alpha", 0.4, quick=True),
    _c("sd1-smoothAdd-ws-nonfinite-fp32", "sd1-a-negzero", "sd1-b-nonfinite", None, "--mode", "ws", "--calc",
       "smoothAdd", "--weights-alpha", SD_ALPHA, "--dtype", "fp32"),
    _c("sd1-smoothAdd-ts", "sd1-a", "sd1-b", "sd1-c", "--mode", "ts", "--calc", "smoothAdd", "--alpha", 0.3,
       "--beta", 0.2),
    _c("sdxl-smoothAdd-st-bf16", "sdxl-a", "sdxl-b", "sdxl-c", "--mode", "st", "--calc", "smoothAdd",
       "--weights-alpha", XL_ALPHA, "--beta", 0.5, "--dtype", "bf16"),
    # ---- inputs both must refuse before writing anything
    _c("reject-exclude-typo", "sd1-a", "sd1-b", None, "--mode", "ws", "--alpha", 0.5, "--exclude", "IN05,IN4",
       reject=True, quick=True),
    _c("reject-exclude-adjust", "sd1-a", "sd1-b", None, "--mode", "ws", "--alpha", 0.5, "--exclude", "Adjust",
       reject=True),
    _c("reject-sdxl-exclude-IN10", "sdxl-a", "sdxl-b", None, "--mode", "ws", "--alpha", 0.5, "--exclude", "IN10",
       reject=True),
    _c("reject-inpaint-as-B", "sd1-a", "sd1-inpaint-a", None, "--mode", "ws", "--alpha", 0.5, reject=True, quick=True),
    _c("reject-sd1-with-sdxl", "sd1-a", "sdxl-b", None, "--mode", "ws", "--alpha", 0.5, reject=True),
    _c("reject-ad-without-C", "sd1-a", "sd1-b", None, "--mode", "ad", "--alpha", 0.5, reject=True),
    _c("reject-tensor-with-ad", "sd1-a", "sd1-b", "sd1-c", "--mode", "ad", "--calc", "tensor", reject=True),
    _c("reject-extract-alpha-above-1", "sd1-a", "sd1-b", "sd1-c", "--mode", "ad", "--calc", "extract", "--alpha", 1.5,
       reject=True),
    _c("reject-short-list", "sd1-a", "sd1-b", None, "--mode", "ws", "--weights-alpha", "0.1,0.2,0.3", reject=True),
]


def select(quick: bool, pattern: Optional[str] = None) -> List[Case]:
    import re
    rx = re.compile(pattern) if pattern else None
    return [c for c in CASES if (c.quick or not quick) and (rx is None or rx.search(c.name))]


def models_needed(cases: List[Case]) -> List[str]:
    names: List[str] = []
    for case in cases:
        for m in (case.a, case.b, case.c):
            if m and m not in names:
                names.append(m)
    return names
