#!/usr/bin/env bash
# Side-by-side tower benchmark: TorchSharp (this library) vs Debian's PyTorch 1.13, ViT-B/32 random weights,
# same batches and thread counts, in one run. Needs: apt-get install python3-torch python3-numpy python3-pil
# libopenblas0-pthread (without OpenBLAS, Debian's torch falls back to the reference BLAS, ~30x slower).
# Usage: bench/Towers/run.sh [iterations]
set -euo pipefail
cd "$(dirname "$0")"
iters=${1:-5}
dotnet build -c Release -v q --nologo . >/dev/null
out=$(mktemp)
for t in 1 2; do
  # PyTorch gets its best use of $t cores: OpenBLAS on $t threads with torch's intra-op pool at $t or at 1
  # (on 2 cores the second is ~1.8x faster: the two pools otherwise oversubscribe the cores).
  for tt in $(printf '%s\n' "$t" 1 | sort -u); do
    OPENBLAS_NUM_THREADS="$t" /usr/bin/python3 torch_bench.py --threads "$t" --torch-threads "$tt" --iterations "$iters" >>"$out"
  done
  dotnet bin/Release/net10.0/MultiModal.Bench.Towers.dll --threads "$t" --iterations "$iters" >>"$out"
done
/usr/bin/python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print(f"{'tower':6} {'threads':>7} {'batch':>5} {'pytorch ms':>11} {'torchsharp ms':>14} {'ratio':>6}  (ratio = torchsharp / best pytorch)")
for tower in ("image", "text"):
    for t in (1, 2):
        py = min((r for r in rows if r["impl"] == "pytorch" and r["tower"] == tower and r["threads"] == t), key=lambda r: r["median_ms"])
        ts = next(r for r in rows if r["impl"] == "torchsharp" and r["tower"] == tower and r["threads"] == t)
        print(f"{tower:6} {t:>7} {py['batch']:>5} {py['median_ms']:>11.1f} {ts['median_ms']:>14.1f} {ts['median_ms'] / py['median_ms']:>6.2f}")
PY
rm -f "$out"
