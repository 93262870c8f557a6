#!/usr/bin/env python3
"""A nanoGPT-sized PyTorch training loop whose batches come from cuvee's mixed sampler under any
mixing policy (ODM, ADO, Velocitune or a static recipe). CPU or CUDA, one process or torchrun:

    PYTHONPATH=build/python python3 examples/python/train_torch.py --data data --policy odm
    torchrun --nproc_per_node 2 examples/python/train_torch.py --data data --policy ado

Every rank draws the same global batch and trains its slice; the per-domain losses are summed
over the ranks and fed to each rank's policy, so all ranks keep the same proportions. The
policy's state goes into the checkpoint beside the model's. With --out DIR: DIR/checkpoint.pt,
DIR/metrics.jsonl (rank 0) and DIR/weights.rank<R>.csv (each rank's proportions per step).
"""

import argparse
import contextlib
import json
import math
import os
import pathlib
import time

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader

import cuvee
import cuvee.torch


class Block(nn.Module):
    """Pre-LayerNorm transformer block: causal self-attention, then a 4x MLP (tanh GELU)."""

    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.qkv, self.proj = nn.Linear(width, 3 * width), nn.Linear(width, width)
        self.fc, self.fc_out = nn.Linear(width, 4 * width), nn.Linear(4 * width, width)

    def attend(self, x):
        b, t, w = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, w // self.heads).permute(2, 0, 3, 1, 4)
        if hasattr(F, "scaled_dot_product_attention"):  # torch >= 2.0: the fused kernel
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            scores = (q @ k.transpose(-2, -1)) / math.sqrt(k.shape[-1])
            mask = torch.ones(t, t, dtype=torch.bool, device=x.device).tril()
            y = scores.masked_fill(~mask, float("-inf")).softmax(-1) @ v
        return self.proj(y.transpose(1, 2).reshape(b, t, w))

    def forward(self, x):
        x = x + self.attend(self.ln1(x))
        return x + self.fc_out(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, vocab, context, width, depth, heads):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, width), nn.Embedding(context, width)
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(depth))
        self.ln_f = nn.LayerNorm(width)
        for name, p in self.named_parameters():  # GPT-2's initialisation
            if p.dim() >= 2:
                residual = name.endswith(("proj.weight", "fc_out.weight"))
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * depth) if residual else 0.02)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, tokens):
        x = self.wte(tokens) + self.wpe(torch.arange(tokens.shape[1], device=tokens.device))
        for block in self.blocks:
            x = block(x)
        return self.ln_f(x) @ self.wte.weight.t()  # tied output head


def sequence_losses(model, tokens, device):
    """Mean token cross-entropy of every row (inputs tokens[:, :-1], targets tokens[:, 1:])."""
    inputs, targets = tokens[:, :-1], tokens[:, 1:]
    on_gpu = device.type == "cuda"  # bf16 autocast there (torch 1.13 refuses to build it on CPU)
    with torch.autocast("cuda", dtype=torch.bfloat16) if on_gpu else contextlib.nullcontext():
        logits = model(inputs)
    losses = F.cross_entropy(logits.float().flatten(0, 1), targets.flatten(), reduction="none")
    return losses.view(targets.shape).mean(1)


