"""One CLIP training step in the reference stack: OpenAI's architecture (the fixture generator's re-implementation of
model.py), OpenCLIP's ClipLoss, torch.optim.AdamW with OpenCLIP's two parameter groups and the logit_scale clamp, in
Debian's PyTorch 1.13 on the same batch, architecture and thread count as Program.cs, with the same timing rule
(2 warm-ups, median of N). Run with /usr/bin/python3 (see run.sh)."""
import argparse, importlib.util, json, math, os, time
import torch
import torch.nn.functional as F

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("gen", os.path.join(here, "..", "..", "tests", "fixtures", "clip", "generate.py"))
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=1)
p.add_argument("--batch", type=int, default=32)
p.add_argument("--iterations", type=int, default=3)
p.add_argument("--torch-threads", type=int, default=None, help="torch's intra-op pool; default --threads (OpenBLAS follows OPENBLAS_NUM_THREADS)")
a = p.parse_args()

torch.set_num_threads(a.torch_threads or a.threads)
torch.manual_seed(0)
cfg = dict(quick_gelu=False, embed_dim=256,
           vision=dict(image_size=64, patch_size=16, width=256, layers=4, head_width=64, mlp_ratio=4),
           text=dict(context_length=32, vocab_size=49408, width=256, heads=4, layers=4))
model = gen.CLIP(cfg)
model.train()
exclude = lambda n, prm: prm.ndim < 2 or "ln" in n or "bias" in n or "logit_scale" in n
named = list(model.named_parameters())
opt = torch.optim.AdamW([
    dict(params=[prm for n, prm in named if not exclude(n, prm)], weight_decay=0.2),
    dict(params=[prm for n, prm in named if exclude(n, prm)], weight_decay=0.0),
], lr=5e-4, betas=(0.9, 0.98), eps=1e-6)
pixels = torch.randn(a.batch, 3, 64, 64)
tokens = torch.zeros(a.batch, 32, dtype=torch.long)
for b in range(a.batch):
    tokens[b, 0] = 49406
    for t in range(1, 13):
        tokens[b, t] = 1000 + (b * 31 + t * 7) % 40000
    tokens[b, 13] = 49407
labels = torch.arange(a.batch)


def step():
    opt.zero_grad()
    img = F.normalize(model.encode_image(pixels), dim=-1)
    txt = F.normalize(model.encode_text(tokens), dim=-1)
    scale = model.logit_scale.exp().clamp(max=100)
    logits = scale * img @ txt.t()
    loss = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2
    loss.backward()
    t0 = time.perf_counter()
    opt.step()
    opt_times.append((time.perf_counter() - t0) * 1000)
    with torch.no_grad():
        model.logit_scale.clamp_(0, math.log(100))
    return loss.item()


opt_times = []
for _ in range(2):
    step()
opt_times.clear()
times = []
for _ in range(a.iterations):
    t0 = time.perf_counter()
    loss = step()
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(json.dumps(dict(impl="pytorch", threads=a.threads, batch=a.batch, median_ms=round(times[len(times) // 2], 1),
                 optimizer_ms=round(sorted(opt_times)[len(opt_times) // 2], 1), loss=round(loss, 4))))
