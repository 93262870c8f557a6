# cuvee train under torchrun (Debian's python3-torch, Gloo): the ranks join torchrun's agent
# store (TORCHELASTIC_USE_AGENT_STORE) instead of serving a second store on its port, agree on
# ODM's proportions at every step (the trainer checks it each step and stops on a
# disagreement), and write the bytes of the same run started with --nproc 2.
source "$(dirname "$0")/lib.sh" "$1"

make_jsonl alpha 120
make_jsonl beta 120
"$CUVEE" -q import --domain alpha --heldout 0.2 --out data alpha.jsonl >/dev/null
"$CUVEE" -q import --domain beta --heldout 0.2 --out data beta.jsonl >/dev/null
write_tiny_config tiny.toml data <<'TOML'
[train]
steps = 12
batch_size = 4
warmup_steps = 2
eval_every = 6
eval_sequences = 2
threads = 1
[mixing]
policy = "odm"
variant = "paper"
warmup_steps = 2
TOML
"$CUVEE" -q train tiny.toml --out local --nproc 2 >/dev/null
# A free port for torchrun's store (its default, 29500, may be taken by another test).
free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Debian's torchrun (torch 1.13) on Python 3.11 needs --redirects 1 (docs/training.md).
OMP_NUM_THREADS=1 /usr/bin/python3 -m torch.distributed.run --nproc_per_node 2 --redirects 1 \
  --tee 1 --log_dir logs --master_port "$(free_port)" --no_python "$CUVEE" -q train tiny.toml --out torchrun >torchrun.txt 2>&1 ||
  { cat torchrun.txt >&2; fail "cuvee train under torchrun failed"; }
# The launcher did serve the store itself (so a rank 0 serving one would have collided).
/usr/bin/python3 -m torch.distributed.run --nproc_per_node 1 --redirects 1 --tee 1 --log_dir logs2 \
  --master_port "$(free_port)" --no_python /bin/sh -c 'echo "agent store: $TORCHELASTIC_USE_AGENT_STORE"' >agent.txt 2>&1
grep -q "agent store: True" agent.txt || fail "torchrun did not use its agent store: $(cat agent.txt)"
cmp local/metrics.jsonl torchrun/metrics.jsonl || fail "torchrun's run differs from --nproc 2's"
cmp local/observations.csv torchrun/observations.csv || fail "observations differ"
/usr/bin/python3 - <<'PY' || fail "ODM did not move the proportions: the test checks nothing"
import json
rows = [json.loads(l) for l in open("torchrun/metrics.jsonl") if '"step"' in l]
steps = [r for r in rows if r["kind"] == "step"]
assert len(steps) == 12
assert abs(steps[-1]["weights.alpha"] - steps[0]["weights.alpha"]) > 1e-3
PY
echo "train_torchrun_test: ok"
