"""cuvee.Policy against `cuvee policy replay` on the recorded 600-step trace: the same weights to
the last bit, and a state_dict() taken mid-trace continues identically in a fresh policy."""

import math
import pickle

import numpy as np
import pytest

import cuvee
from conftest import read_trace, replay_weights

DOMAINS, TRACE = read_trace()
TOTAL_STEPS = TRACE[-1][0]
TARGETS = dict(zip(DOMAINS, [2.5, 5.2, 7.6, 6.2, 5.0, 5.6, 5.5, 5.7, 5.4]))

# Each online policy with settings under which it moves within 600 steps.
CASES = {
    "odm-smoothed-mean": ("odm", {"variant": "smoothed-mean", "warmup_steps": 20}),
    "odm-paper": ("odm", {"variant": "paper", "warmup_steps": 20, "alpha": 0.8}),
    "odm-stretched": ("odm", {"epsilon_time_scale": 166.0}),
    "ado": ("ado", {"start_step": 100, "refit_every": 100, "ignore_steps": 20,
                    "smooth_window": 21, "refit_lag": 3}),
    "velocitune": ("velocitune", {"targets": TARGETS, "every": 100, "eta": 1.5,
                                  "init": "uniform"}),
}


def drive(policy, rows):
    """Replays rows as `cuvee policy replay` does: the weights after each row."""
    weights = []
    for step, losses, counts, evals in rows:
        if any(c > 0 for c in counts):
            policy.observe(step, losses, counts)
        if evals is not None:
            policy.observe_eval(step, evals)
        weights.append(policy.weights().tolist())
    return weights


def make(name, settings):
    return cuvee.Policy(name, DOMAINS, settings, total_steps=TOTAL_STEPS)


@pytest.mark.parametrize("case", sorted(CASES))
def test_replay_is_bit_identical(case, cuvee_bin, tmp_path):
    name, settings = CASES[case]
    ours = drive(make(name, settings), TRACE)
    theirs = replay_weights(cuvee_bin, tmp_path, name, settings)
    assert len(ours) == len(theirs) == len(TRACE)
    assert ours == theirs  # exact: every double, every row
    # The policy moved, so the comparison says something.
    assert max(abs(a - b) for a, b in zip(ours[-1], ours[0])) > 1e-3


@pytest.mark.parametrize("case", sorted(CASES))
def test_state_dict_mid_trace_continues_identically(case):
    name, settings = CASES[case]
    whole = drive(make(name, settings), TRACE)
    cut = 250  # ADO: mid-way between refits; its refit started at step 201 is in flight
    first = make(name, settings)
    drive(first, TRACE[:cut])
    state = first.state_dict()
    # Plain Python containers only: what torch.save and distributed checkpoints hold.
    restored_state = pickle.loads(pickle.dumps(state))
    assert restored_state == state or _nan_equal(restored_state, state)
    fresh = make(name, settings)
    fresh.load_state_dict(restored_state)
    assert fresh.weights().tolist() == whole[cut - 1]
    assert drive(fresh, TRACE[cut:]) == whole[cut:]


def _nan_equal(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_nan_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_nan_equal(x, y) for x, y in zip(a, b))
    return a == b


def test_state_is_plain_containers():
    policy = make(*CASES["ado"])
    drive(policy, TRACE[:120])

    def plain(value):
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return value is None or type(value) in (bool, int, float, str)

    assert plain(policy.state_dict())


def test_static_policies_and_tokens():
    tokens = [10, 30, 60]
    np.testing.assert_allclose(cuvee.Policy("natural", ["a", "b", "c"], tokens=tokens).weights(),
                               [0.1, 0.3, 0.6], rtol=1e-15)
    assert cuvee.Policy("uniform", ["a", "b"]).weights().tolist() == [0.5, 0.5]
    fixed = cuvee.Policy("fixed", ["a", "b"], {"weights": {"a": 1, "b": 3}})
    assert fixed.weights().tolist() == [0.25, 0.75]
    temperature = cuvee.Policy("temperature", ["a", "b"], {"temperature": 2.0}, tokens=[1, 4])
    np.testing.assert_allclose(temperature.weights(), [1 / 3, 2 / 3])
    assert set(cuvee.policy_names()) >= {"natural", "uniform", "temperature", "fixed", "odm",
                                         "ado", "velocitune"}


def test_domains_object_gives_names_and_tokens(corpus):
    domains = cuvee.Domains(corpus)
    policy = cuvee.Policy("natural", domains)
    assert policy.domains == domains.names
    expected = np.array(domains.train_tokens, dtype=float)
    np.testing.assert_allclose(policy.weights(), expected / expected.sum(), rtol=1e-15)


def test_inputs_may_be_numpy_or_tensors():
    a, b = make(*CASES["odm-paper"]), make(*CASES["odm-paper"])
    for step, losses, counts, _ in TRACE[:40]:
        a.observe(step, losses, counts)
        b.observe(np.int64(step), np.array(losses, dtype=np.float64),
                  np.array(counts, dtype=np.float32))
    assert a.weights().tolist() == b.weights().tolist()


def test_bad_input_is_refused_with_a_message():
    with pytest.raises(cuvee.Error, match="did you mean 'mixing.alpha'"):
        cuvee.Policy("odm", DOMAINS, {"alpah": 0.5})
    with pytest.raises(cuvee.Error, match="unknown policy 'odn'; did you mean 'odm'"):
        cuvee.Policy("odn", DOMAINS)
    with pytest.raises(cuvee.Error, match="first argument"):
        cuvee.Policy("odm", DOMAINS, {"policy": "ado"})
    with pytest.raises(cuvee.Error, match="expected a list of domain names"):
        cuvee.Policy("uniform", "abc")
    with pytest.raises(cuvee.Error, match="tokens: 2 counts given for 9 domains"):
        cuvee.Policy("natural", DOMAINS, tokens=[1, 2])
    policy = make("odm", {"warmup_steps": 0})
    k = len(DOMAINS)
    with pytest.raises(cuvee.Error, match="losses: 2 values given for 9 domains"):
        policy.observe(1, [1.0, 2.0], [1] * k)
    with pytest.raises(cuvee.Error, match="expected a whole number"):
        policy.observe(1, [1.0] * k, [1.5] * k)
    with pytest.raises(cuvee.Error, match="non-finite"):
        policy.observe(1, [float("inf")] * k, [1] * k)
    with pytest.raises(cuvee.Error):
        policy.observe(1, ["x"] * k, [1] * k)
    state = make("ado", {}).state_dict()
    with pytest.raises(cuvee.Error):
        policy.load_state_dict(state)  # another policy's state
    with pytest.raises(cuvee.Error, match="keys must be strings"):
        policy.load_state_dict({1: 2})
    # A refused call leaves the policy as it was.
    assert policy.weights().tolist() == make("odm", {"warmup_steps": 0}).weights().tolist()


def test_help_reads_like_the_docs():
    doc = cuvee.Policy.__doc__
    for phrase in ("odm", "ado", "velocitune", "state_dict", "observe", "policy replay"):
        assert phrase in doc
    assert "count" in cuvee.Policy.observe.__doc__
