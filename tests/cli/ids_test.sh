# Document ids from the input (--id-key, default `id` when the first document has one) survive
# import → score → select → filter, so every output joins back to the source rows.
source "$(dirname "$0")/lib.sh" "$1"

# alpha's ids are strings, beta's whole numbers; gamma's documents have no id field.
for i in $(seq 0 59); do
  printf '{"id": "alpha-%03d", "text": "alpha document %d about rivers and boats, %d."}\n' "$i" "$i" "$((i * 13))"
done >alpha.jsonl
for i in $(seq 0 59); do
  printf '{"text": "beta document %d on stars, comets and planets %d.", "id": %d}\n' "$i" "$((i * 7))" "$((1000 + i))"
done >beta.jsonl
make_jsonl gamma 30
gzip -k alpha.jsonl

out=$("$CUVEE" -q import --domain alpha --out data --heldout 0.2 alpha.jsonl)
[[ $out == *"ids from 'id'"* ]] || fail "import did not say where the ids came from: $out"
"$CUVEE" -q import --domain beta --out data --heldout 0.2 beta.jsonl >/dev/null
"$CUVEE" -q import --domain gamma --out plain --heldout 0.2 gamma.jsonl >/dev/null
"$CUVEE" -q import --domain alpha --out gz --heldout 0.2 alpha.jsonl.gz >/dev/null
"$CUVEE" -q import --domain alpha --out none --heldout 0.2 --id-key '' alpha.jsonl >/dev/null

python3 - <<'PY' || fail "see above"
import json, os
def ids(d, split):
    return open(f"{d}/{split}.ids").read().split("\n")[:-1]
for name, expect in [("alpha", [f"alpha-{i:03d}" for i in range(60)]),
                     ("beta", [str(1000 + i) for i in range(60)])]:
    m = json.load(open(f"data/{name}/manifest.json"))
    assert m["id_key"] == "id", m
    splits = {s: ids(f"data/{name}", s) for s in ("train", "validation", "test")}
    for s, got in splits.items():
        assert len(got) == m[s]["documents"], (name, s)
        assert got == sorted(got), f"input order within {s}"
        assert "ids_xxh3" in m[s], (s, m)
    assert sorted(sum(splits.values(), [])) == sorted(expect), name
for d in ("plain/gamma", "none/alpha"):
    m = json.load(open(f"{d}/manifest.json"))
    assert m["id_key"] == "" and "ids_xxh3" not in m["train"], (d, m)
    assert not os.path.exists(f"{d}/train.ids"), d
assert ids("gz/alpha", "train") == ids("data/alpha", "train"), "gzip import lost the ids"
PY
for f in train.bin validation.bin test.bin; do
  cmp -s "data/alpha/$f" "none/alpha/$f" || fail "ids changed the tokens ($f)"
done

# Scores carry the ids (a fourth column); the keep-list carries them on; filter keeps them.
"$CUVEE" -q score dsir --data data --target data/alpha --out scores.tsv >/dev/null
head -1 scores.tsv | grep -q '"ids":true' || fail "scores header: $(head -1 scores.tsv)"
"$CUVEE" -q select --scores scores.tsv --method topk --keep 0.5 --out keep.txt >/dev/null
"$CUVEE" -q filter --keep keep.txt --data data --out kept >/dev/null
python3 - <<'PY' || fail "see above"
def ids(d, split):
    return open(f"{d}/{split}.ids").read().split("\n")[:-1]
SPLITS = ("train", "validation", "test")
numbered = []  # as selection numbers documents: domains by name, then train, validation, test
for name in ("alpha", "beta"):
    numbered += sum((ids(f"data/{name}", s) for s in SPLITS), [])
lines = [l.rstrip("\n").split("\t") for l in open("scores.tsv")][1:]
assert all(len(l) == 4 for l in lines), lines[:3]
assert [l[3] for l in lines] == numbered, "scores' ids are not the documents'"
keep = [l.rstrip("\n").split("\t") for l in open("keep.txt")]
assert len(keep) == 60 and all(len(k) == 2 for k in keep), keep[:3]
assert all(numbered[int(i)] == id for i, id in keep), "keep-list ids do not match"
kept = []
for name in ("alpha", "beta"):
    kept += sum((ids(f"kept/{name}", s) for s in SPLITS), [])
assert sorted(kept) == sorted(id for _, id in keep), "filtered domains' ids"
PY
# Sharded scores join when all carry ids or none do.
"$CUVEE" -q score dsir --data plain --target plain --out plain.tsv >/dev/null
head -1 plain.tsv | grep -vq '"ids"' || fail "ids in the scores of a domain without them"
expect_error "lacks the documents' ids" "$CUVEE" -q select --scores scores.tsv plain.tsv \
  --method topk --keep 0.5 --out mixed.txt

# A keep-list that names other documents than --data holds is refused.
"$CUVEE" -q import --domain alpha --out other --heldout 0.5 alpha.jsonl >/dev/null
"$CUVEE" -q import --domain beta --out other --heldout 0.5 beta.jsonl >/dev/null
expect_error "in the keep-list but" "$CUVEE" -q filter --keep keep.txt --data other --out wrong

# A derived domain's documents are no longer the source rows: it carries no ids, and opens.
"$CUVEE" -q domain shuffle --data data/alpha --name noise --seed 3 --out derived >/dev/null
python3 -c 'import json; assert json.load(open("derived/manifest.json"))["id_key"] == ""' ||
  fail "a shuffled domain kept the ids"
[ ! -e derived/train.ids ] || fail "a shuffled domain has train.ids"
"$CUVEE" -q score dsir --data derived --target derived --out derived.tsv >/dev/null

# Bad ids are errors naming the file and line; an explicit key must be in every document.
printf '{"id": "a", "text": "one"}\n{"text": "two"}\n' >missing.jsonl
expect_error "missing.jsonl:2: no 'id' field for the document's id" "$CUVEE" -q import \
  --domain m --out bad missing.jsonl
expect_error "beta.jsonl:1: no 'doc' field" "$CUVEE" -q import --domain b --out bad \
  --id-key doc beta.jsonl
printf '{"id": {"x": 1}, "text": "one"}\n' >object.jsonl
expect_error "object.jsonl:1: field 'id' is object, expected a string or a whole number" \
  "$CUVEE" -q import --domain o --out bad object.jsonl
printf '{"id": "a\\tb", "text": "one"}\n' >tab.jsonl
expect_error "tab.jsonl:1: field 'id' is an id holding a tab" "$CUVEE" -q import --domain t \
  --out bad tab.jsonl
printf 'plain text\n' >plain.txt
expect_error "plain.txt:1: plain text has no 'id' field" "$CUVEE" -q import --domain p --out bad \
  --id-key id plain.txt
[ ! -e bad ] || [ -z "$(ls bad)" ] || fail "failed imports left $(ls bad)"
# With --skip-bad, a document without its id is skipped and counted.
out=$("$CUVEE" -q import --domain m --out skip --heldout 0 --skip-bad missing.jsonl)
[[ $out == *"skipped 1 documents: missing id field"* ]] || fail "--skip-bad: $out"
echo "ids_test: ok"
