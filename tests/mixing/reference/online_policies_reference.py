"""Independent references for cuvee's online mixing policies, written with NumPy from the rules
as docs/online_mixing.md states them after the released code (ODM: the authors' GPT-NeoX fork,
megatron/data/data_sampling_utils.py; ADO: yidingjiang/ado, src/data_selectors/ado.py), not from
cuvee's C++. tests/mixing/released_reference_test.cpp runs each on a recorded trace and compares
the weights with cuvee's to 1e-9.

usage: online_policies_reference.py POLICY TRACE.csv OUT.csv [key=value ...]

  odm         variant=smoothed-mean|paper alpha= warmup_steps= epsilon_time_scale=
  ado         laws=eps:beta:alpha,... laws_from=STEP gamma1= gamma2= s= min_prob=
              (the laws are fixed and act from the observation of step laws_from on)
  velocitune  targets=x,y,... every= eta=

Domains are the trace's, sorted; the initial weights and μ are uniform (a trace has no token
counts). OUT gets `step,w.<domain>...`: the weights in force after each row, repr-printed.
"""
import csv
import math
import sys

import numpy as np


def read_trace(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    domains = sorted(c[len("loss."):] for c in header if c.startswith("loss."))
    col = {name: i for i, name in enumerate(header)}
    trace = []
    for row in rows[1:]:
        step = int(row[col["step"]])
        losses, counts, evals = {}, {}, {}
        for d in domains:
            cell = row[col["count." + d]]
            counts[d] = int(cell) if cell else 0
            if counts[d] > 0:
                losses[d] = float(row[col["loss." + d]])
            e = row[col["eval." + d]] if "eval." + d in col else ""
            if e:
                evals[d] = float(e)
        trace.append((step, losses, counts, evals if len(evals) == len(domains) else None))
    return domains, trace


class OdmReference:
    """The released loop: `requires_update(iteration)` is iteration > warmup_steps; then ε from
    the iteration, the rewards of the domains in the batch, and the weights."""

    def __init__(self, domains, variant, alpha, warmup_steps, epsilon_time_scale):
        self.names = domains
        self.k = len(domains)
        self.variant = variant
        self.alpha = alpha
        self.warmup_steps = warmup_steps
        self.tau = epsilon_time_scale
        self.probabilities = {d: 1.0 / self.k for d in domains}
        self.reward = {d: 0.0 for d in domains}
        self.eps = 1.0 / self.k

    def group_update(self, iteration, batch_losses):
        if not iteration > self.warmup_steps:
            return
        prev_eps = self.eps
        self.eps = min(1.0 / self.k, math.sqrt(math.log(self.k) / (self.k * self.tau * iteration)))
        for name, loss in batch_losses.items():
            if self.variant == "smoothed-mean":
                gain = math.exp(loss)
            else:
                gain = loss / self.probabilities[name]
            self.reward[name] = self.alpha * self.reward[name] + (1 - self.alpha) * gain
        r = np.array([self.reward[d] for d in self.names])
        if self.variant == "smoothed-mean":
            share = r / r.sum()
        else:
            z = np.exp(prev_eps * r - np.max(prev_eps * r))
            share = z / z.sum()
        w = (1 - self.k * self.eps) * share + self.eps
        self.probabilities = dict(zip(self.names, w))

    def weights(self):
        return [self.probabilities[d] for d in self.names]


class AdoReference:
    """AdoSelector's per-step arithmetic on fixed laws: `update` (counts, p_history) then
    `curr_dist` (slope, weighting, clip, p and p_avg), itr = step − 1."""

    def __init__(self, domains, laws, laws_from, gamma1, gamma2, s, min_prob):
        self.k = len(domains)
        self.empirical_dist = np.full(self.k, 1.0 / self.k)
        self.p_history = self.empirical_dist.copy()
        self.p_avg = self.empirical_dist.copy()
        self.p = self.empirical_dist.copy()
        self.n_seen = 0.0
        self.eps_K = np.array([law[0] for law in laws])
        self.beta_K = np.array([law[1] for law in laws])
        self.alpha_K = np.array([law[2] for law in laws])
        self.laws_from = laws_from
        self.gamma1, self.gamma2, self.s, self.min_prob = gamma1, gamma2, s, min_prob
        self.names = domains

    def step(self, step, counts):
        counts_K = np.array([counts[d] for d in self.names], dtype=np.float64)
        self.n_seen += counts_K.sum()
        self.p_history = (1 - self.gamma1) * self.p_history + self.gamma1 * counts_K / counts_K.sum()
        if step < self.laws_from:
            return
        itr = step - 1
        curr_loss_K = self.eps_K + self.beta_K / self.n_seen ** self.alpha_K
        slope_K = np.maximum(self.alpha_K, 0.05) * (curr_loss_K - self.eps_K) / self.n_seen
        dist_K = slope_K * self.empirical_dist * self.p_history ** self.s
        dist_K = dist_K / dist_K.sum()
        clipped = np.maximum(dist_K, self.min_prob)
        dist_K = clipped / clipped.sum()
        self.p = (1 - self.gamma2) * self.p_avg + self.gamma2 * dist_K
        self.p_avg = (1 - 1 / (itr + 1)) * self.p_avg + 1 / (itr + 1) * dist_K

    def weights(self):
        return list(self.p)


class VelocituneReference:
    """ℓ_init from the first evaluation; each evaluation at least `every` steps after the last
    update moves the weights by exp(η·V)."""

    def __init__(self, domains, targets, every, eta):
        self.w = np.full(len(domains), 1.0 / len(domains))
        self.target = np.array(targets)
        self.every, self.eta = every, eta
        self.init = None
        self.last = 0

    def evaluate(self, step, losses):
        if self.init is None:
            self.init, self.last = losses, step
            return
        if step < self.last + self.every:
            return
        span = self.init - self.target
        v = np.zeros_like(span)
        ok = span > 0
        v[ok] = np.clip((losses[ok] - self.target[ok]) / span[ok], 0, 1)
        scaled = self.w * np.exp(self.eta * v)
        self.w = scaled / scaled.sum()
        self.last = step

    def weights(self):
        return list(self.w)


def main():
    policy, trace_path, out_path = sys.argv[1:4]
    opts = dict(a.split("=", 1) for a in sys.argv[4:])
    domains, trace = read_trace(trace_path)
    if policy == "odm":
        ref = OdmReference(domains, opts.get("variant", "smoothed-mean"), float(opts["alpha"]),
                           int(opts["warmup_steps"]), float(opts.get("epsilon_time_scale", 1)))
    elif policy == "ado":
        laws = [tuple(float(x) for x in law.split(":")) for law in opts["laws"].split(",")]
        ref = AdoReference(domains, laws, int(opts["laws_from"]), float(opts["gamma1"]),
                           float(opts["gamma2"]), float(opts["s"]), float(opts["min_prob"]))
    elif policy == "velocitune":
        ref = VelocituneReference(domains, [float(x) for x in opts["targets"].split(",")],
                                  int(opts["every"]), float(opts["eta"]))
    else:
        sys.exit(f"unknown policy {policy}")
    with open(out_path, "w") as out:
        out.write("step," + ",".join("w." + d for d in domains) + "\n")
        for step, losses, counts, evals in trace:
            if policy == "odm" and losses:
                ref.group_update(step, losses)
            elif policy == "ado" and losses:
                ref.step(step, counts)
            elif policy == "velocitune" and evals is not None:
                ref.evaluate(step, np.array([evals[d] for d in domains]))
            out.write(str(step) + "," + ",".join(repr(float(w)) for w in ref.weights()) + "\n")


if __name__ == "__main__":
    main()
