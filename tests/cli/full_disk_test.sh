# A full disk: every write fails with an error that names the file, and the previous version of
# the file is intact (no temporary left beside it). Two kinds of full disk:
# - a 3 MiB tmpfs, filled up (ENOSPC), in a mount namespace of its own (unshare, as root or in a
#   user namespace; skipped where neither is allowed);
# - a file size limit (ulimit -f, EFBIG), which any user can set.
# Each command first succeeds with room to spare, leaving the "previous version", then is run
# again with no room: import over the domain, a resumed training run's checkpoint and metrics,
# a law fit, a policy replay, Ask-LLM scores.
HERE=$(cd "$(dirname "$0")" && pwd)
SERVER=$HERE/../selection/openai_test_server.py
source "$HERE/lib.sh" "$1"

if [ "${FULL_DISK_INSIDE:-}" != 1 ]; then
  # Re-run this script in a mount namespace with a tmpfs at $WORK/disk, when allowed.
  mkdir disk
  # The probe mounts too: a user namespace may be allowed where a tmpfs mount in it is not.
  for how in "unshare -m" "unshare -rm"; do
    if $how mount -t tmpfs -o size=1m tmpfs disk 2>/dev/null; then
      FULL_DISK_INSIDE=1 FULL_DISK_KIND=tmpfs FULL_DISK_DIR=$WORK/disk $how bash -c \
        'mount -t tmpfs -o size=3m tmpfs "$FULL_DISK_DIR" && exec bash "$0" "$1"' \
        "$HERE/full_disk_test.sh" "$CUVEE" || exit 1
      tmpfs_done=1
      break
    fi
  done
  [ -n "${tmpfs_done:-}" ] ||
    echo "full_disk_test: no tmpfs can be mounted here (no mount namespace); the file size limit part runs alone"
  FULL_DISK_INSIDE=1 FULL_DISK_KIND=ulimit bash "$HERE/full_disk_test.sh" "$CUVEE" || exit 1
  exit 0
fi

if [ "$FULL_DISK_KIND" = tmpfs ]; then
  disk=$FULL_DISK_DIR
  fill() { dd if=/dev/zero of="$disk/filler" bs=64k 2>/dev/null || true; }
  unfill() { rm -f "$disk/filler"; }
  full() { "$@"; }
  # ENOSPC
  expected="No space left on device"
else
  disk=$WORK/disk
  mkdir -p "$disk"
  fill() { :; }
  unfill() { :; }
  # Files may not grow past LIMIT_KB (16 KiB unless a command needs less to fail); SIGXFSZ is
  # ignored, so the write fails with EFBIG instead.
  full() { (trap '' XFSZ; ulimit -f "${LIMIT_KB:-16}"; "$@"); }
  expected="File too large"
fi
cd "$disk"

# same_files DIR SNAPSHOT: DIR holds exactly what SNAPSHOT recorded (names and bytes).
snapshot() { (cd "$1" && find . -type f ! -name filler -print0 | sort -z | xargs -0 sha1sum); }
# must_fail FILE COMMAND...: fails naming FILE and the disk's complaint.
must_fail() {
  local file=$1 output
  shift
  if output=$(full "$@" 2>&1); then fail "$FULL_DISK_KIND: expected a failure: $*"; fi
  [[ $output == *"$file"* ]] || fail "$FULL_DISK_KIND: the error does not name $file: $output"
  [[ $output == *"$expected"* ]] || fail "$FULL_DISK_KIND: the error does not say '$expected': $output"
}
no_temporaries() {
  local left
  left=$(find "$1" -name '*.tmp.*')
  [ -z "$left" ] || fail "$FULL_DISK_KIND: temporaries left behind: $left"
}

# Import over an existing domain.
for i in $(seq 0 400); do printf '{"text": "web page %d: %s"}\n' "$i" "$(printf 'lorem ipsum %.0s' $(seq 8))"; done >web.jsonl
make_jsonl code 120
"$CUVEE" -q import --domain web --heldout 0.1 --out data web.jsonl >/dev/null
"$CUVEE" -q import --domain code --heldout 0.1 --out data code.jsonl >/dev/null
before=$(snapshot data)
fill
must_fail data/web/train.bin "$CUVEE" -q import --domain web --heldout 0.2 --out data web.jsonl
unfill
[ "$(snapshot data)" = "$before" ] || fail "$FULL_DISK_KIND: the domain changed after a failed import"
no_temporaries data
"$CUVEE" -q inspect data/web/train >/dev/null || fail "$FULL_DISK_KIND: the old domain does not open"

# Import of many one-letter documents, whose index (20 bytes a document) outgrows the tokens (4):
# with a file size limit between the two, the token file fits and the index does not, which
# fails only once everything else is written, and must still leave the old domain whole.
if [ "$FULL_DISK_KIND" = ulimit ]; then
  for i in $(seq 0 11999); do echo '{"text": "a"}'; done >tiny.jsonl
  # (a folder of its own: with no held-out splits it could not be trained on with the others)
  "$CUVEE" -q import --domain tiny --heldout 0 --out tinydata tiny.jsonl >/dev/null
  before=$(snapshot tinydata)
  LIMIT_KB=100 must_fail tinydata/tiny/train.idx "$CUVEE" -q import --domain tiny --heldout 0 \
    --out tinydata tiny.jsonl
  [ "$(snapshot tinydata)" = "$before" ] || fail "ulimit: the domain changed after a failed index write"
  no_temporaries tinydata
