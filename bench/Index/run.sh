#!/usr/bin/env bash
# Side-by-side exact search benchmark: FlatIndex vs FAISS IndexFlatIP (Debian python3-faiss, OpenBLAS sgemm), same
# data (100k x 512 clustered unit vectors, 1000 queries, k = 10, seeded), 1 and 2 threads, in one run.
# Needs: apt-get install python3-faiss python3-numpy libopenblas0-pthread. FlatIndex runs twice per thread count:
# with OpenBLAS sgemm (what FlatCpuGemm.Auto picks when it is installed) and with libtorch's.
# Usage: bench/Index/run.sh [iterations] [data-dir]
set -euo pipefail
cd "$(dirname "$0")"
iters=${1:-3}
data=${2:-${TMPDIR:-/tmp}/multimodal-bench-index}
dotnet build -c Release -v q --nologo . >/dev/null
/usr/bin/python3 faiss_bench.py --data "$data" --generate-only
out=$(mktemp)
for t in 1 2; do
  # FAISS gets its best use of $t cores: OpenBLAS on $t threads with its OpenMP pool at $t or at 1 (on 2 shared
  # cores, OpenBLAS + OpenMP pools of 2 each oversubscribe and run ~2x slower than one thread).
  for omp in $(printf '%s\n' "$t" 1 | sort -u); do
    OPENBLAS_NUM_THREADS="$t" /usr/bin/python3 faiss_bench.py --data "$data" --threads "$t" --omp-threads "$omp" --iterations "$iters" >>"$out"
  done
  # stderr lists each differing query with FlatIndex's scores (near-ties: check them in float64 before blaming either side)
  for gemm in OpenBlas LibTorch; do
    dotnet bin/Release/net10.0/MultiModal.Bench.Index.dll --data "$data" --threads "$t" --iterations "$iters" --gemm "$gemm" >>"$out"
  done
done
/usr/bin/python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print(f"{'threads':>7} {'gemm':>9} {'faiss q/s':>10} {'flat q/s':>10} {'ratio':>6} {'top-10 ids identical':>22}  (ratio = flat / best faiss)")
for t in (1, 2):
    f = max((r for r in rows if r["impl"] == "faiss" and r["threads"] == t), key=lambda r: r["qps"])
    for m in (r for r in rows if r["impl"] == "flatindex" and r["threads"] == t):
        print(f"{t:>7} {m['gemm']:>9} {f['qps']:>10.1f} {m['qps']:>10.1f} {m['qps'] / f['qps']:>6.2f} {str(m['ids_identical']):>22} ({m['queries_differing']} queries differ in order, {m['queries_differing_as_sets']} as sets)")
PY
rm -f "$out"
