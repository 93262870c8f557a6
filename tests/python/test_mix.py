"""cuvee mix export and cuvee.mix.export: fixture-exact outputs (tests/data/export/, written
from each target's documented format), each read back the way its target reads it, the three
sources (a mixture file, a run's final and time-averaged proportions), bad input."""

import json
import os
import shlex
import subprocess

import numpy as np
import pytest
import yaml

import cuvee.mix
from conftest import REPO, run_cuvee

FIXTURES = REPO / "tests" / "data" / "export"
MIXTURE = {"alpha": 1, "beta": 0, "gamma": 3}  # beta left out: weight 0


@pytest.fixture
def in_corpus(corpus, monkeypatch):
    """Work beside the corpus, so the exports name relative paths (data/<domain>/...)."""
    monkeypatch.chdir(corpus.parent)
    return corpus.parent


@pytest.mark.parametrize("format,fixture", [("megatron", "megatron.txt"), ("neox", "neox.yml"),
                                            ("hf", "hf.json")])
def test_exports_equal_the_fixtures(cuvee_bin, in_corpus, format, fixture):
    expected = (FIXTURES / fixture).read_text()
    spec = ",".join(f"{d}={w}" for d, w in MIXTURE.items())
    assert run_cuvee(cuvee_bin, "mix", "export", "--format", format, "--weights", spec,
                     "--data", "data", cwd=in_corpus) == expected
    assert cuvee.mix.export(MIXTURE, format, data="data") == expected


def test_megatron_blend_reads_back(in_corpus):
    # As get_blend_from_list: an even list of (weight, prefix) pairs after --data-path, each
    # weight a float, each prefix a dataset whose .bin and .idx exist.
    words = shlex.split(cuvee.mix.export({"alpha": 0.2, "beta": 0.3, "gamma": 0.5}, "megatron",
                                         data="data"))
    assert words[0] == "--data-path" and len(words[1:]) % 2 == 0
    weights = [float(w) for w in words[1::2]]
    prefixes = words[2::2]
    assert weights == [0.2, 0.3, 0.5]
    for prefix in prefixes:
        assert os.path.exists(prefix + ".bin") and os.path.exists(prefix + ".idx")
        with open(prefix + ".idx", "rb") as f:
            assert f.read(9) == b"MMIDIDX\x00\x00"  # Megatron's MMapIndexedDataset header


def test_neox_config_reads_back(in_corpus):
    # As NeoXArgs.from_ymls: YAML, dashes in keys become underscores; paths and weights are
    # lists of the same length for each split.
    text = cuvee.mix.export({"alpha": 0.2, "beta": 0.3, "gamma": 0.5}, "neox", data="data")
    config = {k.replace("-", "_"): v for k, v in yaml.load(text, Loader=yaml.FullLoader).items()}
    for split in ("train", "valid", "test"):
        paths, weights = config[f"{split}_data_paths"], config[f"{split}_data_weights"]
        assert isinstance(paths, list) and isinstance(weights, list)
        assert len(paths) == len(weights) == 3
        assert all(isinstance(w, float) for w in weights)
        assert all(os.path.exists(p + ".bin") for p in paths)
    assert config["train_data_weights"] == [0.2, 0.3, 0.5]


def test_hf_probabilities_are_accepted_by_numpy_choice():
    # interleave_datasets draws the dataset of each example with numpy's Generator.choice(p=...).
    mixture = {f"d{i}": 1.0 / (i + 1) for i in range(7)}
    out = json.loads(cuvee.mix.export(mixture, "hf"))
    assert out["datasets"] == list(mixture)
    probabilities = out["probabilities"]
    np.random.default_rng(0).choice(len(probabilities), size=100, p=probabilities)
    total = sum(mixture.values())
    assert probabilities == [w / total for w in mixture.values()]