def parse_settings(pairs):
    """--set key=value: the value as JSON when it parses (numbers, booleans), else a string, as
    `cuvee policy replay --set` reads it."""
    settings = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"--set {pair!r}: expected key=value")
        try:
            settings[key] = json.loads(text)
        except json.JSONDecodeError:
            settings[key] = text
    return settings


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", nargs="+", required=True, help="cuvee domain folders")
    parser.add_argument("--policy", default="natural", help=", ".join(cuvee.policy_names()))
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a policy setting, as in the trainer's [mixing] table")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=16, help="sequences per step, all ranks")
    parser.add_argument("--seq-len", type=int, default=128)
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--workers", type=int, default=0, help="DataLoader worker processes")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: cores / ranks)")
    parser.add_argument("--eval-every", type=int, default=50)
    parser.add_argument("--eval-windows", type=int, default=16,
                        help="validation (and test) windows per domain, spread over the split")
    parser.add_argument("--out", type=pathlib.Path, help="checkpoint and metrics folder")
    parser.add_argument("--save-every", type=int, default=0, help="0: when the run ends")
    parser.add_argument("--resume", action="store_true", help="continue from --out's checkpoint")
    parser.add_argument("--stop-at", type=int, help="stop after this step and checkpoint (the "
                        "schedule still spans --steps, so a resumed run continues it exactly)")
    args = parser.parse_args()

    # The group, when torchrun (or another launcher) started this process.
    world = int(os.environ.get("WORLD_SIZE", "1"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    use_cuda = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    device = torch.device(f"cuda:{local_rank}" if use_cuda else "cpu")
    if use_cuda:
        torch.cuda.set_device(device)
    if world > 1:
        dist.init_process_group("nccl" if use_cuda else "gloo")
    rank = dist.get_rank() if world > 1 else 0
    local_world = int(os.environ.get("LOCAL_WORLD_SIZE", str(world)))
    torch.set_num_threads(args.threads or max(1, (os.cpu_count() or 1) // local_world))
    torch.manual_seed(args.seed)

    domains = cuvee.Domains(args.data)
    k = len(domains)
    # The lines that matter: a policy, a dataset drawing with it, observe() after each step.
    policy = cuvee.Policy(args.policy, domains, parse_settings(args.set), total_steps=args.steps)
    model = GPT(domains.vocab_size, args.seq_len, args.width, args.depth, args.heads).to(device)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                                   {"params": no_decay, "weight_decay": 0.0}],
                                  lr=args.lr, betas=(0.9, 0.95))
    data_state, start = None, 1
    checkpoint_path = args.out / "checkpoint.pt" if args.out else None
    if args.resume:
        if checkpoint_path is None or not checkpoint_path.exists():
            raise SystemExit(f"--resume: no checkpoint at {checkpoint_path}")
        checkpoint = torch.load(checkpoint_path, map_location=device)
        model.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        policy.load_state_dict(checkpoint["policy"])
        data_state, start = checkpoint["data"], checkpoint["data"]["step"]
    dataset = cuvee.torch.MixedDataset(domains, args.seq_len, args.batch_size, args.seed,
                                       args.steps, policy=policy, state=data_state)
    trained = nn.parallel.DistributedDataParallel(model) if world > 1 else model

    def lr_at(step):
        if step <= args.warmup:
            return args.lr * step / args.warmup
        progress = (step - args.warmup) / max(1, args.steps - args.warmup)
        return 0.1 * args.lr + 0.45 * args.lr * (1 + math.cos(math.pi * progress))

    def eval_set(split):
        """Up to --eval-windows windows of each domain's split, spread evenly over it, and the
        domain of each: fixed for the whole run."""
        windows, owners = [], []
        for d, (name, n) in enumerate(zip(domains.names, domains.windows(args.seq_len, split))):
            for i in sorted({j * n // args.eval_windows for j in range(min(n, args.eval_windows))}):
                windows.append(torch.as_tensor(
                    domains.window(name, args.seq_len, i, split).astype("int64")))
                owners.append(d)
        return torch.stack(windows), torch.tensor(owners)

    validation, test = eval_set("validation"), eval_set("test")

    def losses_on(windows, owners):
        with torch.no_grad():
            losses = sequence_losses(model, windows.to(device), device)
        return cuvee.torch.domain_means(losses, owners, k, all_reduce=False)[0]

    def evaluate(step):
        # The validation split steers (the policy reads it); the test split only reports.
        means = losses_on(*validation)
        policy.observe_eval(step, means)  # the same on every rank: every rank evaluates all
        return means

    def save(step):
        if rank == 0 and checkpoint_path is not None:
            temporary = checkpoint_path.with_suffix(".tmp")
            torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                        "policy": policy.state_dict(), "data": dataset.state_dict(step),
                        "args": vars(args) | {"out": str(args.out), "data": args.data}},
                       temporary)
            os.replace(temporary, checkpoint_path)

    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        mode = "a" if args.resume else "w"
        weights_log = open(args.out / f"weights.rank{rank}.csv", mode)
        if not args.resume:
            weights_log.write("step," + ",".join(f"w.{d}" for d in domains.names) + "\n")
        metrics = open(args.out / "metrics.jsonl", mode) if rank == 0 else None
    if start == 1:
        evaluate(0)  # Velocitune's initial losses

    loader = DataLoader(dataset, batch_size=None, num_workers=args.workers,
                        pin_memory=use_cuda)
    begin, tokens_seen, step = time.time(), 0, start - 1
    for batch in loader:
        step = batch.step
        weights = dataset.weights_of(step)
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step)
        losses = sequence_losses(trained, batch.tokens.to(device, non_blocking=True), device)
        optimizer.zero_grad(set_to_none=True)
        losses.mean().backward()  # DDP averages over ranks: the global batch's mean
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        means, counts = dataset.observe(step, losses, batch.domains)
        tokens_seen += args.batch_size * args.seq_len
        train_loss = float((means[counts > 0] * counts[counts > 0]).sum() / counts.sum())
        if args.out:
            weights_log.write(f"{step}," + ",".join(repr(float(w)) for w in weights) + "\n")
            if metrics:
                record = {"step": step, "train_loss": train_loss, "lr": lr_at(step)}
                record |= {f"weights.{d}": float(w) for d, w in zip(domains.names, weights)}
                metrics.write(json.dumps(record) + "\n")
        if step % args.eval_every == 0 or step == args.steps:
            held = evaluate(step)
            if rank == 0:
                rate = tokens_seen / (time.time() - begin)
                print(f"step {step}: train loss {train_loss:.4f}, validation {held.mean():.4f}, "
                      f"{rate:,.0f} tokens/s, weights "
                      + " ".join(f"{d}={w:.3f}" for d, w in zip(domains.names, policy.weights())),
                      flush=True)
        if step == args.stop_at:
            dataset.close()  # workers waiting for the next step's weights stop
            break
        if args.save_every and step % args.save_every == 0:
            save(step)
    save(step)
    if rank == 0:
        test_loss = losses_on(*test)
        print(f"step {step}: test loss {test_loss.mean():.4f} ("
              + " ".join(f"{d}={x:.4f}" for d, x in zip(domains.names, test_loss)) + ")",
              flush=True)
    if args.out:
        weights_log.close()
        if metrics:
            metrics.close()
    if world > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
