"""Check merge_ops / sd_blocks against the real supermerger code, loaded from a checkout you provide.

    git -C sd-webui-supermerger show c60e6f3:scripts/mergers/mergers.py > /tmp/mergers_c60.py
    /usr/bin/python3 native-compat/reference/verify_against_supermerger.py /tmp/mergers_c60.py

No supermerger code lives in this repository: the functions precosine, cosine, traindiff,
extract_super, tensormerge, blockfromkey, weighttoxl are compiled from the given file (the webui
imports are not needed), and the one-line torch expressions of smerge are evaluated from their
source lines (372, 466, 474, 482, 494 at c60e6f3; the script checks the text it finds there).
Everything must be bit-identical except the SPEC §9 block-map deviations, which are printed.
Not part of pytest: it needs the external checkout.
"""
import ast
import os
import re
import sys
import functools
import typing

import numpy as np
import scipy.ndimage
import torch
import torch.nn as nn
from torch import lerp
from torch.nn.functional import cosine_similarity, relu, softplus
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import merge_ops as ops  # noqa: E402
import sd_blocks as blocks  # noqa: E402
import sdmodels  # noqa: E402

if len(sys.argv) != 2:
    sys.exit(__doc__)
src = open(sys.argv[1], encoding="utf-8").read()
lines = src.splitlines()
tree = ast.parse(src)
ns = dict(torch=torch, np=np, nn=nn, lerp=lerp, cosine_similarity=cosine_similarity, relu=relu, softplus=softplus,
          re=re, scipy=scipy, Optional=typing.Optional, Tensor=torch.Tensor, caster=lambda *a, **k: None,
          hear=False, stopmerge=False, tqdm=lambda x, **k: x, partial=functools.partial)
want = {'precosine', 'cosine', 'traindiff', 'extract_super', 'tensormerge', 'blockfromkey', 'weighttoxl'}
for node in tree.body:
    if isinstance(node, ast.FunctionDef) and node.name in want:
        exec(compile(ast.Module([node], []), 'c60', 'exec'), ns)
    if isinstance(node, ast.Assign) and any(getattr(t, 'id', '') in ('BLOCKID', 'BLOCKIDXLL', 'BLOCKIDFLUX') for t in node.targets):
        exec(compile(ast.Module([node], []), 'c60', 'exec'), ns)

EXPECTED_LINES = {372: "theta_1[key] = (theta_1_a.to(torch.float32) -theta_2[key]",
                  466: "theta_0_a = torch.lerp(theta_0_a.to(torch.float32),theta_0_a.to(torch.float32) + current_alpha",
                  474: "theta_0_a =lerp(theta_0_a.to(torch.float32),lerp(theta_1[key]",
                  482: "theta_0_a = torch.lerp(torch.lerp(theta_0_a.to(torch.float32), theta_1[key]",
                  494: "theta_0_a = torch.lerp(theta_0_a.to(torch.float32), theta_1[key].to(torch.float32), current_alpha)"}


def rhs(lineno):
    line = lines[lineno - 1].strip()
    if not line.startswith(EXPECTED_LINES[lineno]):
        sys.exit(f"line {lineno} is not the expected expression; is this c60e6f3? {line!r}")
    return line.split('=', 1)[1].strip()

def eq(x, y, what):
    x, y = x.contiguous(), y.contiguous()
    assert x.dtype == y.dtype and x.shape == y.shape, (what, x.dtype, y.dtype, x.shape, y.shape)
    iv = {torch.float16: torch.int16, torch.bfloat16: torch.int16, torch.float32: torch.int32}
    assert torch.equal(x.view(iv[x.dtype]), y.view(iv[y.dtype])), what

