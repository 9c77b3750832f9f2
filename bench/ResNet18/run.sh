#!/usr/bin/env bash
# ResNet18 tower throughput: serial runs on ONNX Runtime's intra-op pool vs concurrent single-threaded runs (what
# ResNet18Options.Parallelism does). Usage: bench/ResNet18/run.sh [IMAGES=64] [REPEATS=3]
set -euo pipefail
cd "$(dirname "$0")"
dotnet build -c Release -v q --nologo . >/dev/null
dotnet bin/Release/net10.0/MultiModal.Bench.ResNet18.dll "${1:-64}" "${2:-3}"