fi

# A training run: a checkpoint at step 4, then a resume that cannot write its next one.
cat >run.toml <<'TOML'
[data]
paths = ["data"]
[model]
context = 16
width = 32
depth = 1
heads = 2
[train]
steps = 8
batch_size = 4
warmup_steps = 1
eval_every = 2
eval_sequences = 2
save_every = 4
threads = 1
TOML
"$CUVEE" -q train run.toml --out run --steps 4 >/dev/null 2>train.err || fail "the first half did not train: $(cat train.err)"
before=$(snapshot run)
fill
must_fail run/ "$CUVEE" -q train run.toml --out run --resume
unfill
# The checkpoint is the old one, whole; metrics hold whole lines (those past the checkpoint are
# dropped on the next resume).
cmp -s <(snapshot run | grep checkpoint.pt) <(echo "$before" | grep checkpoint.pt) ||
  fail "$FULL_DISK_KIND: the checkpoint changed after a failed save"
for f in run/metrics.jsonl run/observations.csv; do
  [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] || fail "$FULL_DISK_KIND: $f ends in a torn line"
done
no_temporaries run
"$CUVEE" -q train run.toml --out run --resume >/dev/null 2>&1 || fail "$FULL_DISK_KIND: the resume after the full disk failed"

# A law fit and a policy replay over files they replace.
cat >obs.csv <<'CSV'
run,step,p.code,p.web,loss.code,loss.web
a,100,0.25,0.75,3.5,4.25
b,100,0.5,0.5,3.25,4.5
c,100,0.75,0.25,3.0,4.75
CSV
"$CUVEE" -q law fit --law linear --data obs.csv --out fit.json --threads 1 >/dev/null
printf 'step,loss.code,count.code,loss.web,count.web\n1,3.4,3,4.4,5\n2,3.3,4,4.35,4\n' >trace.csv
"$CUVEE" -q policy replay --policy odm --trace trace.csv --out weights.csv >/dev/null
# Padding makes the new versions larger than the limit where the limit is a file size.
for i in $(seq 1 400); do echo "d$i,100,0.5,0.5,3.25,4.5"; done | sed 's/^/x/' >>obs.csv
for i in $(seq 3 2000); do echo "$i,3.3,4,4.35,4"; done >>trace.csv
before=$(snapshot .)
fill
LIMIT_KB=1 must_fail fit.json "$CUVEE" -q law fit --law linear --data obs.csv --out fit.json \
  --threads 1 --ridge 0.5
must_fail weights.csv "$CUVEE" -q policy replay --policy odm --trace trace.csv --out weights.csv
unfill
cmp -s <(snapshot . | grep -E 'fit.json|weights.csv') <(echo "$before" | grep -E 'fit.json|weights.csv') ||
  fail "$FULL_DISK_KIND: fit.json or weights.csv changed after a failed write"
no_temporaries .

# Ask-LLM scores arriving while the disk fills: the partial file keeps whole lines, and the run
# resumes once there is room.
/usr/bin/python3 "$SERVER" >server.txt &
server_pid=$!
trap 'kill $server_pid 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do [ -s server.txt ] && break; sleep 0.1; done
read -r port _ <server.txt
for i in $(seq 0 999); do printf '{"text": "doc %d GOOD-0.5"}\n' "$i"; done >ask.jsonl
"$CUVEE" -q import --domain ask --heldout 0 --out askdata ask.jsonl >/dev/null
if [ "$FULL_DISK_KIND" = tmpfs ]; then
  # Room for one page (tmpfs allocates 4 KiB at a time): the header and a few hundred lines.
  dd if=/dev/zero of="$disk/filler" bs=1k count=$(( $(df -k --output=avail "$disk" | tail -1) - 4 )) 2>/dev/null || true
  askfull() { "$@"; }
else
  askfull() { (trap '' XFSZ; ulimit -f 4; "$@"); }  # 4 KiB: the same few hundred lines
fi
output=$(askfull "$CUVEE" -q score askllm --endpoint "http://127.0.0.1:$port/v1" --model m \
  --data askdata --out scores.tsv --concurrency 2 2>&1) && fail "$FULL_DISK_KIND: scoring on a full disk succeeded"
[[ $output == *scores.tsv.partial* && $output == *"$expected"* ]] ||
  fail "$FULL_DISK_KIND: the error does not name the partial scores: $output"
[ "$(tail -c 1 scores.tsv.partial | od -An -c | tr -d ' ')" = '\n' ] ||
  fail "$FULL_DISK_KIND: the partial scores end in a torn line"
kept=$(($(wc -l <scores.tsv.partial) - 1))
unfill
"$CUVEE" -q score askllm --endpoint "http://127.0.0.1:$port/v1" --model m --data askdata \
  --out scores.tsv --concurrency 2 | grep -q "($((1000 - kept)) this run)" ||
  fail "$FULL_DISK_KIND: the resume did not keep the $kept scores written before the disk filled"
[ "$(tail -n +2 scores.tsv | wc -l)" = 1000 ] || fail "$FULL_DISK_KIND: scores.tsv is incomplete"
[ "$kept" -gt 100 ] || fail "$FULL_DISK_KIND: only $kept scores fitted before the disk was full"
echo "full_disk_test ($FULL_DISK_KIND): ok"
