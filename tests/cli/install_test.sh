# cmake --install: cuvee, cuvee-torch and the docs into a prefix, from which the programs run
# (cuvee hands `train` to the cuvee-torch beside it) without the build folder's help.
source "$(dirname "$0")/lib.sh" "$1"
build=$(dirname "$CUVEE")

cmake --install "$build" --prefix "$WORK/prefix" >install.log 2>&1 || { cat install.log >&2; fail "cmake --install"; }
for f in bin/cuvee bin/cuvee-torch; do [ -x "prefix/$f" ] || fail "no $f in the prefix"; done
for f in README.md formats.md training.md examples/tiny.toml; do
  [ -f "prefix/share/doc/cuvee/$f" ] || fail "no share/doc/cuvee/$f in the prefix"
done
installed=prefix/bin/cuvee
[ "$("$installed" --version)" = "$("$CUVEE" --version)" ] || fail "the installed cuvee is another version"

make_jsonl alpha 120
"$installed" -q import --domain alpha --heldout 0.1 --out data alpha.jsonl >/dev/null
write_tiny_config tiny.toml data <<'TOML'
[train]
steps = 4
batch_size = 4
warmup_steps = 1
eval_every = 4
eval_sequences = 1
threads = 1
TOML
# With PATH cleared of the build: nothing but the prefix is used.
env PATH=/usr/bin:/bin "$installed" -q train tiny.toml --out run >train.log 2>&1 ||
  { cat train.log >&2; fail "cuvee train from the prefix"; }
[ -s run/metrics.jsonl ] || fail "the installed train wrote no metrics.jsonl"
grep -q '"step":4' run/metrics.jsonl || fail "the installed train did not reach step 4"

# The installed cuvee runs the installed cuvee-torch, not the build's.
rm prefix/bin/cuvee-torch
expect_error "cannot run $WORK/prefix/bin/cuvee-torch" "$installed" -q train tiny.toml --out run2
echo "install_test: ok"
