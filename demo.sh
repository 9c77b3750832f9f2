#!/usr/bin/env bash
# The main job (README): make sure Debian's Fashion-MNIST is present (install the package when root, else unpack it
# into .data/ without installing), build mm, then run `mm demo` with the default model: it writes the 10,000 test
# images as PNG files, embeds them, saves a flat index, runs text searches and the zero-shot evaluation (classes seen
# in training and held out), and prints the results. Extra arguments go to `mm demo` (e.g. --limit 2000, --model DIR).
set -euo pipefail
cd "$(dirname "$0")"
data=/usr/share/datasets/fashion-mnist
if [ ! -f "$data/t10k-images-idx3-ubyte.gz" ]; then
  if [ "$(id -u)" -eq 0 ] && apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1; then
    echo "installed Debian's dataset-fashion-mnist" >&2
  else
    mkdir -p .data/deb
    if [ ! -f .data/root/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]; then
      (cd .data/deb && apt-get download dataset-fashion-mnist)
      dpkg-deb -x .data/deb/dataset-fashion-mnist_*.deb .data/root
    fi
    data=$PWD/.data/root/usr/share/datasets/fashion-mnist
    echo "unpacked Debian's dataset-fashion-mnist into $data" >&2
  fi
fi
dotnet build src/Cli -c Release -v q --nologo >&2
exec dotnet src/Cli/bin/Release/net10.0/mm.dll demo --data "$data" --out demo "$@"
