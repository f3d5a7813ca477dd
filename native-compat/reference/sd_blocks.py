"""Architecture detection, key -> block mapping and block-weight lists (SPEC §5).

Mirrors supermerger c60e6f3 `blockfromkey`, `weighttoxl`, `BLOCKID`/`BLOCKIDXLL`, with the SPEC §9
deviations: SD1/SD2 `time_embed` maps to IN00 (c60e6f3 computes index -2 and reads BLOCKID[-1] =
OUT11), SDXL `time_embed`/`label_emb` map to IN00 (c60e6f3 returns "Not Merge"), and keys that
are neither UNet blocks nor named weight/bias map to BASE instead of being skipped.
"""
from __future__ import annotations

import re
from typing import Iterable, List, Optional, Sequence

from mbw_presets import PRESETS

SD = "sd"          # SD1.x / SD2.x UNet layout
SDXL = "sdxl"
UNKNOWN = "unknown"

BLOCKID = ["BASE"] + [f"IN{i:02d}" for i in range(12)] + ["M00"] + [f"OUT{i:02d}" for i in range(12)]
BLOCKID_XL = ["BASE"] + [f"IN{i:02d}" for i in range(9)] + ["M00"] + [f"OUT{i:02d}" for i in range(9)]

_RE_IN = re.compile(r"\.input_blocks\.(\d+)\.")
_RE_MID = re.compile(r"\.middle_block\.(\d+)\.")
_RE_OUT = re.compile(r"\.output_blocks\.(\d+)\.")
_RE_XL_IN = re.compile(r"input_blocks\.(\d+)")
_RE_XL_OUT = re.compile(r"output_blocks\.(\d+)")


class WeightListError(ValueError):
    """A block-weight list a user gave that cannot be used for this model."""


def detect_architecture(keys: Iterable[str]) -> str:
    has_unet = False
    for k in keys:
        if k.startswith("conditioner.embedders."):
            return SDXL
        if k.startswith("model.diffusion_model."):
            has_unet = True
    return SD if has_unet else UNKNOWN


def block_ids(arch: str) -> List[str]:
    if arch == SD:
        return BLOCKID
    if arch == SDXL:
        return BLOCKID_XL
    return []


def block_of_key(key: str, arch: str) -> Optional[str]:
    """Block id of a key (BASE, INnn, M00, OUTnn), or None for an unknown architecture."""
    if arch == SD:
        # c60e6f3 blockfromkey, first match wins; time_embed fixed to IN00 (SPEC §9).
        if "time_embed" in key:
            return "IN00"
        if ".out." in key:
            return "OUT11"
        m = _RE_IN.search(key)
        if m:
            return BLOCKID[1 + int(m.group(1))]
        if _RE_MID.search(key):
            return "M00"
        m = _RE_OUT.search(key)
        if m:
            return BLOCKID[14 + int(m.group(1))]
        return "BASE"
    if arch == SDXL:
        if key.startswith("conditioner.embedders.") or key.startswith("first_stage_model."):
            return "BASE"
        if not key.startswith("model.diffusion_model."):
            return "BASE"
        if "time_embed" in key or "label_emb" in key:
            return "IN00"
        if key.startswith("model.diffusion_model.out."):
            return "OUT08"
        m = _RE_XL_IN.search(key)
        if m:
            return f"IN{int(m.group(1)):02d}"
        if "middle_block" in key:
            return "M00"
        m = _RE_XL_OUT.search(key)
        if m:
            return f"OUT{int(m.group(1)):02d}"
        return "BASE"
    return None


def parse_weight_list(text: str, arch: str, base: float, what: str) -> List[float]:
    """Parse a block list into one value per block id of `arch` (index 0 = BASE).

    SD1/SD2: 26 values (BASE first) or 25 (BASE = `base`). SDXL: 20 (BASE first), 19 (BASE =
    `base`), or an SD-style 26/25 list converted like c60e6f3 `weighttoxl` (drops IN09-IN11 and
    OUT09-OUT11).
    """
    if arch == UNKNOWN:
        raise WeightListError(f"{what}: block weights need an SD1/SD2/SDXL model; this architecture is unknown, use a single value")
    if "," not in text:
        # supermerger's wpreseter: a name becomes the preset's 26-value line, whose first value is BASE.
        name = text.strip()
        if name.upper() not in PRESETS:
            raise WeightListError(f"{what}: {name!r} is neither a comma-separated list nor a known preset")
        text = PRESETS[name.upper()]
    try:
        values = [float(v) for v in text.split(",") if v.strip() != ""]
    except ValueError:
        raise WeightListError(f"{what}: not a comma-separated list of decimals: {text!r}") from None
    n = len(values)
    if arch == SD:
        if n == 26:
            return values
        if n == 25:
            return [base] + values
        raise WeightListError(f"{what}: SD1/SD2 needs 26 values (BASE,IN00..IN11,M00,OUT00..OUT11) or 25 without BASE; got {n}")
    if n in (26, 25):
        full = values if n == 26 else [base] + values
        rest = full[1:]
        # supermerger weighttoxl: weight[:9] + weight[12:22] on the list without BASE
        return [full[0]] + rest[:9] + rest[12:22]
    if n == 20:
        return values
    if n == 19:
        return [base] + values
    raise WeightListError(f"{what}: SDXL needs 20 values (BASE,IN00..IN08,M00,OUT00..OUT08), 19 without BASE, or an SD-style 26; got {n}")


def weight_for(block: Optional[str], arch: str, weights: Optional[Sequence[float]], base: float) -> float:
    if weights is None or block is None:
        return base
    return weights[block_ids(arch).index(block)]


def unmatched_items(keys: Iterable[str], arch: str, items: Sequence[str]) -> List[str]:
    """Exclude items that match no key of A under is_excluded (SPEC §5: each is a usage error naming it)."""
    pairs = [(k, block_of_key(k, arch)) for k in keys]
    return [item for item in items if not any(is_excluded(k, b, [item]) for k, b in pairs)]


def is_excluded(key: str, block: Optional[str], items: Sequence[str]) -> bool:
    """Exclusion by block id (plus "VAE" for first_stage_model keys, as supermerger's excluder) or key substring."""
    for item in items:
        if block is not None and item == block:
            return True
        if item == "VAE" and key.startswith("first_stage_model."):
            return True
        if item not in BLOCKID and item != "VAE" and item in key:
            return True
    return False
