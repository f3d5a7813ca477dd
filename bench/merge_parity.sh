#!/usr/bin/env bash
# Output parity of the merge modes across a refactor: runs a fixed set of merges (every mode x the calcmodes,
# with and without block weights (alpha, alpha and beta), SD1 and SDXL at --scale 16, fp16 and fp32 inputs) with one fastmerge binary and
# prints "name sha256" per output (or "name exit N" where the CLI refuses the combination: both builds must refuse the same ones). Run it with the old and
# the new build and diff the two lists: a refactor that must not change results gives identical lists.
#   bench/merge_parity.sh FASTMERGE OUT.txt [WORKDIR]
# Give both runs the same WORKDIR: the output metadata records the input paths, so other paths give other bytes.
set -euo pipefail
fastmerge=$1
out=$2
work=${3:-/tmp/fastmerge-parity}
inputs=$work/inputs
mkdir -p "$inputs" "$work/out"
: > "$out"

# Block weight lists of the layout's length (SD1: 26 blocks, SDXL: 20), each block its own weight.
weights() { awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s%.3f", (i ? "," : ""), (s + 0.037 * i) % 1 }'; }

for arch in sd1 sdxl; do
  case $arch in sd1) blocks=26 ;; sdxl) blocks=20 ;; esac
  for dtype in fp16 fp32; do
    for role in a b c; do
      case $role in a) seed=11 ;; b) seed=22 ;; c) seed=33 ;; esac
      f=$inputs/$arch-$dtype-$role.safetensors
      "$fastmerge" synth --arch "$arch" --dtype "$dtype" --scale 16 --seed "$seed" -o "$f" --overwrite >/dev/null
      echo "synth-$arch-$dtype-$role $(sha256sum < "$f" | cut -c1-64)" >> "$out"
    done
    a=$inputs/$arch-$dtype-a.safetensors b=$inputs/$arch-$dtype-b.safetensors c=$inputs/$arch-$dtype-c.safetensors
    for mode in ws ad ts st ss; do
      for calc in normal cosineA cosineB trainDifference smoothAdd tensor tensor2 extract; do
        for weighting in scalar blocks blocks-beta; do
          args=(merge -a "$a" -b "$b" --mode "$mode" --calc "$calc" --alpha 0.35 --beta 0.6 --gamma 0.25
                --no-fsync --no-output-hash --overwrite)
          case $mode in ad|ts|st) args+=(-c "$c") ;; esac
          case $weighting in
            blocks) args+=(--weights-alpha "$(weights "$blocks" 0.1)") ;;
            blocks-beta) args+=(--weights-alpha "$(weights "$blocks" 0.1)" --weights-beta "$(weights "$blocks" 0.55)") ;;
          esac
          name=$arch-$dtype-$mode-$calc-$weighting
          o=$work/out/$name.safetensors
          rc=0
          "$fastmerge" "${args[@]}" -o "$o" >/dev/null 2>"$work/out/$name.err" || rc=$?
          if [ "$rc" = 0 ]; then
            echo "$name $(sha256sum < "$o" | cut -c1-64)" >> "$out"
          else
            echo "$name exit $rc $(head -c 160 "$work/out/$name.err" | tr '\n' ' ')" >> "$out"
          fi
          rm -f "$o"
        done
      done
    done
    # Output dtypes of one mode, and the third-operand-less two-model form.
    for odtype in fp16 bf16 fp32; do
      name=$arch-$dtype-ad-normal-out$odtype
      o=$work/out/$name.safetensors
      "$fastmerge" merge -a "$a" -b "$b" -c "$c" --mode ad --alpha 0.7 --dtype "$odtype" --no-fsync --no-output-hash --overwrite -o "$o" >/dev/null
      echo "$name $(sha256sum < "$o" | cut -c1-64)" >> "$out"
      rm -f "$o"
    done
    name=$arch-$dtype-ws-two-models
    o=$work/out/$name.safetensors
    "$fastmerge" merge -a "$a" -b "$b" --mode ws --alpha 0.42 --no-fsync --no-output-hash --overwrite -o "$o" >/dev/null
    echo "$name $(sha256sum < "$o" | cut -c1-64)" >> "$out"
    rm -f "$o"
  done
done
echo "$(grep -vc ' exit ' "$out") outputs hashed, $(grep -c ' exit ' "$out" || true) combinations refused; list in $out"
