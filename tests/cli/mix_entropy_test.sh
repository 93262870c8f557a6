# cuvee mix entropy --estimator: the plug-in and Miller–Madow mixtures of two small domains, the
# estimator recorded in the mixture file, and a misspelt estimator refused before counting.
source "$(dirname "$0")/lib.sh" "$1"

make_jsonl news 200
make_jsonl mail 40
"$CUVEE" -q import --domain news --out data --heldout 0 news.jsonl >/dev/null
"$CUVEE" -q import --domain mail --out data --heldout 0 mail.jsonl >/dev/null
for estimator in plug-in miller-madow; do
  "$CUVEE" -q mix entropy --data data --measure conditional --estimator $estimator \
    --context-length 64 --out $estimator.json >/dev/null
done
python3 - plug-in.json miller-madow.json <<'PY' || fail "see above"
import json, sys
plug, mm = (json.load(open(p)) for p in sys.argv[1:])
assert plug["estimator"] == "plug-in" and mm["estimator"] == "miller-madow", (plug, mm)
for d in ("news", "mail"):
    # Miller–Madow adds (m_joint − m_first)/(2N) ≥ 0 to the conditional entropy.
    assert mm["entropies_nats"][d] > plug["entropies_nats"][d], d
assert abs(sum(mm["mixture"].values()) - 1) < 1e-12
PY
expect_error "expected plug-in or miller-madow" "$CUVEE" -q mix entropy --data data \
  --measure conditional --estimator jackknife --out bad.json
[ ! -e bad.json ] || fail "a refused estimator must write nothing"
echo "mix_entropy_test: ok"
