#!/usr/bin/python3
"""PyTorch/scipy reference merger for FastMerge (SPEC.md), after sd-webui-supermerger c60e6f3.

    reference_merge.py -a A.safetensors -b B.safetensors [-c C.safetensors] -o OUT.safetensors \
        --mode ws|ad|ts|st|ss --calc normal|cosineA|cosineB|trainDifference|smoothAdd|tensor|tensor2|extract \
        --alpha X [--beta Y] [--gamma G] [--weights-alpha LIST] [--weights-beta LIST] \
        [--weights-a LIST --weights-b LIST] [--position-ids reset|keep|merge] \
        [--dtype keep|fp16|bf16|fp32] [--exclude ITEMS] [--keys-subset REGEX|COUNT] [--threads N]

Every key of A is planned first (action, output dtype and shape; all shape errors are raised
here), then the output header is written and each tensor is computed and written once at its
planned offset. Inputs are memory-mapped; nothing is held beyond the tensor being merged.
See README.md for the exact supermerger lines reproduced and the deviations (SPEC §9).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Deque, Dict, List, Optional, Sequence

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import elemental_adjust as ea  # noqa: E402
import merge_ops as ops  # noqa: E402
import normal_fast as fast  # noqa: E402
import sd_blocks as blocks  # noqa: E402
from safetensors_io import (FLOATING, PlannedTensor, SafeTensorsError, SafeTensorsFile,  # noqa: E402
                            StreamingWriter, torch_dtype)

MODES = ("ws", "ad", "ts", "st", "ss")
CALCMODES = ("normal", "cosineA", "cosineB", "trainDifference", "smoothAdd", "tensor", "tensor2", "extract", "self",
             "plus random")
SELF_CALCMODES = ("self", "plus random")
OUT_DTYPES = {"keep": None, "fp16": "F16", "bf16": "BF16", "fp32": "F32"}
POSITION_IDS_SUFFIX = "embeddings.position_ids"
# dtypes torch 1.13 converts to f32 (float8 and unsigned 16-64 bit it cannot hold)
TORCH_READABLE = frozenset({"U8", "I8", "I16", "I32", "I64", "F16", "BF16", "F32", "F64"})
INPAINT_CHANNELS = (9, 8)  # inpainting, instruct-pix2pix


class UsageError(Exception):
    """Bad arguments or inputs a user can fix; printed as one line, exit code 2."""


# ------------------------------------------------------------------------------------- plan

@dataclass
class KeyPlan:
    key: str
    action: str                 # "merge", "keep", "pos_reset", "pos_keep", "pos_merge"
    out_dtype: str              # safetensors dtype name
    out_shape: tuple
    block: Optional[str] = None
    alpha: float = 0.0
    beta: float = 0.0
    channel_slice: bool = False  # A has 9/8 input channels where the others have 4: merge [:, 0:4]
    in_cosine_stats: bool = False
    reason: str = ""
    adjust: object = None       # smerge's Adjust for a FINETUNES key: a factor (float) or the out.2.bias offsets (list)


def _needs_c(mode: str) -> bool:
    return mode in ("ad", "ts", "st")


def _shape_relation(key: str, a: tuple, x: tuple, which: str) -> str:
    """'same', 'slice' (A is inpainting/pix2pix, x is 4-channel) or raise."""
    if a == x:
        return "same"
    if len(a) == len(x) >= 2 and a[0] == x[0] and a[2:] == x[2:]:
        if a[1] in INPAINT_CHANNELS and x[1] == 4:
            return "slice"
        if a[1] == 4 and x[1] in INPAINT_CHANNELS:
            kind = "inpainting" if x[1] == 9 else "instruct-pix2pix"
            raise UsageError(f"{which} is the {kind} model ({key}: A {list(a)}, {which} {list(x)}); put it as A")
    raise UsageError(f"shape mismatch for {key}: A {list(a)}, {which} {list(x)}")


@dataclass
class Recipe:
    mode: str
    calc: str
    alpha: float
    beta: float
    gamma: float
    weights_alpha: Optional[List[float]]
    weights_beta: Optional[List[float]]
    position_ids: str
    out_dtype: Optional[str]
    exclude: List[str]
    arch: str
    elemental: Optional[List[str]] = None   # smerge's `deep`, split
    lucks: Optional[dict] = None            # seed draws and random settings for elemental R/U/X
    fine: Optional[list] = None             # fineman's list
    old_calc: bool = False                  # "use old calc method": ws/st/ts in the inputs' own dtypes


def _check_torch_dtype(key: str, which: str, dtype: str) -> None:
    try:
        torch_dtype(dtype)
    except SafeTensorsError:
        raise UsageError(f"{key}: {which} needs {dtype}, which torch {torch.__version__} cannot compute on "
                         "(float8 and unsigned 16-64 bit are out of scope for the reference)") from None


def plan_keys(recipe: Recipe, a: SafeTensorsFile, b: SafeTensorsFile, c: Optional[SafeTensorsFile],
              keys: Sequence[str]) -> List[KeyPlan]:
    """Decide every output tensor (SPEC §6, §7, §8) before any data is read or written."""
    inputs = [("B", b)] + ([("C", c)] if c is not None else [])
    plans: List[KeyPlan] = []
    for key in keys:
        ai = a.tensors[key]
        block = blocks.block_of_key(key, recipe.arch)
        alpha = blocks.weight_for(block, recipe.arch, recipe.weights_alpha, recipe.alpha)
        if recipe.elemental:
            # elementals(): after the block weights, num = the key's index in smerge's (sorted) state dict
            ids = blocks.block_ids(recipe.arch)
            try:
                alpha = ea.elementals(key, block, ids.index(block), recipe.elemental, recipe.lucks["randomer"],
                                      recipe.lucks["num"][key], recipe.lucks, alpha, ids)
            except ea.ElementalError as e:
                raise UsageError(str(e)) from None
        beta = blocks.weight_for(block, recipe.arch, recipe.weights_beta, recipe.beta)
        floating = ai.dtype in FLOATING
        out_dtype = (recipe.out_dtype or ai.dtype) if floating else ai.dtype
        p = KeyPlan(key, "keep", out_dtype, ai.shape, block, alpha, beta)

        if key.endswith(POSITION_IDS_SUFFIX):
            # precosine measures the ids too ("model" in the key, present in B), as f32, whatever the policy:
            # the reference resets them only after merging (SPEC §4).
            bi = b.tensors.get(key)
            p.in_cosine_stats = (recipe.calc.startswith("cosine") and bi is not None and bi.shape == ai.shape
                                 and ai.dtype in TORCH_READABLE and bi.dtype in TORCH_READABLE)
            if recipe.position_ids == "reset":
                n = ai.shape[-1] if ai.shape else 77
                p.action, p.out_dtype, p.out_shape = "pos_reset", "I64", (1, n)
            elif recipe.position_ids == "keep":
                p.action, p.out_dtype = "pos_keep", ai.dtype
            elif all(key in f for _, f in inputs):
                for which, f in inputs:
                    if f.tensors[key].shape != ai.shape:
                        raise UsageError(f"position ids {key}: A {list(ai.shape)}, {which} {list(f.tensors[key].shape)}")
                    _check_torch_dtype(key, which, f.tensors[key].dtype)
                _check_torch_dtype(key, "A", ai.dtype)
                p.action = "pos_merge"
            else:
                p.reason = "missing from an input"
                p.out_dtype = ai.dtype
            if p.action != "pos_reset" and p.out_dtype != ai.dtype:
                _check_torch_dtype(key, "the output", p.out_dtype)
            plans.append(p)
            continue

        missing = [which for which, f in inputs if key not in f]
        if missing:
            p.reason = f"missing from {','.join(missing)}"
        elif not floating or any(f.tensors[key].dtype not in FLOATING for _, f in inputs):
            p.reason = "not floating"
        else:
            excluded = bool(recipe.exclude) and blocks.is_excluded(key, block, recipe.exclude)
            try:
                rel = [_shape_relation(key, ai.shape, f.tensors[key].shape, w) for w, f in inputs]
            except UsageError:
                if not excluded:
                    raise
                rel = None  # an excluded key keeps A whatever its shapes
            if rel is not None:
                p.channel_slice = "slice" in rel
                # precosine measures every non-VAE key it can, include/exclude notwithstanding
                p.in_cosine_stats = "first_stage_model" not in key
            if excluded:
                p.reason = "excluded"
            elif recipe.calc.startswith("cosine") and "first_stage_model" in key:
                p.reason = "VAE key in cosine mode"  # cosine(): `if "first_stage_model" in key: continue`
            elif recipe.calc in SELF_CALCMODES and (any(k in key for k in ops.SELFKEYS) or alpha == 0):
                p.reason = "self key or alpha 0"  # `if any(selfkey in key ...): continue`, `if current_alpha == 0: continue`
            else:
                p.action = "merge"
                if recipe.calc == "extract" and not (0 <= alpha <= 1 and 0 <= beta <= 1):
                    raise UsageError(f"extract needs 0 <= alpha, beta <= 1 (key {key}: alpha {alpha}, beta {beta})")
                for which, f in [("A", a)] + inputs:
                    _check_torch_dtype(key, which, f.tensors[key].dtype)
        if p.action == "merge" and recipe.fine is not None and key in ea.FINETUNES:
            index = ea.FINETUNES.index(key)
            p.adjust = recipe.fine[index]
            if index == 5 and int(np.prod(ai.shape)) != len(p.adjust):
                raise UsageError(f"--adjust adds {len(p.adjust)} offsets to {key} of shape {list(ai.shape)}")
            if ai.dtype not in ("F16", "BF16", "F32"):
                raise UsageError(f"--adjust changes {key} in A's dtype, for F16, BF16 or F32 only")
        if p.action == "merge" or p.out_dtype != ai.dtype:
            _check_torch_dtype(key, "A", ai.dtype)
            _check_torch_dtype(key, "the output", p.out_dtype)
        plans.append(p)
    return plans


# ------------------------------------------------------------------------------------- execute

def _inputs(p: KeyPlan, a, b, c):
    ta = a.tensor(p.key)
    tb = b.tensor(p.key)
    tc = c.tensor(p.key) if c is not None else None
    if p.channel_slice:
        # every input that has A's channel count is cut to the 4 shared channels
        ta4 = ta[:, 0:4].contiguous()
        tb = tb[:, 0:4].contiguous() if tb.shape == ta.shape else tb
        if tc is not None:
            tc = tc[:, 0:4].contiguous() if tc.shape == ta.shape else tc
        return ta, ta4, tb, tc
    return ta, ta, tb, tc


def merge_normal(mode: str, ta, tb, tc, p: KeyPlan):
    """The reference's expressions as written (used for the small position-ids tensors)."""
    if mode == "ws":
        return ops.weighted_sum(ta, tb, p.alpha)
    if mode == "ad":
        return ops.add_difference(ta, ops.add_difference_d(tb, tc), p.alpha)
    if mode == "ts":
        return ops.triple_sum(ta, tb, tc, p.alpha, p.beta)
    if mode == "st":
        return ops.sum_twice(ta, tb, tc, p.alpha, p.beta)
    if mode == "ss":
        return ops.scaled_sum(ta, tb, p.alpha, p.beta)
    raise AssertionError(mode)


