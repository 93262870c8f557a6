# cuvee score askllm against the OpenAI-protocol stand-in (tests/selection/openai_test_server.py)
# on 127.0.0.1: scores, a failure that keeps the partial scores, and a resume that finishes them.
SERVER="$(cd "$(dirname "$0")/../selection" && pwd)/openai_test_server.py"
source "$(dirname "$0")/lib.sh" "$1"

/usr/bin/python3 "$SERVER" >server.txt &
server_pid=$!
trap 'kill $server_pid 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do [ -s server.txt ] && break; sleep 0.1; done
read -r port _ <server.txt
endpoint="http://127.0.0.1:$port/v1"

for i in 0 1 2 3 4 5 6 7; do printf '{"text": "document %d GOOD-0.%d"}\n' "$i" "$((i + 1))"; done >good.jsonl
printf '{"text": "RATE-limited document"}\n{"text": "NOYES document"}\n' >>good.jsonl
"$CUVEE" -q import --domain docs --heldout 0 --out data good.jsonl >/dev/null

# The first run allows no retries, so the rate-limited document fails; the answers that
# arrived are kept.
expect_error "HTTP 429" "$CUVEE" -q score askllm --endpoint "$endpoint" --model m --data data \
  --out scores.tsv --retries 0 --concurrency 1
[ -f scores.tsv.partial ] || fail "partial scores not kept"
[ ! -f scores.tsv ] || fail "scores written despite the failure"
# Scores summed over other spellings of "yes" do not mix with these.
expect_error "other settings" "$CUVEE" -q score askllm --endpoint "$endpoint" --model m \
  --data data --out scores.tsv --yes-match exact
expect_error "expected exact, case, space or case-space" "$CUVEE" -q score askllm \
  --endpoint "$endpoint" --model m --data data --out other.tsv --yes-match fuzzy
# The rerun resumes: only the documents not yet scored are asked, and it now succeeds.
"$CUVEE" -q score askllm --endpoint "$endpoint" --model m --data data --out scores.tsv \
  --retries 2 --backoff 0.05 | grep -q "(2 this run)" || fail "resume did not skip scored documents"
[ ! -f scores.tsv.partial ] || fail "partial file left behind"
head -1 scores.tsv | grep -q '"prompt_version":"askllm-v2"' || fail "prompt version not recorded"
head -1 scores.tsv | grep -q '"yes_match":"case-space"' || fail "yes-match setting not recorded"
[ "$(grep -c yes-missing scores.tsv)" = 1 ] || fail "the missing yes is not marked"
"$CUVEE" -q select --scores scores.tsv --method topk --keep 0.2 --out top.txt >/dev/null
[ "$(cat top.txt | tr '\n' ' ')" = "6 7 " ] || fail "top 20% should be documents 6 7, got $(cat top.txt)"
expect_error "onnect" "$CUVEE" -q score askllm --endpoint http://127.0.0.1:1/v1 --model m \
  --data data --out other.tsv --retries 0
echo "askllm_test: ok"
