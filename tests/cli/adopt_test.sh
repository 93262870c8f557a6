# cuvee adopt on Megatron token files written by an independent writer (NumPy, after Megatron-LM's
# MMapIndexedDataset.Index.writer): every document kept, the end-of-document id appended where
# missing, a held-out split that depends only on the documents, the tokenizer recorded as given.
source "$(dirname "$0")/lib.sh" "$1"
PY=/usr/bin/python3  # Debian's, with python3-numpy (scripts/bootstrap)

# megatron.py PREFIX DTYPE SEED [REVERSED]: 200 documents of 1-3 sequences each (ids below
# 50256; every third document ends in 50256, GPT-2's end-of-text, as --append-eod writes it).
cat >megatron.py <<'PY'
import struct, sys
import numpy as np
prefix, dtype, seed = sys.argv[1], np.dtype(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(seed)
docs = []
for d in range(200):
    seqs = [rng.integers(0, 50256, rng.integers(1, 40)) for _ in range(rng.integers(1, 4))]
    if d % 3 == 0:
        seqs[-1] = np.append(seqs[-1], 50256)
    docs.append(seqs)
if len(sys.argv) > 4:
    docs.reverse()
codes = {np.uint8: 1, np.int8: 2, np.int16: 3, np.int32: 4, np.int64: 5, np.uint16: 8}
sizes, pointers, doc_idx, offset = [], [], [0], 0
with open(prefix + ".bin", "wb") as bin_file:
    for seqs in docs:
        for seq in seqs:
            bin_file.write(seq.astype(dtype).tobytes(order="C"))
            sizes.append(len(seq))
            pointers.append(offset)
            offset += len(seq) * dtype.itemsize
        doc_idx.append(len(sizes))
with open(prefix + ".idx", "wb") as idx:
    idx.write(b"MMIDIDX\x00\x00")
    idx.write(struct.pack("<Q", 1))
    idx.write(struct.pack("<B", codes[dtype.type]))
    idx.write(struct.pack("<Q", len(sizes)))
    idx.write(struct.pack("<Q", len(doc_idx)))
    idx.write(np.array(sizes, dtype=np.int32).tobytes(order="C"))
    idx.write(np.array(pointers, dtype=np.int64).tobytes(order="C"))
    idx.write(np.array(doc_idx, dtype=np.int64).tobytes(order="C"))
PY
$PY megatron.py web_text_document int32 1
$PY megatron.py books_text_document uint16 2
$PY megatron.py web_reversed_text_document uint16 1 reversed

out=$("$CUVEE" -q adopt web_text_document books_text_document.bin --out data --vocab-size 50257 \
  --eos-id 50256 --tokenizer-name gpt2 --heldout 0.2)
[[ $out == *"data/web: "*"(external (gpt2), vocabulary size 50257)"* ]] || fail "adopt printed: $out"
[[ $out == *"data/web: 133 documents did not end in the end-of-document id 50256"* ]] ||
  fail "appended end-of-document ids not reported: $out"
"$CUVEE" -q adopt web_reversed_text_document --domain reversed --out other --vocab-size 50257 \
  --eos-id 50256 --tokenizer-name gpt2 --heldout 0.2 >/dev/null

# Each domain holds every document of its source once, as one sequence ending in 50256; the
# validation and test documents are the same ones whatever their position (the reversed copy).
$PY - <<'PY' || fail "see above"
import json
import numpy as np

def read(prefix):
    idx = open(prefix + ".idx", "rb").read()
    assert idx[:9] == b"MMIDIDX\x00\x00"
    dtype = {1: np.uint8, 4: np.int32, 8: np.uint16}[idx[17]]
    s, d = np.frombuffer(idx[18:34], np.uint64)
    sizes = np.frombuffer(idx[34:34 + 4 * int(s)], np.int32)
    pointers = np.frombuffer(idx[34 + 4 * int(s):34 + 12 * int(s)], np.int64)
    doc_idx = np.frombuffer(idx[34 + 12 * int(s):], np.int64)
    assert len(doc_idx) == d
    tokens = np.fromfile(prefix + ".bin", dtype)
    item = np.dtype(dtype).itemsize
    return [tuple(np.concatenate([tokens[pointers[q] // item:pointers[q] // item + sizes[q]]
                                  for q in range(doc_idx[i], doc_idx[i + 1])]).tolist())
            for i in range(len(doc_idx) - 1)]

def source(prefix):
    return [doc if doc[-1] == 50256 else doc + (50256,) for doc in read(prefix)]

for name, prefix in [("web", "web_text_document"), ("books", "books_text_document")]:
    train = read(f"data/{name}/train")
    validation, test = read(f"data/{name}/validation"), read(f"data/{name}/test")
    heldout = validation + test
    assert sorted(train + heldout) == sorted(source(prefix)), name
    assert all(doc.count(50256) == 1 and doc[-1] == 50256 for doc in train + heldout), name
    assert 20 <= len(heldout) <= 60, (name, len(heldout))
    assert validation and test, (name, len(validation), len(test))
    m = json.load(open(f"data/{name}/manifest.json"))
    assert m["tokenizer"] == {"kind": "external", "model": "gpt2", "model_xxh3": "",
                              "vocab_size": 50257, "eos_id": 50256}, m["tokenizer"]
    assert m["dtype"] == "uint16" and m["heldout_fraction"] == 0.2, m
    assert m["format"] == "cuvee-domain/2", m["format"]
    assert [m[s]["documents"] for s in ("train", "validation", "test")] == \
        [len(train), len(validation), len(test)], m
    assert m["sources"] == [prefix], m["sources"]
for split in ("validation", "test"):
    assert sorted(read(f"other/reversed/{split}")) == sorted(read(f"data/web/{split}")), split
assert read("other/reversed/train") == read("data/web/train")[::-1]
PY

# The same command gives the same bytes.
"$CUVEE" -q adopt web_text_document --out again --vocab-size 50257 --eos-id 50256 \
  --tokenizer-name gpt2 --heldout 0.2 >/dev/null
for f in train.bin train.idx validation.bin validation.idx test.bin test.idx manifest.json; do
  cmp -s "data/web/$f" "again/web/$f" || fail "a second adopt changed $f"
done
# The domains are domains: commands that read token ids take them.
"$CUVEE" -q mix entropy --data data --measure shannon --out mixture.json >/dev/null ||
  fail "mix entropy on adopted domains"
grep -q '"books"' mixture.json || fail "mix entropy: $(cat mixture.json)"
write_tiny_config tiny.toml data <<'TOML'
[train]
steps = 2
batch_size = 2
warmup_steps = 1
eval_every = 2
eval_sequences = 1
threads = 1
TOML
"$CUVEE" -q train tiny.toml --out run >train.log 2>&1 || { cat train.log >&2; fail "train on adopted domains"; }
grep -q '"step":2' run/metrics.jsonl || fail "train on adopted domains did not reach step 2"
# One that needs the text says why it cannot have it.
expect_error "tokenised outside cuvee (gpt2, vocabulary size 50257" "$CUVEE" -q score askllm \
  --endpoint http://127.0.0.1:9/v1 --model m --data data/web --out s.tsv
# Another tokenizer than the first refuses to mix with it.
"$CUVEE" -q adopt books_text_document --domain llama --out mixed --vocab-size 50257 --eos-id 50256 \
  --tokenizer-name other >/dev/null
cp -r data/web mixed/web
expect_error "tokenised differently" "$CUVEE" -q mix entropy --data mixed --measure shannon --out m.json

# Bad input: ids outside the vocabulary, a tokenizer not given, options that contradict.
expect_error "web_text_document.bin: document 0 holds the id" "$CUVEE" -q adopt web_text_document \
  --out small --vocab-size 1000 --eos-id 999
[ ! -e small/web ] || fail "a failed adopt left small/web behind"
status_of() {
  local status=0
  "$@" >/dev/null 2>&1 || status=$?
  echo "$status"
}
[ "$(status_of "$CUVEE" adopt web_text_document --out x)" = 2 ] || fail "no tokenizer: not status 2"
expect_error "--vocab-size N and --eos-id ID" "$CUVEE" adopt web_text_document --out x --vocab-size 9
[ "$(status_of "$CUVEE" adopt web_text_document --out x --tokenizer t.model --vocab-size 9)" = 2 ] ||
  fail "--tokenizer with --vocab-size: not status 2"
[ "$(status_of "$CUVEE" adopt a b --domain one --out x --vocab-size 9 --eos-id 1)" = 2 ] ||
  fail "--domain with two prefixes: not status 2"
expect_error "outside the vocabulary of 100 ids" "$CUVEE" adopt web_text_document --out x \
  --vocab-size 100 --eos-id 100
expect_error "missing.idx" "$CUVEE" adopt missing --out x --vocab-size 100 --eos-id 1
echo "adopt_test: ok"
