"""FAISS IndexFlatIP anchor for bench/Index: generates the shared data set (seeded clustered unit vectors, .npy) if
missing, then times exact top-k search at the given thread count with the same rule as Program.cs (1 warm-up,
median of N). Writes its top-k ids for the id comparison and prints one JSON line. Run with /usr/bin/python3; run.sh
sets OPENBLAS_NUM_THREADS to the thread count before Python starts (FAISS's sgemm is OpenBLAS)."""
import argparse, json, os, time
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--data", required=True, help="directory for base.npy / queries.npy / faiss_ids_t{threads}.npy")
p.add_argument("--threads", type=int, default=1, help="cores the run may use (run.sh sets OPENBLAS_NUM_THREADS)")
p.add_argument("--omp-threads", type=int, default=None, help="faiss.omp_set_num_threads; default --threads")
p.add_argument("--rows", type=int, default=100_000)
p.add_argument("--dims", type=int, default=512)
p.add_argument("--queries", type=int, default=1000)
p.add_argument("--k", type=int, default=10)
p.add_argument("--iterations", type=int, default=3)
p.add_argument("--generate-only", action="store_true")
a = p.parse_args()

os.makedirs(a.data, exist_ok=True)
base_path, query_path = os.path.join(a.data, "base.npy"), os.path.join(a.data, "queries.npy")
if not os.path.exists(base_path):
    # 1000 clusters, unit centroids + noise at 0.5 of their scale, re-normalised: CLIP-embedding-like structure.
    rng = np.random.default_rng(0)
    centroids = rng.standard_normal((1000, a.dims), dtype=np.float32)
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    def draw(n):
        x = centroids[rng.integers(0, len(centroids), n)] + 0.5 * rng.standard_normal((n, a.dims), dtype=np.float32) / np.sqrt(a.dims)
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    np.save(base_path, draw(a.rows))
    np.save(query_path, draw(a.queries))
if a.generate_only:
    raise SystemExit(0)

import faiss
faiss.omp_set_num_threads(a.omp_threads or a.threads)
base, queries = np.load(base_path), np.load(query_path)
index = faiss.IndexFlatIP(base.shape[1])
index.add(base)
index.search(queries, a.k)  # warm-up
times = []
for _ in range(a.iterations):
    t0 = time.perf_counter()
    _, ids = index.search(queries, a.k)
    times.append(time.perf_counter() - t0)
np.save(os.path.join(a.data, f"faiss_ids_t{a.threads}.npy"), ids.astype(np.int64))
median = float(np.median(times))
print(json.dumps({"impl": "faiss", "threads": a.threads, "omp_threads": a.omp_threads or a.threads, "median_s": median, "qps": len(queries) / median,
                  "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS")}))
