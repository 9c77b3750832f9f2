#!/usr/bin/env bash
# Fuzzes every target for MINUTES each, two at a time (the machine has 2 cores), then prints the summary lines.
#   tests/fuzz/run-all.sh MINUTES [TARGET...]
set -euo pipefail
if [ $# -lt 1 ]; then sed -n '2,3p' "$0" >&2; exit 2; fi
minutes="$1"; shift
here="$(cd "$(dirname "$0")" && pwd)"
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(jpeg png image safetensors npy index checkpoint)
log="$here/.work/run-all-$(date +%Y%m%d-%H%M%S).log"; mkdir -p "$here/.work"
FUZZ_BUILD_ONLY=1 "$here/run.sh" "${targets[0]}" 0   # build and instrument once, before the parallel runs
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  FUZZ_SKIP_BUILD=1 "$here/run.sh" "${targets[i]}" $((minutes * 60)) >> "$log" 2>&1 &
  if [ $((i + 1)) -lt ${#targets[@]} ]; then FUZZ_SKIP_BUILD=1 "$here/run.sh" "${targets[i + 1]}" $((minutes * 60)) >> "$log" 2>&1 & fi
  wait
done
grep '^SUMMARY' "$log"
echo "details: $log"
