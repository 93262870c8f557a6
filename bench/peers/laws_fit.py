#!/usr/bin/env python3
"""SciPy peer of bench_laws_fit: the same fits from the same starts.

Reads the problems bench_laws_fit wrote (data points and starting points per law and domain),
fits each start with scipy.optimize.least_squares (trust-region reflective, the solver the
BiMix paper used; analytic Jacobians, bounds, Huber loss where asked), keeps the best start per
domain, and writes the wall time of all fits (median of the repeats) and the objectives in
cuvee's definition: (sum of rho(residual)) / n with rho = r^2/2, or the Huber loss.
Usage: laws_fit.py PROBLEMS.json RESULT.json
"""
import json
import sys
import time

import numpy as np
from scipy.optimize import least_squares


def bimix(problem):
    r, s, y = (np.asarray(problem[k]) for k in ("r", "s", "losses"))
    log_r, log_s = np.log(r), np.log(s)

    def residuals(p):
        alpha, b, beta, c = p
        return np.exp(-alpha * log_r) * (b * np.exp(-beta * log_s) + c) - y

    def jacobian(p):
        alpha, b, beta, c = p
        r_term, s_term = np.exp(-alpha * log_r), np.exp(-beta * log_s)
        value = r_term * (b * s_term + c)
        return np.stack([-log_r * value, r_term * s_term, -r_term * b * s_term * log_s, r_term], 1)

    # cuvee's theta is (A, alpha, B, beta, C) with A fixed to 1: drop A.
    starts = [start[1:] for start in problem["starts"]]
    return residuals, jacobian, starts, ([0, 0, 0, 0], [np.inf] * 4)


def exponential(problem):
    r, y = np.asarray(problem["r"]), np.asarray(problem["losses"])

    def residuals(p):
        return np.exp(p[0]) + np.exp(r @ p[1:]) - y

    def jacobian(p):
        excess = np.exp(r @ p[1:])
        return np.concatenate([np.full((len(y), 1), np.exp(p[0])), excess[:, None] * r], 1)

    # cuvee's theta is (c, k, t...) with k fixed to 0 while fitting: drop k.
    starts = [[start[0]] + start[2:] for start in problem["starts"]]
    return residuals, jacobian, starts, (-np.inf, np.inf)


def fit(problem):
    residuals, jacobian, starts, bounds = {"bimix": bimix, "exponential": exponential}[problem["law"]](
        problem)
    huber = problem["huber"]
    best = np.inf
    for start in starts:
        result = least_squares(residuals, np.asarray(start, dtype=float), jac=jacobian,
                               bounds=bounds, method="trf", loss="huber" if huber > 0 else "linear",
                               f_scale=huber if huber > 0 else 1.0, x_scale="jac", ftol=1e-12,
                               xtol=1e-12, gtol=1e-14, max_nfev=500)
        best = min(best, result.cost / len(problem["losses"]))
    return best


def main():
    # Starts far from the optimum overflow exp() on the way; least_squares recovers from them.
    np.seterr(over="ignore")
    problems = json.load(open(sys.argv[1]))
    repeats = problems["repeats"]
    result = {}
    for law, domains in problems["laws"].items():
        times, objectives = [], {}
        for _ in range(repeats):
            begin = time.perf_counter()
            for domain in domains:
                objectives[domain["name"]] = fit(domain)
            times.append(time.perf_counter() - begin)
        result[law] = {"seconds": float(np.median(times)), "objectives": objectives}
    json.dump(result, open(sys.argv[2], "w"), indent=1)


if __name__ == "__main__":
    main()
