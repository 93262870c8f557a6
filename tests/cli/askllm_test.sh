# cuvee score askllm against the OpenAI-protocol stand-in (tests/selection/openai_test_server.py)
# on 127.0.0.1: scores, failures reported per document with the other scores kept, a resume that
# finishes them, and runs killed with SIGKILL at random moments against a server that misbehaves
# at random, resumed until done: no score lost, none written twice.
SERVER="$(cd "$(dirname "$0")/../selection" && pwd)/openai_test_server.py"
source "$(dirname "$0")/lib.sh" "$1"

# The servers live as long as the test (the trap stops them), not the server's default 120 s: on
# a loaded machine the test can take longer, and a server gone would fail it.
start_server() {  # start_server FILE ARGS...: "PORT PID" in FILE
  local file=$1
  shift
  /usr/bin/python3 "$SERVER" --lifetime 3600 "$@" >"$file" &
  for _ in $(seq 50); do [ -s "$file" ] && break; sleep 0.1; done
}
start_server server.txt
read -r port server_pid <server.txt
trap 'kill $server_pid ${chaos_pid:-} 2>/dev/null; rm -rf "$WORK"' EXIT
endpoint="http://127.0.0.1:$port/v1"

for i in 0 1 2 3 4 5 6 7; do printf '{"text": "document %d GOOD-0.%d"}\n' "$i" "$((i + 1))"; done >good.jsonl
printf '{"text": "RATE-limited document"}\n{"text": "NOYES document"}\n' >>good.jsonl
"$CUVEE" -q import --domain docs --heldout 0 --out data good.jsonl >/dev/null

# The first run allows no retries, so the rate-limited document fails; it is reported by itself
# and every other answer is kept.
expect_error "1 of 10 documents have no score" "$CUVEE" -q score askllm --endpoint "$endpoint" \
  --model m --data data --out scores.tsv --retries 0 --concurrency 1
[ -f scores.tsv.partial ] || fail "partial scores not kept"
[ ! -f scores.tsv ] || fail "scores written despite the failure"
grep -q "^8	1	HTTP 429" scores.tsv.failures || fail "failure not listed: $(cat scores.tsv.failures)"
# Scores summed over other spellings of "yes" do not mix with these.
expect_error "other settings" "$CUVEE" -q score askllm --endpoint "$endpoint" --model m \
  --data data --out scores.tsv --yes-match exact
expect_error "expected exact, case, space or case-space" "$CUVEE" -q score askllm \
  --endpoint "$endpoint" --model m --data data --out other.tsv --yes-match fuzzy
# The rerun resumes: only the document not yet scored is asked, and it now succeeds.
"$CUVEE" -q score askllm --endpoint "$endpoint" --model m --data data --out scores.tsv \
  --retries 2 --backoff 0.05 | grep -q "(1 this run)" || fail "resume did not skip scored documents"
[ ! -f scores.tsv.partial ] || fail "partial file left behind"
[ ! -f scores.tsv.failures ] || fail "failures file left behind"
head -1 scores.tsv | grep -q '"prompt_version":"askllm-v2"' || fail "prompt version not recorded"

# The key: OPENAI_API_KEY is sent by default, --api-key-env names another variable, and a
# variable named but not set is an error (an unset OPENAI_API_KEY is not: local servers need none).
printf '{"text": "document KEY-sekrit"}\n' >keyed.jsonl
"$CUVEE" -q import --domain keyed --heldout 0 --out keydata keyed.jsonl >/dev/null
env OPENAI_API_KEY=sekrit "$CUVEE" -q score askllm --endpoint "$endpoint" --model m \
  --data keydata --out keyed.tsv --retries 0 >/dev/null || fail "OPENAI_API_KEY was not sent"
expect_error "HTTP 401" env -u OPENAI_API_KEY "$CUVEE" -q score askllm --endpoint "$endpoint" \
  --model m --data keydata --out nokey.tsv --retries 0
expect_error "HTTP 401" env OPENAI_API_KEY=sekrit "$CUVEE" -q score askllm --endpoint "$endpoint" \
  --model m --data keydata --out nokey.tsv --retries 0 --api-key-env ''
