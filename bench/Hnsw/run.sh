#!/usr/bin/env bash
# Side-by-side HNSW benchmark: HnswIndex (USearch 2.26.6 through this library) vs FAISS IndexHNSWFlat (Debian's
# python3-faiss), M=16, efConstruction=128, inner product on clustered unit vectors, the same data, queries and
# thread counts (1 and 2) in one run. For each side and thread count: build throughput (vectors/s, median of
# BUILDS builds) and, per efSearch, recall@10 against exact FAISS IndexFlatIP search and queries/s (median of
# REPEATS runs); the table compares the best qps at recall@10 >= 0.95.
# Needs: apt-get install python3-faiss python3-numpy libopenblas0-pthread.
# Usage: bench/Hnsw/run.sh [N=100000] [QUERIES=1000] [REPEATS=3] [BUILDS=1]
set -euo pipefail
cd "$(dirname "$0")"
n=${1:-100000}; queries=${2:-1000}; repeats=${3:-3}; builds=${4:-1}
dotnet build -c Release -v q --nologo . >/dev/null
data=$(mktemp -d); out="$data/results.jsonl"
trap 'rm -rf "$data"' EXIT
/usr/bin/python3 faiss_hnsw_bench.py --make --dir "$data" --n "$n" --queries "$queries"
for t in 1 2; do
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 faiss_hnsw_bench.py --dir "$data" --threads "$t" --repeats "$repeats" --builds "$builds" >>"$out"
  dotnet bin/Release/net10.0/MultiModal.Bench.Hnsw.dll --dir "$data" --threads "$t" --repeats "$repeats" --builds "$builds" >>"$out"
done
/usr/bin/python3 - "$out" "$n" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print(f"N={sys.argv[2]}; ratio = multimodal / faiss (higher is better for both columns)")
print(f"{'threads':>7} {'side':>10} {'build vec/s':>12} {'ef@0.95':>8} {'recall':>7} {'qps@0.95':>9}")
for t in (1, 2):
    best = {}
    for impl in ("faiss", "multimodal"):
        build = next(r for r in rows if r["impl"] == impl and r["threads"] == t and r["what"] == "build")
        ok = [r for r in rows if r["impl"] == impl and r["threads"] == t and r["what"] == "search" and r["recall"] >= 0.95]
        top = max(ok, key=lambda r: r["qps"]) if ok else None
        best[impl] = (build["vectors_per_s"], top)
        print(f"{t:>7} {impl:>10} {build['vectors_per_s']:>12.0f} {top['ef'] if top else '-':>8} {top['recall'] if top else 0:>7.3f} {top['qps'] if top else 0:>9.0f}")
    (fb, ft), (mb, mt) = best["faiss"], best["multimodal"]
    qr = f"{mt['qps'] / ft['qps']:.2f}" if ft and mt else "-"
    print(f"{t:>7} {'ratio':>10} {mb / fb:>12.2f} {'':>8} {'':>7} {qr:>9}")
PY
