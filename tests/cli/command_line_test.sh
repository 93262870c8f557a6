# The program's command line as other tools behave: --version, status 2 for usage errors,
# -q before or after the command, OMP_NUM_THREADS beside CUVEE_THREADS.
source "$(dirname "$0")/lib.sh" "$1"

# --version: one line, "cuvee X.Y.Z" and the commit when built from a git checkout; status 0.
version=$("$CUVEE" --version)
[[ $version =~ ^cuvee\ [0-9]+\.[0-9]+\.[0-9]+( \(commit [0-9a-f]+(-dirty)?\))?$ ]] ||
  fail "--version printed '$version'"
"$CUVEE" --help | grep -q -- "--version" || fail "--help does not list --version"
# The libtorch commands, run by cuvee-torch, are described as the others are.
help=$("$CUVEE" --help)
[[ $help == *"Train a GPT on a mixture of domains"* ]] || fail "train's description: $help"
[[ $help != *"libtorch"* ]] || fail "a placeholder description: $help"
help=$("$CUVEE" score --help)
[[ $help == *"Mean token loss under a GPT checkpoint"* ]] || fail "score perplexity's: $help"
[[ $help != *"libtorch"* ]] || fail "a placeholder description: $help"

# Usage errors exit with 2 (not CLI11's 105-114), whichever program parses them.
status_of() {
  local status=0
  "$@" >/dev/null 2>&1 || status=$?
  echo "$status"
}
[ "$(status_of "$CUVEE")" = 2 ] || fail "no command: status $(status_of "$CUVEE")"
[ "$(status_of "$CUVEE" no-such-command)" = 2 ] || fail "unknown command"
[ "$(status_of "$CUVEE" import --domain x)" = 2 ] || fail "missing required option"
[ "$(status_of "$CUVEE" import --domain x --out d --heldout abc in.jsonl)" = 2 ] ||
  fail "a value of the wrong type"
[ "$(status_of "$CUVEE" inspect --no-such-option p)" = 2 ] || fail "unknown option"
[ "$(status_of "$CUVEE" select --scores s.tsv)" = 2 ] || fail "options missing together"
[ "$(status_of "$CUVEE" law split --data x.csv --out y)" = 2 ] || fail "law split without a mode"
[ "$(status_of "$CUVEE" train)" = 2 ] || fail "a libtorch command's usage error"
[ "$(status_of "$CUVEE" train --no-such-option c.toml)" = 2 ] || fail "a libtorch command's option"
[ "$(status_of "$CUVEE" --help)" = 0 ] || fail "--help"
[ "$(status_of "$CUVEE" import --help)" = 0 ] || fail "import --help"
[ "$(status_of "$CUVEE" train --help)" = 0 ] || fail "train --help"
# A failure that is not a usage error keeps status 1.
[ "$(status_of "$CUVEE" inspect absent)" = 1 ] || fail "a missing file's status"
expect_error "Run with --help" "$CUVEE" select --scores s.tsv

# -q silences progress before or after the command, and for libtorch commands too.
make_jsonl docs 200
"$CUVEE" import --domain a --out data --heldout 0.2 docs.jsonl 2>loud.txt >/dev/null
grep -q "import a" loud.txt || fail "no progress without -q: $(cat loud.txt)"
"$CUVEE" -q import --domain b --out data docs.jsonl 2>before.txt >/dev/null
"$CUVEE" import -q --domain c --out data docs.jsonl 2>after.txt >/dev/null
"$CUVEE" import --domain d --out data docs.jsonl --quiet 2>last.txt >/dev/null
write_tiny_config tiny.toml data/a <<'TOML'
[train]
steps = 2
batch_size = 2
warmup_steps = 1
eval_every = 2
eval_sequences = 1
threads = 1
TOML
"$CUVEE" train tiny.toml --out run1 --set train.steps=2 2>train_loud.txt >/dev/null || fail "train: $(cat train_loud.txt)"
grep -q "step" train_loud.txt || fail "no training progress without -q"
"$CUVEE" train tiny.toml -q --out run2 --set train.steps=2 2>train_after.txt >/dev/null ||
  fail "train -q: $(cat train_after.txt)"
"$CUVEE" -q train tiny.toml --out run3 2>train_before.txt >/dev/null || fail "-q train: $(cat train_before.txt)"
for f in before.txt after.txt last.txt train_after.txt train_before.txt; do
  [ ! -s $f ] || fail "$f: progress despite -q: $(cat $f)"
done

# --init-from: the continued run's step-0 losses are the base run's last (the same weights).
"$CUVEE" -q train tiny.toml --out continued --init-from run3 >/dev/null || fail "train --init-from"
python3 - <<'PY' || fail "--init-from did not start from the base run's weights"
import json
def evals(run):
    return [json.loads(l) for l in open(f"{run}/metrics.jsonl") if '"kind":"eval"' in l]
assert evals("continued")[0]["step"] == 0
assert evals("continued")[0]["test_loss"] == evals("run3")[-1]["test_loss"]
assert evals("run3")[0]["test_loss"] != evals("run3")[-1]["test_loss"]
PY
expect_error "--init-from nowhere: no such file or folder" "$CUVEE" -q train tiny.toml \
  --out continued2 --init-from nowhere

# A wrong-typed config value is named by its file and line, an override by itself.
sed 's/^steps = 2$/steps = "many"/' tiny.toml >typed.toml
expect_error "typed.toml:9: 'train.steps' must be a non-negative integer, got \"many\"" \
  "$CUVEE" -q train typed.toml --out run4
expect_error "--set train.lr=fast: 'train.lr' must be a number" "$CUVEE" -q train tiny.toml \
  --out run5 --set train.lr=fast
printf 'train = 3\n' >study.toml
expect_error "study.toml:1: train: expected a string" "$CUVEE" -q study study.toml --out st

# OMP_NUM_THREADS is read when CUVEE_THREADS is not set; CUVEE_THREADS wins when both are.
expect_error "OMP_NUM_THREADS must be a positive integer" env -u CUVEE_THREADS OMP_NUM_THREADS=lots \
  "$CUVEE" -q import --domain e --out data docs.jsonl
CUVEE_THREADS=1 OMP_NUM_THREADS=lots "$CUVEE" -q import --domain f --out data docs.jsonl >/dev/null ||
  fail "CUVEE_THREADS did not win over OMP_NUM_THREADS"
env -u CUVEE_THREADS OMP_NUM_THREADS=1,1 "$CUVEE" -q import --domain g --out data --heldout 0.2 docs.jsonl >/dev/null ||
  fail "OMP_NUM_THREADS=1,1 refused"
cmp -s data/a/train.bin data/g/train.bin || fail "one thread changed the import"

# A manifest that lacks a key is an error naming the file and the key, nested ones too.
for key in dtype tokenizer.vocab_size; do
  rm -rf broken && cp -r data/a broken
  python3 -c 'import json, sys
m = json.load(open("broken/manifest.json"))
*tables, last = sys.argv[1].split(".")
t = m
for table in tables: t = t[table]
del t[last]
json.dump(m, open("broken/manifest.json", "w"))' "$key"
  echo 0 >keep.txt
  expect_error "broken/manifest.json: missing field '${key##*.}'" \
    "$CUVEE" -q filter --data broken --keep keep.txt --out filtered
done
echo "command_line_test: ok"