env -u OPENAI_API_KEY MY_KEY=sekrit "$CUVEE" -q score askllm --endpoint "$endpoint" --model m \
  --data keydata --out other_key.tsv --retries 0 --api-key-env MY_KEY >/dev/null ||
  fail "--api-key-env MY_KEY was not sent"
expect_error "--api-key-env MY_KEY: the variable is not set" env -u MY_KEY "$CUVEE" -q score \
  askllm --endpoint "$endpoint" --model m --data keydata --out nokey.tsv --api-key-env MY_KEY
head -1 scores.tsv | grep -q '"yes_match":"case-space"' || fail "yes-match setting not recorded"
[ "$(grep -c yes-missing scores.tsv)" = 1 ] || fail "the missing yes is not marked"
"$CUVEE" -q select --scores scores.tsv --method topk --keep 0.2 --out top.txt >/dev/null
[ "$(cat top.txt | tr '\n' ' ')" = "6 7 " ] || fail "top 20% should be documents 6 7, got $(cat top.txt)"
expect_error "onnect" "$CUVEE" -q score askllm --endpoint http://127.0.0.1:1/v1 --model m \
  --data data --out other.tsv --retries 0

# kill -9 at random moments (from a fixed seed) while a chaotic server (a third of the requests
# fail in one of its ways) answers 60 documents; each rerun resumes until one finishes. The
# client's timeout (2 s) is well above a loaded machine's answer time, so that only the server's
# timeout and stall faults (3 s) time out: with a timeout near the answer time, load alone made
# every try of a document fail until its retries ran out.
for i in $(seq 0 59); do printf '{"text": "kill doc %d GOOD-0.%02d DELAY-30"}\n' "$i" "$((i + 20))"; done >kill.jsonl
"$CUVEE" -q import --domain kill --heldout 0 --out killdata kill.jsonl >/dev/null
start_server chaos.txt --chaos 0.3 --seed 7 --stall 3 --max-requests 20000
read -r chaos_port chaos_pid <chaos.txt
RANDOM=12
kills=0
check_partial() {
  # Whole lines are scores; the last may be torn; no document twice.
  tail -n +2 scores.tsv.partial | head -n -1 | grep -vqP '^\d+\t[0-9.e-]+(\tyes-missing)?$' &&
    fail "a malformed line in the partial scores after kill $kills"
  local repeated
  repeated=$(tail -n +2 scores.tsv.partial | cut -f1 | sort | uniq -d | head -1)
  [ -z "$repeated" ] || fail "document $repeated scored twice after kill $kills"
}
killed_scores=0
for attempt in $(seq 1 40); do
  [ -f kill.tsv ] && break
  "$CUVEE" -q score askllm --endpoint "http://127.0.0.1:$chaos_port/v1" --model m --data killdata \
    --out kill.tsv --concurrency 4 --retries 20 --backoff 0.01 --timeout 2 \
    >/dev/null 2>run.err &
  pid=$!
  if [ $kills -lt 10 ]; then
    sleep "0.$((RANDOM % 4 + 1))"
    if kill -9 $pid 2>/dev/null; then kills=$((kills + 1)); fi
  fi
  wait $pid 2>/dev/null || true
  if [ -f kill.tsv.partial ]; then
    cp kill.tsv.partial scores.tsv.partial
    check_partial
    now=$(tail -n +2 kill.tsv.partial | grep -c $'\t' || true)
    [ "$now" -ge "$killed_scores" ] || fail "scores lost after kill $kills: $killed_scores then $now"
    killed_scores=$now
  fi
done
[ -f kill.tsv ] || fail "not finished after 40 runs: $(cat run.err)"
[ "$kills" -ge 5 ] || fail "only $kills runs were killed"
wrong=$(awk -F'\t' 'NR > 1 && ($2 - (0.20 + ($1) / 100))^2 > 1e-12 { print $1 ": " $2 }' kill.tsv)
[ -z "$wrong" ] || fail "wrong scores after the kills: $wrong"
[ "$(tail -n +2 kill.tsv | wc -l)" = 60 ] || fail "kill.tsv does not hold 60 scores"
echo "askllm_test: ok ($kills kills survived)"
