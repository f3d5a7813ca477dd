#!/usr/bin/env python3
"""Generates MedianNetworks.g.cs: the min/max networks of the SIMD median filter.

Networks are Batcher odd-even merge sorts, pruned twice:
  1. comparators whose order is already known from the input structure (three sorted lists)
     are dropped (a poset of proven 'wire x <= wire y' facts is carried through the network);
  2. comparators that do not influence the wanted output wire are dropped, and a comparator
     whose min (or max) output is never read computes only the other half.
Comparators are then reordered (per-wire order kept) so values are loaded at first use and retired early,
which keeps the JIT's register spills down. Every network is verified here before it is written: sorting networks against sorted() on
random inputs, and the merge-median networks exhaustively on all 0-1 inputs made of sorted
lists (the 0-1 principle holds because sorted lists stay sorted under monotone thresholds).
Run: python3 src/Fast.Kernels/Filters/generate_median_networks.py
"""
import itertools
import os
import random


def batcher(n):
    p = 1
    while p < n:
        p *= 2
    comps = []
    pp = 1
    while pp < p:
        k = pp
        while k >= 1:
            for j in range(k % pp, p - k, 2 * k):
                for i in range(min(k, p - j - k)):
                    if (i + j) // (pp * 2) == (i + j + k) // (pp * 2):
                        comps.append((i + j, i + j + k))
            k //= 2
        pp *= 2
    # Missing wires behave as +inf at the top: comparators touching them are no-ops.
    return [(a, b) for a, b in comps if a < n and b < n]


def prune(n, comps, lists, outs):
    known = [[x == y for y in range(n)] for x in range(n)]
    for chain in lists:
        for i in range(len(chain)):
            for j in range(i + 1, len(chain)):
                known[chain[i]][chain[j]] = True
    kept = []
    for a, b in comps:
        if known[a][b]:
            continue
        col_a = [known[x][a] for x in range(n)]
        col_b = [known[x][b] for x in range(n)]
        row_a = known[a][:]
        row_b = known[b][:]
        for x in range(n):
            known[x][a] = col_a[x] and col_b[x]
            known[x][b] = col_a[x] or col_b[x]
        for y in range(n):
            known[a][y] = row_a[y] or row_b[y]
            known[b][y] = row_a[y] and row_b[y]
        known[a][a] = known[b][b] = known[a][b] = True
        known[b][a] = False
        kept.append((a, b))
    need = set(outs)
    result = []
    for a, b in reversed(kept):
        need_a, need_b = a in need, b in need
        if need_a or need_b:
            result.append((a, b, need_a, need_b))
            need.add(a)
            need.add(b)
    result.reverse()
    return result


def schedule(net, keep):
    """Reorders comparators (keeping each wire's own order) to shorten live ranges: the JIT cannot hold 81
    vectors in registers, so a comparator that retires wires, or needs no new one, goes first. Wires are
    loaded at first use. `keep` are wires still read after the network."""
    uses = {}
    for i, (a, b, _, _) in enumerate(net):
        uses.setdefault(a, []).append(i)
        uses.setdefault(b, []).append(i)
    position = {w: 0 for w in uses}
    done = [False] * len(net)
    loaded = set()
    order = []
    for _ in range(len(net)):
        best = None
        for i, (a, b, _, _) in enumerate(net):
            if done[i] or uses[a][position[a]] != i or uses[b][position[b]] != i:
                continue
            fresh = (a not in loaded) + (b not in loaded)
            retired = sum(1 for w in (a, b) if position[w] == len(uses[w]) - 1 and w not in keep)
            score = (retired - fresh, -i)
            if best is None or score > best[0]:
                best = (score, i)
        i = best[1]
        a, b, _, _ = net[i]
        done[i] = True
        order.append(net[i])
        loaded.update((a, b))
        position[a] += 1
        position[b] += 1
    return order


def run(net, values):
    v = list(values)
    for a, b, _, _ in net:
        x, y = v[a], v[b]
        v[a], v[b] = min(x, y), max(x, y)
    return v


def verify_sort(net, n):
    rng = random.Random(n)
    for _ in range(3000):
        vals = [rng.randint(0, 6) for _ in range(n)]
        assert run(net, vals) == sorted(vals), f"sort{n} failed"


