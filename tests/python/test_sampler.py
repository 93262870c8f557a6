"""cuvee.Domains and cuvee.MixedSampler: the batches of `cuvee sample` (its token digest) for the
same seed, weights and steps; rank slices; resume; zero-copy views; bad input."""

import numpy as np
import pytest
import xxhash

import cuvee
from conftest import run_cuvee

WEIGHTS = {"alpha": 0.25, "beta": 0.5, "gamma": 0.25}


def sample_digest(cuvee_bin, corpus, steps, batch, seq, seed, weights=WEIGHTS):
    spec = ",".join(f"{d}={w}" for d, w in weights.items())
    out = run_cuvee(cuvee_bin, "sample", "--data", corpus, "--weights", spec, "--steps", steps,
                    "--batch", batch, "--seq", seq, "--seed", seed)
    return next(line.split()[1] for line in out.splitlines() if line.startswith("digest"))


# The first draws past an epoch of beta (new permutations), the second has an odd batch.
@pytest.mark.parametrize("seed,batch,seq,steps", [(3, 8, 32, 400), (11, 5, 17, 60)])
def test_batches_equal_cuvee_sample(cuvee_bin, corpus, seed, batch, seq, steps):
    domains = cuvee.Domains(corpus)
    weights = [WEIGHTS[d] for d in domains.names]
    sampler = cuvee.MixedSampler(domains, seq, batch, seed, dtype="int32")
    digest = xxhash.xxh3_64()
    for step in range(steps):
        b = sampler.next(weights)
        assert b.step == step and b.tokens.shape == (batch, seq + 1)
        assert b.tokens.dtype == np.int32 and b.tokens.flags.c_contiguous
        digest.update(b.tokens.tobytes())
    assert digest.hexdigest() == sample_digest(cuvee_bin, corpus, steps, batch, seq, seed)
    assert steps < 100 or max(sampler.epochs()) > 1


def test_rows_are_the_windows_named(corpus):
    domains = cuvee.Domains(corpus)
    sampler = cuvee.MixedSampler(domains, 32, 8, 5)
    b = sampler.next([0.2, 0.3, 0.5])
    assert b.tokens.dtype == np.int64
    for row, d, s in zip(b.tokens, b.domains, b.sequences):
        np.testing.assert_array_equal(row, domains.window(domains.names[d], 32, int(s)))
    counts = np.bincount(b.domains, minlength=3)
    assert all(abs(c - 8 * w) < 1 for c, w in zip(counts, [0.2, 0.3, 0.5]))


def test_rank_slices_make_the_global_batch(corpus):
    domains = cuvee.Domains(corpus)
    weights = [0.2, 0.3, 0.5]
    whole = cuvee.MixedSampler(domains, 16, 8, 9)
    ranks = [cuvee.MixedSampler(domains, 16, 8, 9) for _ in range(4)]
    for _ in range(20):
        full = whole.next(weights)
        parts = [r.next(weights, rank=i, world=4) for i, r in enumerate(ranks)]
        np.testing.assert_array_equal(np.concatenate([p.tokens for p in parts]), full.tokens)
        np.testing.assert_array_equal(np.concatenate([p.domains for p in parts]), full.domains)
    assert all(r.state() == whole.state() for r in ranks)


def test_state_resumes_and_skip_matches_next(corpus):
    domains = cuvee.Domains(corpus)
    schedule = [[0.1 + 0.01 * t, 0.3, 0.6 - 0.01 * t] for t in range(30)]
    straight = cuvee.MixedSampler(domains, 16, 6, 2)
    batches = [straight.next(w).tokens for w in schedule]
    skipper = cuvee.MixedSampler(domains, 16, 6, 2)
    for w in schedule[:12]:
        skipper.skip(w)
    state = skipper.state()
    assert state["step"] == 12 and sum(state["consumed"]) == 72
    resumed = cuvee.MixedSampler(domains, 16, 6, 2)
    resumed.load_state(state)
    for t in range(12, 30):
        np.testing.assert_array_equal(resumed.next(schedule[t]).tokens, batches[t])
    slots = cuvee.MixedSampler.slot_domains(2, 0, schedule[0], 6)
    assert len(slots) == 6


def test_out_buffer_is_filled_in_place(corpus):
    domains = cuvee.Domains(corpus)
    a, b = cuvee.MixedSampler(domains, 16, 4, 1), cuvee.MixedSampler(domains, 16, 4, 1)
    out = np.zeros((4, 17), dtype=np.int64)
    got = a.next([0.5, 0.25, 0.25], out=out)
    assert got.tokens is out or np.shares_memory(got.tokens, out)
    np.testing.assert_array_equal(out, b.next([0.5, 0.25, 0.25]).tokens)
    with pytest.raises(cuvee.Error, match="shape"):
        a.next([0.5, 0.25, 0.25], out=np.zeros((4, 16), dtype=np.int64))
    with pytest.raises(cuvee.Error, match="int64"):
        a.next([0.5, 0.25, 0.25], out=np.zeros((4, 17), dtype=np.int32))


def test_token_views_are_zero_copy_and_read_only(corpus):
    domains = cuvee.Domains(corpus)
    stream = domains.tokens("alpha")
    assert stream.dtype == np.uint16 and len(stream) == domains.train_tokens[0]
    assert not stream.flags.writeable and not stream.flags.owndata
    window = domains.window("alpha", 32, 3)
    np.testing.assert_array_equal(window, stream[96:129])
    assert np.shares_memory(window, stream)
    with pytest.raises(ValueError):
        window[0] = 1
    assert domains.path("beta", "validation").name == "validation"
    assert domains.path("beta", "test").name == "test"
    held = domains.tokens("beta", "validation")
    assert len(held) > 0
    with pytest.raises(cuvee.Error, match="split 'heldout': expected 'train', 'validation' or 'test'"):
        domains.path("beta", "heldout")
    del domains  # the views keep the maps alive
    assert int(stream[-1]) >= 0


def test_bad_input_is_refused_with_a_message(corpus, tmp_path):
    domains = cuvee.Domains(corpus)
    sampler = cuvee.MixedSampler(domains, 16, 8, 0)
    with pytest.raises(cuvee.Error, match="sum to"):
        sampler.next([0.5, 0.5, 0.5])
    with pytest.raises(cuvee.Error, match="expected 3 numbers"):
        sampler.next([0.5, 0.5])
    with pytest.raises(cuvee.Error, match="finite non-negative"):
        sampler.next([1.5, -0.5, 0.0])
    with pytest.raises(cuvee.Error, match="does not split evenly over 3 ranks"):
        sampler.next([0.5, 0.25, 0.25], rank=0, world=3)
    with pytest.raises(cuvee.Error, match="not a valid rank"):
        sampler.next([0.5, 0.25, 0.25], rank=2, world=2)
    with pytest.raises(cuvee.Error, match="dtype"):
        cuvee.MixedSampler(domains, 16, 8, 0, dtype="float32")
    with pytest.raises(cuvee.Error, match="sampler state has 2 domains"):
        sampler.load_state({"step": 0, "consumed": [0, 0]})
    with pytest.raises(cuvee.Error, match="expected"):
        sampler.load_state({"step": "x"})
    with pytest.raises(cuvee.Error, match="no domain 'delta'"):
        domains.tokens("delta")
    with pytest.raises(cuvee.Error, match="split 'valid'"):
        domains.tokens("alpha", "valid")
    with pytest.raises(cuvee.Error):
        cuvee.Domains(tmp_path / "missing")
    # A refused draw leaves the sampler where it was.
    assert sampler.state() == {"step": 0, "consumed": [0, 0, 0]}