def merge_normal_fast(s: fast.Scratch, mode: str, ta, tb, tc, p: KeyPlan):
    """Same kernels in the same order as merge_normal, into reused buffers (see normal_fast)."""
    if mode == "ws":
        return fast.weighted_sum(s, ta, tb, p.alpha)
    if mode == "ad":
        return fast.add_difference(s, ta, tb, tc, p.alpha)
    if mode == "ts":
        return fast.triple_sum(s, ta, tb, tc, p.alpha, p.beta)
    if mode == "st":
        return fast.sum_twice(s, ta, tb, tc, p.alpha, p.beta)
    if mode == "ss":
        return fast.scaled_sum(s, ta, tb, p.alpha, p.beta)
    raise AssertionError(mode)


# plus random: torch's generator state at the start of each merged key (see random_starts)
random_states: Dict[str, torch.Tensor] = {}


def random_starts(plans: List[KeyPlan], a, seed: int) -> Dict[str, torch.Tensor]:
    """smerge runs plus random key after key from torch's global generator in its state dict's order (safetensors
    load_file: names sorted); seeded here with torch.manual_seed(seed). The state before each key is kept (drawing
    the key's randn_like to move on), so the keys can then be computed in the plan's order."""
    torch.manual_seed(seed)
    states = {}
    for p in sorted((p for p in plans if p.action == "merge"), key=lambda p: p.key.encode("utf-8")):
        states[p.key] = torch.get_rng_state()
        torch.randn_like(a.tensor(p.key))
    return states


