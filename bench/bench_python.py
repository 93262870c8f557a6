#!/usr/bin/env python3
"""What `import cuvee` adds to a PyTorch training step, against that step in the same run.

    PYTHONPATH=build/python python3 bench/bench_python.py build/cuvee [DATA_DIR]

Times, per step: a policy's observe() + weights() from Python (ODM, ADO between refits, K = 22
domains), drawing a batch with cuvee.MixedSampler and through cuvee.torch.MixedDataset,
MixedDataset.observe() (per-domain means + the policy), and the training step of
examples/python/train_torch.py's GPT at the demo model's shape (width 128, depth 2, 4 heads,
16 sequences of 128 tokens) on this machine's CPU. Prints each cost and its fraction of the
step. Uses the domains in DATA_DIR (e.g. localpile's data/) when given, else imports three
generated ones with the cuvee program.
"""

import importlib.util
import itertools
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from torch.utils.data import DataLoader

import cuvee
import cuvee.torch

REPO = pathlib.Path(__file__).resolve().parents[1]


def example_module():
    spec = importlib.util.spec_from_file_location("train_torch",
                                                  REPO / "examples/python/train_torch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def per_call(function, calls, rounds=5):
    """Median over rounds of the mean seconds per call."""
    times = []
    for _ in range(rounds):
        begin = time.perf_counter()
        for i in range(calls):
            function(i)
        times.append((time.perf_counter() - begin) / calls)
    return statistics.median(times)


def make_domains(cuvee_bin, root):
    words = "the of and to in is that for it as with was on be by this are from".split()
    for name in ("alpha", "beta", "gamma"):
        source = root / f"{name}.jsonl"
        with open(source, "w") as f:
            for i in range(3000):
                text = " ".join(words[(i * 7 + j * (len(name) + 2)) % len(words)]
                                for j in range(40))
                f.write('{"text": "%s %d %s"}\n' % (name, i, text))
        subprocess.run([cuvee_bin, "-q", "import", "--domain", name, "--out", root / "data",
                        source], check=True, stdout=subprocess.DEVNULL)
    return root / "data"


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    with tempfile.TemporaryDirectory() as scratch:
        data = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else make_domains(
            sys.argv[1], pathlib.Path(scratch))
        run(cuvee.Domains(data))


def run(domains):
    k = len(domains)
    seq, batch = 128, 16
    example = example_module()
    torch.manual_seed(1)
    torch.set_num_threads(os.cpu_count() or 1)
    model = example.GPT(domains.vocab_size, seq, 128, 2, 4)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    sampler = cuvee.MixedSampler(domains, seq, batch, 1)
    weights = np.full(k, 1.0 / k)
    device = torch.device("cpu")
    tokens = torch.from_numpy(sampler.next(weights).tokens)

    def train_step(_):
        losses = example.sequence_losses(model, tokens, device)
        optimizer.zero_grad(set_to_none=True)
        losses.mean().backward()
        optimizer.step()

    train_step(0)
    step_s = per_call(train_step, 5, rounds=3)

    names = [f"d{i:02d}" for i in range(22)]
    rng = np.random.default_rng(0)
    losses22 = rng.uniform(2, 6, size=(1000, 22))
    counts22 = np.ones(22)
    costs = {}
    for label, name, settings in [
            ("ODM (paper) observe + weights, K = 22", "odm",
             {"variant": "paper", "warmup_steps": 0}),
            ("ADO observe + weights between refits, K = 22", "ado",
             {"start_step": 10**9}),
            ("Velocitune observe + weights, K = 22", "velocitune",
             {"targets": {d: 1.0 for d in names}})]:
        policy = cuvee.Policy(name, names, settings, total_steps=10**6)
        step = itertools.count(1)

        def policy_step(i, policy=policy, step=step):
            policy.observe(next(step), losses22[i % 1000], counts22)
            policy.weights()
        costs[label] = per_call(policy_step, 2000)

    def draw(_):
        sampler.next(weights)
    costs[f"MixedSampler.next, {batch} x {seq + 1} tokens"] = per_call(draw, 500)
    out = np.empty((batch, seq + 1), dtype=np.int64)

    def draw_into(_):
        sampler.next(weights, out=out)
    costs["MixedSampler.next into a preallocated array"] = per_call(draw_into, 500)

    steps = 2000
    policy = cuvee.Policy("odm", domains, {"variant": "paper", "warmup_steps": 0},
                          total_steps=steps)
    dataset = cuvee.torch.MixedDataset(domains, seq, batch, 1, steps, policy=policy, rank=0,
                                       world=1)
    per_row = torch.rand(batch, dtype=torch.float32) + 3
    begin = time.perf_counter()
    observe_s = 0.0
    for batch_ in DataLoader(dataset, batch_size=None):
        t = time.perf_counter()
        dataset.observe(batch_.step, per_row, batch_.domains)
        observe_s += time.perf_counter() - t
    loop_s = (time.perf_counter() - begin) / steps
    costs["MixedDataset: a step through the DataLoader (draw + observe, ODM)"] = loop_s
    costs["  of which MixedDataset.observe (per-domain means + ODM)"] = observe_s / steps

    print(f"training step of the example's GPT (demo shape, {batch} x {seq} tokens, "
          f"{torch.get_num_threads()} threads, torch {torch.__version__}): "
          f"{step_s * 1e3:.1f} ms/step")
    for label, seconds in costs.items():
        print(f"{label:<68} {seconds * 1e6:9.1f} us/step  {100 * seconds / step_s:8.4f}% of the "
              "step")


if __name__ == "__main__":
    main()
