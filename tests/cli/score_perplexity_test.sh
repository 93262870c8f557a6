# cuvee score perplexity / embed gpt: a tiny GPT trained on one domain scores its own text below
# noise, the same bytes on 1 and 2 threads; its embeddings feed density sampling; bad input.
source "$(dirname "$0")/lib.sh" "$1"

make_jsonl alpha 150
/usr/bin/python3 - <<'PY'
import json, random
random.seed(1)
with open("noise.jsonl", "w") as f:
    for i in range(50):
        text = "".join(random.choice("abcdefghijklmnopqrstuvwxyz .") for _ in range(70))
        f.write(json.dumps({"text": text}) + "\n")
PY
"$CUVEE" -q import --domain alpha --out data alpha.jsonl >/dev/null
"$CUVEE" -q import --domain noise --out data noise.jsonl >/dev/null
cat >tiny.toml <<'TOML'
[data]
paths = ["data/alpha"]
[model]
context = 32
width = 32
depth = 1
heads = 2
[train]
steps = 30
batch_size = 8
lr = 1e-2
warmup_steps = 3
eval_every = 30
eval_sequences = 2
threads = 1
TOML
"$CUVEE" -q train tiny.toml --out run >/dev/null
total=$(python3 -c "import json;print(sum(json.load(open(f'data/{d}/manifest.json'))[s]['documents'] for d in ('alpha','noise') for s in ('train','validation','test')))")
alpha_docs=$(python3 -c "import json;m=json.load(open('data/alpha/manifest.json'));print(sum(m[s]['documents'] for s in ('train','validation','test')))")

# Through `cuvee`, which hands the command to cuvee-torch.
"$CUVEE" score --help | grep -q "perplexity" || fail "cuvee score --help does not list perplexity"
"$CUVEE" embed --help | grep -q "gpt" || fail "cuvee embed --help does not list gpt"
"$CUVEE" score perplexity --help | grep -q -- "--checkpoint" || fail "no --checkpoint in the help"

"$CUVEE" -q score perplexity --checkpoint run --data data --out ppl.tsv --threads 1 >/dev/null
"$CUVEE" -q score perplexity --checkpoint run/checkpoint.pt --data data --out ppl2.tsv --threads 2 >/dev/null
cmp -s ppl.tsv ppl2.tsv || fail "1 and 2 threads give different scores"
head -1 ppl.tsv | grep -q '"method":"perplexity"' || fail "the header does not name the method"
[ "$(grep -vc '^#' ppl.tsv)" = "$total" ] || fail "expected $total score lines"
# The lowest-perplexity share of alpha's size is alpha's documents (numbered before noise's).
keep=$(python3 -c "print($alpha_docs / $total)")
"$CUVEE" -q select --scores ppl.tsv --method band --band-start 0 --keep "$keep" --out low.txt >/dev/null
[ "$(tail -1 low.txt)" -lt "$alpha_docs" ] || fail "the low-perplexity band holds noise documents"

"$CUVEE" -q embed gpt --checkpoint run --data data --out emb.npy >/dev/null
/usr/bin/python3 - "$total" <<'PY' || fail "embeddings: wrong shape or not unit rows"
import sys
import numpy as np
e = np.load("emb.npy")
assert e.dtype == np.float32 and e.shape == (int(sys.argv[1]), 32), (e.dtype, e.shape)
assert np.allclose(np.linalg.norm(e, axis=1), 1, atol=1e-5)
PY
"$CUVEE" -q select density --embeddings emb.npy --keep 0.5 --rows 64 --buckets 512 --out dense.txt >/dev/null
[ "$(wc -l <dense.txt)" = "$((total / 2))" ] || fail "density on GPT embeddings keeps half"

expect_error "nowhere: no such file or folder" "$CUVEE" -q score perplexity --checkpoint nowhere --data data --out x.tsv
mkdir empty_run
expect_error "no checkpoint.pt in this folder" "$CUVEE" -q embed gpt --checkpoint empty_run --data data --out x.npy
echo "not a checkpoint" >empty_run/checkpoint.pt
expect_error "not a readable checkpoint" "$CUVEE" -q score perplexity --checkpoint empty_run --data data --out x.tsv
expect_error "--stride 33: expected 1 to the model's context (32)" "$CUVEE" -q score perplexity --checkpoint run --data data --stride 33 --out x.tsv
[ ! -e x.tsv ] || fail "a failed command left its output"
echo "score_perplexity_test: ok"
