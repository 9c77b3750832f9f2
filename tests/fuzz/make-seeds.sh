#!/usr/bin/env bash
# Regenerates the seed corpus in tests/fuzz/corpus (kept findings in */findings are never touched).
#   tests/fuzz/make-seeds.sh
# The generated part (every image format and PNG colour type, safetensors, .npy, indexes, model folders) comes from
# `MultiModal.Fuzz seeds`; the JPEG variants ImageSharp cannot write (progressive, restart markers, arithmetic coding,
# 4:2:2 / 4:4:0 / 4:1:1 sampling, odd sizes) come from libjpeg-turbo's cjpeg/jpegtran (Debian: libjpeg-turbo-progs),
# applied to a fixture photo scaled down to 1/8. Fixture files that are already tiny are copied as they are.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
corpus="$repo/tests/fuzz/corpus"
fixtures="$repo/tests/fixtures"

if ! command -v cjpeg >/dev/null || ! command -v jpegtran >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y libjpeg-turbo-progs >/dev/null; else echo "make-seeds.sh: needs cjpeg and jpegtran (libjpeg-turbo-progs)" >&2; exit 1; fi
fi

dotnet build "$repo/tests/Fuzz.Targets" -c Release -v quiet -nologo >/dev/null
dotnet "$repo/tests/Fuzz.Targets/bin/Release/net10.0/MultiModal.Fuzz.dll" seeds "$repo"

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
djpeg -scale 1/8 -ppm "$fixtures/images/fruits.jpg" > "$work/fruits.ppm"   # 64x60
djpeg -scale 1/8 -ppm "$fixtures/images/home.jpg" > "$work/home.ppm"       # odd size
jpeg="$corpus/jpeg"; image="$corpus/image"
cjpeg -quality 75 "$work/fruits.ppm" > "$jpeg/libjpeg-420.jpg"
cjpeg -quality 90 -sample 1x1 "$work/fruits.ppm" > "$jpeg/libjpeg-444.jpg"
cjpeg -quality 60 -sample 2x1 "$work/home.ppm" > "$jpeg/libjpeg-422.jpg"
cjpeg -quality 60 -sample 1x2 "$work/home.ppm" > "$jpeg/libjpeg-440.jpg"
cjpeg -quality 60 -sample 4x1 "$work/home.ppm" > "$jpeg/libjpeg-411.jpg"
cjpeg -quality 30 -grayscale "$work/fruits.ppm" > "$jpeg/libjpeg-grey.jpg"
cjpeg -quality 50 -progressive "$work/fruits.ppm" > "$jpeg/libjpeg-progressive.jpg"
cjpeg -quality 50 -progressive -grayscale "$work/home.ppm" > "$jpeg/libjpeg-progressive-grey.jpg"
cjpeg -quality 50 -progressive -sample 1x1 "$work/home.ppm" > "$jpeg/libjpeg-progressive-444.jpg"
cjpeg -quality 50 -restart 1 "$work/fruits.ppm" > "$jpeg/libjpeg-restart.jpg"
cjpeg -quality 50 -progressive -restart 1 "$work/home.ppm" > "$jpeg/libjpeg-progressive-restart.jpg"
cjpeg -quality 50 -optimize "$work/home.ppm" > "$jpeg/libjpeg-optimized.jpg"
cjpeg -quality 50 -arithmetic "$work/home.ppm" > "$jpeg/libjpeg-arithmetic.jpg"
cjpeg -quality 100 -sample 1x1 "$work/home.ppm" > "$jpeg/libjpeg-q100.jpg"
cjpeg -quality 5 "$work/home.ppm" > "$jpeg/libjpeg-q5.jpg"
jpegtran -crop 17x9+3+5 "$jpeg/libjpeg-420.jpg" > "$jpeg/libjpeg-crop-17x9.jpg"
jpegtran -crop 1x1+0+0 "$jpeg/libjpeg-444.jpg" > "$jpeg/libjpeg-1x1.jpg"
jpegtran -crop 3x40+0+0 -progressive "$jpeg/libjpeg-422.jpg" > "$jpeg/libjpeg-3x40-progressive.jpg"
cp "$fixtures/images/truncated.jpg" "$jpeg/fixture-truncated.jpg"
cp "$jpeg/libjpeg-progressive.jpg" "$jpeg/libjpeg-arithmetic.jpg" "$image/"
cp "$fixtures/images/foo3x5x4indexed.png" "$fixtures/images/green_palette.png" "$corpus/png/"
cp "$fixtures/images/no_time_for_that_tiny.gif" "$image/"
cp "$fixtures/safetensors/tiny.safetensors" "$corpus/safetensors/fixture-tiny.safetensors"
for f in "$fixtures"/npy/*.npy; do cp "$f" "$corpus/npy/fixture-$(basename "$f")"; done
echo "seeds: $(find "$corpus" -type f -not -path '*/findings/*' | wc -l) files, $(du -sh --exclude=findings "$corpus" | cut -f1)"
