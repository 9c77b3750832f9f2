#!/usr/bin/env bash
# Runs the C# and PIL sides of the preprocessing benchmark in one go and prints the table.
# Usage: bench/Preprocess/run.sh [N=300] [RUNS=3]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# 640x480 quality-90 JPEG made once from a test photo with PIL.
/usr/bin/python3 "$here/pil_bench.py" --make "$root/tests/fixtures/images/coffee.png" "$tmp/bench_640x480.jpg"
dotnet build "$here/MultiModal.Bench.Preprocess.csproj" -c Release -v q -nologo >/dev/null
dotnet "$here/bin/Release/net10.0/MultiModal.Bench.Preprocess.dll" "$tmp/bench_640x480.jpg" "${1:-300}" "${2:-3}" "$here/pil_bench.py"
