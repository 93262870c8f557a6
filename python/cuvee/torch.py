"""cuvee.torch: cuvee's mixed batches as a PyTorch IterableDataset, in pure Python.

    domains = cuvee.Domains("data")
    policy = cuvee.Policy("odm", domains, total_steps=steps)
    dataset = cuvee.torch.MixedDataset(domains, seq_len=128, batch_size=16, seed=1,
                                       steps=steps, policy=policy)
    for batch in torch.utils.data.DataLoader(dataset, batch_size=None, num_workers=2):
        losses = per_sequence_loss(model, batch.tokens.to(device))      # shape [rows]
        dataset.observe(batch.step, losses, batch.domains)              # feeds the policy

Each item is one training step's batch for this rank (MixedBatch). The dataset is

- rank-aware: under torchrun (or any initialised torch.distributed group) every rank draws the
  same global batch and yields its contiguous slice, as cuvee's C++ trainer does;
- worker-aware: DataLoader workers split the steps round-robin (the order the DataLoader
  collects them in), each reading only its own steps' tokens;
- deterministic by seed and step: the batches depend on (seed, step, the weights of the steps so
  far) only, not on the number of workers or ranks;
- resumable: state_dict(step) after step `step`, and MixedDataset(..., state=...) continues
  with the batches an uninterrupted run would have drawn.

With a policy, observe() all-reduces the per-domain loss sums and counts over the ranks, feeds
the policy and hands the next step's weights to the workers (through shared memory), so every
rank's policy sees the global batch and all ranks keep the same proportions.
"""

from __future__ import annotations

import os
import time
from typing import Iterator, NamedTuple, Optional, Sequence

import numpy as np
import torch
import torch.distributed as dist
from torch.utils.data import IterableDataset, get_worker_info

import cuvee

__all__ = ["MixedBatch", "MixedDataset", "domain_means", "rank_and_world"]

# _published holds this once close() was called.
_CLOSED = -1
# How long a worker waits for a step's weights before saying that observe() was not called.
_PUBLISH_TIMEOUT_S = 600.0


class MixedBatch(NamedTuple):
    """One step's rows for this rank: `tokens` [rows, seq_len + 1] (inputs tokens[:, :-1],
    targets tokens[:, 1:]), the domain index of every row (int64, in Domains order), and the
    training step (from 1)."""

    step: int
    tokens: torch.Tensor
    domains: torch.Tensor


def rank_and_world() -> tuple[int, int]:
    """This process's data-parallel rank and world size: torch.distributed's when a group is
    initialised, else RANK and WORLD_SIZE from the environment (torchrun sets them), else 0, 1."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return int(os.environ.get("RANK", "0")), int(os.environ.get("WORLD_SIZE", "1"))


def domain_means(losses: torch.Tensor, domains: torch.Tensor, k: int,
                 all_reduce: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Per-domain mean loss and sequence count of a batch, over all ranks.

    losses: one loss per row (e.g. the mean token cross-entropy of each sequence); domains: the
    rows' domain indices. The sums and counts are summed over the torch.distributed group when
    one is initialised (and all_reduce is set), so every rank returns the same numbers. Domains
    without rows get count 0 and loss NaN (a policy ignores them).
    """
    losses = losses.detach().to(torch.float64).reshape(-1)
    domains = domains.to(losses.device, torch.int64).reshape(-1)
    if losses.shape != domains.shape:
        raise ValueError(f"domain_means: {losses.numel()} losses for {domains.numel()} rows")
    both = torch.zeros(2, k, dtype=torch.float64, device=losses.device)
    both[0].index_add_(0, domains, losses)
    both[1].index_add_(0, domains, torch.ones_like(losses))
    if all_reduce and dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        dist.all_reduce(both)
    sums, counts = both.cpu().numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return means, counts


