# cuvee policy replay --policy odm on the recorded 600-step trace: with --set warmup_steps=W the
# rows of steps ≤ W hold the initial weights, and from step W + 1 on the weights are the released
# rule's (the NumPy reference, tests/mixing/reference/), step by step; both variants.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh" "$1"
TRACE=$HERE/../data/mixing/tiny_natural_600.csv
REFERENCE=$HERE/../mixing/reference/online_policies_reference.py
W=37

for variant in smoothed-mean paper; do
  "$CUVEE" -q policy replay --policy odm --trace "$TRACE" --out "$variant.csv" \
    --set warmup_steps=$W --set init=uniform --set alpha=0.9 --set variant=$variant >/dev/null
  /usr/bin/python3 "$REFERENCE" odm "$TRACE" "ref-$variant.csv" variant=$variant alpha=0.9 \
    warmup_steps=$W
  /usr/bin/python3 - "$variant.csv" "ref-$variant.csv" $W <<'PY' || fail "odm $variant: see above"
import sys
import numpy as np
ours = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
ref = np.loadtxt(sys.argv[2], delimiter=",", skiprows=1)
w = int(sys.argv[3])
k = ours.shape[1] - 1
assert ours.shape == ref.shape and ours.shape[0] >= 500, (ours.shape, ref.shape)
assert (ours[:, 0] == ref[:, 0]).all()
warm = ours[ours[:, 0] <= w, 1:]
assert len(warm) == w and (warm == 1.0 / k).all(), "warm-up rows must hold the initial weights"
after = ours[:, 0] > w
assert not np.allclose(ours[after][0, 1:], 1.0 / k, atol=1e-6), "step W+1 must update"
diff = np.abs(ours[after, 1:] - ref[after, 1:]).max()
assert diff < 1e-9, diff
PY
done

expect_error "knows 'smoothed-mean' and 'paper'" "$CUVEE" -q policy replay --policy odm \
  --trace "$TRACE" --out x.csv --set variant=exp4
expect_error "epsilon_time_scale" "$CUVEE" -q policy replay --policy odm --trace "$TRACE" \
  --out x.csv --set epsilon_time_scale=0
[ ! -e x.csv ] || fail "a refused replay must write nothing"
echo "policy_replay_test: ok"
