#!/usr/bin/env python3
"""PyTorch eager twin of `cola bench step` (issue 14): the same training step, timed the same way.

Model (cola4j DecoderLM, LmShape): GPT-2 pre-LN decoder LM, float32, dropout off, untied lm_head without bias:
  x = tok[ids] + pos[:T];  per block: x += attn(ln1(x)) (causal, masked score -1e30), x += fc2(gelu_tanh(fc1(ln2(x))))
  logits = ln_f(x) @ W_lm^T;  loss = mean cross-entropy against the targets.
Init as cola4j's (distributions, not the same draws): Linear W, b ~ U(-1/sqrt(in), 1/sqrt(in)); embeddings N(0, 0.02);
LayerNorm gamma 1, beta 0, eps 1e-5. Adapters: rank 8, alpha 16 (scale 2) on blocks.i.attn.query and .value,
A ~ U(-1/sqrt(in), 1/sqrt(in)) [r, in], B = 0 [out, r]. Optimizer: AdamW(lr 1e-3, betas (0.9, 0.999), eps 1e-8,
weight decay 0.01), no clipping.
Methods (as StepBench):
  full          forward + backward + AdamW over every weight
  lora          base frozen; h + s x A^T B^T with A, B trainable; AdamW on A, B
  cola-unmerged server: base frozen, site output h + g(x) with g's A, B detached, backward to dL/dh (h a leaf that
                requires grad), then (x, dL/dh) flattened to [rows, in] / [rows, out];
                user: Gradient Learning, l = 1/2 sum ||g(x) - stopgrad(g(x) - dL/dh)||^2, backward, AdamW on A, B
  cola-merged   server: W <- W + s B A on a copy (restored after), forward/backward to dL/dh; user as above
Timing: --warmup untimed steps, then --steps steps timed one by one; medians of server, user and server + user ms.
Prints one JSON object per method on stdout: {"method", "server_ms", "user_ms", "total_ms", "cpu_ms" (process CPU
time of the step, all threads), "threads", "torch"}.
Run: /usr/bin/python3 torch_step.py [--methods full,lora,cola-unmerged,cola-merged] [--steps 10] [--warmup 3]
     [--quick] [--threads N]     (cola bench torch runs it; it is not part of the test suite)
     --check: float64, tiny shape: the twin's ColA (unmerged, merged) GL gradients equal LoRA's (<= 1e-10 relative)
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

METHODS = ["full", "lora", "cola-unmerged", "cola-merged"]
RANK, ALPHA, LR = 8, 16.0, 1e-3


def uniform(shape, bound, gen):
    return (torch.rand(shape, generator=gen) * 2 - 1) * bound


class Site:
    """A Linear y = x W^T + b that may carry a LoRA adapter and records (x, h) for ColA."""

    def __init__(self, inf, outf, gen, bias=True):
        b = 1 / math.sqrt(inf)
        self.w = uniform((outf, inf), b, gen)
        self.b = uniform((outf,), b, gen) if bias else None
        self.a = self.bb = None
        self.mode, self.record = None, None

    def adapt(self, gen):
        self.a = uniform((RANK, self.w.shape[1]), 1 / math.sqrt(self.w.shape[1]), gen)
        self.bb = torch.zeros(self.w.shape[0], RANK)

    def g(self, x, a, bb):
        return (x @ a.t()) @ bb.t() * (ALPHA / RANK)

    def __call__(self, x):
        h = F.linear(x, self.w, self.b)
        if self.mode == "lora":
            return h + self.g(x, self.a, self.bb)
        if self.mode in ("cola-unmerged", "cola-merged"):
            if h.requires_grad:             # the tap: after backward h.grad = dL/dh
                h.retain_grad()
            else:
                h.requires_grad_(True)
            self.record = (x, h)
            return h + self.g(x, self.a.detach(), self.bb.detach()) if self.mode == "cola-unmerged" else h
        return h


class Decoder:
    def __init__(self, v, t, c, layers, heads, gen):
        self.c, self.heads = c, heads
        self.tok = torch.randn(v, c, generator=gen) * 0.02
        self.pos = torch.randn(t, c, generator=gen) * 0.02
        self.blocks = []
        for _ in range(layers):
            blk = {"ln1": (torch.ones(c), torch.zeros(c)), "ln2": (torch.ones(c), torch.zeros(c))}
            for n in ("query", "key", "value", "out"):
                blk[n] = Site(c, c, gen)
            blk["fc1"], blk["fc2"] = Site(c, 4 * c, gen), Site(4 * c, c, gen)
            self.blocks.append(blk)
        self.lnf = (torch.ones(c), torch.zeros(c))
        self.head = Site(c, v, gen, bias=False)
        self.mask = torch.tril(torch.ones(t, t, dtype=torch.bool))

    def params(self):
        ps = [self.tok, self.pos, *self.lnf, self.head.w]
        for blk in self.blocks:
            ps += [*blk["ln1"], *blk["ln2"]]
            for n in ("query", "key", "value", "out", "fc1", "fc2"):
                ps += [blk[n].w, blk[n].b]
        return ps

    def sites(self):
        return [blk[n] for blk in self.blocks for n in ("query", "value")]

    def attn(self, blk, x):
        b, t, c = x.shape
        hs = c // self.heads

        def split(y):
            return y.reshape(b, t, self.heads, hs).permute(0, 2, 1, 3)

        q, k, v = split(blk["query"](x)), split(blk["key"](x)), split(blk["value"](x))
        s = (q @ k.transpose(-1, -2)) * (1 / math.sqrt(hs))
        s = torch.where(self.mask[:t, :t], s, torch.tensor(-1e30))
        y = (torch.softmax(s, -1) @ v).permute(0, 2, 1, 3).reshape(b, t, c)
        return blk["out"](y)

    def loss(self, ids, targets):
        b, t = ids.shape
        x = self.tok[ids] + self.pos[:t]
        for blk in self.blocks:
            x = x + self.attn(blk, F.layer_norm(x, (self.c,), *blk["ln1"], 1e-5))
            h = F.gelu(blk["fc1"](F.layer_norm(x, (self.c,), *blk["ln2"], 1e-5)), approximate="tanh")
            x = x + blk["fc2"](h)
        logits = self.head(F.layer_norm(x, (self.c,), *self.lnf, 1e-5))
        return F.cross_entropy(logits.reshape(b * t, -1), targets.reshape(-1))


def adamw(ps):
    return torch.optim.AdamW(ps, lr=LR, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)


def stepper(method, shape, ids, targets):
    v, t, c, layers, heads, _ = shape
    gen = torch.Generator().manual_seed(1234)
    m = Decoder(v, t, c, layers, heads, gen)
    sites = m.sites()
    for s in sites:
        s.adapt(gen)
    if method == "full":
        ps = m.params()
        for p in ps:
            p.requires_grad_(True)
        opt = adamw(ps)

        def full():
            opt.zero_grad(set_to_none=True)
            m.loss(ids, targets).backward()
            opt.step()
            return 0.0
        return lambda: (timed(full), 0.0)
    aux = [p for s in sites for p in (s.a, s.bb)]
    for p in aux:
        p.requires_grad_(True)
    opt = adamw(aux)
    for s in sites:
        s.mode = method
    if method == "lora":
        def lora():
            opt.zero_grad(set_to_none=True)
            m.loss(ids, targets).backward()
            opt.step()
        return lambda: (timed(lora), 0.0)

    def server():
        saved = []
        if method == "cola-merged":
            with torch.no_grad():
                for s in sites:
                    saved.append(s.w)
                    s.w = s.w + (s.bb @ s.a) * (ALPHA / RANK)
        try:
            m.loss(ids, targets).backward()
        finally:
            for s, w in zip(sites, saved):
                s.w = w
        return [(s.record[0].detach().reshape(-1, s.w.shape[1]), s.record[1].grad.reshape(-1, s.w.shape[0]))
                for s in sites]

    def user(data):
        opt.zero_grad(set_to_none=True)
        for s, (x, gh) in zip(sites, data):
            g = s.g(x, s.a, s.bb)
            target = (g - gh).detach()
            (0.5 * ((g - target) ** 2).sum()).backward()
        opt.step()

    def cola():
        t0 = time.perf_counter()
        data = server()
        t1 = time.perf_counter()
        user(data)
        return (t1 - t0) * 1e3, (time.perf_counter() - t1) * 1e3
    return cola


def check():
    """float64, quick shape, nonzero B: ColA's GL gradients (unmerged and merged) equal LoRA's backprop gradients."""
    torch.set_default_dtype(torch.float64)
    seq = torch.randint(0, 16, (2, 9), generator=torch.Generator().manual_seed(99))
    ids, targets = seq[:, :8].contiguous(), seq[:, 1:].contiguous()

    def build(mode):
        gen = torch.Generator().manual_seed(1234)
        m = Decoder(16, 8, 16, 2, 2, gen)
        for s in m.sites():
            s.adapt(gen)
            s.bb = torch.randn(s.bb.shape, generator=gen) * 0.1
            s.mode = mode
            s.a.requires_grad_(True)
            s.bb.requires_grad_(True)
        return m

    m = build("lora")
    m.loss(ids, targets).backward()
    ref = [p.grad for s in m.sites() for p in (s.a, s.bb)]
    worst = 0.0
    for mode in ("cola-unmerged", "cola-merged"):
        m = build(mode)
        saved = [s.w for s in m.sites()]
        if mode == "cola-merged":
            with torch.no_grad():
                for s in m.sites():
                    s.w = s.w + (s.bb @ s.a) * (ALPHA / RANK)
        m.loss(ids, targets).backward()
        for s, w in zip(m.sites(), saved):
            s.w = w
            x, gh = s.record[0].detach().reshape(-1, w.shape[1]), s.record[1].grad.reshape(-1, w.shape[0])
            g = s.g(x, s.a, s.bb)
            (0.5 * ((g - (g - gh).detach()) ** 2).sum()).backward()
        got = [p.grad for s in m.sites() for p in (s.a, s.bb)]
        err = max(((a - b).abs().max() / b.abs().max()).item() for a, b in zip(got, ref))
        print(f"{mode}: GL gradient vs LoRA backprop, max rel err {err:.2e}")
        worst = max(worst, err)
    return 0 if worst <= 1e-10 else 1


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1e3


def main():
    ap = argparse.ArgumentParser(description="PyTorch eager twin of cola bench step")
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--check", action="store_true", help="float64 check: ColA GL gradients = LoRA's, then exit")
    a = ap.parse_args()
    if a.check:
        return check()
    methods = [x.strip() for x in a.methods.split(",")]
    bad = [x for x in methods if x not in METHODS]
    if bad or a.steps < 1 or a.warmup < 0 or a.threads < 1:
        print(f"torch_step.py: bad arguments (methods {bad}, steps {a.steps}, warmup {a.warmup})", file=sys.stderr)
        return 2
    torch.set_num_threads(a.threads)
    shape = (16, 8, 16, 2, 2, 2) if a.quick else (64, 128, 256, 4, 4, 16)   # V, T, C, layers, heads, B
    v, t, b = shape[0], shape[1], shape[5]
    g = torch.Generator().manual_seed(99)
    seq = torch.randint(0, v, (b, t + 1), generator=g)
    ids, targets = seq[:, :t].contiguous(), seq[:, 1:].contiguous()
    for method in methods:
        step = stepper(method, shape, ids, targets)
        for _ in range(a.warmup):
            step()
        server, user, total, cpu = [], [], [], []
        for _ in range(a.steps):
            c0 = time.process_time()
            s, u = step()
            cpu.append((time.process_time() - c0) * 1e3)
            server.append(s)
            user.append(u)
            total.append(s + u)
        print(json.dumps({"method": method, "server_ms": statistics.median(server),
                          "user_ms": statistics.median(user), "total_ms": statistics.median(total),
                          "cpu_ms": statistics.median(cpu),
                          "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