def verify_merge_median(net, m, out):
    n = 3 * m
    for counts in itertools.product(range(m + 1), repeat=3):
        vals = []
        for c in counts:
            vals += [0] * (m - c) + [1] * c
        assert run(net, vals)[out] == sorted(vals)[n // 2], f"median of 3x{m} failed"


def emit_ce(lines, a, b, need_a, need_b, indent):
    if need_a and need_b:
        lines.append(f"{indent}(v{a}, v{b}) = (Vector256.MinNative(v{a}, v{b}), Vector256.MaxNative(v{a}, v{b}));")
    elif need_a:
        lines.append(f"{indent}v{a} = Vector256.MinNative(v{a}, v{b});")
    else:
        lines.append(f"{indent}v{b} = Vector256.MaxNative(v{a}, v{b});")


def emit_sort(m, lines):
    net = schedule(prune(m, batcher(m), [], list(range(m))), set(range(m)))
    verify_sort(net, m)
    ind = "        "
    lines.append(f"    /// <summary>Sorts the {m} vectors at <paramref name=\"source\"/> + <paramref name=\"offsets\"/>[i] lane-wise and stores them at <paramref name=\"destination\"/> + i·<paramref name=\"destinationStride\"/>. {len(net)} compare-exchanges.</summary>")
    lines.append("    [MethodImpl(MethodImplOptions.AggressiveOptimization)]")
    lines.append(f"    internal static void SortColumn{m}(ref float source, ReadOnlySpan<nint> offsets, ref float destination, nint destinationStride)")
    lines.append("    {")
    lines.append(f"        ref nint o = ref MemoryMarshal.GetReference(offsets[..{m}]);")
    loaded = set()
    for a, b, na, nb in net:
        for w in (a, b):
            if w not in loaded:
                loaded.add(w)
                lines.append(f"{ind}var v{w} = Vector256.LoadUnsafe(ref source, (nuint)Unsafe.Add(ref o, {w}));")
        emit_ce(lines, a, b, na, nb, ind)
    for i in range(m):
        lines.append(f"{ind}v{i}.StoreUnsafe(ref destination, (nuint)(destinationStride * {i}));")
    lines.append("    }")
    lines.append("")
    return len(net)


def emit_merge_median(m, lines):
    n = 3 * m
    lists = [list(range(k * m, (k + 1) * m)) for k in range(3)]
    out = n // 2
    net = schedule(prune(n, batcher(n), lists, [out]), {out})
    verify_merge_median(net, m, out)
    ind = "        "
    lines.append(f"    /// <summary>Median of the union of three lane-wise sorted lists of {m}: list k, entry t is the vector at <paramref name=\"columns\"/> + (k − 1) + t·<paramref name=\"stride\"/> (the sorted columns left of, at and right of the output). {len(net)} compare-exchanges.</summary>")
    lines.append("    [MethodImpl(MethodImplOptions.AggressiveOptimization)]")
    lines.append(f"    internal static Vector256<float> MedianOfThreeSorted{m}(ref float columns, nint stride)")
    lines.append("    {")
    loaded = set()
    for a, b, na, nb in net:
        for w in (a, b):
            if w not in loaded:
                loaded.add(w)
                k, t = divmod(w, m)
                lines.append(f"{ind}var v{w} = Vector256.LoadUnsafe(ref Unsafe.Add(ref columns, {k - 1}), (nuint)(stride * {t}));")
        emit_ce(lines, a, b, na, nb, ind)
    lines.append(f"{ind}return v{out};")
    lines.append("    }")
    lines.append("")
    return len(net)


def main():
    lines = [
        "// <auto-generated> by generate_median_networks.py in this folder; edit the generator, not this file. </auto-generated>",
        "using System.Runtime.CompilerServices;",
        "using System.Runtime.InteropServices;",
        "using System.Runtime.Intrinsics;",
        "",
        "namespace Fast.Kernels.Filters;",
        "",
        "/// <summary>Lane-wise min/max selection networks for the 3^d median (d = 3, 4); exact for values without NaN and −0.</summary>",
        "internal static class MedianNetworks",
        "{",
    ]
    counts = {}
    for m in (9, 27):
        counts[f"sort{m}"] = emit_sort(m, lines)
        counts[f"merge{m}"] = emit_merge_median(m, lines)
    lines[-1:] = ["}", ""]
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "MedianNetworks.g.cs"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print(counts)


if __name__ == "__main__":
    main()
