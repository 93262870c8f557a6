# cuvee train killed with SIGKILL at seeded random moments (crash points, core/crash_point.h:
# file writes, checkpoint commits, metrics lines, the middle of a step, an ADO refit just
# started) and resumed each time, under one policy. After every kill: metrics.jsonl and
# observations.csv hold only whole lines, no step twice, and the checkpoint left behind loads
# (never a torn one). At the end: the model, the optimizer and policy state, and every loss
# equal an uninterrupted run's.
#
#   train_kill.sh CUVEE CHECKPOINT_DIGEST POLICY [KILLS] [SEED]
#
# ctest runs it with 20 kills under each online policy and 6 under uniform (docs/reliability.md);
# a kill costs about 2 s on two cores, mostly libtorch starting. Under ADO the test also counts
# the kills that fell with a refit in flight (started, not yet taken into the weights) and
# needs at least one.
source "$(dirname "$0")/lib.sh" "$1"
DIGEST=$2
POLICY=$3
KILLS=${4:-6}
SEED=${5:-1}

for d in alpha:40 beta:30 gamma:20; do
  make_jsonl "${d%%:*}" "${d##*:}"
  "$CUVEE" -q import --domain "${d%%:*}" --heldout 0.3 --out data "${d%%:*}.jsonl" >/dev/null
done
steps=30
case "$POLICY" in
  uniform) mixing='policy = "uniform"' ;;
  odm) mixing='policy = "odm"' ;;
  # A refit every 4 steps, taking effect 2 steps later: checkpoints (every 3) and kills land
  # with a refit in flight.
  ado) mixing=$'policy = "ado"\nstart_step = 2\nrefit_every = 4\nrefit_lag = 2\nthreads = 1' ;;
  velocitune) mixing=$'policy = "velocitune"\nevery = 4\ntargets = { alpha = 3.0, beta = 3.2, gamma = 3.1 }' ;;
  *) fail "unknown policy $POLICY" ;;
esac
write_tiny_config run.toml data <<TOML
[train]
steps = $steps
batch_size = 4
lr = 1e-2
warmup_steps = 2
eval_every = 4
eval_sequences = 4
save_every = 3
threads = 1
[mixing]
$mixing
TOML

# killable LOG COMMAND...: COMMAND in a process group of its own (a crash point kills the whole
# group), stderr to LOG, quietly (a shell announces each job it sees killed).
killable() {
  local log=$1
  shift
  bash -c '"$@" 2>"$0" >/dev/null; exit $?' "$log" setsid "$@" 2>/dev/null
}

# The uninterrupted run, and how many crash points a whole run passes.
CUVEE_TEST_CRASH_AT=0 CUVEE_TEST_CRASH_COUNTER=count.bin killable reference.err "$CUVEE" -q train \
  run.toml --out reference || fail "the uninterrupted run failed: $(cat reference.err)"
points=$(od -An -tu8 count.bin | tr -d ' ')
[ "$points" -gt 100 ] || fail "only $points crash points in a whole run"
"$DIGEST" reference/checkpoint.pt >reference.digest || fail "cannot digest the reference"

# Whole lines only, steps increasing, and a checkpoint that loads.
check_run() {
  /usr/bin/python3 - "$1" <<'PY' || fail "after kill $kills (crash point $target): $(cat check.err)"
import json, sys
folder = sys.argv[1]
for name in ("metrics.jsonl", "observations.csv"):
    try:
        text = open(f"{folder}/{name}").read()
    except FileNotFoundError:
        continue
    if text and not text.endswith("\n"):
        sys.exit(f"{name} ends in a torn line: {text[-80:]!r}")
seen = {"step": 0, "eval": -1}  # the first evaluation is step 0's, before training
try:
    lines = open(f"{folder}/metrics.jsonl").read().splitlines()
except FileNotFoundError:
    lines = []
for number, line in enumerate(lines, 1):
    record = json.loads(line)
    if record["step"] <= seen[record["kind"]]:
        sys.exit(f"metrics.jsonl:{number}: {record['kind']} step {record['step']} twice or out of order")
    seen[record["kind"]] = record["step"]
open("last_step.txt", "w").write(f"{seen['step']}\n")
PY
  checkpoint_step=0
  if [ -f "$1/checkpoint.pt" ]; then
    "$DIGEST" "$1/checkpoint.pt" >check.digest 2>check.err ||
      fail "torn checkpoint after kill $kills: $(cat check.err)"
    checkpoint_step=$(/usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["step"])' <check.digest)
  fi
}

# Rounds of killed-and-resumed runs, each compared with the reference, until KILLS kills. A kill
# lands at a crash point drawn from the seed among those the rest of the run passes (a restart
# goes on from its checkpoint), so kills fall early, late and in between.
RANDOM=$SEED
kills=0
in_flight=0
round=0
while [ $kills -lt "$KILLS" ]; do
  round=$((round + 1))
  run=run$round
  resume=()
  checkpoint_step=0
  for attempt in $(seq 1 200); do
    remaining=$((points * (steps - checkpoint_step + 1) / steps))
    target=$((1 + (RANDOM * 32768 + RANDOM) % remaining))
    [ $kills -ge "$KILLS" ] && target=0
    status=0
    CUVEE_TEST_CRASH_AT=$target killable run.err "$CUVEE" -q train run.toml --out "$run" \
      "${resume[@]}" || status=$?
    resume=(--resume)
    if [ $status = 137 ]; then
      kills=$((kills + 1))
      check_run "$run"
      # A refit starts after step s when s - 1 >= start_step and (s - 1) % refit_every == 0, and
      # is taken in at step s + refit_lag: in flight while the last logged step is s or s + 1.
      last=$(cat last_step.txt)
      if [ "$POLICY" = ado ] && [ "$last" -ge 5 ] && [ $(((last - 1) % 4)) -le 1 ]; then
        in_flight=$((in_flight + 1))
      fi
      continue
    fi
    [ $status = 0 ] || fail "round $round, attempt $attempt failed with status $status: $(cat run.err)"
    break
  done
  [ $status = 0 ] || fail "round $round did not finish"
  "$DIGEST" "$run/checkpoint.pt" >"$run.digest"
  cmp -s reference.digest "$run.digest" ||
    fail "round $round: the final state differs from the uninterrupted run's: $(diff reference.digest "$run.digest" | head -20)"
  cmp -s reference/metrics.jsonl "$run/metrics.jsonl" || fail "round $round: metrics.jsonl differs"
  cmp -s reference/observations.csv "$run/observations.csv" || fail "round $round: observations.csv differs"
  leftovers=$(find "$run" -name '*.tmp.*')
  [ -z "$leftovers" ] || fail "round $round left temporaries behind: $leftovers"
done
if [ "$POLICY" = ado ]; then
  [ $in_flight -ge 1 ] || fail "no kill fell with an ADO refit in flight"
  echo "train_kill ado: $in_flight of the kills fell with a refit in flight"
fi
echo "train_kill $POLICY: $kills kills survived in $round rounds ($points crash points per run)"