def test_sources_mixture_file_and_run(cuvee_bin, in_corpus, tmp_path):
    optimize_out = tmp_path / "mix.json"
    optimize_out.write_text(json.dumps({"format": "cuvee-mixture/1", "mixture": MIXTURE}))
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(MIXTURE))
    expected = (FIXTURES / "megatron.txt").read_text()
    for path in (optimize_out, plain):
        assert cuvee.mix.export(str(path), "megatron", data="data") == expected
        assert run_cuvee(cuvee_bin, "mix", "export", "--format", "megatron", "--mixture", path,
                         "--data", "data", cwd=in_corpus) == expected
    # A run folder: the metrics of three steps.
    run = tmp_path / "run"
    run.mkdir()
    steps = [[0.5, 0.25, 0.25], [0.25, 0.25, 0.5], [0.0, 0.5, 0.5]]
    with open(run / "metrics.jsonl", "w") as f:
        for t, w in enumerate(steps, start=1):
            record = {"kind": "step", "step": t, "train_loss": 1.0, "lr": 0.1, "tokens": t,
                      "grad_norm": 1.0}
            for d, x in zip(["alpha", "beta", "gamma"], w):
                record |= {f"weights.{d}": x, f"train_loss.{d}": 1.0, f"count.{d}": 1}
            f.write(json.dumps(record) + "\n")
        evaluation = {"kind": "eval", "step": 3, "validation_loss": 1.0, "test_loss": 1.0}
        for split in ("validation_loss", "test_loss"):
            evaluation |= {f"{split}.{d}": 1.0 for d in ["alpha", "beta", "gamma"]}
        f.write(json.dumps(evaluation) + "\n")
    assert cuvee.mix.read(str(run)) == {"alpha": 0.0, "beta": 0.5, "gamma": 0.5}
    average = cuvee.mix.read(str(run), average=True)
    assert average == {"alpha": 0.25, "beta": 1 / 3, "gamma": 1.25 / 3}
    out = run_cuvee(cuvee_bin, "mix", "export", "--format", "hf", "--run", run, "--average")
    assert out == cuvee.mix.export(str(run), "hf", average=True)
    assert json.loads(out)["datasets"] == ["alpha", "beta", "gamma"]


def test_bad_input_is_refused_with_a_message(cuvee_bin, in_corpus, tmp_path):
    def refused(fragment, *args):
        result = subprocess.run([cuvee_bin, "-q", "mix", "export", *map(str, args)],
                                capture_output=True, text=True, cwd=in_corpus)
        assert result.returncode != 0 and fragment in result.stderr, result.stderr
        assert result.stdout == ""

    refused("expected one of megatron, neox, hf", "--format", "torch", "--weights", "alpha=1")
    refused("give the domains (--data)", "--format", "neox", "--weights", "alpha=1")
    refused("'delta' is not among the domains given (found: alpha, beta, gamma)",
            "--format", "megatron", "--weights", "delta=1", "--data", "data")
    refused("exactly one of --mixture, --weights and --run", "--format", "hf")
    refused("exactly one of", "--format", "hf", "--weights", "a=1", "--run", tmp_path)
    refused("--average applies to --run only", "--format", "hf", "--weights", "a=1", "--average")
    refused("weights sum to zero", "--format", "hf", "--weights", "a=0,b=0")
    (tmp_path / "bad.json").write_text('{"mixture": {"a": "x"}}')
    refused("bad.json", "--format", "hf", "--mixture", tmp_path / "bad.json")
    (tmp_path / "empty").mkdir()
    refused("empty", "--format", "hf", "--run", tmp_path / "empty")
    out = tmp_path / "out.txt"
    refused("expected one of", "--format", "x", "--weights", "a=1", "--out", out)
    assert not out.exists()
    with pytest.raises(cuvee.Error, match="expected one of"):
        cuvee.mix.export(MIXTURE, "torch")
    with pytest.raises(cuvee.Error, match="run folder only"):
        cuvee.mix.export(MIXTURE, "hf", average=True)
