# cuvee domain shuffle and cuvee domain cap on an imported domain: what they print, what they
# write (train, validation and test documents, manifest), determinism by seed, and their errors.
source "$(dirname "$0")/lib.sh" "$1"

make_jsonl alpha 120
"$CUVEE" -q import --domain alpha --heldout 0.1 --out data alpha.jsonl >/dev/null
tokens() { python3 -c "import json,sys;m=json.load(open(sys.argv[1]+'/manifest.json'));print(m[sys.argv[2]]['tokens'], m[sys.argv[2]]['documents'], m['name'])" "$@"; }

out=$("$CUVEE" -q domain shuffle --data data/alpha --name noise --seed 3 --out derived/noise)
[[ $out == *"domain noise"* ]] || fail "shuffle printed: $out"
[ "$(tokens derived/noise train)" = "$(tokens data/alpha train | sed 's/alpha$/noise/')" ] ||
  fail "shuffle changed the training split's size"
for split in validation test; do
  [ "$(tokens derived/noise $split)" = "$(tokens data/alpha $split | sed 's/alpha$/noise/')" ] ||
    fail "shuffle changed the $split split's size"
done
cmp -s data/alpha/train.bin derived/noise/train.bin && fail "shuffle left the tokens in order"
"$CUVEE" -q domain shuffle --data data/alpha --name noise --seed 3 --out derived/again >/dev/null
cmp -s derived/noise/train.bin derived/again/train.bin || fail "same seed, other tokens"
cmp -s derived/noise/train.idx data/alpha/train.idx || fail "shuffle moved document boundaries"

"$CUVEE" -q domain cap --data data/alpha --train-tokens 300 --out derived/capped >/dev/null
read -r kept _ name <<<"$(tokens derived/capped train)"
[ "$kept" = 300 ] || fail "cap kept $kept training tokens, not 300"
[ "$name" = alpha ] || fail "cap renamed the domain to $name"
for split in validation test; do
  cmp -s data/alpha/$split.bin derived/capped/$split.bin || fail "cap changed the $split split"
done
# A capped domain trains and samples like any other.
"$CUVEE" -q sample --data derived/capped derived/noise --weights uniform --steps 4 --batch 2 \
  --seq 16 >/dev/null || fail "the derived domains do not sample"

# inspect opens a domain as every command does and counts each split.
python3 - "$("$CUVEE" -q inspect derived/capped --json)" <<'PY' || fail "inspect of a domain"
import json, sys
d = json.loads(sys.argv[1])
m = json.load(open("derived/capped/manifest.json"))
assert d["name"] == "alpha", d
assert {s: d["splits"][s]["documents"] for s in d["splits"]} == \
    {s: m[s]["documents"] for s in ("train", "validation", "test")}, (d, m)
PY
[[ $("$CUVEE" -q inspect derived/capped) == *"validation"* ]] || fail "inspect's text"

expect_error "is the input domain itself" "$CUVEE" -q domain shuffle --data data/alpha --name a \
  --out data/alpha
expect_error "manifest" "$CUVEE" -q domain cap --data nowhere --train-tokens 5 --out x
expect_error "train-tokens" "$CUVEE" -q domain cap --data data/alpha --train-tokens 0 --out y
expect_error "name" "$CUVEE" -q domain shuffle --data data/alpha --out z
echo ok
