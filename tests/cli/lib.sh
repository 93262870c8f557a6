# Helpers for the CLI tests: `source lib.sh CUVEE` sets $CUVEE and a scratch $WORK removed on exit.
set -euo pipefail
CUVEE=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_error "message fragment" command...: the command must fail and print the fragment.
expect_error() {
  local fragment=$1
  shift
  local output
  if output=$("$@" 2>&1); then fail "expected failure: $*"; fi
  [[ $output == *"$fragment"* ]] || fail "expected '$fragment' from '$*', got: $output"
}

# Writes N JSONL documents for domain NAME to NAME.jsonl.
make_jsonl() {
  local name=$1 n=$2 i
  for ((i = 0; i < n; i++)); do
    printf '{"text": "%s document %d: the quick brown fox jumps over the lazy dog %d times."}\n' "$name" "$i" "$((i * 7))"
  done >"$name.jsonl"
}

# write_tiny_config FILE DATA_PATH: a training config of the tests' tiny model (context 16, width
# 16, depth 1, 2 heads) over DATA_PATH; the [train] table and whatever follows come from stdin.
write_tiny_config() {
  local file=$1 data=$2
  {
    printf '[data]\npaths = ["%s"]\n[model]\ncontext = 16\nwidth = 16\ndepth = 1\nheads = 2\n' "$data"
    cat
  } >"$file"
}

# write_tiny_study SAVE_EVERY: three tiny byte-level domains (alpha, beta, gamma: 60, 40 and 30
# documents, 30% held out) in data/domains, the tiny model's config tiny.toml over them
# (checkpointing every SAVE_EVERY steps) and study.toml, a 20-step demo scale with a 2-mixture
# oracle: the study the CLI tests run.
write_tiny_study() {
  local save_every=$1 d
  for d in alpha:60 beta:40 gamma:30; do
    make_jsonl "${d%%:*}" "${d##*:}"
    "$CUVEE" -q import --domain "${d%%:*}" --heldout 0.3 --out data/domains "${d%%:*}.jsonl" >/dev/null
  done
  write_tiny_config tiny.toml data/domains <<TOML
[train]
batch_size = 4
lr = 1e-2
warmup_steps = 2
eval_sequences = 4
save_every = $save_every
threads = 1
TOML
  cat >study.toml <<'TOML'
data = "data"
train = "tiny.toml"
[oracle]
samples = 2
[scales.demo]
steps = 20
eval_every = 2
TOML
}