class MixedDataset(IterableDataset):
    """Training batches drawn by cuvee's mixed sampler, one item per step (use the DataLoader
    with batch_size=None).

    MixedDataset(domains, seq_len, batch_size, seed, steps, *, weights=None, policy=None,
                 state=None, rank=None, world=None, dtype="int64")

    domains     a cuvee.Domains (or the paths to open as one)
    seq_len     tokens per sequence T; rows hold T + 1 tokens (inputs and shifted targets)
    batch_size  sequences per step over all ranks (the global batch; must split evenly)
    seed        the sampler's seed
    steps       the last training step to yield (steps count from 1)
    weights     fixed proportions, one per domain (a static mixture), or
    policy      a cuvee.Policy whose weights() give every step's proportions; then call
                observe() after each step
    state       a state_dict() to resume from (its step and the sampler's position)
    rank, world this process's place among the data-parallel ranks (default: rank_and_world())
    """

    def __init__(self, domains, seq_len: int, batch_size: int, seed: int, steps: int, *,
                 weights: Optional[Sequence[float]] = None, policy: Optional[cuvee.Policy] = None,
                 state: Optional[dict] = None, rank: Optional[int] = None,
                 world: Optional[int] = None, dtype: str = "int64"):
        super().__init__()
        if not isinstance(domains, cuvee.Domains):
            domains = cuvee.Domains(domains)
        if (weights is None) == (policy is None):
            raise cuvee.Error("MixedDataset: give either weights (a static mixture) or a policy")
        if policy is not None and policy.domains != domains.names:
            raise cuvee.Error(f"MixedDataset: the policy's domains {policy.domains} are not the "
                              f"data's {domains.names} (make it with cuvee.Policy(name, domains))")
        self.domains = domains
        self.seq_len, self.batch_size, self.seed, self.steps = seq_len, batch_size, seed, steps
        self.dtype = dtype
        default_rank, default_world = rank_and_world()
        self.rank = default_rank if rank is None else rank
        self.world = default_world if world is None else world
        if self.world < 1 or not 0 <= self.rank < self.world:
            raise cuvee.Error(f"MixedDataset: rank {self.rank} of world size {self.world} is not "
                              "a valid rank")
        if batch_size % self.world != 0:
            raise cuvee.Error(f"MixedDataset: batch_size {batch_size} does not split evenly over "
                              f"{self.world} ranks")
        self.policy = policy
        # The sampler in the main process: state_dict() advances it to the step asked.
        self._shadow = cuvee.MixedSampler(domains, seq_len, batch_size, seed, dtype=dtype)
        self.start_step = 1
        if state is not None:
            try:
                self.start_step = int(state["step"])
                self._shadow.load_state(state["sampler"])
            except (KeyError, TypeError) as e:
                raise cuvee.Error(f"MixedDataset: state: expected a state_dict(), got {state!r}"
                                  ) from e
            if self._shadow.state()["step"] != self.start_step - 1:
                raise cuvee.Error(f"MixedDataset: state: step {self.start_step} does not follow "
                                  f"the sampler's step {self._shadow.state()['step']}")
        self._start_state = self._shadow.state()
        k = len(domains)
        if weights is not None:
            self._static = np.asarray(weights, dtype=np.float64)
            if self._static.shape != (k,):
                raise cuvee.Error(f"MixedDataset: weights: expected {k} numbers, one per domain "
                                  f"({', '.join(domains.names)})")
            self._table = self._published = None
        else:
            self._static = None
            # Every step's weights, in shared memory, so that DataLoader workers (forked or
            # spawned) read what the main process publishes; row t holds step t's.
            self._table = torch.full((steps + 2, k), float("nan"), dtype=torch.float64)
            self._table.share_memory_()
            self._published = torch.zeros(1, dtype=torch.int64).share_memory_()
            self._publish(self.start_step, policy.weights())

    # ---- the main process's side -------------------------------------------------------------

    def _publish(self, step: int, weights) -> None:
        if step <= self.steps + 1:
            self._table[step] = torch.as_tensor(np.asarray(weights, dtype=np.float64))
        self._known = step  # the main process's count (the shared one may say closed)
        self._published[0] = step

    def observe(self, step: int, losses: torch.Tensor, domains: torch.Tensor):
        """After training step `step` on this rank's rows: the per-domain means and counts over
        all ranks (domain_means), given to the policy, whose next weights go to the workers.
        Returns (means, counts), for logging."""
        if self.policy is None:
            raise cuvee.Error("MixedDataset.observe: a static mixture has no policy to feed")
        if int(self._published[0]) == _CLOSED:
            raise cuvee.Error("MixedDataset.observe: the dataset was closed")
        if step != self._known:
            raise cuvee.Error(f"MixedDataset.observe: step {step}, but the step in training is "
                              f"{self._known} (observe each step once, in order)")
        means, counts = domain_means(losses, domains, len(self.domains))
        self.policy.observe(step, means, counts)
        self._publish(step + 1, self.policy.weights())
        return means, counts

    def close(self) -> None:
        """Ends the iteration early: workers waiting for the next step's weights stop."""
        if self._published is not None:
            self._published[0] = _CLOSED

    def weights_of(self, step: int) -> np.ndarray:
        """The proportions step `step` is (or was) drawn with."""
        if self._static is not None:
            return self._static
        if not self.start_step <= step <= self._known:
            raise cuvee.Error(f"MixedDataset: the weights of step {step} are not known "
                              f"(known: steps {self.start_step} to {self._known})")
        return self._table[step].numpy()

    def state_dict(self, step: int) -> dict:
        """Where to resume after training step `step`: {"step": step + 1, "sampler": ...}.
        Plain containers, for torch.save. Save the policy's own state_dict() beside it."""
        position = self._shadow.state()["step"]  # sampler steps from 0: training step + 1
        if step < position:
            self._shadow.load_state(self._start_state)
            position = self._shadow.state()["step"]
        for t in range(position + 1, step + 1):
            self._shadow.skip(self.weights_of(t))
        return {"step": step + 1, "sampler": self._shadow.state()}

    # ---- the iterating side (the main process, or each DataLoader worker) ---------------------

    def _wait_for(self, step: int) -> Optional[np.ndarray]:
        """Step `step`'s weights, once published; None after close()."""
        if self._static is not None:
            return self._static
        deadline = None
        pause = 1e-5
        while int(self._published[0]) < step:
            if int(self._published[0]) == _CLOSED:
                return None
            if get_worker_info() is None:
                raise cuvee.Error(f"MixedDataset: step {step}'s weights are not published: call "
                                  f"dataset.observe(step, losses, domains) after each step")
            now = time.monotonic()
            deadline = deadline or now + _PUBLISH_TIMEOUT_S
            if now > deadline:
                raise cuvee.Error(f"MixedDataset: waited {_PUBLISH_TIMEOUT_S:.0f} s for step "
                                  f"{step}'s weights: is dataset.observe() called after each step?")
            time.sleep(pause)
            pause = min(pause * 2, 1e-3)
        return self._table[step].numpy().copy()

    def __iter__(self) -> Iterator[MixedBatch]:
        info = get_worker_info()
        worker, workers = (info.id, info.num_workers) if info is not None else (0, 1)
        sampler = cuvee.MixedSampler(self.domains, self.seq_len, self.batch_size, self.seed,
                                     dtype=self.dtype)
        sampler.load_state(self._start_state)
        for step in range(self.start_step, self.steps + 1):
            weights = self._wait_for(step)
            if weights is None:
                return
            if (step - self.start_step) % workers != worker:
                sampler.skip(weights)
                continue
            batch = sampler.next(weights, rank=self.rank, world=self.world)
            yield MixedBatch(step, torch.from_numpy(batch.tokens),
                             torch.from_numpy(batch.domains.astype(np.int64)))

    def __getstate__(self):
        # For spawned workers: the policy and the main process's sampler stay behind.
        state = dict(self.__dict__)
        state["policy"] = None
        state["_shadow"] = None
        return state
