"""Peer of bench_mixing_policies: the ODM update in the paper's Exp3 form (Albalak et al.
2023, "Efficient Online Data Mixing For Language Model Pre-Training", arXiv 2312.02406, §3;
docs/online_mixing.md, "ODM", gives the equations) written plainly with NumPy, one step at a
time as a training loop would call it. Prints `us_per_step X`.

usage: policies_numpy.py K STEPS
"""
import sys
import time

import numpy as np


def main():
    k, steps = int(sys.argv[1]), int(sys.argv[2])
    alpha = 0.9
    rng = np.random.default_rng(0)
    losses = 2 + rng.random((steps, k))
    present = rng.random((steps, k)) < 0.9
    pi = np.full(k, 1 / k)
    reward = np.zeros(k)
    eps_prev = 1 / k
    start = time.perf_counter()
    for t in range(1, steps + 1):
        seen = present[t - 1]
        reward[seen] = alpha * reward[seen] + (1 - alpha) * losses[t - 1, seen] / pi[seen]
        eps = min(1 / k, np.sqrt(np.log(k) / (k * t)))
        z = np.exp(eps_prev * (reward - reward.max()))
        pi = (1 - k * eps) * z / z.sum() + eps
        eps_prev = eps
        weights = pi.tolist()  # what the trainer consumes
    elapsed = time.perf_counter() - start
    assert abs(sum(weights) - 1) < 1e-9
    print(f"us_per_step {elapsed / steps * 1e6:.4f}")


if __name__ == "__main__":
    main()
