#!/usr/bin/python3
"""Kernel CPU of copy_file_range by the page offsets of source and destination (issue 18's copy phase).

`fastmerge convert`/`fix`/`lora bake` copy unchanged tensors file to file with copy_file_range, as `cp` does; but a
tensor's offset in the output (8 + header length + its place) and in the input (a zip entry, or another header) differ
by an amount that is not a multiple of the page size, while `cp` copies every byte to the same offset. This copies
512 MiB of a warm file at pairs of offsets in 16 MiB calls and prints the system CPU seconds (best of 3): same page
offset (as cp) against different ones (as a convert). Usage: bench/copy_alignment.py FILE [DESTINATION_FOLDER]
"""
import os
import resource
import sys

source = sys.argv[1]
folder = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(source))
target = os.path.join(folder, ".copy-alignment.tmp")
size = 512 << 20
if os.path.getsize(source) < size + 8192:
    sys.exit(f"{source}: needs at least {size + 8192} bytes")


def copy_cpu(source_offset, target_offset, call=16 << 20):
    if os.path.exists(target):
        os.unlink(target)
    i = os.open(source, os.O_RDONLY)
    o = os.open(target, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_stime
    done = 0
    while done < size:
        done += os.copy_file_range(i, o, min(size - done, call), source_offset + done, target_offset + done)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_stime
    os.close(o)
    os.close(i)
    os.unlink(target)
    return after - before


with open(source, "rb") as f:  # warm the source's page cache
    while f.read(1 << 24) and f.tell() < size + 8192:
        pass
cases = [(0, 0), (64, 64), (64, 0), (64, 3000), (0, 4000)]
best = {c: min(copy_cpu(*c) for _ in range(3)) for c in cases}
for (s, t), cpu in best.items():
    shift = (t - s) % 4096
    print(f"source offset {s:5d}, destination offset {t:5d} (page shift {shift:4d}): {cpu:.3f} s system CPU per 512 MiB")
