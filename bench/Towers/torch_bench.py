"""Tower throughput of the reference implementation: OpenAI's CLIP architecture (the fixture generator's faithful
re-implementation of model.py) in Debian's PyTorch 1.13, ViT-B/32 with random weights, same batch, same thread
count and the same timing rule (2 warm-ups, median of N) as Program.cs. Run with /usr/bin/python3."""
import argparse, importlib.util, json, os, time
import torch

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("gen", os.path.join(here, "..", "..", "tests", "fixtures", "clip", "generate.py"))
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=1, help="cores the run may use (OPENBLAS_NUM_THREADS is set to it by run.sh)")
p.add_argument("--torch-threads", type=int, default=None, help="torch.set_num_threads; default --threads")
p.add_argument("--image-batch", type=int, default=8)
p.add_argument("--text-batch", type=int, default=32)
p.add_argument("--iterations", type=int, default=5)
a = p.parse_args()

torch.set_num_threads(a.torch_threads or a.threads)
torch.manual_seed(0)
cfg = dict(quick_gelu=False, embed_dim=512,
           vision=dict(image_size=224, patch_size=32, width=768, layers=12, head_width=64, mlp_ratio=4),
           text=dict(context_length=77, vocab_size=49408, width=512, heads=8, layers=12))
model = gen.CLIP(cfg)
for prm in model.parameters():
    torch.nn.init.normal_(prm, std=0.02)
model.eval()
pixels = torch.randn(a.image_batch, 3, 224, 224)
tokens = torch.zeros(a.text_batch, 77, dtype=torch.long)
for b in range(a.text_batch):
    tokens[b, 0] = 49406
    for t in range(1, 13):
        tokens[b, t] = 1000 + (b * 31 + t * 7) % 40000
    tokens[b, 13] = 49407


def report(tower, batch, run):
    with torch.inference_mode():
        for _ in range(2):
            run()
        times = []
        for _ in range(a.iterations):
            t0 = time.perf_counter()
            run()
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    median = times[len(times) // 2]
    print(json.dumps(dict(impl="pytorch", arch="ViT-B-32", tower=tower, threads=a.threads,
                          torch_threads=a.torch_threads or a.threads, batch=batch,
                          median_ms=round(median, 1), items_per_s=round(batch * 1000 / median, 1))))


report("image", a.image_batch, lambda: model.encode_image(pixels))
report("text", a.text_batch, lambda: model.encode_text(tokens))
