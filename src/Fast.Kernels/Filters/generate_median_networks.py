#!/usr/bin/env python3
"""Generates MedianNetworks.g.cs: the min/max networks of the SIMD median filter.

Column sorts are Batcher odd-even merge sorts. The median of three sorted lists (n = 3m values) is
"merge two, then select against the third": Batcher's odd-even merge of lists 0 and 1 into X (sorted, 2m),
then the k-th smallest of X and list 2 (Y) is min over i + j = k of max(X_i, Y_j) (1-based, X_0 = Y_0 = −inf;
the k smallest are some i of X and j of Y, and the best such split has the smallest largest member). For m = 27
that is 234 min/max instructions where a pruned Batcher sort of all 81 values needs 634. Every network is
then pruned twice:
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


def odd_even_merge(lo, n, r):
    """Batcher's odd-even merge of slots lo..lo+n−1 (n a power of two) whose halves are sorted."""
    step = r * 2
    if step < n:
        yield from odd_even_merge(lo, n, step)
        yield from odd_even_merge(lo + r, n, step)
        for i in range(lo + r, lo + n - r, step):
            yield (i, i + r)
    else:
        yield (lo, lo + r)


def merge_lists(first, second):
    """Comparators merging two sorted lists of wires, and the wires in sorted order afterwards. The lists are
    padded to a power of two with +inf slots: a comparator whose max slot holds +inf does nothing, one whose min
    slot holds it just moves the real wire down."""
    p = 1
    while p < max(len(first), len(second)):
        p *= 2
    holder = {}
    for t in range(p):
        holder[t] = first[t] if t < len(first) else None
        holder[p + t] = second[t] if t < len(second) else None
    comps = []
    for a, b in odd_even_merge(0, 2 * p, 1):
        wire_a, wire_b = holder[a], holder[b]
        if wire_b is None:
            continue
        if wire_a is None:
            holder[a], holder[b] = wire_b, None
            continue
        comps.append((wire_a, wire_b))
    return comps, [holder[s] for s in range(2 * p) if holder[s] is not None]


def merge_then_select(m):
    """Comparators giving the median of three sorted lists of m (wires k·m … k·m + m − 1), and its wire."""
    lists = [list(range(k * m, (k + 1) * m)) for k in range(3)]
    comps, x = merge_lists(lists[0], lists[1])
    y = lists[2]
    k = (3 * m) // 2 + 1
    terms = []
    for j in range(m + 1):
        i = k - j
        if i < 0 or i > 2 * m:
            continue
        if j == 0:
            terms.append(x[i - 1])
        elif i == 0:
            terms.append(y[j - 1])
        else:
            comps.append((x[i - 1], y[j - 1]))  # the max lands on y's wire
            terms.append(y[j - 1])
    for t in terms[1:]:
        comps.append((terms[0], t))  # the min lands on terms[0]
    return comps, terms[0]


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
    comps, out = merge_then_select(m)
    net = schedule(prune(n, comps, lists, [out]), {out})
    verify_merge_median(net, m, out)
    ind = "        "
    lines.append(f"    /// <summary>Median of the union of three lane-wise sorted lists of {m}: list k, entry t is the vector at <paramref name=\"columns\"/> + (k − 1) + t·<paramref name=\"stride\"/> (the sorted columns left of, at and right of the output). {len(net)} compare-exchanges, {sum(na + nb for _, _, na, nb in net)} min/max.</summary>")
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
    methods = []
    for m in (9, 27):
        counts[f"sort{m}"] = emit_sort(m, methods)
        counts[f"merge{m}"] = emit_merge_median(m, methods)
    methods.pop()
    # One copy per vector width: the networks are the same, only the lane count differs (8 or 16 floats).
    for width, lanes in ((256, 8), (512, 16)):
        lines.append(f"    /// <summary>The networks on Vector{width}: {lanes} outputs at a time.</summary>")
        lines.append(f"    internal static class V{width}")
        lines.append("    {")
        lines.extend(("    " + line.replace("Vector256", f"Vector{width}")) if line else line for line in methods)
        lines.append("    }")
        lines.append("")
    lines[-1:] = ["}", ""]
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "MedianNetworks.g.cs"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print(counts)


if __name__ == "__main__":
    main()
