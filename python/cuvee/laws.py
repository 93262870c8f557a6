"""cuvee.laws: mixing laws fitted to an observation table, their predictions, and the mixture
that minimises them (`cuvee law fit`, `law predict`, `law optimize` in Python; docs/laws.md).

    fit = cuvee.laws.fit("bimix", "obs.csv", skip_zero_proportions=True)   # the fit file's JSON
    table = cuvee.laws.predict(fit, "obs.csv")                             # columns, predicted
    best = cuvee.laws.optimize(fit, step=30000, caps={"web": 0.5})

The table is a CSV path or columns, a dict of arrays: run, step, p.<domain>..., loss.<domain>...
(NaN or None: not measured), optionally params. A fit is the dict fit() returns or the path of
a `cuvee law fit` file.
"""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional, Union

from cuvee import _cuvee

__all__ = ["LAWS", "fit", "optimize", "predict"]

LAWS = tuple(_cuvee._law_names())

Table = Union[str, "os.PathLike[str]", Mapping[str, Any]]
Fit = Union[str, "os.PathLike[str]", Mapping[str, Any]]


def _table(data):
    return dict(data) if isinstance(data, Mapping) else data


def fit(law: str, data: Table, *, step: Optional[float] = None, huber: float = 0.0,
        log_loss: bool = False, starts: int = 0, seed: int = 0, ridge: float = 1e-3,
        bounds: Optional[Mapping[str, str]] = None, max_iterations: int = 500,
        skip_zero_proportions: bool = False, proportion_tolerance: float = 1e-3,
        threads: int = 0) -> dict:
    """Fits `law` (one of LAWS) to every loss domain of the table: the JSON `cuvee law fit
    --out` writes (format "cuvee-law-fit/1"), as a dict. The options are the command's:
    huber δ (0: least squares), log_loss, starts beyond the law's grid, seed, ridge (linear),
    bounds {"alpha": "0:0.8"}, max_iterations, skip_zero_proportions (bimix), step (rows at that
    step only), proportion_tolerance, threads (0: all cores; the result does not depend on it)."""
    return _cuvee._law_fit(law, _table(data), step, huber, log_loss, starts, seed, ridge,
                           dict(bounds or {}), max_iterations, skip_zero_proportions,
                           proportion_tolerance, threads)


def predict(fit: Fit, data: Table, *, step: Optional[float] = None,
            proportion_tolerance: float = 1e-3) -> dict:
    """The table with every loss cell replaced by the fit's prediction (`cuvee law predict`):
    a dict of columns, numbers as float64 arrays (NaN where the law is undefined), other
    columns as lists of strings."""
    return _cuvee._law_predict(_table(fit), _table(data), step, proportion_tolerance)


def optimize(fit: Fit, step: float, *, domain_weights: Optional[Mapping[str, float]] = None,
             floors: Optional[Mapping[str, float]] = None,
             caps: Optional[Mapping[str, float]] = None, search: str = "exact",
             candidates: int = 1_000_000, top_k: int = 100,
             prior: Optional[Mapping[str, float]] = None, seed: int = 0) -> dict:
    """The mixture minimising Σ c_i·L_i at `step` within floors and caps (`cuvee law
    optimize`): {"mixture", "predicted_losses", "objective", "optimizer", "iterations",
    "accepted_candidates"}. search="regmix" draws `candidates` Dirichlet mixtures around
    `prior` (default: the fitted runs' mean proportions) and averages the top_k."""
    if search not in ("exact", "regmix"):
        raise _cuvee.Error(f"search '{search}': expected exact or regmix")
    if search == "exact" and prior is not None:
        raise _cuvee.Error("prior applies to search='regmix' only")
    if search == "regmix" and candidates < 1:
        raise _cuvee.Error("candidates must be at least 1")
    return _cuvee._law_optimize(_table(fit), step,
                                None if domain_weights is None else dict(domain_weights),
                                dict(floors or {}), dict(caps or {}),
                                candidates if search == "regmix" else 0, top_k,
                                None if prior is None else dict(prior), seed)