def compute(recipe: Recipe, p: KeyPlan, a, b, c, sims, scratch: fast.Scratch) -> Optional[torch.Tensor]:
    """The merged tensor in the planned dtype, or None when A's bytes are written unchanged.

    The result may live in `scratch`: write it before computing the next key.
    """
    a_dtype = a.tensors[p.key].dtype
    if p.action in ("keep", "pos_keep"):
        return None if p.out_dtype == a_dtype else scratch.convert(a.tensor(p.key), torch_dtype(p.out_dtype))
    if p.action == "pos_reset":
        return torch.arange(p.out_shape[1], dtype=torch.int64).reshape(p.out_shape)
    if p.action == "pos_merge":
        # SPEC §7 merge: every input to f32, merged by the mode like a weight, stored in A's dtype
        ta = a.tensor(p.key).to(torch.float32)
        tb = b.tensor(p.key).to(torch.float32)
        tc = c.tensor(p.key).to(torch.float32) if c is not None else None
        r = merge_normal(recipe.mode, ta, tb, tc, p)
        return r.to(torch_dtype(p.out_dtype))  # float -> int64 truncates toward zero

    if p.adjust is not None:
        return adjusted(recipe, p, a, b, c, sims, scratch)
    target = torch_dtype(p.out_dtype)
    full_a, ta, tb, tc = _inputs(p, a, b, c)
    calc = recipe.calc
    if calc == "normal" and recipe.old_calc and recipe.mode in ("ws", "st", "ts"):
        r = ops.old_calc(recipe.mode, ta, tb, tc, p.alpha, p.beta)
    elif calc == "normal":
        r = merge_normal_fast(scratch, recipe.mode, ta, tb, tc, p)
    elif calc in ("cosineA", "cosineB"):
        if recipe.mode == "ad":
            tb = ops.add_difference_d(tb, tc)  # the reference's theta_1 is B-C after stage 0
        r = ops.cosine_merge(calc == "cosineA", ta, tb, sims, p.alpha)
    elif calc == "trainDifference":
        r = ops.train_difference(ta, tb, tc, p.alpha)
        if r is None:
            r = ta
    elif calc == "smoothAdd":
        # theta_1 is B - C only in add difference (stage 0); ws, ts and st filter raw B
        r = ops.smooth_add(ta, ops.add_difference_d(tb, tc) if recipe.mode == "ad" else tb, p.alpha)
    elif calc in SELF_CALCMODES:
        # the whole of A (an inpainting A's extra channels too), in A's dtype
        if calc == "plus random":
            torch.set_rng_state(random_states[p.key])
        r = (ops.self_scale if calc == "self" else ops.plus_random)(full_a, p.alpha)
        return scratch.convert(r, target)
    elif calc in ("tensor", "tensor2"):
        r = ops.tensor_exchange(calc == "tensor", ta, tb, p.alpha, p.beta, target)
    elif calc == "extract":
        r = ops.extract_super(ta, tb, tc, p.alpha, p.beta, recipe.gamma).reshape(ta.shape)
    else:
        raise AssertionError(calc)

    if p.channel_slice:
        r = r.to(target)
        out = full_a.to(target, copy=True)
        out[:, 0:4] = r
        return out
    return scratch.convert(r, target)


