#!/usr/bin/env bash
# Loader utilisation: `mm train` of the benchmark CLIP (loader-arch.json: the same small CLIP as run.sh, 64 px) on
# Debian's Fashion-MNIST through the real pipeline (DatasetSpec -> DataLoader workers: decode, RandomResizedCrop, flip,
# CLIP tokenizer), batch 32, STEPS steps; prints the median step rate and the fraction of step time the trainer spent
# waiting for data (metrics.jsonl's data_wait_fraction), which should stay near 0: the trainer is never I/O-bound.
# Needs: apt-get install dataset-fashion-mnist; ../shared/data/clip/bpe_simple_vocab_16e6.txt.gz.
# Usage: bench/Train/loader.sh [STEPS=60] [THREADS=2]
set -euo pipefail
cd "$(dirname "$0")"
steps=${1:-60}; threads=${2:-2}
root=$(cd ../.. && pwd)
dotnet build "$root/src/Cli" -c Release -v q --nologo >/dev/null
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat >"$work/config.json" <<JSON
{
  "data": {"train": ["fashion-mnist:train"], "templates": ["a photo of a {}.", "a black and white photo of a {}."]},
  "model": {"kind": "clip", "architecture": "$PWD/loader-arch.json", "tokenizer": "$root/../shared/data/clip/bpe_simple_vocab_16e6.txt.gz"},
  "mode": "full",
  "optimizer": {"lr": 5e-4, "weight_decay": 0.2, "beta1": 0.9, "beta2": 0.98, "eps": 1e-6},
  "schedule": {"warmup_steps": 10, "total_steps": $steps},
  "batch_size": 32, "seed": 0, "output_dir": "$work/run", "checkpoint_every": 100000, "log_every": 1
}
JSON
# libtorch's intra-op pool gets the cores (the loader's workers are managed threads that mostly wait).
OMP_NUM_THREADS=$threads dotnet "$root/src/Cli/bin/Release/net10.0/mm.dll" train --config "$work/config.json" >/dev/null 2>"$work/log"
/usr/bin/python3 - "$work/run/metrics.jsonl" "$threads" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])][5:]  # skip warm-up steps
print(f"threads {sys.argv[2]}, steps {len(rows) + 5}, batch 32 at 64 px: "
      f"median {statistics.median(r['samples_per_s'] for r in rows):.1f} samples/s, "
      f"data wait {100 * statistics.mean(r['data_wait_fraction'] for r in rows):.1f}% of step time "
      f"(max {100 * max(r['data_wait_fraction'] for r in rows):.1f}%)")
PY
