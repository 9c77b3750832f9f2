#!/usr/bin/env bash
# Soak benchmark (issue 10, "Under load"), each scenario in its own process so its memory figures are its own:
#   flat    - 4 searcher threads + 1 writer (add / upsert / remove, seeded mix) on a FlatIndex of 30,000 ± 10%
#             128-d vectors; every result must be an exact top-10 of some ground-truth version the search overlapped.
#   hnsw    - the same on an HnswIndex: returned keys stored with matching scores, sorted, unique; recall@10 measured.
#   service - ImageSearchService (tiny CLIP test model) re-indexing a folder of 300 synthetic PNGs that a mutator
#             changes 20 times a second, while 4 threads run SearchText / SearchImage; every hit re-checked.
# Prints the per-scenario tables, then one merged table; JSON per scenario in $SOAK_OUT (default bench/Soak/results).
# Exit status 1 when any scenario found an error.
# Usage: bench/Soak/run.sh [MINUTES=10] [more options, e.g. --seed 2 --threads 8 --write-rate 0]
#        bench/Soak/run.sh --short            (10-second smoke of each scenario)
#        bench/Soak/run.sh 0.33               (20 seconds each)
set -euo pipefail
cd "$(dirname "$0")"
minutes=()
if [[ $# -gt 0 && $1 =~ ^[0-9.]+$ ]]; then minutes=(--minutes "$1"); shift; fi
dotnet build -c Release -v q --nologo . >/dev/null
out=${SOAK_OUT:-results}
mkdir -p "$out"
status=0
for scenario in flat hnsw service; do
  dotnet bin/Release/net10.0/MultiModal.Bench.Soak.dll --scenario "$scenario" "${minutes[@]}" "$@" --json "$out/$scenario.json" || status=1
done
echo
echo "All scenarios:"
dotnet bin/Release/net10.0/MultiModal.Bench.Soak.dll report "$out/flat.json" "$out/hnsw.json" "$out/service.json"
exit $status