def adjusted(recipe: Recipe, p: KeyPlan, a, b, c, sims, scratch: fast.Scratch) -> torch.Tensor:
    """smerge's Adjust step: the merged key as smerge holds it (A's dtype; f32 after trainDifference and smoothAdd,
    B's dtype after weighted sum at alpha 1), times fine[index] or plus torch.tensor(fine[5]); then, SPEC §9, the
    output dtype. trainDifference with B equal to C `continue`s before the step: A unchanged."""
    import dataclasses
    if recipe.calc in ("trainDifference", "smoothAdd"):
        stored = "F32"
    elif recipe.calc == "normal" and recipe.mode == "ws" and p.alpha == 1:
        stored = b.tensors[p.key].dtype
    else:
        stored = a.tensors[p.key].dtype
    inner = dataclasses.replace(p, adjust=None, out_dtype=stored)
    merged = compute(recipe, inner, a, b, c, sims, fast.Scratch())
    if merged is None:
        merged = a.tensor(p.key)
    merged = merged.clone()
    if recipe.calc == "trainDifference":
        _, ta, tb, tc = _inputs(p, a, b, c)
        if ops.train_difference(ta, tb, tc, p.alpha) is None:
            return scratch.convert(merged, torch_dtype(p.out_dtype))
    if isinstance(p.adjust, list):
        merged = merged + torch.tensor(p.adjust).to(merged.device)
    else:
        merged = merged * p.adjust
    return scratch.convert(merged, torch_dtype(p.out_dtype))


