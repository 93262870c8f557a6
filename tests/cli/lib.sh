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
