#!/usr/bin/env bash
# The GPU checks of the open issues in one short run on a CUDA machine without a .NET SDK, from the folder
# build/gpu-bundle.sh packs (carry it there). Writes its logs under OUTDIR:
#   env.txt        GPU, driver, CPU
#   gpu-tests.log  Fast.Kernels.Gpu.Tests (every kernel against the scalar oracle, on ILGPU's CPU accelerator and CUDA)
#   slothful.log   `slothful replay --device gpu` on the fused golden, checked by reference.py (torch of that machine)
#   merge.log      SD1.5-layout fp16 merges, --device cpu against --device gpu: time, and cmp of the two outputs;
#                  the I/O floor (cp A + read B) in the same run
#   hostile.log    a --device gpu merge whose input is truncated mid-run, and one sent SIGTERM mid-run
#   floor.log      the default merge (fsync, output sha256, inputs' sha256 in the metadata) of SD1.5-layout fp16 with a
#                  26-value list, cold hash cache then warm, --device cpu and --device gpu, against the durable I/O floor
#                  (cp A + sync + read B) of the same run; cmp of every output, summary sha256 against sha256sum
#   bdn.log        the BenchmarkDotNet GPU suites (lerp, smooth filters), in process, short job
#   torch.log      bench/slothful_vs_torch.py --cuda (ILGPU pooling against torch CUDA pooling)
#   ties.log       issue 15: `merge --mode ties` of 3 SD1.5-layout fp16 models over a base on the CPU (timed, twice:
#                  mmap and --no-mmap, cmp), the I/O floor (cp BASE + read M1..M3), mergekit-style torch TIES on the
#                  CPU (bench/ties_vs_torch.py), and --device gpu (timed, cmp against the CPU output)
#   diff.log       `diff` of two SD1.5-layout fp16 models, --device cpu against --device gpu: time, the read floor, and
#                  the two JSON reports compared (identical but for the device's name); diff-report.html beside it
#   methods.log    issue 15: a recipe graph (ties of 3 over a base, then slerp with a 4th) on --device cpu and gpu
#                  (--threads 1/2, --no-mmap, a second run), and dare with seeds 7/7/8: each output cmp'd with the CPU's
# Usage: bench/gpu-check.sh BUNDLE OUTDIR [SECTIONS...]  (sections: tests slothful merge hostile bdn torch floor ties diff methods; default all)
# GPU_CHECK_RUNS=N: timed runs per merge and device (best of N; default 2).
set -uo pipefail
cd "$(dirname "$0")/.."
bundle=$(readlink -f "${1:?usage: bench/gpu-check.sh BUNDLE OUTDIR}") out=$(readlink -f "${2:?OUTDIR}"); shift 2
sections=("$@"); [ ${#sections[@]} -gt 0 ] || sections=(tests slothful merge hostile bdn torch floor ties diff methods)
mkdir -p "$out"
work=${GPU_CHECK_WORK:-/tmp/gpu-check}; mkdir -p "$work"
export DOTNET_ROOT=$work/dotnet DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [ -x "$(command -v dotnet)" ] && [ "${GPU_CHECK_OWN_RUNTIME:-0}" = 0 ]; then
  DOTNET_ROOT=$(dirname "$(readlink -f "$(command -v dotnet)")")
else
  mkdir -p "$DOTNET_ROOT"; [ -x "$DOTNET_ROOT/dotnet" ] || tar -C "$DOTNET_ROOT" -xJf "$bundle/dotnet-runtime.tar.xz"
fi
export PATH=$DOTNET_ROOT:$PATH
app=$work/app; [ -d "$app/cli" ] || { mkdir -p "$app"; tar -C "$app" -xJf "$bundle/apps.tar.xz"; }
fm() { dotnet "$app/cli/fastmerge.dll" "$@"; }
py=${PYTHON:-python3}
# Full-size SD1.5-layout fp16 models (GPU_CHECK_SCALE=N divides the sizes, for a dry run of this script).
models() { for s in 1 2 3; do [ -f "$work/m$s.safetensors" ] || fm synth --arch sd1 --seed $s --dtype fp16 ${GPU_CHECK_SCALE:+--scale $GPU_CHECK_SCALE} -o "$work/m$s.safetensors" >/dev/null; done; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
{ nvidia-smi -L; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader; lscpu | grep -E 'Model name|^CPU\(s\)'; dotnet --list-runtimes; } > "$out/env.txt" 2>&1

for section in "${sections[@]}"; do
  case "$section" in
  tests)   # the kernel suite: TestBackends adds "cuda" to every theory when a CUDA device opens
    (cd "$app/gpu-tests" && DOTNET_ROLL_FORWARD=Major timeout 300 dotnet "$app/xunit/xunit.console.dll" Fast.Kernels.Gpu.Tests.dll \
      -parallel none -verbose -nocolor) > "$out/gpu-tests.log" 2>&1
    echo "tests rc=$? cuda cases finished: $(grep -c 'cuda.*\[FINISHED\]' "$out/gpu-tests.log"), failed: $(grep -c '\[FAIL\]' "$out/gpu-tests.log")" >> "$out/env.txt" ;;
  slothful)
    { t0=$(now); timeout 300 dotnet "$app/cli/fastmerge.dll" slothful replay "$bundle/G.safetensors" -o "$work/slothful-out.safetensors" --overwrite --device gpu
      echo "replay rc=$? $(secs "$t0" "$(now)") s"
      $py "$app/slothful/reference.py" --check "$work/slothful-out.safetensors" --golden "$bundle/G.safetensors" 2>&1 | tail -5
    } > "$out/slothful.log" 2>&1 ;;
  merge)
    list26=0.5,1,0.9,0.8,0.7,0.6,0.5,0.4,0.3,0.2,0.1,0,0,0.5,0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1,0.5
    models
    a=$work/m1.safetensors b=$work/m2.safetensors c=$work/m3.safetensors
    {
      cat "$a" "$b" "$c" >/dev/null
      for i in 1 2; do rm -f "$work/floor"; t0=$(now); cp "$a" "$work/floor"; cat "$b" >/dev/null; echo "floor cp A + read B: $(secs "$t0" "$(now)") s"; done
      rm -f "$work/floor"
      echo "| recipe | cpu s | gpu s | cpu/gpu | bytes |"; echo "|---|---|---|---|---|"
      while IFS='|' read -r label args; do
        declare -A t=()
        for dev in cpu gpu; do
          best=999999
          for i in $(seq "${GPU_CHECK_RUNS:-2}"); do
            t0=$(now)
            timeout 300 dotnet "$app/cli/fastmerge.dll" merge -a "$a" -b "$b" $args --device $dev --no-fsync --no-output-hash --overwrite -o "$work/$dev.safetensors" >"$work/$dev.log" 2>&1 || { echo "$label $dev FAILED: $(tail -2 "$work/$dev.log")"; break; }
            best=$(awk -v x="$(secs "$t0" "$(now)")" -v y="$best" 'BEGIN { print (x < y) ? x : y }')
          done
          t[$dev]=$best
        done
        same=$(cmp -s "$work/cpu.safetensors" "$work/gpu.safetensors" && echo identical || echo DIFFERENT)
        echo "| $label | ${t[cpu]} | ${t[gpu]} | $(awk -v a="${t[cpu]}" -v b="${t[gpu]}" 'BEGIN { printf "%.2f", a / b }') | $same |"
        rm -f "$work/cpu.safetensors" "$work/gpu.safetensors"
      done <<LIST
ws, 26-value list|--mode ws --weights-alpha $list26
ad, 26-value list|-c $c --mode ad --weights-alpha $list26
ad + trainDifference|-c $c --mode ad --calc trainDifference --alpha 0.5
ad + smoothAdd|-c $c --mode ad --calc smoothAdd --alpha 0.5
ws + cosineA|--mode ws --calc cosineA --alpha 0.4
ws + cosineB|--mode ws --calc cosineB --alpha 0.4
ad + cosineB|-c $c --mode ad --calc cosineB --alpha 0.4
ad + extract|-c $c --mode ad --calc extract --alpha 0.5 --beta 0.3 --gamma 1.7
ws + tensor|--mode ws --calc tensor --alpha 0.5 --beta 0.3
ws, random weights R seed 7|--mode ws --weights-alpha R --seed 7
ws + cosineB, random weights U seed 11|--mode ws --calc cosineB --weights-alpha U --seed 11
LIST
    } > "$out/merge.log" 2>&1 ;;
  hostile)
    models; a=$work/m1.safetensors
    {
      cp "$work/m2.safetensors" "$work/victim.safetensors"; rm -rf "$work/h"; mkdir -p "$work/h"
      dotnet "$app/cli/fastmerge.dll" merge -a "$a" -b "$work/victim.safetensors" -c "$work/m3.safetensors" --mode ad --calc smoothAdd --alpha 0.5 --device gpu -o "$work/h/out.safetensors" > "$work/h.log" 2>&1 &
      pid=$!; sleep ${GPU_CHECK_DELAY:-1.5}; truncate -s 300M "$work/victim.safetensors"; wait $pid; rc=$?
      echo "truncated input: rc=$rc (want 2); message: $(tail -1 "$work/h.log"); left in the output folder: $(ls -A "$work/h" | tr '\n' ' ')"
      rm -rf "$work/h"; mkdir -p "$work/h"
      dotnet "$app/cli/fastmerge.dll" merge -a "$a" -b "$work/m2.safetensors" -c "$work/m3.safetensors" --mode ad --calc smoothAdd --alpha 0.5 --device gpu -o "$work/h/out.safetensors" > "$work/h.log" 2>&1 &
      pid=$!; sleep ${GPU_CHECK_DELAY:-1.5}; kill -TERM $pid; wait $pid; rc=$?
      echo "SIGTERM mid-run: rc=$rc (want 143); message: $(tail -1 "$work/h.log"); left in the output folder: $(ls -A "$work/h" | tr '\n' ' ')"
    } > "$out/hostile.log" 2>&1 ;;
  floor)
    list26=0.5,1,0.9,0.8,0.7,0.6,0.5,0.4,0.3,0.2,0.1,0,0,0.5,0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1,0.5
    models
    a=$work/m1.safetensors b=$work/m2.safetensors
    {
      cat "$a" "$b" >/dev/null
      best_floor=999999
      for i in 1 2; do
        rm -f "$work/floor"; sync; t0=$(now)
        timeout 60 cp "$a" "$work/floor"; timeout 60 sync "$work/floor"; timeout 60 cat "$b" >/dev/null
        f=$(secs "$t0" "$(now)"); echo "durable floor cp A + sync + read B: $f s"
        best_floor=$(awk -v x="$f" -v y="$best_floor" 'BEGIN { print (x < y) ? x : y }')
      done
      rm -f "$work/floor"
      echo "| default merge | cpu s | gpu s | cpu / floor | gpu / floor |"; echo "|---|---|---|---|---|"
      declare -A t=()
      for dev in cpu gpu; do
        rm -rf "$work/floor-cache-$dev"
        for run in cold warm; do
          rm -f "$work/floor-$dev-$run.safetensors"; sync; t0=$(now)
          FASTMERGE_CACHE_DIR=$work/floor-cache-$dev timeout 120 dotnet "$app/cli/fastmerge.dll" merge -a "$a" -b "$b" --mode ws --weights-alpha $list26 \
            --device $dev -o "$work/floor-$dev-$run.safetensors" >"$work/floor-$dev-$run.log" 2>&1 || echo "$dev $run FAILED: $(tail -2 "$work/floor-$dev-$run.log")"
          t[$dev-$run]=$(secs "$t0" "$(now)")
        done
      done
      for run in cold warm; do
        echo "| $run hash cache | ${t[cpu-$run]} | ${t[gpu-$run]} | $(awk -v a="${t[cpu-$run]}" -v b="$best_floor" 'BEGIN { printf "%.2f", a / b }') | $(awk -v a="${t[gpu-$run]}" -v b="$best_floor" 'BEGIN { printf "%.2f", a / b }') |"
      done
      echo "durable floor (best of 2): $best_floor s"
      for f in gpu-cold cpu-warm gpu-warm; do
        cmp -s "$work/floor-cpu-cold.safetensors" "$work/floor-$f.safetensors" && echo "$f: identical to cpu-cold" || echo "$f: DIFFERENT from cpu-cold"
      done
      printed=$(awk '$1 == "sha256" { print $2 }' "$work/floor-gpu-cold.log"); actual=$(timeout 60 sha256sum "$work/floor-gpu-cold.safetensors" | cut -d' ' -f1)
      [ "$printed" = "$actual" ] && echo "gpu-cold summary sha256 = sha256sum" || echo "gpu-cold summary sha256 $printed != sha256sum $actual"
      grep -h "device" "$work/floor-gpu-cold.log" | head -2
      rm -f "$work"/floor-{cpu,gpu}-{cold,warm}.safetensors
    } > "$out/floor.log" 2>&1 ;;
  bdn)
    (cd "$work" && timeout 300 dotnet "$app/bench/Fast.Bench.dll" --filter '*Gpu*' --inProcess --job short --artifacts "$work/bdn") > "$out/bdn.log" 2>&1 ;;
  ties)
    models
    [ -f "$work/m4.safetensors" ] || fm synth --arch sd1 --seed 4 --dtype fp16 ${GPU_CHECK_SCALE:+--scale $GPU_CHECK_SCALE} -o "$work/m4.safetensors" >/dev/null
    base=$work/m1.safetensors m2=$work/m2.safetensors m3=$work/m3.safetensors m4=$work/m4.safetensors
    {
      cat "$base" "$m2" "$m3" "$m4" >/dev/null
      rm -f "$work/floor"; t0=$(now); cp "$base" "$work/floor"; cat "$m2" "$m3" "$m4" >/dev/null; echo "floor cp BASE + read M1..M3: $(secs "$t0" "$(now)") s"; rm -f "$work/floor"
      for run in mmap no-mmap; do
        flag=; [ "$run" = no-mmap ] && flag=--no-mmap
        t0=$(now)
        timeout 120 dotnet "$app/cli/fastmerge.dll" merge --mode ties --base "$base" --models "$m2" "$m3" "$m4" --density 0.5 --device cpu $flag \
          --no-fsync --no-output-hash --overwrite -o "$work/ties-$run.safetensors" > "$work/ties-$run.log" 2>&1
        echo "ties cpu ($run): rc=$? $(secs "$t0" "$(now)") s $(tail -1 "$work/ties-$run.log")"
      done
      echo "mmap vs no-mmap output: $(cmp -s "$work/ties-mmap.safetensors" "$work/ties-no-mmap.safetensors" && echo identical || echo DIFFERENT)"
      rm -f "$work/ties-no-mmap.safetensors"
      t0=$(now)
      timeout 120 dotnet "$app/cli/fastmerge.dll" merge --mode ties --base "$base" --models "$m2" "$m3" "$m4" --density 0.5 --device gpu \
        --no-fsync --no-output-hash --overwrite -o "$work/ties-gpu.safetensors" > "$work/ties-gpu.log" 2>&1
      echo "ties --device gpu: rc=$? $(secs "$t0" "$(now)") s $(tail -1 "$work/ties-gpu.log"); vs cpu: $(cmp -s "$work/ties-mmap.safetensors" "$work/ties-gpu.safetensors" && echo identical || echo DIFFERENT)"
      t0=$(now)
      timeout 60 $py bench/ties_vs_torch.py "$base" "$m2" "$m3" "$m4" "$work/ties-torch.safetensors" --density 0.5 > "$work/ties-torch.log" 2>&1
      echo "mergekit-style torch ties (CPU): rc=$? $(secs "$t0" "$(now)") s (rc 124: over 60 s)"
      rm -f "$work/ties-mmap.safetensors" "$work/ties-torch.safetensors" "$work/ties-gpu.safetensors"
    } > "$out/ties.log" 2>&1 ;;
  methods) # issue 15: a recipe graph (ties of 3 over a base, then slerp with a 4th) and dare, --device gpu against the CPU
    models
    [ -f "$work/m4.safetensors" ] || fm synth --arch sd1 --seed 4 --dtype fp16 ${GPU_CHECK_SCALE:+--scale $GPU_CHECK_SCALE} -o "$work/m4.safetensors" >/dev/null
    [ -f "$work/m5.safetensors" ] || fm synth --arch sd1 --seed 5 --dtype fp16 ${GPU_CHECK_SCALE:+--scale $GPU_CHECK_SCALE} -o "$work/m5.safetensors" >/dev/null
    printf '{"inputs": {"base": "%s", "m1": "%s", "m2": "%s", "m3": "%s", "m4": "%s"},\n "merges": [{"name": "tied", "method": "ties", "base": "base", "models": ["m1", "m2", "m3"], "density": 0.3},\n  {"name": "out", "method": "slerp", "models": ["tied", "m4"], "t": 0.4}], "output": "out"}\n' \
      "$work/m1.safetensors" "$work/m2.safetensors" "$work/m3.safetensors" "$work/m4.safetensors" "$work/m5.safetensors" > "$work/graph.json"
    {
      for run in "cpu --threads 2" "gpu --threads 2" "gpu --threads 1" "gpu --no-mmap" "gpu --threads 2"; do
        name=$(echo "$run" | tr -d ' -'); t0=$(now)
        timeout 120 dotnet "$app/cli/fastmerge.dll" merge --recipe "$work/graph.json" --device $run --no-fsync --no-output-hash --overwrite \
          -o "$work/graph-$name.safetensors" > "$work/graph-$name.log" 2>&1
        echo "graph --device $run: rc=$? $(secs "$t0" "$(now)") s $(tail -1 "$work/graph-$name.log"); vs cpu: $(cmp -s "$work/graph-cputhreads2.safetensors" "$work/graph-$name.safetensors" && echo identical || echo DIFFERENT)"
      done
      for run in "cpu 7" "gpu 7" "gpu 8"; do
        set -- $run; t0=$(now)
        timeout 120 dotnet "$app/cli/fastmerge.dll" merge --mode dare --base "$work/m1.safetensors" --models "$work/m2.safetensors" "$work/m3.safetensors" \
          --density 0.5 --seed $2 --device $1 --no-fsync --no-output-hash --overwrite -o "$work/dare-$1-$2.safetensors" > "$work/dare-$1-$2.log" 2>&1
        echo "dare --device $1 --seed $2: rc=$? $(secs "$t0" "$(now)") s; vs cpu seed 7: $(cmp -s "$work/dare-cpu-7.safetensors" "$work/dare-$1-$2.safetensors" && echo identical || echo different)"
      done
      rm -f "$work"/graph-*.safetensors "$work"/dare-*.safetensors
    } > "$out/methods.log" 2>&1 ;;
  torch)
    FASTMERGE_BENCH="dotnet $app/bench/Fast.Bench.dll" PYTHONUNBUFFERED=1 timeout 300 $py bench/slothful_vs_torch.py --cuda > "$out/torch.log" 2>&1 ;;
  diff)    # per-block difference report: the SIMD reductions against the device's, same bits expected
    models; a=$work/m1.safetensors b=$work/m2.safetensors
    {
      cat "$a" "$b" >/dev/null
      for i in 1 2; do t0=$(now); cat "$a" "$b" >/dev/null; echo "floor read A + B: $(secs "$t0" "$(now)") s"; done
      for dev in cpu gpu; do
        for i in $(seq "${GPU_CHECK_RUNS:-2}"); do
          t0=$(now)
          timeout 120 dotnet "$app/cli/fastmerge.dll" diff "$a" "$b" --json --device $dev > "$work/diff-$dev.json" 2> "$work/diff-$dev.log"
          echo "diff --device $dev run $i: rc=$? $(secs "$t0" "$(now)") s $(tail -1 "$work/diff-$dev.log")"
        done
      done
      if cmp -s <(grep -v '"device"' "$work/diff-cpu.json") <(grep -v '"device"' "$work/diff-gpu.json"); then
        echo "reports cpu vs gpu: identical (but for the device name; $(grep -c '"key"' "$work/diff-cpu.json") tensors)"
      else
        echo "reports cpu vs gpu: DIFFERENT"; diff <(grep -v '"device"' "$work/diff-cpu.json") <(grep -v '"device"' "$work/diff-gpu.json") | head -20
      fi
      timeout 60 dotnet "$app/cli/fastmerge.dll" diff "$a" "$b" --html "$out/diff-report.html" --overwrite > "$work/diff-html.log" 2>&1
      echo "html report rc=$?: $(tail -1 "$work/diff-html.log")"
    } > "$out/diff.log" 2>&1 ;;
  esac
done