def cosine_sims(recipe: Recipe, plans: List[KeyPlan], a, b, c):
    """precosine: the trimmed similarity set over every measurable non-VAE key, in A's order."""
    parts = []
    for p in plans:
        if not p.in_cosine_stats:
            continue
        if p.key.endswith(POSITION_IDS_SUFFIX):
            # B's raw ids even in add difference: stage 0 only subtracts C from weight/bias keys.
            ta, tb = a.tensor(p.key).to(torch.float32), b.tensor(p.key).to(torch.float32)
        else:
            _, ta, tb, tc = _inputs(p, a, b, c)
            if recipe.mode == "ad":
                tb = ops.add_difference_d(tb, tc)
        parts.append(ops.cosine_stat(recipe.calc == "cosineA", ta, tb))
    sims = ops.cosine_trim(parts)
    if sims.size == 0:
        raise UsageError("cosine calcmode found no mergeable non-VAE keys to measure")
    return sims


def computed(recipe: Recipe, plans: List[KeyPlan], a, b, c, sims, threads: int):
    """(plan, result) in plan order.

    smoothAdd spends its time in scipy's filters, which release the GIL: like supermerger's
    "smoothAdd MT" it runs keys on a thread pool (a bounded window, each task with its own
    buffers). Everything else runs key by key and relies on torch's intra-op threads.
    """
    if recipe.calc != "smoothAdd" or threads <= 1:
        scratch = fast.Scratch()
        for p in plans:
            yield p, compute(recipe, p, a, b, c, sims, scratch)
        return
    window: Deque = deque()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for p in plans:
            window.append((p, pool.submit(compute, recipe, p, a, b, c, sims, fast.Scratch())))
            if len(window) >= 2 * threads:
                q, f = window.popleft()
                yield q, f.result()
        while window:
            q, f = window.popleft()
            yield q, f.result()


