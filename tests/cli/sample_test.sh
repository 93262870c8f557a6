# cuvee sample: the token digest is the same on 1 and 2 threads and changes with the seed;
# per-domain counts follow the weights; --weights is resolved as the trainer resolves it.
source "$(dirname "$0")/lib.sh" "$1"

make_jsonl alpha 200
make_jsonl beta 200
"$CUVEE" -q import --domain alpha --out data alpha.jsonl >/dev/null
"$CUVEE" -q import --domain beta --out data beta.jsonl >/dev/null
run() { "$CUVEE" -q sample --data data --weights alpha=0.25,beta=0.75 --steps 50 --batch 8 --seq 32 "$@"; }
one=$(run --seed 3 --threads 1 | grep digest)
two=$(run --seed 3 --threads 2 | grep digest)
other=$(run --seed 4 --threads 2 | grep digest)
[ "$one" = "$two" ] || fail "digest differs across thread counts: $one vs $two"
[ "$one" != "$other" ] || fail "digest does not depend on the seed"
counts=$(run --seed 3 | awk '$1 == "alpha" {print $3}')
[ "$counts" = 100 ] || fail "alpha should get exactly a quarter of 400 slots, got $counts"
expect_error "not among the data's domains (alpha, beta)" "$CUVEE" -q sample --data data --weights gamma=1 --steps 1
# As training's fixed policy: every domain must be named (none silently gets 0).
expect_error "has no domain 'beta'" "$CUVEE" -q sample --data data --weights alpha=1 --steps 1
expect_error "is not name=weight" "$CUVEE" -q sample --data data --weights alpha --steps 1
echo "sample_test: ok"
