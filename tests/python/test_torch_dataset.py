"""cuvee.torch.MixedDataset: the same batches on any number of DataLoader workers and ranks,
with a static mixture or a policy fed through observe(); resume from a state_dict; bad input."""

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

import cuvee
import cuvee.torch

STEPS = 24


def fake_losses(tokens):
    """A deterministic per-row 'loss' that differs by domain, standing in for a model's."""
    return tokens.to(torch.float64).mean(1) / 50.0


def run(dataset, workers, observe=True):
    rows = []
    for batch in DataLoader(dataset, batch_size=None, num_workers=workers):
        rows.append((batch.step, batch.tokens.clone(), batch.domains.clone()))
        if observe:
            dataset.observe(batch.step, fake_losses(batch.tokens), batch.domains)
    return rows


def assert_same(a, b):
    assert [r[0] for r in a] == [r[0] for r in b]
    for (_, ta, da), (_, tb, db) in zip(a, b):
        assert torch.equal(ta, tb) and torch.equal(da, db)


def odm(domains):
    return cuvee.Policy("odm", domains, {"variant": "paper", "warmup_steps": 2}, total_steps=STEPS)


@pytest.mark.filterwarnings("ignore:This DataLoader will create")
def test_static_mixture_on_workers_and_ranks(corpus):
    domains = cuvee.Domains(corpus)
    weights = [0.2, 0.3, 0.5]
    make = lambda **kw: cuvee.torch.MixedDataset(domains, 16, 8, 4, STEPS, weights=weights, **kw)
    single = run(make(rank=0, world=1), 0, observe=False)
    assert [r[0] for r in single] == list(range(1, STEPS + 1))
    assert_same(run(make(rank=0, world=1), 3, observe=False), single)
    halves = [run(make(rank=r, world=2), 2, observe=False) for r in range(2)]
    for t in range(STEPS):
        assert torch.equal(torch.cat([halves[0][t][1], halves[1][t][1]]), single[t][1])
    # The same as the sampler's own batches.
    sampler = cuvee.MixedSampler(domains, 16, 8, 4)
    for _, tokens, _ in single:
        assert np.array_equal(sampler.next(weights).tokens, tokens.numpy())


def test_policy_feedback_reaches_the_workers(corpus):
    domains = cuvee.Domains(corpus)
    make = lambda policy: cuvee.torch.MixedDataset(domains, 16, 8, 4, STEPS, policy=policy,
                                                   rank=0, world=1)
    first, second = odm(domains), odm(domains)
    in_process = run(make(first), 0)
    on_workers = run(make(second), 2)
    assert_same(on_workers, in_process)
    assert first.weights().tolist() == second.weights().tolist()
    assert max(abs(w - 1 / 3) for w in first.weights()) > 1e-3  # the feedback moved it


def test_resume_from_state_dict(corpus):
    domains = cuvee.Domains(corpus)
    policy = odm(domains)
    dataset = cuvee.torch.MixedDataset(domains, 16, 8, 4, STEPS, policy=policy, rank=0, world=1)
    whole = run(dataset, 0)
    cut = 10
    first_policy = odm(domains)
    first = cuvee.torch.MixedDataset(domains, 16, 8, 4, STEPS, policy=first_policy, rank=0,
                                     world=1)
    for batch in DataLoader(first, batch_size=None):
        first.observe(batch.step, fake_losses(batch.tokens), batch.domains)
        if batch.step == cut:
            first.close()
            break
    state, policy_state = first.state_dict(cut), first_policy.state_dict()
    assert state["step"] == cut + 1
    resumed_policy = odm(domains)
    resumed_policy.load_state_dict(policy_state)
    resumed = cuvee.torch.MixedDataset(domains, 16, 8, 4, STEPS, policy=resumed_policy,
                                       state=state, rank=0, world=1)
    assert_same(run(resumed, 2), whole[cut:])
    assert resumed_policy.weights().tolist() == policy.weights().tolist()
    # state_dict at any step already trained, in any order.
    assert dataset.state_dict(cut) == state
    assert dataset.state_dict(3)["sampler"]["step"] == 3


def test_domain_means():
    losses = torch.tensor([1.0, 3.0, 5.0, 7.0])
    domains = torch.tensor([2, 0, 2, 2])
    means, counts = cuvee.torch.domain_means(losses, domains, 4)
    assert counts.tolist() == [1, 0, 3, 0]
    assert means[0] == 3.0 and means[2] == 13.0 / 3 and np.isnan(means[1])
    with pytest.raises(ValueError, match="4 losses for 3 rows"):
        cuvee.torch.domain_means(losses, domains[:3], 4)


def test_bad_input_is_refused_with_a_message(corpus):
    domains = cuvee.Domains(corpus)
    with pytest.raises(cuvee.Error, match="either weights"):
        cuvee.torch.MixedDataset(domains, 16, 8, 0, 5)
    with pytest.raises(cuvee.Error, match="either weights"):
        cuvee.torch.MixedDataset(domains, 16, 8, 0, 5, weights=[1, 0, 0], policy=odm(domains))
    with pytest.raises(cuvee.Error, match="are not the data's"):
        cuvee.torch.MixedDataset(domains, 16, 8, 0, 5,
                                 policy=cuvee.Policy("uniform", ["x", "y", "z"]))
    with pytest.raises(cuvee.Error, match="expected 3 numbers"):
        cuvee.torch.MixedDataset(domains, 16, 8, 0, 5, weights=[0.5, 0.5])
    with pytest.raises(cuvee.Error, match="does not split evenly over 3 ranks"):
        cuvee.torch.MixedDataset(domains, 16, 8, 0, 5, weights=[1, 0, 0], rank=0, world=3)
    with pytest.raises(cuvee.Error, match="not a valid rank"):
        cuvee.torch.MixedDataset(domains, 16, 8, 0, 5, weights=[1, 0, 0], rank=2, world=2)
    with pytest.raises(cuvee.Error, match="expected a state_dict"):
        cuvee.torch.MixedDataset(domains, 16, 8, 0, 5, weights=[1, 0, 0], state={"x": 1})
    dataset = cuvee.torch.MixedDataset(domains, 16, 8, 0, 5, policy=odm(domains), rank=0,
                                       world=1)
    batches = iter(DataLoader(dataset, batch_size=None))
    first = next(batches)
    with pytest.raises(cuvee.Error, match="not published: call dataset.observe"):
        next(batches)  # the policy was not fed
    with pytest.raises(cuvee.Error, match="observe each step once, in order"):
        dataset.observe(2, fake_losses(first.tokens), first.domains)
    static = cuvee.torch.MixedDataset(domains, 16, 8, 0, 5, weights=[1, 0, 0])
    with pytest.raises(cuvee.Error, match="no policy"):
        static.observe(1, torch.zeros(8), torch.zeros(8, dtype=torch.int64))