# ------------------------------------------------------------------------------------- CLI

def select_keys(keys: List[str], subset: Optional[str]) -> List[str]:
    if not subset:
        return keys
    if subset.isdigit():
        n = min(int(subset), len(keys))
        if n <= 0:
            return []
        # evenly spread over A's key order, so every block and tensor kind is represented
        return [keys[(i * len(keys)) // n] for i in range(n)]
    rx = re.compile(subset)
    return [k for k in keys if rx.search(k)]


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description="PyTorch/scipy reference merger (supermerger c60e6f3 + SPEC §9)")
    ap.add_argument("-a", required=True, help="model A (base; its keys, order and dtypes are kept)")
    ap.add_argument("-b", required=True, help="model B")
    ap.add_argument("-c", help="model C (ad, ts, st, trainDifference, smoothAdd, extract)")
    ap.add_argument("-o", required=True, help="output .safetensors")
    ap.add_argument("--mode", choices=MODES, default="ws")
    ap.add_argument("--calc", choices=CALCMODES, default="normal")
    ap.add_argument("--alpha", type=float, default=0.5)
    ap.add_argument("--beta", type=float, default=0.0)
    ap.add_argument("--gamma", type=float, default=0.3, help="extract only")
    ap.add_argument("--weights-alpha", help="block list for alpha (26/25 SD, 20/19 SDXL)")
    ap.add_argument("--weights-beta", help="block list for beta")
    ap.add_argument("--weights-a", help="ss: block list of factors for A (global factor = --alpha)")
    ap.add_argument("--weights-b", help="ss: block list of factors for B (global factor = --beta)")
    ap.add_argument("--seed", type=int, help="seed of the random block weights (R, U, X entries) and of plus random")
    ap.add_argument("--random-round", type=int, default=3, help="digits the random weights are rounded to")
    ap.add_argument("--random-upper", default=",".join(["1"] * 26), help="X's upper limits")
    ap.add_argument("--random-lower", default=",".join(["0"] * 26), help="X's lower limits")
    ap.add_argument("--elemental", help="elemental merge: BLOCKS:ELEMENTS:RATIO entries, comma or newline separated")
    ap.add_argument("--adjust", help="Adjust: IN,OUT,OUT2,CONT,BRI,COL1,COL2,COL3")
    ap.add_argument("--old-calc", action="store_true", help="supermerger's \"use old calc method\" (calcmode normal)")
    ap.add_argument("--position-ids", choices=("reset", "keep", "merge"), default="reset")
    ap.add_argument("--dtype", choices=tuple(OUT_DTYPES), default="keep")
    ap.add_argument("--exclude", default="", help="comma-separated block ids (BASE, IN00, M00, OUT11, VAE) or key substrings")
    ap.add_argument("--keys-subset", help="regex on key names, or a count of evenly spread keys (for timing)")
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    ap.add_argument("-q", "--quiet", action="store_true")
    return ap


def _is_random(text: str) -> bool:
    return any(e.strip() in ("R", "U", "X", "ER", "EU", "EX") for e in text.split(","))


# supermerger c60e6f3 BLOCKID: randdealer names an E entry's block by its place in this list
BLOCKID = ["BASE"] + [f"IN{i:02d}" for i in range(12)] + ["M00"] + [f"OUT{i:02d}" for i in range(12)]


def _expand_random(text: str) -> str:
    # supermerger's random modes R, U, X build the list as 26 of the letter (xyplot.crazyslot)
    return ",".join([text.strip()] * 26) if text.strip() in ("R", "U", "X") else text


def _randdealer(w: str, randomer, ab: int, args):
    """supermerger c60e6f3 randdealer (RANDMAP = [0, 50, 100]): the drawn list, and the elemental entries its ER/EU/EX
    entries make (appended to `deep`; the beta call drops them, so they are refused there)."""
    up, low = args.random_upper.split(","), args.random_lower.split(",")
    add = [0, 50, 100][ab]
    out = []
    outd = {"R": [], "U": [], "X": []}
    entries = w.split(",")
    for i, r in enumerate(entries):
        if r.strip() in ("ER", "EU", "EX"):
            if ab != 0:
                raise UsageError(f"elemental random entry {r.strip()!r} in --weights-beta: supermerger drops its draw")
            if len(entries) != 26:
                raise UsageError(f"elemental random entry {r.strip()!r} needs a list of 26 block weights")
            outd[r.strip()[1]].append(BLOCKID[i])
            out.append("0")
            continue
        if r.strip() == "R":
            out.append(str(round(randomer[i + add], args.random_round)))
        elif r.strip() == "U":
            out.append(str(round(-2 * randomer[i + add] + 1.5, args.random_round)))
        elif r.strip() == "X":
            out.append(str(round((float(low[i]) - float(up[i])) * randomer[i + add] + float(up[i]), args.random_round)))
        else:
            out.append(r)
    deep = ",".join(f"{' '.join(v)}::{k}" for k, v in outd.items() if v)
    return ",".join(out), deep


def validate(args) -> None:
    calc, mode = args.calc, args.mode
    if calc == "smoothAdd" and mode not in ("ws", "ad", "ts", "st"):
        raise UsageError(f"calcmode {calc} works on ws, ad (B-C), ts or st (raw B)")
    if calc in SELF_CALCMODES and mode not in ("ws", "ad", "ts", "st"):
        raise UsageError(f"calcmode {calc} works on ws, ad, ts or st")
    if calc == "plus random" and args.seed is None:
        raise UsageError("calcmode plus random needs --seed (torch.manual_seed)")
    if calc in ("trainDifference", "extract") and mode != "ad":
        raise UsageError(f"calcmode {calc} works on add difference: use --mode ad")
    if calc in ("tensor", "tensor2") and mode != "ws":
        raise UsageError(f"calcmode {calc} works on weighted sum only: use --mode ws")
    if calc.startswith("cosine") and mode not in ("ws", "ad"):
        raise UsageError(f"calcmode {calc} is defined for --mode ws (or ad, on B-C)")
    if mode == "ss" and calc != "normal":
        raise UsageError("scaled sum (ss) has calcmode normal only")
    if _needs_c(mode) and not args.c:
        raise UsageError(f"mode {mode} needs model C: add -c")
    if mode != "ss" and (args.weights_a or args.weights_b):
        raise UsageError("--weights-a/--weights-b are the ss factor lists; use --weights-alpha/--weights-beta")
    if args.gamma < 0:
        raise UsageError("--gamma must be >= 0")
    paths = [os.path.realpath(x) for x in (args.a, args.b, args.c) if x]
    if os.path.realpath(args.o) in paths:
        raise UsageError("the output path is one of the inputs; choose another output")


def run(argv: Optional[Sequence[str]] = None) -> Dict[str, int]:
    args = build_parser().parse_args(argv)
    validate(args)
    torch.set_num_threads(max(1, args.threads))
    t0 = time.perf_counter()
    try:
        a = SafeTensorsFile(args.a)
        b = SafeTensorsFile(args.b)
        c = SafeTensorsFile(args.c) if (args.c and _needs_c(args.mode)) else None
    except (OSError, SafeTensorsError) as e:
        raise UsageError(str(e)) from None

    arch = blocks.detect_architecture(a.keys())
    list_alpha = args.weights_a if args.mode == "ss" and args.weights_a else args.weights_alpha
    list_beta = args.weights_b if args.mode == "ss" and args.weights_b else args.weights_beta
    if any(t and _is_random(t) for t in (list_alpha, list_beta)):
        if args.seed is None:
            raise UsageError("a block weight list with R, U or X entries needs --seed")
        # smerge: np.random.seed(seed); randomer = np.random.rand(3000); randdealer(weights_a, ..., 0) / (weights_b, ..., 1)
        np.random.seed(args.seed)
        randomer = np.random.rand(3000)
        if list_alpha and _is_random(list_alpha):
            list_alpha, deep = _randdealer(_expand_random(list_alpha), randomer, 0, args)
            if deep:  # smerge: deep = deep + "," + entries if deep else entries
                args.elemental = args.elemental + "," + deep if args.elemental else deep
        if list_beta and _is_random(list_beta):
            list_beta, _ = _randdealer(_expand_random(list_beta), randomer, 1, args)
    try:
        wa = blocks.parse_weight_list(list_alpha, arch, args.alpha, "alpha list") if list_alpha else None
        wb = blocks.parse_weight_list(list_beta, arch, args.beta, "beta list") if list_beta else None
    except blocks.WeightListError as e:
        raise UsageError(str(e)) from None
    recipe = Recipe(args.mode, args.calc, wa[0] if wa else args.alpha, wb[0] if wb else args.beta, args.gamma,
                    wa, wb, args.position_ids, OUT_DTYPES[args.dtype],
                    [x.strip() for x in args.exclude.split(",") if x.strip()], arch)

    if args.elemental is not None:
        if arch not in (blocks.SD, blocks.SDXL):
            raise UsageError("--elemental names blocks, but model A's architecture has no known blocks")
        try:
            recipe.elemental = ea.split_deep(args.elemental)
        except ea.ElementalError as e:
            raise UsageError(str(e)) from None
        randomer = None
        if any(d.split(":")[2].strip() in ea.RANCHA for d in recipe.elemental):
            if args.seed is None:
                raise UsageError("--elemental ratios R, U or X need --seed")
            np.random.seed(args.seed)
            randomer = np.random.rand(3000)
        recipe.lucks = {"upp": args.random_upper, "low": args.random_lower, "round": args.random_round,
                        "randomer": randomer, "num": {k: i for i, k in enumerate(sorted(a.keys(), key=lambda k: k.encode()))}}
    if args.old_calc:
        if args.calc != "normal":
            raise UsageError("--old-calc reproduces calcmode normal's old formulas only")
        recipe.old_calc = True
    if args.adjust is not None:
        try:
            recipe.fine = ea.fineman(args.adjust, arch == blocks.SDXL)
        except ea.ElementalError as e:
            raise UsageError(str(e)) from None
    unmatched = blocks.unmatched_items(a.keys(), arch, recipe.exclude)
    if unmatched:
        raise UsageError(f"--exclude item {unmatched[0]!r} matches no key and no block of model A")
    keys = select_keys(a.keys(), args.keys_subset)
    plans = plan_keys(recipe, a, b, c, keys)
    sims = cosine_sims(recipe, plans, a, b, c) if args.calc.startswith("cosine") else None
    if args.calc == "plus random":
        random_states.clear()
        random_states.update(random_starts(plans, a, args.seed))

    writer = StreamingWriter(args.o, [PlannedTensor(p.key, p.out_dtype, tuple(p.out_shape)) for p in plans],
                             {"format": "pt"})
    counts = {"merged": 0, "kept": 0, "position_ids": 0}
    try:
        for p, r in computed(recipe, plans, a, b, c, sims, args.threads):
            if r is None:
                writer.write_bytes(p.key, a.raw(p.key))
            else:
                writer.write(p.key, r)
            if p.action == "merge":
                counts["merged"] += 1
            elif p.action.startswith("pos_"):
                counts["position_ids"] += 1
            else:
                counts["kept"] += 1
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    if not args.quiet:
        dt = time.perf_counter() - t0
        print(f"reference_merge: {arch}, {args.mode}/{args.calc}: {counts['merged']} merged, {counts['kept']} kept, "
              f"{counts['position_ids']} position ids, {len(plans)} tensors in {dt:.3f} s", file=sys.stderr)
    return counts


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        run(argv)
    except UsageError as e:
        print(f"reference_merge: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
