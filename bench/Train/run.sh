#!/usr/bin/env bash
# Side-by-side training-step benchmark: TorchSharp (this library) vs Debian's PyTorch 1.13, one CLIP step
# (forward + ITC loss + backward + AdamW step) of the same small CLIP on the same batch and thread count.
# Needs: apt-get install python3-torch python3-numpy libopenblas0-pthread (without OpenBLAS, Debian's torch falls back
# to the reference BLAS, ~30x slower).
# Usage: bench/Train/run.sh [threads] [iterations]
set -euo pipefail
cd "$(dirname "$0")"
threads=${1:-1}
iters=${2:-3}
dotnet build -c Release -v q --nologo . >/dev/null
out=$(mktemp)
# PyTorch gets its best use of the cores: OpenBLAS on $threads threads with torch's intra-op pool at $threads or at 1
# (with two of each on 2 cores the pools oversubscribe them); the faster split is the anchor.
for tt in $(printf '%s\n' "$threads" 1 | sort -u); do
  OPENBLAS_NUM_THREADS="$threads" /usr/bin/python3 torch_train_bench.py --threads "$threads" --torch-threads "$tt" --iterations "$iters" >>"$out"
done
dotnet bin/Release/net10.0/MultiModal.Bench.Train.dll --threads "$threads" --iterations "$iters" >>"$out"
/usr/bin/python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
py = min((r for r in rows if r["impl"] == "pytorch"), key=lambda r: r["median_ms"])
ts = next(r for r in rows if r["impl"] == "torchsharp")
print(f"{'threads':>7} {'batch':>5} {'pytorch ms':>11} {'torchsharp ms':>14} {'ratio':>6}  {'adamw ms (py / ts)':>18}  (ratio = torchsharp / pytorch)")
print(f"{py['threads']:>7} {py['batch']:>5} {py['median_ms']:>11.1f} {ts['median_ms']:>14.1f} {ts['median_ms'] / py['median_ms']:>6.2f}  {py['optimizer_ms']:>8.1f} / {ts['optimizer_ms']:<8.1f}")
PY
rm -f "$out"
