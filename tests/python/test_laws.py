"""cuvee.laws on the published 5-mixture table: fit returns the JSON `cuvee law fit` writes,
from a CSV path or from columns; predict and optimize agree with their commands; bad input."""

import csv
import json
import math

import numpy as np
import pytest

import cuvee
import cuvee.laws
from conftest import REPO, run_cuvee

OBS = REPO / "tests" / "data" / "published" / "mixinglaws-5mix" / "obs_70m.csv"


def columns(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    out = {}
    for name in rows[0]:
        values = [r[name] for r in rows]
        out[name] = values if name == "run" else np.array(
            [float(v) if v else np.nan for v in values])
    return out


@pytest.fixture(scope="module")
def command_fit(cuvee_bin, tmp_path_factory):
    out = tmp_path_factory.mktemp("laws") / "fit.json"
    run_cuvee(cuvee_bin, "law", "fit", "--law", "exponential", "--data", OBS, "--step", "30000",
              "--huber", "0.05", "--threads", "1", "--out", out)
    return out, json.loads(out.read_text())


def test_fit_from_a_path_is_the_command_s_file(command_fit):
    _, expected = command_fit
    ours = cuvee.laws.fit("exponential", str(OBS), step=30000, huber=0.05, threads=2)
    assert ours == expected  # every parameter to the last bit; thread count irrelevant


def test_fit_from_columns_has_the_same_parameters(command_fit):
    _, expected = command_fit
    ours = cuvee.laws.fit("exponential", columns(OBS), step=30000, huber=0.05)
    assert ours["data"]["path"] == "<dict>"
    assert ours["domains"] == expected["domains"]
    assert ours["proportion_mean"] == expected["proportion_mean"]


def test_predict_and_optimize_agree_with_the_commands(cuvee_bin, command_fit, tmp_path):
    path, fit = command_fit
    predicted = tmp_path / "pred.csv"
    run_cuvee(cuvee_bin, "law", "predict", "--fit", path, "--data", OBS, "--step", "30000",
              "--out", predicted)
    expected = columns(predicted)
    for source in (fit, str(path)):
        ours = cuvee.laws.predict(source, str(OBS), step=30000)
        assert list(ours) == list(expected)
        for name, values in expected.items():
            if name == "run":
                assert ours[name] == values
            else:
                np.testing.assert_array_equal(ours[name], values)
    mix = tmp_path / "mix.json"
    run_cuvee(cuvee_bin, "law", "optimize", "--fit", path, "--step", "30000", "--cap",
              "academic=0.3", "--out", mix)
    command = json.loads(mix.read_text())
    ours = cuvee.laws.optimize(fit, 30000, caps={"academic": 0.3})
    assert ours["mixture"] == command["mixture"]
    assert ours["predicted_losses"] == command["predicted_losses"]
    assert ours["objective"] == command["objective"] and ours["optimizer"] == command["optimizer"]
    assert math.isclose(sum(ours["mixture"].values()), 1.0)
    regmix = cuvee.laws.optimize(fit, 30000, search="regmix", candidates=2000, top_k=20, seed=3)
    assert regmix["optimizer"] == "regmix-top-k" and regmix["accepted_candidates"] == 2000


def test_bad_input_is_refused_with_a_message(command_fit):
    _, fit = command_fit
    with pytest.raises(cuvee.Error, match="proportion"):
        cuvee.laws.fit("bimix", str(OBS))  # zero proportions: the error suggests what to do
    with pytest.raises(cuvee.Error):
        cuvee.laws.fit("quadratic", str(OBS))
    table = columns(OBS)
    table["step"] = table["step"][:-1]
    with pytest.raises(cuvee.Error, match="column 'step' has"):
        cuvee.laws.fit("exponential", table)
    with pytest.raises(cuvee.Error, match="neither a number nor a string"):
        cuvee.laws.fit("exponential", {"run": ["a"], "step": [object()]})
    with pytest.raises(cuvee.Error, match="'web' is not a domain of the fit"):
        cuvee.laws.optimize(fit, 30000, caps={"web": 0.5})
    with pytest.raises(cuvee.Error, match="prior applies to search='regmix' only"):
        cuvee.laws.optimize(fit, 30000, prior={"academic": 1})
    with pytest.raises(cuvee.Error, match="fit"):
        cuvee.laws.predict({"format": "nonsense"}, str(OBS))
