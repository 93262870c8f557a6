# cuvee import and inspect: good input, every kind of bad input, and nothing half-written.
source "$(dirname "$0")/lib.sh" "$1"

make_jsonl news 300
"$CUVEE" -q import --domain news --out data --heldout 0.1 news.jsonl >out.txt
grep -q "data/news:" out.txt || fail "import printed: $(cat out.txt)"
json=$("$CUVEE" inspect data/news/train --json)
keys=$(python3 -c 'import json,sys; print(",".join(sorted(json.loads(sys.argv[1]))))' "$json")
[ "$keys" = "documents,dtype,sequences,tokens" ] || fail "inspect --json keys: $keys"
[[ $json == *'"dtype":"uint16"'* ]] || fail "dtype: $json"
"$CUVEE" inspect data/news/train.idx | grep -q "documents" || fail "inspect text output"

printf '{"text": "fine"}\n{"text": broken\n' >malformed.jsonl
expect_error "malformed.jsonl:2: malformed JSON" "$CUVEE" -q import --domain m --out data malformed.jsonl
printf '{"text": "fine"}\n{"body": "x"}\n' >nokey.jsonl
expect_error "nokey.jsonl:2: no 'text' field" "$CUVEE" -q import --domain k --out data nokey.jsonl
printf '{"text": "fine"}\n{"text": "bad \xff"}\n' >utf8.jsonl
expect_error "utf8.jsonl:2: invalid UTF-8" "$CUVEE" -q import --domain u --out data utf8.jsonl
printf '{"text": "fine"}\n{"text": "   "}\n' >empty.jsonl
expect_error "empty.jsonl:2: empty document" "$CUVEE" -q import --domain e --out data empty.jsonl
expect_error "cannot read absent.jsonl" "$CUVEE" -q import --domain a --out data absent.jsonl
for d in m k u e a; do [ ! -e "data/$d" ] || fail "failed import left data/$d behind"; done

"$CUVEE" -q import --domain e --out data --skip-bad empty.jsonl nokey.jsonl >skip.txt
grep -q "skipped 1 documents: empty document" skip.txt || fail "skip report: $(cat skip.txt)"
grep -q "skipped 1 documents: missing text field" skip.txt || fail "skip report: $(cat skip.txt)"
grep -q '"skipped_bad": 2' data/e/manifest.json || fail "manifest lacks the skipped count"

printf 'first paragraph\n\nsecond paragraph\n' >plain.txt
"$CUVEE" -q import --domain p --out data --heldout 0 --split blank-line plain.txt >/dev/null
[[ $("$CUVEE" inspect data/p/train --json) == *'"documents":2'* ]] || fail "blank-line split"
echo "import_test: ok"
