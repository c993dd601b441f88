"""A sweep's sample-complexity grid as a plain PyTorch loop over trials: the way an ML researcher
would write it, as a reference point for the project's own sweep runner on the same machine.

The model, initialisation scheme, optimiser, loss and data are the project's (src/core/model/model.ts,
src/core/train/training.ts, src/core/spec/dataset.ts); the data comes from bench/torchGrid.ts, which expands the
sweep with the project's own code and writes every run's exact training and test sets to a JSON file.
The weights are drawn from torch's RNG seeded with the run's seed, so they follow the same
distribution as the project's but are not bit-identical to them.

One process per core (multiprocessing, each with one torch thread), trials spread over them; every
trial trains all its steps on the full training set and is judged once, at the end (the sweep's
successWhen "final"; the project also evaluates every evalEvery steps, which cannot change a
"final" verdict, so this loop skips those evaluations).

Needs Debian's python3-torch and libopenblas0-pthread (run with /usr/bin/python3).
Usage: python3 bench/torch_grid.py [--processes N] [--steps S] [--limit N] grid.json
  -> one JSON line on stdout: wallSeconds, processes, torch version, runs, cells, mStar.
"""
import argparse
import base64
import json
import math
import multiprocessing as mp
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    """Pre-LayerNorm: x + attn(ln1(x)), then x + mlp(ln2(x)); GELU with the tanh approximation."""

    def __init__(self, d, heads, hidden):
        super().__init__()
        self.ln1 = nn.LayerNorm(d, eps=1e-5)
        # q, k, v and output projections, all with biases (in_proj_weight stacks wq, wk, wv).
        self.attn = nn.MultiheadAttention(d, heads, bias=True, batch_first=True)
        self.ln2 = nn.LayerNorm(d, eps=1e-5)
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x):
        a = self.ln1(x)
        x = x + self.attn(a, a, a, need_weights=False)[0]
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x)), approximate="tanh"))


class Transformer(nn.Module):
    """src/core/model/model.ts: bit embeddings e0/e1 + learned positions, [CLS] at position 0, `layers`
    blocks, final LayerNorm, one logit from the [CLS] state."""

    def __init__(self, T, d, heads, layers, mlp_ratio):
        super().__init__()
        hidden = max(1, math.floor(mlp_ratio * d + 0.5))  # JS Math.round (Python's round() goes to even)
        self.bit = nn.Embedding(2, d)  # row 0: a 0 bit, row 1: a 1 bit
        self.cls = nn.Parameter(torch.zeros(d))
        self.pos = nn.Parameter(torch.zeros(T + 1, d))
        self.blocks = nn.ModuleList(Block(d, heads, hidden) for _ in range(layers))
        self.lnf = nn.LayerNorm(d, eps=1e-5)
        self.head = nn.Linear(d, 1)

    def forward(self, x):  # x: (B, T) long bits -> (B) logits
        B = x.shape[0]
        h = torch.cat([self.cls.expand(B, 1, -1), self.bit(x)], 1) + self.pos
        for block in self.blocks:
            h = block(h)
        return self.head(self.lnf(h[:, 0])).squeeze(-1)

    def weight_matrices(self):
        """What the project decays (model.ts isDecayed): wq, wk, wv, wo, w1, w2, head.w."""
        out = [self.head.weight]
        for b in self.blocks:
            out += [b.attn.in_proj_weight, b.attn.out_proj.weight, b.fc1.weight, b.fc2.weight]
        return out

    def init_(self, scheme):
        """model.ts initParams: biases 0, LayerNorm gains 1; "normal-0.02": every other weight
        N(0, 0.02²); "fan-in": weight matrices N(0, 1/fan_in), embeddings N(0, 1)."""
        fan_in = scheme != "normal-0.02"
        with torch.no_grad():
            for e in (self.bit.weight, self.cls, self.pos):
                e.normal_(0.0, 1.0 if fan_in else 0.02)
            for w in self.weight_matrices():  # torch stores (out, in): fan_in is shape[1]
                w.normal_(0.0, 1.0 / math.sqrt(w.shape[1]) if fan_in else 0.02)
            for mod in self.modules():
                if isinstance(mod, nn.LayerNorm):
                    mod.weight.fill_(1.0)
            for name, p in self.named_parameters():
                if name.endswith("bias"):  # nn.Linear draws its biases; the project's start at 0
                    p.zero_()


