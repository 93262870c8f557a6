# cuvee law fit / predict / eval / optimize on the published 5-mixture table, and its refusals.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh" "$1"
OBS=$HERE/../data/published/mixinglaws-5mix/obs_70m.csv
[ -f "$OBS" ] || fail "no published table at $OBS"

{ head -1 "$OBS"; grep ',30000,' "$OBS"; } >final.csv
"$CUVEE" -q law fit --law exponential --data "$OBS" --step 30000 --huber 0.05 --out fit.json >/dev/null
[ -s fit.json ] || fail "no fit written"
"$CUVEE" -q law predict --fit fit.json --data final.csv --out pred.csv
[ "$(head -1 pred.csv | tr -d '\r')" = "$(head -1 "$OBS" | tr -d '\r')" ] || fail "predictions must keep the table's columns"
[ "$(wc -l <pred.csv)" = "$(($(grep -c ',30000,' "$OBS") + 1))" ] || fail "predictions must keep the rows"
"$CUVEE" -q law eval --fit fit.json --data final.csv --json >eval.json
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' eval.json || fail "eval --json is not JSON"
"$CUVEE" -q law optimize --fit fit.json --step 30000 >mix.txt || fail "optimize failed"

expect_error "proportion" "$CUVEE" -q law fit --law bimix --data "$OBS" --out bimix.json
[ ! -e bimix.json ] || fail "a refused fit must write nothing"
printf 'run,step,p.a,p.b,loss.a,loss.b\nr1,100,0.5,0.6,2.0,3.0\n' >bad_sum.csv
expect_error "bad_sum.csv:2" "$CUVEE" -q law fit --law exponential --data bad_sum.csv --out x.json
printf 'run,p.a,p.b,loss.a,loss.b\nr1,0.5,0.5,2.0,3.0\n' >missing.csv
expect_error "step" "$CUVEE" -q law fit --law exponential --data missing.csv --out x.json
echo "law_test: ok"