A = sdmodels.make_state_dict('sd1', 1, torch.float16, scale=32)
B = sdmodels.make_state_dict('sd1', 2, torch.bfloat16, scale=32)
C = sdmodels.make_state_dict('sd1', 3, torch.float16, scale=32)
keys = [k for k in A if A[k].is_floating_point()]
n = 0
for key in keys:
    for al, be in [(0.3, 0.2), (0.7, 0.6), (0.5, -0.5), (0.1, 0.0)]:
        env = dict(ns, theta_0_a=A[key], theta_1={key: B[key]}, theta_2={key: C[key]}, key=key, current_alpha=al, current_beta=be,
                   theta_1_a=B[key])
        # ws (494), st (482), ts (474, and 476 when al+be == 0), ad stage 0 (372) + stage 1 (466)
        eq(eval(rhs(494), env), ops.weighted_sum(A[key], B[key], al).to(torch.float16), 'ws ' + key)
        eq(eval(rhs(482), env), ops.sum_twice(A[key], B[key], C[key], al, be).to(torch.float16), 'st ' + key)
        if al + be != 0:
            eq(eval(rhs(474), env), ops.triple_sum(A[key], B[key], C[key], al, be).to(torch.float16), 'ts ' + key)
        d_ref = eval(rhs(372), env)
        eq(d_ref, ops.add_difference_d(B[key], C[key]), 'ad D ' + key)
        env['theta_1'] = {key: d_ref}
        eq(eval(rhs(466), env), ops.add_difference(A[key], d_ref, al).to(torch.float16), 'ad ' + key)
        n += 5
        # traindiff
        t0 = {key: A[key]}
        ns['traindiff'](key, al, t0, {key: B[key]}, {key: C[key]})
        eq(t0[key], ops.train_difference(A[key], B[key], C[key], al), 'traindiff ' + key)
        # tensormerge (both modes); reference mutates theta_0
        for mode in (True, False):
            if A[key].dim() == 0:
                continue
            t0 = {key: A[key].clone()}
            ns['tensormerge'](mode, key, A[key].dim(), t0, {key: B[key]}, al, be)
            mine = ops.tensor_exchange(mode, A[key], B[key], al, be, t0[key].dtype)
            eq(t0[key], mine, f'tensor{mode} ' + key)
        # extract_super (0<=al,be<=1 only)
        if 0 <= be <= 1:
            eq(ns['extract_super'](A[key], B[key], C[key], al, be, 0.3),
               ops.extract_super(A[key], B[key], C[key], al, be, 0.3).to(torch.float16).reshape(ns['extract_super'](A[key], B[key], C[key], al, be, 0.3).shape),
               'extract ' + key)
        n += 4
print('normal/traindiff/tensor/extract expressions identical on', n, 'checks')

# cosine A/B: precosine + cosine over all keys with "weight"/"bias" and "model" (non-VAE)
for fav in (True, False):
    th0 = {k: A[k] for k in keys if 'position_ids' not in k}
    th1 = {k: B[k] for k in th0}
    sim, sims = ns['precosine'](fav, th0, th1)
    mine = ops.cosine_trim([ops.cosine_stat(fav, th0[k], th1[k]) for k in th0 if 'first_stage_model' not in k])
    assert np.array_equal(sims, mine), 'sims'
    for k in list(th0)[::7]:
        if 'first_stage_model' in k:
            continue
        t0 = dict(th0)
        ns['cosine']('cosineA' if fav else 'cosineB', k, sim, sims, 0.1, t0, th1, 0, 'x', True)
        eq(t0[k], ops.cosine_merge(fav, A[k], B[k], mine, 0.1).to(torch.float16), 'cosine ' + k)
print('precosine/cosine identical')

# smoothAdd lines 519-524
for k in keys[::13]:
    d = ops.add_difference_d(B[k], C[k])
    f = scipy.ndimage.gaussian_filter(scipy.ndimage.median_filter(d.to(torch.float32).cpu().numpy(), size=3), sigma=1)
    ref = A[k] + 0.3 * torch.tensor(f)
    eq(ref, ops.smooth_add(A[k], d, 0.3), 'smooth ' + k)
print('smoothAdd identical')

# blockfromkey: identical except time_embed (SD: IN00 vs c60e6f3 OUT11)
diff = []
for k in A:
    ref = ns['blockfromkey'](k, False)[1]
    mine = blocks.block_of_key(k, blocks.SD)
    if ref != mine:
        diff.append((k, ref, mine))
print('SD blockfromkey differences:', sorted({(r, m) for _, r, m in diff}), len(diff), 'keys, e.g.', diff[:1])
X = sdmodels.make_state_dict('sdxl', 1, torch.float16, scale=64)
diff = []
for k in X:
    ref = ns['blockfromkey'](k, True)[1]
    mine = blocks.block_of_key(k, blocks.SDXL)
    if ref != mine:
        diff.append((k, ref, mine))
print('SDXL blockfromkey differences:', sorted({(r, m) for _, r, m in diff}), len(diff), 'keys')
for r, m in sorted({(r, m) for _, r, m in diff}):
    print('  ', r, '->', m, [k for k, rr, mm in diff if (rr, mm) == (r, m)][:3])
w = [float(i) for i in range(25)]
assert ns['weighttoxl'](w)[:-1] == blocks.parse_weight_list(','.join(str(x) for x in [99.0] + w), blocks.SDXL, 0, 'w')[1:]
print('weighttoxl identical')
