"""Shared fixtures of the Python package's tests. ctest runs them with Debian's python3 and
PYTHONPATH=build/python; CUVEE names the `cuvee` program (tests/python/CMakeLists.txt)."""

import csv
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
TRACE = REPO / "tests" / "data" / "mixing" / "tiny_natural_600.csv"


@pytest.fixture(scope="session")
def cuvee_bin():
    path = os.environ.get("CUVEE")
    assert path and os.access(path, os.X_OK), "set CUVEE to the cuvee program (ctest does)"
    return path


def run_cuvee(cuvee_bin, *args, **kwargs):
    """Runs `cuvee -q ARGS...`, returning its stdout; a failure shows its stderr."""
    result = subprocess.run([cuvee_bin, "-q", *map(str, args)], capture_output=True, text=True,
                            **kwargs)
    assert result.returncode == 0, result.stderr
    return result.stdout


def write_documents(path, name, count, words):
    """JSONL documents of `name` from a deterministic word sequence."""
    with open(path, "w") as out:
        for i in range(count):
            text = " ".join(words[(i * 7 + j * 3) % len(words)] for j in range(12 + i % 9))
            out.write('{"text": "%s %d: %s."}\n' % (name, i, text))


@pytest.fixture(scope="session")
def corpus(tmp_path_factory, cuvee_bin):
    """Three small byte-tokenised domains, as `cuvee import` writes them."""
    root = tmp_path_factory.mktemp("corpus")
    vocab = {
        "alpha": "the quick brown fox jumps over the lazy dog".split(),
        "beta": "one two three four five six seven eight nine ten".split(),
        "gamma": "in the beginning was the word and the word was with".split(),
    }
    for name, words in vocab.items():
        source = root / f"{name}.jsonl"
        write_documents(source, name, 400, words)
        run_cuvee(cuvee_bin, "import", "--domain", name, "--out", root / "data", source)
    return root / "data"


def read_trace(path=TRACE):
    """The loss trace as `cuvee policy replay` reads it: (domains sorted, rows of
    (step, losses, counts, evals or None))."""
    with open(path) as f:
        rows = list(csv.DictReader(f))
    domains = sorted(c[len("loss."):] for c in rows[0] if c.startswith("loss."))
    trace = []
    for row in rows:
        counts = [int(row[f"count.{d}"]) if row[f"count.{d}"] else 0 for d in domains]
        losses = [float(row[f"loss.{d}"]) if c > 0 else float("nan")
                  for d, c in zip(domains, counts)]
        evals = [row.get(f"eval.{d}", "") for d in domains]
        evals = [float(e) for e in evals] if all(evals) else None
        trace.append((int(row["step"]), losses, counts, evals))
    return domains, trace


def replay_weights(cuvee_bin, tmp_path, policy, settings):
    """`cuvee policy replay`'s weights on TRACE, one row per trace row."""
    out = tmp_path / f"{policy}.csv"
    sets = []
    for key, value in settings.items():
        if isinstance(value, dict):
            value = ",".join(f"{k}={v!r}" for k, v in value.items())
        elif isinstance(value, bool):
            value = "true" if value else "false"
        sets += ["--set", f"{key}={value}"]
    run_cuvee(cuvee_bin, "policy", "replay", "--policy", policy, "--trace", TRACE, "--out", out,
              *sets)
    with open(out) as f:
        return [[float(x) for x in row[1:]] for row in list(csv.reader(f))[1:]]
