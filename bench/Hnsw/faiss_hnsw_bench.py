"""FAISS side of the HNSW benchmark (run through run.sh).

`--make DIR` writes the shared data set: N clustered unit vectors and Q queries (float32, row-major, raw little-endian
base.f32 / queries.f32), exact top-k ids by FAISS IndexFlatIP (gt.i64) and meta.json. Otherwise it builds
IndexHNSWFlat(M, efConstruction) on DIR's data with T OpenMP threads, sweeps efSearch, and prints one JSON line per
measurement, in the same shape MultiModal.Bench.Hnsw prints.
"""
import argparse, json, os, statistics, time

import faiss
import numpy as np

EFS = [16, 24, 32, 48, 64, 96, 128, 192, 256, 384]


def make(dir, n, q, d, k, seed):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((256, d), dtype=np.float32)
    def draw(m):
        x = centres[rng.integers(0, len(centres), m)] + 0.75 * rng.standard_normal((m, d), dtype=np.float32)
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    base, queries = draw(n), draw(q)
    flat = faiss.IndexFlatIP(d)
    flat.add(base)
    _, gt = flat.search(queries, k)
    os.makedirs(dir, exist_ok=True)
    base.tofile(os.path.join(dir, "base.f32"))
    queries.tofile(os.path.join(dir, "queries.f32"))
    gt.astype(np.int64).tofile(os.path.join(dir, "gt.i64"))
    json.dump({"n": n, "queries": q, "dimensions": d, "k": k}, open(os.path.join(dir, "meta.json"), "w"))


def bench(dir, threads, m, ef_construction, repeats, builds):
    meta = json.load(open(os.path.join(dir, "meta.json")))
    n, q, d, k = meta["n"], meta["queries"], meta["dimensions"], meta["k"]
    base = np.fromfile(os.path.join(dir, "base.f32"), dtype=np.float32).reshape(n, d)
    queries = np.fromfile(os.path.join(dir, "queries.f32"), dtype=np.float32).reshape(q, d)
    gt = np.fromfile(os.path.join(dir, "gt.i64"), dtype=np.int64).reshape(q, k)
    faiss.omp_set_num_threads(threads)
    build_rates = []
    for _ in range(builds):
        index = faiss.IndexHNSWFlat(d, m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = ef_construction
        start = time.perf_counter()
        index.add(base)
        build_rates.append(n / (time.perf_counter() - start))
    print(json.dumps({"impl": "faiss", "threads": threads, "what": "build", "vectors_per_s": statistics.median(build_rates), "runs": builds}), flush=True)
    for ef in EFS:
        index.hnsw.efSearch = ef
        rates = []
        for _ in range(repeats):
            start = time.perf_counter()
            _, ids = index.search(queries, k)
            rates.append(q / (time.perf_counter() - start))
        recall = np.mean([len(set(ids[i]) & set(gt[i])) / k for i in range(q)])
        print(json.dumps({"impl": "faiss", "threads": threads, "what": "search", "ef": ef, "recall": float(recall), "qps": statistics.median(rates), "runs": repeats}), flush=True)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--make", action="store_true")
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--queries", type=int, default=1000)
    p.add_argument("--dimensions", type=int, default=512)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--m", type=int, default=16)
    p.add_argument("--ef-construction", type=int, default=128)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--builds", type=int, default=1)
    a = p.parse_args()
    if a.make:
        make(a.dir, a.n, a.queries, a.dimensions, a.k, a.seed)
    else:
        bench(a.dir, a.threads, a.m, a.ef_construction, a.repeats, a.builds)
