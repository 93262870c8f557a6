# scripts/gpu-check as far as a machine without a GPU goes: its arguments, its help, and its
# refusal (exit 2, building and running nothing) when torch sees no CUDA device. CUDA is hidden
# from torch here, so the test is the same on a GPU machine.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh" "$1"
CHECK=$HERE/../../scripts/gpu-check

"$CHECK" --help | grep -q "model FLOP utilisation" || fail "--help does not describe the check"
expect_error "unknown argument '--bogus'" "$CHECK" --bogus
expect_error "expected a whole number >= 20" "$CHECK" --steps 5
expect_error "--peak-tflops abc: expected a number" "$CHECK" --peak-tflops abc
expect_error "no interpreter 'no-such-python'" "$CHECK" --python no-such-python
set +e
output=$(CUDA_VISIBLE_DEVICES="" "$CHECK" --python /usr/bin/python3 --build "$WORK/build-gpu" 2>&1)
status=$?
set -e
[ $status -eq 2 ] || fail "expected exit 2 without a GPU, got $status: $output"
[[ $output == *"no GPU to check: torch"*"sees no CUDA device"* ]] || fail "unclear refusal: $output"
[ ! -e "$WORK/build-gpu" ] || fail "gpu-check built something without a GPU"
echo "gpu_check_test: ok"