def bits(b64, n, T):
    return torch.frombuffer(bytearray(base64.b64decode(b64)), dtype=torch.uint8).view(n, T).long()


def labels(b64):
    return torch.frombuffer(bytearray(base64.b64decode(b64)), dtype=torch.uint8).float()


@torch.no_grad()
def accuracy(model, x, y, chunk=250):
    # Chunks keep the (chunk, heads, n, n) attention of T = 80 small in each worker.
    correct = 0
    for i in range(0, x.shape[0], chunk):
        correct += ((model(x[i : i + chunk]) > 0).float() == y[i : i + chunk]).sum().item()
    return correct / x.shape[0]


def run_trial(args):
    run, steps = args
    started = time.perf_counter()
    T, md, tr = run["T"], run["model"], run["training"]
    xtr, ytr = bits(run["trainX"], run["m"], T), labels(run["trainY"])
    xte, yte = bits(run["testX"], run["nTest"], T), labels(run["testY"])
    torch.manual_seed(run["seed"])
    model = Transformer(T, md["dModel"], md["heads"], md["layers"], md["mlpRatio"])
    model.init_(md["init"])
    lr, wd = tr["learningRate"], tr["weightDecay"]
    opt = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8)
    decayed = model.weight_matrices()
    model.train()
    loss = torch.tensor(float("nan"))
    for _ in range(steps):
        loss = F.binary_cross_entropy_with_logits(model(xtr), ytr)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        # Decoupled weight decay after the Adam step, weights only: training.ts's order exactly
        # (torch.optim.AdamW would decay before the step).
        if wd > 0:
            with torch.no_grad():
                for w in decayed:
                    w.mul_(1 - lr * wd)
    model.eval()
    test_acc = accuracy(model, xte, yte)
    return {
        "T": T,
        "m": run["m"],
        "seedIndex": run["seedIndex"],
        "seed": run["seed"],
        "steps": steps,
        "finalLoss": round(loss.item(), 6),
        "trainAccuracy": accuracy(model, xtr, ytr),
        "testAccuracy": test_acc,
        "succeeded": bool(math.isfinite(loss.item()) and test_acc >= tr["targetAccuracy"]),
        "seconds": round(time.perf_counter() - started, 3),
    }


def init_worker():
    torch.set_num_threads(1)  # one process per core: no thread oversubscription


def summarise(results, success_rate):
    cells = {}
    for r in results:
        c = cells.setdefault((r["T"], r["m"]), {"T": r["T"], "m": r["m"], "runs": 0, "successes": 0})
        c["runs"] += 1
        c["successes"] += r["succeeded"]
    cells = sorted(cells.values(), key=lambda c: (c["T"], c["m"]))
    m_star = []
    for T in sorted({c["T"] for c in cells}):
        ok = [c["m"] for c in cells if c["T"] == T and c["successes"] / c["runs"] >= success_rate]
        m_star.append({"T": T, "mStar": min(ok) if ok else None})
    return cells, m_star


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", help="the grid file bench/torchGrid.ts writes")
    ap.add_argument("--processes", type=int, default=os.cpu_count())
    ap.add_argument("--steps", type=int, default=None, help="override every run's maxSteps (quick checks)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N runs (quick checks)")
    a = ap.parse_args()
    with open(a.input) as f:
        grid = json.load(f)
    runs = grid["runs"][: a.limit] if a.limit else grid["runs"]
    jobs = [(r, a.steps or r["training"]["maxSteps"]) for r in runs]
    started = time.perf_counter()
    # fork: the workers inherit the imported torch, so no per-worker import cost is timed.
    with mp.get_context("fork").Pool(a.processes, initializer=init_worker) as pool:
        results = []
        for r in pool.imap_unordered(run_trial, jobs, chunksize=1):
            results.append(r)
            # Progress on stderr (stdout carries only the result line).
            print(f"{len(results)}/{len(jobs)} T={r['T']} m={r['m']} seed={r['seed']} "
                  f"test={r['testAccuracy']:.3f} {r['seconds']:.1f}s", file=sys.stderr, flush=True)
    wall = time.perf_counter() - started
    results.sort(key=lambda r: (r["T"], r["m"], r["seedIndex"]))
    cells, m_star = summarise(results, grid["successRate"])
    print(json.dumps({
        "wallSeconds": round(wall, 3),
        "processes": a.processes,
        "torchVersion": torch.__version__,
        "runs": results,
        "cells": cells,
        "mStar": m_star,
    }))


if __name__ == "__main__":
    main()
