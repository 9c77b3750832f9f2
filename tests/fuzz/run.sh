#!/usr/bin/env bash
# Fuzzes one target with afl-fuzz for SECONDS, then keeps each new distinct finding as a regression case.
#   tests/fuzz/run.sh TARGET SECONDS [extra afl-fuzz options...]
#   TARGET: jpeg png image safetensors npy index checkpoint
# Steps: installs afl++ (Debian, when root) and the SharpFuzz.CommandLine tool if missing; builds tests/Fuzz.Targets twice
# (tests/fuzz/.work/plain for triage, and tests/fuzz/.work/bin whose MultiModal.Encoders, MultiModal.Index and
# SixLabors.ImageSharp assemblies are instrumented); runs afl-fuzz -V SECONDS on the target's seeds (SharpFuzz's
# out-of-process fork server: a native crash or a hang costs one child process); replays every crash and hang in
# child processes and copies the smallest input of each signature not already kept into
# tests/fuzz/corpus/TARGET/findings/; prints one SUMMARY line (also appended to tests/fuzz/.work/summary.log).
# Two runs may go at once (the build is locked); on a 2-core machine run at most two.
set -euo pipefail
if [ $# -lt 2 ]; then sed -n '2,4p' "$0" >&2; exit 2; fi
target="$1"; seconds="$2"; shift 2
case "$target" in jpeg|png|image|safetensors|npy|index|checkpoint) ;; *) echo "run.sh: unknown target '$target'" >&2; exit 2;; esac

repo="$(cd "$(dirname "$0")/../.." && pwd)"
fuzz="$repo/tests/fuzz"; work="$fuzz/.work"; bin="$work/bin"; tools="$work/tools"
mkdir -p "$work"

if ! command -v afl-fuzz >/dev/null; then
  if [ "$(id -u)" = 0 ]; then { apt-get install -y afl++ >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null; }; }; else echo "run.sh: afl-fuzz missing (Debian: apt-get install afl++)" >&2; exit 1; fi
fi
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install --tool-path "$tools" SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

# Two private builds: bin (instrumented, for afl-fuzz) and plain (for triage), so that rebuilding tests/Fuzz.Targets while a
# fuzzer runs cannot swap files under it. FUZZ_SKIP_BUILD=1 reuses them (run-all.sh builds once).
plain="$work/plain"
if [ "${FUZZ_SKIP_BUILD:-}" != 1 ]; then
  (
    flock 9
    dotnet build "$repo/tests/Fuzz.Targets" -c Release -nologo -v quiet -o "$plain" -p:UseAppHost=false >/dev/null
    dotnet build "$repo/tests/Fuzz.Targets" -c Release -nologo -v quiet -o "$bin" -p:UseAppHost=false >/dev/null
    for dll in MultiModal.Encoders.dll MultiModal.Index.dll SixLabors.ImageSharp.dll; do
      if ! grep -q "SharpFuzz.Common" "$bin/$dll"; then "$tools/sharpfuzz" "$bin/$dll" >/dev/null; fi
    done
  ) 9>"$work/build.lock"
fi
[ "${FUZZ_BUILD_ONLY:-}" = 1 ] && exit 0

case "$target" in
  jpeg) dict=jpeg; tmout=5000; cap=0x40000000 ;;
  png) dict=png; tmout=5000; cap=0x40000000 ;;
  image) dict=image; tmout=5000; cap=0x40000000 ;;
  npy) dict=npy; tmout=5000; cap=0x40000000 ;;
  safetensors|index) dict=json; tmout=5000; cap=0x40000000 ;;
  checkpoint) dict=json; tmout=30000; cap=0x80000000 ;;
esac

in="$work/$target/in"; out="$work/$target/out"
rm -rf "$in" "$out"; mkdir -p "$in"
find "$fuzz/corpus/$target" -maxdepth 1 -type f -size -1024k -exec cp {} "$in/" \;

export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1
export AFL_FORKSRV_INIT_TMOUT=120000 AFL_SKIP_CRASHES=1 AFL_MAP_SIZE=65536
export DOTNET_GCHeapHardLimit="$cap" DOTNET_gcServer=0 DOTNET_DbgEnableMiniDump=0
started=$(date +%s)
# afl-fuzz stops itself after -V seconds; the outer timeout only guards against a wedged start-up.
timeout --signal=INT $((seconds + 300)) afl-fuzz -V "$seconds" -i "$in" -o "$out" -t "$tmout" -m none -x "$fuzz/dict/$dict.dict" "$@" \
  -- dotnet "$bin/MultiModal.Fuzz.dll" afl "$target" > "$work/$target/afl.log" 2>&1 || true
elapsed=$(( $(date +%s) - started ))

stats="$out/default/fuzzer_stats"
stat() { [ -f "$stats" ] && awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats" || echo "?"; }
mapfile -t raw < <(find "$out/default/crashes" "$out/default/hangs" -type f -name 'id:*' 2>/dev/null | sort)
triage=$(dotnet "$plain/MultiModal.Fuzz.dll" triage "$target" --keep "$fuzz/corpus/$target/findings" "${raw[@]}" 2>&1 || true)
echo "$triage" | grep -v '^TRIAGE' || true
line="SUMMARY target=$target seconds=$elapsed execs=$(stat execs_done) execs_per_sec=$(stat execs_per_sec) paths=$(stat corpus_count) coverage=$(stat bitmap_cvg) crashes=$(stat saved_crashes) hangs=$(stat saved_hangs) $(echo "$triage" | grep '^TRIAGE' | cut -d' ' -f4-)"
echo "$line"
echo "$(date -u +%FT%TZ) $line" >> "$work/summary.log"
