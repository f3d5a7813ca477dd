#!/usr/bin/env bash
# A hostile run of the kind issue 21 reported (crafted and mutated files, environment attacks, signals at random
# moments, shrinking inputs, C ABI JSON abuse), against the built CLI and libfastmerge.so, seeded so a failing run
# can be replayed. Prints one count per promise; every count but "stale temp files cleaned" must be 0, and that one
# must equal the number planted.
#
#   bench/hostile.sh [SEED]        (default 21)
#
# Sizes (environment): HOSTILE_MUTANTS (default 12) mutated files (plus 11 crafted ones), each through inspect, check
# and merge (as A mapped, or as B with --no-mmap); HOSTILE_SIGNALS (default 12) merges and bulk runs signalled at a
# random moment; HOSTILE_SHRINKS (default 7)
# runs whose input is truncated at a random moment; HOSTILE_SCALE (default 8: SD1 at 1/8, ~33 MB) for the models
# that are signalled or truncated. The defaults take about 3-4 minutes on 2 cores shared with other builds (each CLI
# start costs ~1-2 s there); raise the counts on an idle machine.
#
# Uses src/Fast.Cli/bin/Release/net10.0/fastmerge.dll (dotnet build Fast.sln -c Release) or $FASTMERGE (a fastmerge
# executable); the C ABI part uses native-compat/build/libfastmerge.so when built (native-compat/build-native.sh)
# and reports itself skipped otherwise. Environment attacks that need a mount namespace (a full tmpfs) use
# `unshare -rm`. Work files go to $HOSTILE_DIR (default: a fresh folder under /tmp, removed at the end).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seed=${1:-21}
mutants=${HOSTILE_MUTANTS:-12} signals=${HOSTILE_SIGNALS:-12} shrinks=${HOSTILE_SHRINKS:-7} scale=${HOSTILE_SCALE:-8}
RANDOM=$seed
work=${HOSTILE_DIR:-$(mktemp -d /tmp/hostile-run.XXXXXX)}
mkdir -p "$work"
[ -n "${HOSTILE_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
export FASTMERGE_CACHE_DIR=$work/hash-cache DOTNET_CLI_TELEMETRY_OPTOUT=1

if [ -n "${FASTMERGE:-}" ]; then fm_cmd=("$FASTMERGE")
else
  dll=$root/src/Fast.Cli/bin/Release/net10.0/fastmerge.dll
  [ -f "$dll" ] || { echo "hostile.sh: build first: dotnet build Fast.sln -c Release" >&2; exit 1; }
  fm_cmd=(dotnet "$dll")
fi
lib=$root/native-compat/build/libfastmerge.so

crashes=0 hangs=0 exit70=0 temp_left=0 stale_planted=0 stale_cleaned=0 inputs_changed=0 torn=0 wrong_exit=0 runs=0
notes=()
note() { notes+=("$1"); }

# run TIMEOUT EXPECTED_CODES -- ARGS...: one CLI run, classified. Expected codes are a regex (e.g. '^(0|2)$').
last_err=
run() {
  local limit=$1 expected=$2; shift 3
  local err=$work/stderr.txt code
  timeout -s KILL "$limit" "${fm_cmd[@]}" "$@" >/dev/null 2>"$err"; code=$?
  runs=$((runs + 1)); last_err=$(head -c 300 "$err" | tr '\n' ' ')
  classify "$code" "$expected" "$*"
  return 0
}

# classify CODE EXPECTED WHAT: counts a crash (a signal we did not send, a runtime fatal error), a hang (killed by
# the timeout), an exit 70, or any other unexpected code.
classify() {
  local code=$1 expected=$2 what=$3
  if [ "$code" -eq 137 ] && [ "${sent_kill:-0}" = 0 ]; then hangs=$((hangs + 1)); note "hang: $what"
  elif grep -q "Fatal error\|Unhandled exception\|core dumped" "$work/stderr.txt" 2>/dev/null \
       || { [ "$code" -ge 128 ] && ! [[ $code =~ $expected ]]; }; then crashes=$((crashes + 1)); note "crash ($code): $what: $last_err"
  elif [ "$code" -eq 70 ]; then exit70=$((exit70 + 1)); note "exit 70: $what: $last_err"
  elif ! [[ $code =~ $expected ]]; then wrong_exit=$((wrong_exit + 1)); note "exit $code (expected $expected): $what: $last_err"
  fi
}

temps_in() { find "$1" -maxdepth 1 -name '.*.tmp' 2>/dev/null | wc -l; }
sha() { sha256sum "$@" | awk '{print $1}'; }

echo "hostile.sh: seed $seed, $mutants mutants, $signals signals, $shrinks shrinking inputs, scale 1/$scale; work $work"

# ---- inputs ---------------------------------------------------------------------------------------------------------
"${fm_cmd[@]}" synth --arch sd1 --scale 64 --seed 1 -o "$work/small-a.safetensors" >/dev/null
"${fm_cmd[@]}" synth --arch sd1 --scale 64 --seed 2 -o "$work/small-b.safetensors" >/dev/null
"${fm_cmd[@]}" synth --arch sd1 --scale "$scale" --seed 1 -o "$work/big-a.safetensors" >/dev/null
"${fm_cmd[@]}" synth --arch sd1 --scale "$scale" --seed 2 -o "$work/big-b.safetensors" >/dev/null
pristine=("$work/small-a.safetensors" "$work/small-b.safetensors" "$work/big-a.safetensors" "$work/big-b.safetensors")
before=$(sha "${pristine[@]}")

# ---- 1. crafted and mutated files -----------------------------------------------------------------------------------
mkdir -p "$work/mutants" "$work/mut-out"
/usr/bin/python3 - "$work/small-a.safetensors" "$work/mutants" "$mutants" "$seed" <<'PY'
import json, random, struct, sys
src, out, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
raw = open(src, "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
header, data = raw[8:8 + n], raw[8 + n:]
rng = random.Random(seed)
def pack(h, d):
    return struct.pack("<Q", len(h)) + h + d
crafted = [  # the issue's own cases and their neighbours
    pack(b'{"__metadata__":{"a":"\\ud800"},"t":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}', b"\0\0"),
    pack(b'{"t":{"dtype":"F16","shape":[1099511627776,1099511627776,0],"data_offsets":[0,0]}}', b""),
    pack(b'{"t":{"dtype":"F16","shape":[9223372036854775808,0],"data_offsets":[0,0]}}', b""),
    pack(b'{"t":{"dtype":"F16","shape":[2,2],"data_offsets":[0,8]},"\\u0074":{"dtype":"F16","shape":[1],"data_offsets":[8,10]}}', b"\0" * 10),
    pack(b'{"t":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}', b"\0" * 4),
    pack(b'{"t":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}', b"\0" * 16),
    pack(b'[' * 5000 + b']' * 5000, b""),
    struct.pack("<Q", 2**63) + header, struct.pack("<Q", 100_000_001) + header, b"", b"\0" * 7,
]
for i, blob in enumerate(crafted):
    open(f"{out}/crafted-{i:02d}.safetensors", "wb").write(blob)
for i in range(count):
    h, d = bytearray(header), bytearray(data)
    kind = rng.randrange(6)
    if kind == 0:  # flip header bytes
        for _ in range(rng.randint(1, 8)):
            h[rng.randrange(len(h))] = rng.randrange(256)
    elif kind == 1:  # replace a number in the header with a hostile one
        text = h.decode("utf-8", "replace")
        digits = [j for j, c in enumerate(text) if c.isdigit()]
        j = rng.choice(digits)
        text = text[:j] + rng.choice(["18446744073709551615", "9223372036854775807", "-1", "0", "1e308", "4294967296"]) + text[j + 1:]
        h = bytearray(text.encode())
    elif kind == 2:  # truncate anywhere
        blob = pack(bytes(h), bytes(d))
        open(f"{out}/mutant-{i:03d}.safetensors", "wb").write(blob[:rng.randrange(len(blob))])
        continue
    elif kind == 3:  # a lying length prefix
        open(f"{out}/mutant-{i:03d}.safetensors", "wb").write(struct.pack("<Q", rng.choice([len(h) + 1, len(h) - 1, 0, 2**40])) + bytes(h) + bytes(d))
        continue
    elif kind == 4:  # a string spliced with escapes: surrogates, NUL, controls
        j = rng.randrange(len(h))
        h[j:j] = rng.choice([b"\\ud800", b"\\udc00", b"\\u0000", b"\x00", b"\xff\xfe", b"\\", b'"'])
    else:  # swap two tensors' offsets
        obj = json.loads(bytes(h))
        keys = [k for k in obj if k != "__metadata__"]
        a, b = rng.sample(keys, 2)
        obj[a]["data_offsets"], obj[b]["data_offsets"] = obj[b]["data_offsets"], obj[a]["data_offsets"]
        h = bytearray(json.dumps(obj, separators=(",", ":")).encode())
    open(f"{out}/mutant-{i:03d}.safetensors", "wb").write(pack(bytes(h), bytes(d)))
PY
files=0
for f in "$work"/mutants/*.safetensors; do
  files=$((files + 1))
  run 60 '^(0|2)$' -- inspect "$f"
  run 60 '^(0|1|2)$' -- check "$f"
  if (( files % 2 )); then run 60 '^(0|2)$' -- merge -a "$f" -b "$work/small-b.safetensors" -o "$work/mut-out/m.safetensors" --overwrite --no-fsync
  else run 60 '^(0|2)$' -- merge -a "$work/small-a.safetensors" -b "$f" -o "$work/mut-out/m.safetensors" --overwrite --no-fsync --no-mmap; fi
done
echo "  1. crafted/mutated files: $files files, $runs runs"

# ---- 2. environment attacks -----------------------------------------------------------------------------------------
env0=$runs
envdir=$work/env; mkdir -p "$envdir"
mkfifo "$envdir/fifo.safetensors"
for input in "$envdir/fifo.safetensors" /dev/zero /dev/null /dev/urandom "$envdir" /proc/self/status; do
  run 30 '^2$' -- inspect "$input"
  run 30 '^2$' -- hash "$input"
  run 30 '^(1|2)$' -- check "$input"
  run 30 '^2$' -- merge -a "$input" -b "$work/small-b.safetensors" -o "$envdir/o.safetensors" --no-fsync
  run 30 '^2$' -- merge -a "$work/small-a.safetensors" -b "$input" -o "$envdir/o.safetensors" --no-fsync --no-mmap
done
ln -s "$envdir/loop1" "$envdir/loop2"; ln -s "$envdir/loop2" "$envdir/loop1"
run 30 '^2$' -- inspect "$envdir/loop1"
long=$(printf 'o%.0s' $(seq 240)); run 60 '^0$' -- merge -a "$work/small-a.safetensors" -b "$work/small-b.safetensors" -o "$envdir/$long.safetensors" --no-fsync
toolong=$(printf 'o%.0s' $(seq 250)); run 60 '^2$' -- merge -a "$work/small-a.safetensors" -b "$work/small-b.safetensors" -o "$envdir/$toolong.safetensors" --no-fsync
run 30 '^2$' -- merge -a "$work/small-a.safetensors" -b "$work/small-b.safetensors" -o "$envdir/no/such/dir/o.safetensors"
run 30 '^2$' -- merge -a "$work/small-a.safetensors" -b "$work/small-b.safetensors" -o "$envdir"
mkdir -p "$envdir/ro"; chmod 555 "$envdir/ro"
if [ "$(id -u)" -ne 0 ]; then run 30 '^2$' -- merge -a "$work/small-a.safetensors" -b "$work/small-b.safetensors" -o "$envdir/ro/o.safetensors"
else # root writes through chmod: a read-only bind mount in a mount namespace instead
  sent_kill=0; timeout -s KILL 60 unshare -rm sh -c "mount --bind -o ro '$envdir/ro' '$envdir/ro' 2>/dev/null || mount -o remount,bind,ro '$envdir/ro' '$envdir/ro'; exec ${fm_cmd[*]} merge -a '$work/small-a.safetensors' -b '$work/small-b.safetensors' -o '$envdir/ro/o.safetensors'" >/dev/null 2>"$work/stderr.txt"
  code=$?; runs=$((runs + 1)); last_err=$(head -c 300 "$work/stderr.txt"); classify "$code" '^2$' "merge into a read-only folder"
fi
# A full device (a 100 KiB tmpfs) and a file-size limit: exit 3, nothing left.
mkdir -p "$envdir/tiny"
timeout -s KILL 60 unshare -rm sh -c "mount -t tmpfs -o size=100k tmpfs '$envdir/tiny' && ${fm_cmd[*]} merge -a '$work/small-a.safetensors' -b '$work/small-b.safetensors' -o '$envdir/tiny/o.safetensors'; e=\$?; n=\$(ls -A '$envdir/tiny' | wc -l); exit \$((e + 100 * n))" >/dev/null 2>"$work/stderr.txt"
code=$?; runs=$((runs + 1)); last_err=$(head -c 300 "$work/stderr.txt"); classify "$code" '^3$' "merge onto a full tmpfs (exit + 100 x files left)"
( ulimit -f 100; export DOTNET_EnableWriteXorExecute=0; exec timeout -s KILL 60 "${fm_cmd[@]}" merge -a "$work/small-a.safetensors" -b "$work/small-b.safetensors" -o "$envdir/limited.safetensors" ) >/dev/null 2>"$work/stderr.txt"
code=$?; runs=$((runs + 1)); last_err=$(head -c 300 "$work/stderr.txt"); classify "$code" '^3$' "merge under ulimit -f 100"
# A temp file of our naming that no process holds, two hours old (a power loss): the next writer removes it.
stale=$envdir/.o.safetensors.0123456789ab.tmp; printf 'partial' > "$stale"; touch -d '-2 hours' "$stale"; stale_planted=$((stale_planted + 1))
run 60 '^0$' -- merge -a "$work/small-a.safetensors" -b "$work/small-b.safetensors" -o "$envdir/after-power-loss.safetensors" --no-fsync
[ -e "$stale" ] || stale_cleaned=$((stale_cleaned + 1))
[ "$(temps_in "$envdir")" -eq 0 ] || { temp_left=$((temp_left + $(temps_in "$envdir"))); note "temp file left by an environment attack"; }
# Bulk plans with unusable strings.
printf '{"a":{"path":"%s\\u0000"},"b":{"path":"%s"},"out":"%s/p1.safetensors"}\n' "$work/small-a.safetensors" "$work/small-b.safetensors" "$envdir" > "$envdir/nul.jsonl"
printf '{"a":{"path":"%s"},"b":{"path":"%s\\ud800"},"out":"%s/p2.safetensors"}\n' "$work/small-a.safetensors" "$work/small-b.safetensors" "$envdir" > "$envdir/surrogate.jsonl"
printf '{"a":{"path":"%s"},"b":{"path":"%s"},"out":"%s/p3.safetensors","\\u006fut":"x"}\n' "$work/small-a.safetensors" "$work/small-b.safetensors" "$envdir" > "$envdir/dup.jsonl"
for p in nul surrogate dup; do run 30 '^2$' -- bulk "$envdir/$p.jsonl"; done
echo "  2. environment attacks: $((runs - env0)) runs"

# ---- 3. signals at random moments -----------------------------------------------------------------------------------
sig0=$runs
sigdir=$work/signals; mkdir -p "$sigdir"
for ((i = 0; i < signals; i++)); do
  sig=$(( (RANDOM % 3 == 0) ? 9 : ((RANDOM % 2) ? 2 : 15) ))
  delay=$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.3 + (r % 250) / 100 }')
  out=$sigdir/s$i.safetensors
  if (( i % 3 == 2 )); then
    printf '{"a":{"path":"%s"},"b":{"path":"%s"},"mode":"ws","alpha":0.%d,"out":"%s/b%d-%d.safetensors"}\n' \
      "$work/big-a.safetensors" "$work/big-b.safetensors" 1 "$sigdir" "$i" 1 "$work/big-a.safetensors" "$work/big-b.safetensors" 2 "$sigdir" "$i" 2 > "$sigdir/plan$i.jsonl"
    "${fm_cmd[@]}" bulk "$sigdir/plan$i.jsonl" --threads 1 --max-memory 1M >/dev/null 2>"$work/stderr.txt" & pid=$!
    what="bulk, signal $sig after ${delay}s"
  else
    "${fm_cmd[@]}" merge -a "$work/big-a.safetensors" -b "$work/big-b.safetensors" -c "$work/big-a.safetensors" --mode ad --calc smoothAdd \
      --threads 1 -o "$out" >/dev/null 2>"$work/stderr.txt" & pid=$!
    what="merge, signal $sig after ${delay}s"
  fi
  if [ "$sig" = 9 ]; then # a kill while writing, as a node loss: once the temp file exists, at a random moment
    for ((w = 0; w < 2000 && $(temps_in "$sigdir") == 0; w++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.01; done
    delay=$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", (r % 50) / 100 }'); what="$what (after the temp file)"
  fi
  sleep "$delay"; kill -"$sig" "$pid" 2>/dev/null
  ( sleep 120; kill -9 "$pid" 2>/dev/null ) & watchdog=$!
  { wait "$pid"; } 2>/dev/null; code=$?; kill "$watchdog" 2>/dev/null; wait "$watchdog" 2>/dev/null
  runs=$((runs + 1)); last_err=$(head -c 300 "$work/stderr.txt" | tr '\n' ' ')
  case $sig in
    9) sent_kill=1; classify "$code" '^(0|1|137)$' "$what"; sent_kill=0
       # The killed run's temp file, aged past the minute a live writer may take to lock it: the next run removes it.
       for t in $(find "$sigdir" -maxdepth 1 -name '.*.tmp'); do
         touch -d '-2 hours' "$t"; stale_planted=$((stale_planted + 1))
         "${fm_cmd[@]}" merge -a "$work/small-a.safetensors" -b "$work/small-b.safetensors" -o "$sigdir/next.safetensors" --overwrite --no-fsync >/dev/null 2>&1
         [ -e "$t" ] || stale_cleaned=$((stale_cleaned + 1))
       done ;;
    2) classify "$code" '^(0|130)$' "$what" ;;
    15) classify "$code" '^(0|143)$' "$what" ;;
  esac
  if [ "$sig" != 9 ]; then
    left=$(temps_in "$sigdir"); [ "$left" -eq 0 ] || { temp_left=$((temp_left + left)); note "temp file left after signal $sig: $what"; rm -f "$sigdir"/.*.tmp; }
  fi
done
echo "  3. signals: $((runs - sig0)) runs (SIGKILL, SIGINT, SIGTERM)"

# ---- 4. shrinking inputs ----------------------------------------------------------------------------------------------
shr0=$runs
shrdir=$work/shrink; mkdir -p "$shrdir"
commands=(merge merge-nommap bulk bulk-nommap fix check hash)
for ((i = 0; i < shrinks; i++)); do
  victim=$shrdir/victim.safetensors; cp "$work/big-b.safetensors" "$victim"
  cmd=${commands[$((i % ${#commands[@]}))]}
  out=$shrdir/o$i.safetensors
  case $cmd in
    merge) args=(merge -a "$work/big-a.safetensors" -b "$victim" -o "$out" --threads 1 --no-fsync) ;;
    merge-nommap) args=(merge -a "$work/big-a.safetensors" -b "$victim" -o "$out" --threads 1 --no-fsync --no-mmap) ;;
    bulk|bulk-nommap)
      printf '{"a":{"path":"%s"},"b":{"path":"%s"},"alpha":0.%d,"out":"%s/b%d-%d.safetensors"}\n' \
        "$work/big-a.safetensors" "$victim" 1 "$shrdir" "$i" 1 "$work/big-a.safetensors" "$victim" 2 "$shrdir" "$i" 2 "$work/big-a.safetensors" "$victim" 3 "$shrdir" "$i" 3 > "$shrdir/plan.jsonl"
      args=(bulk "$shrdir/plan.jsonl" --threads 1 --max-memory 1M --no-fsync); [ "$cmd" = bulk ] || args+=(--no-mmap) ;;
    fix) args=(fix "$victim" -o "$out") ;;
    check) args=(check "$victim") ;;
    hash) args=(hash "$victim") ;;
  esac
  delay=$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.2 + (r % 150) / 100 }')
  "${fm_cmd[@]}" "${args[@]}" >/dev/null 2>"$work/stderr.txt" & pid=$!
  sleep "$delay"; truncate -s $(( $(stat -c %s "$victim") / 3 )) "$victim"
  ( sleep 120; kill -9 "$pid" 2>/dev/null ) & watchdog=$!
  { wait "$pid"; } 2>/dev/null; code=$?; kill "$watchdog" 2>/dev/null; wait "$watchdog" 2>/dev/null
  runs=$((runs + 1)); last_err=$(head -c 300 "$work/stderr.txt" | tr '\n' ' ')
  # 0: finished before the truncation; 1: check found the truncated file unhealthy; 2: "changed while being read".
  classify "$code" '^(0|1|2)$' "$cmd with its input truncated after ${delay}s"
  left=$(temps_in "$shrdir"); [ "$left" -eq 0 ] || { temp_left=$((temp_left + left)); note "temp file left by $cmd on a shrinking input"; rm -f "$shrdir"/.*.tmp; }
done
echo "  4. shrinking inputs: $((runs - shr0)) runs (${commands[*]})"

# ---- 5. C ABI JSON abuse --------------------------------------------------------------------------------------------
if [ -f "$lib" ]; then
  abi=$(/usr/bin/python3 - "$lib" "$work/small-a.safetensors" "$work/small-b.safetensors" "$work/abi" "$seed" <<'PY'
import ctypes, json, os, random, subprocess, sys
lib_path, a, b, out, seed = sys.argv[1:6]
os.makedirs(out, exist_ok=True)
rng = random.Random(int(seed))
o = os.path.join(out, "o.safetensors")
recipe = {"a": {"path": a}, "b": {"path": b}}
good = json.dumps({"recipe": recipe, "output": o})
cases = [
    ("merge", b"{"), ("merge", b"[]"), ("merge", b"null"), ("merge", b"\xff\xfe"), ("merge", b"{}"),
    ("merge", ('{"recipe":%s,"output":"%s","output":"%s2"}' % (json.dumps(recipe), o, o)).encode()),
    ("merge", ('{"recipe":%s,"r\\u0065cipe":%s,"output":"%s"}' % (json.dumps(recipe), json.dumps(recipe), o)).encode()),
    ("merge", ('{"recipe":%s,"output":"%s\\u0000x"}' % (json.dumps(recipe), o)).encode()),
    ("merge", ('{"recipe":%s,"output":"%s\\ud800"}' % (json.dumps(recipe), o)).encode()),
    ("merge", ('{"recipe":{"a":{"path":"%s\\udc00"},"b":{"path":"%s"}},"output":"%s"}' % (a, b, o)).encode()),
    ("merge", ('{"recipe":%s,"output":"%s","threads":1e999}' % (json.dumps(recipe), o)).encode()),
    ("merge", ('{"recipe":%s,"output":"%s","threads":-1}' % (json.dumps(recipe), o)).encode()),
    ("merge", ('{"recipe":%s,"output":"%s","overwrite":"yes"}' % (json.dumps(recipe), o)).encode()),
    ("merge", ('{"recipe":' + '{"a":' * 3000 + '1' + '}' * 3000 + ',"output":"x"}').encode()),
    ("merge", None),
    ("bulk", ('{"a":{"path":"%s"},"b":{"path":"%s"},"out":"%s\\u0000"}' % (a, b, o)).encode()),
    ("bulk", ('{"a":{"path":"%s"},"b":{"path":"%s"},"out":"%s","out":"%s2"}' % (a, b, o, o)).encode()),
    ("bulk", ('{"a":{"path":"%s\\ud800"},"b":{"path":"%s"},"out":"%s"}' % (a, b, o)).encode()),
    ("bulk", b"\n\n\n"), ("bulk", None),
    ("check", b"/dev/zero"), ("check", b"/nonexistent"), ("check", a.encode() + b"\xff"), ("check", None),
    ("fix", ('{"input":"%s","output":"%s","input":"%s"}' % (a, o, b)).encode()),
    ("fix", ('{"input":"%s\\u0000","output":"%s"}' % (a, o)).encode()),
]
for i in range(40):  # mutated good requests
    s = bytearray(good.encode())
    for _ in range(rng.randint(1, 4)):
        j = rng.randrange(len(s))
        s[j:j + 1] = rng.choice([b"", b"\\", b'"', b"\\u0000", b"\\ud800", b"{", b"}", b",", b"\x00", bytes([rng.randrange(256)])])
    cases.append(("merge", bytes(s).split(b"\x00")[0]))
child = r'''
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
kind, arg = sys.argv[2], (None if sys.argv[3] == "-" else bytes.fromhex(sys.argv[3]))
report = ctypes.c_void_p()
lib.fm_free.argtypes = [ctypes.c_void_p]
if kind == "merge": status = lib.fm_merge_json(ctypes.c_char_p(arg), None, None)
elif kind == "bulk": status = lib.fm_bulk_json(ctypes.c_char_p(arg), None, None)
elif kind == "fix": status = lib.fm_fix_json(ctypes.c_char_p(arg))
else:
    status = lib.fm_check_json(ctypes.c_char_p(arg), ctypes.byref(report))
    lib.fm_free(report)
print(status)
'''
crashes = internal = hangs = ok = 0
for kind, arg in cases:
    try:
        p = subprocess.run([sys.executable, "-c", child, lib_path, kind, "-" if arg is None else arg.hex()],
                           capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        hangs += 1; print("# hang:", kind, arg[:80] if arg else arg, file=sys.stderr); continue
    if p.returncode != 0:
        crashes += 1; print("# crash:", p.returncode, kind, arg[:80] if arg else arg, p.stderr[-200:], file=sys.stderr)
    elif p.stdout.strip() == "3":
        internal += 1; print("# internal (status 3):", kind, arg[:120] if arg else arg, file=sys.stderr)
    else:
        ok += 1
print(len(cases), crashes, internal, hangs)
PY
)
  read -r abi_cases abi_crashes abi_internal abi_hangs <<<"$abi"
  crashes=$((crashes + abi_crashes)); exit70=$((exit70 + abi_internal)); hangs=$((hangs + abi_hangs))
  echo "  5. C ABI JSON abuse: $abi_cases calls (status 3 counts as exit 70)"
else
  echo "  5. C ABI JSON abuse: skipped (no $lib; run native-compat/build-native.sh)"
fi

# ---- inputs unchanged, no torn output ---------------------------------------------------------------------------------
after=$(sha "${pristine[@]}")
[ "$before" = "$after" ] || { inputs_changed=$(diff <(echo "$before") <(echo "$after") | grep -c '^>'); note "an input changed"; }
checked=0
while IFS= read -r -d '' f; do
  checked=$((checked + 1))
  "${fm_cmd[@]}" inspect "$f" >/dev/null 2>&1 || { torn=$((torn + 1)); note "torn output: $f"; }
done < <(find "$work/signals" "$work/shrink" "$work/env" "$work/mut-out" -maxdepth 1 -name '*.safetensors' ! -name '.*' ! -name 'victim.safetensors' -type f -print0 2>/dev/null)

echo
echo "hostile run, seed $seed: $runs CLI runs; outputs checked for tearing: $checked"
printf '  %-44s %s\n' "crashes (signal not sent, fatal error)" "$crashes" "hangs" "$hangs" "exit 70 (C ABI: status 3)" "$exit70" \
  "temp files left after SIGINT/SIGTERM/errors" "$temp_left" "stale temp files cleaned" "$stale_cleaned of $stale_planted" \
  "inputs changed" "$inputs_changed" "torn outputs" "$torn" "other unexpected exit codes" "$wrong_exit"
for n in "${notes[@]}"; do echo "  - $n"; done
[ $((crashes + hangs + exit70 + temp_left + inputs_changed + torn + wrong_exit)) -eq 0 ] && [ "$stale_cleaned" -eq "$stale_planted" ]
