# The selection pipeline on two small domains, end to end: cuvee embed tfidf, density
# sketch|merge|score, select density, select (with --within), filter and score dsir.
source "$(dirname "$0")/lib.sh" "$1"

make_jsonl alpha 150
make_jsonl beta 50
"$CUVEE" -q import --domain alpha --out data alpha.jsonl >/dev/null
"$CUVEE" -q import --domain beta --out data beta.jsonl >/dev/null
"$CUVEE" -q embed tfidf --data data --dim 32 --out emb.npy >/dev/null
total=$(python3 -c "import json;print(sum(json.load(open(f'data/{d}/manifest.json'))[s]['documents'] for d in ('alpha','beta') for s in ('train','validation','test')))")

# One-shot density sampling: ascending indices, the right count, deterministic in the seed.
"$CUVEE" -q select density --embeddings emb.npy --keep 0.5 --seed 1 --rows 64 --buckets 512 --out keep.txt >/dev/null
[ "$(wc -l <keep.txt)" = "$((total / 2))" ] || fail "expected $((total / 2)) kept rows, got $(wc -l <keep.txt)"
sort -n -c keep.txt || fail "keep-list is not ascending"
"$CUVEE" -q select density --embeddings emb.npy --keep 0.5 --seed 1 --rows 64 --buckets 512 --out again.txt >/dev/null
cmp -s keep.txt again.txt || fail "same seed, different keep-list"

# Sharded sketches merge into exactly the sketch of the whole file.
opts="--embeddings emb.npy --rows 64 --buckets 512 --seed 5"
"$CUVEE" -q density sketch $opts --out whole.race >/dev/null
"$CUVEE" -q density sketch $opts --shard 0/2 --out s0.race >/dev/null
"$CUVEE" -q density sketch $opts --shard 1/2 --out s1.race >/dev/null
"$CUVEE" -q density merge s0.race s1.race --out merged.race >/dev/null
cmp -s whole.race merged.race || fail "merged shard sketches differ from the whole sketch"
"$CUVEE" -q density sketch --embeddings emb.npy --rows 64 --buckets 512 --seed 6 --out other.race >/dev/null
expect_error "different parameters" "$CUVEE" -q density merge s0.race other.race --out bad.race
"$CUVEE" -q density score --embeddings emb.npy --sketch merged.race --out density.tsv >/dev/null
[ "$(grep -vc '^#' density.tsv)" = "$total" ] || fail "density scores: expected $total lines"
"$CUVEE" -q select --scores density.tsv --method topk --keep 0.1 --out top.txt >/dev/null
"$CUVEE" -q select --scores density.tsv --method band --keep 0.5 --out band.txt >/dev/null
[ "$(wc -l <band.txt)" = "$((total / 2))" ] || fail "band keeps half"

# --within: each domain keeps its own half, even when one domain's scores all rank below the
# other's (a global top-k would then keep alpha's documents only).
alpha_docs=$(python3 -c "import json;m=json.load(open('data/alpha/manifest.json'));print(sum(m[s]['documents'] for s in ('train','validation','test')))")
python3 - "$alpha_docs" "$total" <<'PY'
import sys
alpha, total = int(sys.argv[1]), int(sys.argv[2])
with open("ranked.tsv", "w") as f:
    f.write('# cuvee-scores/1 {"method": "test"}\n')
    for i in range(total):
        f.write(f"{i}\t{1000 + i if i < alpha else i}\n")
PY
"$CUVEE" -q select --scores ranked.tsv --method topk --keep 0.5 --within data --out within.txt >/dev/null
python3 - "$alpha_docs" "$total" <<'PY' || fail "--within did not keep half of each domain"
import sys
alpha, total = int(sys.argv[1]), int(sys.argv[2])
kept = [int(line) for line in open("within.txt")]
assert kept == sorted(kept), "not ascending"
in_alpha = [k for k in kept if k < alpha]
assert len(in_alpha) == round(alpha / 2), (len(in_alpha), alpha)
assert len(kept) - len(in_alpha) == round((total - alpha) / 2), (len(kept), total, alpha)
assert in_alpha == list(range(alpha - len(in_alpha), alpha)), "alpha's top half"
PY
expect_error "the domains hold" "$CUVEE" -q select --scores ranked.tsv --method topk --keep 0.5 --within data/alpha --out bad.txt

# Filter: a new domain per input domain, both splits, counts matching the keep-list.
"$CUVEE" -q filter --keep keep.txt --data data --out kept >/dev/null
kept_docs=$(python3 -c "import json;print(sum(json.load(open(f'kept/{d}/manifest.json'))[s]['documents'] for d in ('alpha','beta') for s in ('train','validation','test')))")
[ "$kept_docs" = "$(wc -l <keep.txt)" ] || fail "filtered domains hold $kept_docs documents, keep-list $(wc -l <keep.txt)"
"$CUVEE" -q inspect kept/alpha/train >/dev/null || fail "filtered domain does not open"
"$CUVEE" -q sample --data kept --weights alpha=0.5,beta=0.5 --steps 2 --batch 2 --seq 8 >/dev/null || fail "filtered domains do not sample"
echo "$total" >missing.txt
expect_error "but --data holds" "$CUVEE" -q filter --keep missing.txt --data data --out bad

# DSIR towards beta scores beta's documents (numbered after alpha's) above alpha's.
"$CUVEE" -q score dsir --data data --target data/beta --out dsir.tsv >/dev/null
alpha_docs=$(python3 -c "import json;m=json.load(open('data/alpha/manifest.json'));print(sum(m[s]['documents'] for s in ('train','validation','test')))")
"$CUVEE" -q select --scores dsir.tsv --method topk --keep 0.25 --out dsir_top.txt >/dev/null
[ "$(head -1 dsir_top.txt)" -ge "$alpha_docs" ] || fail "DSIR's top quarter holds alpha documents"
"$CUVEE" -q select --scores dsir.tsv --method gumbel --keep 0.25 --seed 2 --out dsir.txt >/dev/null
[ "$(wc -l <dsir.txt)" = "$((total / 4))" ] || fail "gumbel keeps a quarter"

# Bad input: NaN and ragged embeddings.
/usr/bin/python3 -c "import numpy as np; a=np.ones((4,3),np.float32); a[2,1]=np.nan; np.save('nan.npy',a)"
expect_error "row 2 column 1" "$CUVEE" -q select density --embeddings nan.npy --keep 0.5 --out x.txt
head -c 20 emb.npy >ragged.f32
expect_error "ragged" "$CUVEE" -q select density --embeddings ragged.f32 --dim 3 --keep 0.5 --out x.txt
echo "select_test: ok"
