#!/usr/bin/python3
"""PIL + torchvision side of bench/Preprocess: OpenAI CLIP's eval transform on one JPEG, single thread.

Usage: /usr/bin/python3 pil_bench.py IMAGE [N] [RUNS]  -> prints "pil_images_per_s <median>" and each run.
Also: pil_bench.py --make SOURCE OUT  writes the 640x480 quality-90 benchmark JPEG from a test photo.
"""
import statistics
import sys
import time

import torch
import torchvision.transforms as T
from PIL import Image

if sys.argv[1] == "--make":
    with Image.open(sys.argv[2]) as im:
        im.convert("RGB").resize((640, 480), Image.BICUBIC).save(sys.argv[3], quality=90)
    sys.exit(0)

torch.set_num_threads(1)
path = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
transform = T.Compose([
    T.Resize(224, interpolation=T.InterpolationMode.BICUBIC),
    T.CenterCrop(224),
    lambda im: im.convert("RGB"),
    T.ToTensor(),
    T.Normalize((0.48145466, 0.4578275, 0.40821073), (0.26862954, 0.26130258, 0.27577711)),
])


def one():
    with Image.open(path) as im:  # decode happens inside the transform's resize (im.load)
        return transform(im)


for _ in range(20):
    one()
rates = []
for _ in range(runs):
    t0 = time.perf_counter()
    for _ in range(n):
        one()
    rates.append(n / (time.perf_counter() - t0))
print("pil_runs", " ".join(f"{r:.1f}" for r in rates))
print(f"pil_images_per_s {statistics.median(rates):.1f}")
