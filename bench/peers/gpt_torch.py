#!/usr/bin/env python3
"""The peer of bench_train_step: cuvee's GPT and training step written in Python PyTorch.

Same layers as src/cuvee/train/gpt.cpp (token + position embeddings, pre-LayerNorm blocks of
causal self-attention with one qkv projection and a tanh-GELU MLP, final LayerNorm, output head
tied to the token embedding), same loss (mean of per-sequence mean token cross-entropy), same
AdamW parameter groups and gradient clipping. Trains on random tokens (the data path is not
what is compared) and prints one JSON line: {"ms_per_step": ..., "tokens_per_s": ...}.

Run with Debian's python3-torch: /usr/bin/python3 gpt_torch.py --vocab 8192 ...
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.ln2 = nn.LayerNorm(width)
        self.fc = nn.Linear(width, 4 * width)
        self.fc_out = nn.Linear(4 * width, width)

    def forward(self, x):
        batch, time_, width = x.shape
        head_width = width // self.heads
        qkv = self.qkv(self.ln1(x)).view(batch, time_, 3, self.heads, head_width)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)
        # torch 1.13's fused attention, as cuvee calls it (the public
        # scaled_dot_product_attention of torch 2 is this operator renamed).
        y = F._scaled_dot_product_attention(q, k, v, None, 0.0, False, True)[0]
        y = y.transpose(1, 2).reshape(batch, time_, width)
        h = x + self.proj(y)
        return h + self.fc_out(F.gelu(self.fc(self.ln2(h)), approximate="tanh"))


class Gpt(nn.Module):
    def __init__(self, vocab, context, width, depth, heads):
        super().__init__()
        self.wte = nn.Embedding(vocab, width)
        self.wpe = nn.Embedding(context, width)
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(depth))
        self.ln_f = nn.LayerNorm(width)

    def forward(self, inputs):
        time_ = inputs.shape[1]
        x = self.wte(inputs) + self.wpe(torch.arange(time_))
        for block in self.blocks:
            x = block(x)
        return F.linear(self.ln_f(x), self.wte.weight)


def main():
    parser = argparse.ArgumentParser()
    for name in ("vocab", "context", "width", "depth", "heads", "batch", "steps", "warmup",
                 "threads"):
        parser.add_argument("--" + name, type=int, required=True)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = Gpt(args.vocab, args.context, args.width, args.depth, args.heads)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
        lr=1e-3, betas=(0.9, 0.95), eps=1e-8)
    tokens = torch.randint(0, args.vocab, (args.batch, args.context + 1))
    inputs, targets = tokens[:, :-1].contiguous(), tokens[:, 1:].contiguous()

    def step():
        optimizer.zero_grad(set_to_none=False)  # as libtorch 1.13's C++ zero_grad()
        logits = model(inputs)
        losses = F.cross_entropy(logits.reshape(-1, args.vocab), targets.reshape(-1),
                                 reduction="none").view(args.batch, args.context).mean(1)
        (losses.sum() / args.batch).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return losses.sum().item()

    for _ in range(args.warmup):
        step()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    seconds = (time.perf_counter() - start) / args.steps
    print(json.dumps({"ms_per_step": seconds * 1e3,
                      "tokens_per_s": args.batch * args.context / seconds}))


if __name__ == "__main__":
    main()
