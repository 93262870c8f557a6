# cuvee study killed with SIGKILL at seeded random moments (while it trains, selects documents
# or fits laws) and run again each time: the study that finally completes writes the same
# summary.json, byte for byte, as one that was never interrupted, and leaves no temporary file
# anywhere in its folder (docs/reliability.md).
source "$(dirname "$0")/lib.sh" "$1"
KILLS=${2:-8}
SEED=${3:-1}

write_tiny_study 4

start=$SECONDS
"$CUVEE" study study.toml --out reference 2>reference.log || { cat reference.log >&2; fail "the uninterrupted study failed"; }
whole=$((SECONDS - start + 1))

# Rounds of killed-and-rerun studies, each in a folder of its own, until KILLS kills. Every
# attempt is killed at a seeded moment within the uninterrupted study's duration; a rerun skips
# what is done, so a round's later attempts get further, and the round ends when one completes
# before its kill. Its summary is checked then. The phase each kill interrupted
# is the last progress line before it.
RANDOM=$SEED
kills=0
round=0
phases=()
while [ $kills -lt "$KILLS" ]; do
  round=$((round + 1))
  out=killed$round
  while true; do
    delay_ms=$((100 + (RANDOM * 32768 + RANDOM) % (whole * 1000)))
    [ $kills -ge "$KILLS" ] && delay_ms=$((whole * 100000))  # the last rerun is left to finish
    setsid "$CUVEE" study study.toml --out $out 2>>$out.log &
    pid=$!
    begin_ms=$(date +%s%3N)
    while kill -0 "$pid" 2>/dev/null && [ $(($(date +%s%3N) - begin_ms)) -lt $delay_ms ]; do
      sleep 0.02
    done
    if kill -KILL "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true  # 137: killed
      kills=$((kills + 1))
      phase=$(grep '^study: ' $out.log | tail -1 | sed 's/ \[.*//; s/^study: //' || true)
      phases+=("${phase:-starting}")
    else
      wait "$pid" || { tail -20 $out.log >&2; fail "a rerun of the killed study $out failed"; }
      break
    fi
  done
  cmp -s reference/summary.json $out/summary.json ||
    fail "$out: the summary after its kills differs: $(diff <(python3 -m json.tool reference/summary.json) <(python3 -m json.tool $out/summary.json) | head -20)"
  leftovers=$(find $out -name '*.tmp.*' | head -5)
  [ -z "$leftovers" ] || fail "$out: temporaries left after its kills: $leftovers"
done
echo "ok: $kills kills in $round studies, each ending with the uninterrupted summary.json; interrupted:"
printf '  %s\n' "${phases[@]}"
