"""supermerger c60e6f3's elemental merge and Adjust, its own functions with the changes SPEC §9 and a usage error need:

- `elementals`/`blocker`/`eratiodealer` as written, except that the block id appended to the key is the model's own
  (`sd_blocks.block_of_key`: SDXL's M00/OUT08, SD1's IN00 for time_embed) where smerge appends `BLOCKID[weight_index]`
  (the SD1 list, so SDXL's M00 reads as IN09), and that an entry without two colons, an unknown block in a range or a
  ratio that is neither a number nor R/U/X is a usage error (smerge skips the entry, crashes, or stores None).
- `fineman`/`colorcalc` as written; a text without a comma (smerge ignores it) or a value that is not a number is a
  usage error, and so are more than 8 values.
"""
from __future__ import annotations

from typing import List, Optional, Sequence

COLS = [[-1, 1 / 3, 2 / 3], [1, 1, 0], [0, -1, -1], [1, 0, 1]]
COLSXL = [[0, 0, 1], [1, 0, 0], [-1, -1, 0], [-1, 1, 0]]
FINETUNES = [
    "model.diffusion_model.input_blocks.0.0.weight",
    "model.diffusion_model.input_blocks.0.0.bias",
    "model.diffusion_model.out.0.weight",
    "model.diffusion_model.out.0.bias",
    "model.diffusion_model.out.2.weight",
    "model.diffusion_model.out.2.bias",
]
RANDMAP = [0, 50, 100]
RANCHA = ["R", "U", "X"]


class ElementalError(ValueError):
    pass


def split_deep(deep: str) -> List[str]:
    """smerge: deep.replace("\\n", ","), split(","); empty entries are nothing, malformed ones an error."""
    out = []
    for d in deep.replace("\r", "").replace("\n", ",").split(","):
        if not d.strip():
            continue
        if d.count(":") != 2:
            raise ElementalError(f"--elemental entry {d.strip()!r} must be BLOCKS:ELEMENTS:RATIO")
        ratio = d.split(":")[2]
        if not any(e in ratio for e in RANCHA):
            try:
                float(ratio)
            except ValueError:
                raise ElementalError(f"--elemental ratio {ratio!r} is not a number, R, U or X") from None
        elif ratio.strip() not in RANCHA:
            raise ElementalError(f"--elemental ratio {ratio!r} is not a number, R, U or X")
        out.append(d)
    return out


def blocker(blocks: str, blockids: Sequence[str]) -> str:
    blocks = blocks.split(" ")
    output = ""
    for w in blocks:
        flagger = [False] * len(blockids)
        changer = True
        if "-" in w:
            wt = [wt.strip() for wt in w.split('-')]
            if len(wt) != 2 or wt[0] not in blockids or wt[1] not in blockids:
                raise ElementalError(f"--elemental range {w!r} must join two block ids of model A")
            if blockids.index(wt[1]) > blockids.index(wt[0]):
                flagger[blockids.index(wt[0]):blockids.index(wt[1]) + 1] = [changer] * (blockids.index(wt[1]) - blockids.index(wt[0]) + 1)
            else:
                flagger[blockids.index(wt[1]):blockids.index(wt[0]) + 1] = [changer] * (blockids.index(wt[0]) - blockids.index(wt[1]) + 1)
        else:
            output = output + " " + w if output else w
        for i in range(len(blockids)):
            if flagger[i]:
                output = output + " " + blockids[i] if output else blockids[i]
    return output


def eratiodealer(dr, randomer, block, num, lucks):
    if any(element in dr for element in RANCHA):
        up, low = lucks["upp"], lucks["low"]
        up, low = (up.split(","), low.split(","))
        add = RANDMAP[2]
        if num + add >= len(randomer):
            raise ElementalError("--elemental random ratio: model A has more keys than supermerger's 3000 draws cover")
        if dr.strip() == "R":
            return round(randomer[num + add], lucks["round"])
        elif dr.strip() == "U":
            return round(-2 * randomer[num + add] + 1, lucks["round"])
        elif dr.strip() == "X":
            return round((float(low[block]) - float(up[block])) * randomer[num + add] + float(up[block]), lucks["round"])
    else:
        return float(dr)


def elementals(key, block_id, weight_index, deep, randomer, num, lucks, current_alpha, blockids):
    skey = key + block_id
    for d in deep:
        if d.count(":") != 2:
            continue
        dbs, dws, dr = d.split(":")[0], d.split(":")[1], d.split(":")[2]
        dbs = blocker(dbs, blockids)
        dbs, dws = dbs.split(" "), dws.split(" ")
        dbn, dbs = (True, dbs[1:]) if dbs[0] == "NOT" else (False, dbs)
        dwn, dws = (True, dws[1:]) if dws[0] == "NOT" else (False, dws)
        flag = dbn
        for db in dbs:
            if db in skey:
                flag = not dbn
        if flag:
            flag = dwn
        else:
            continue
        for dw in dws:
            if dw in skey:
                flag = not dwn
        if flag:
            dr = eratiodealer(dr, randomer, weight_index, num, lucks)
            current_alpha = dr
    return current_alpha


def colorcalc(cols, isxl):
    colors = COLSXL if isxl else COLS
    outs = [[y * cols[i] * 0.02 for y in x] for i, x in enumerate(colors)]
    return [sum(x) for x in zip(*outs)]


def fineman(fine: str, isxl: bool) -> Optional[list]:
    """None when nothing changes (smerge: `fine.rstrip(",0") != ""` false)."""
    if fine.rstrip(",0") == "":
        return None
    if fine.find(",") == -1:
        raise ElementalError(f"--adjust {fine!r} must list its values with commas")
    tmp = [t.strip() for t in fine.split(",")]
    if len(tmp) > 8:
        raise ElementalError("--adjust takes at most 8 values")
    fines = [0.0] * 8
    for i, f in enumerate(tmp[0:8]):
        if f == "":
            continue
        try:
            fines[i] = float(f)
        except ValueError:
            raise ElementalError(f"--adjust value {f!r} is not a number") from None
    fine = fines
    return [
        1 - fine[0] * 0.01,
        1 + fine[0] * 0.02,
        1 - fine[1] * 0.01,
        1 + fine[1] * 0.02,
        1 - fine[2] * 0.01,
        [fine[3] * 0.02] + colorcalc(fine[4:8], isxl),
    ]
