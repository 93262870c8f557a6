# cuvee study: a whole study (every recipe, BiMix proxies and fit, Velocitune targets, density
# and perplexity selection) on three tiny byte-level domains with a tiny model, then a re-run that trains
# nothing, and the errors for missing data and bad configs.
source "$(dirname "$0")/lib.sh" "$1"

write_tiny_study 10

"$CUVEE" study study.toml --out out 2>first.log || { cat first.log >&2; fail "the study failed"; }
grep -q "ETA" first.log || fail "no progress lines with an ETA"
# The headroom check comes before the first method trains.
headroom_line=$(grep -n '^study: headroom: ' first.log | cut -d: -f1)
method_line=$(grep -nE '^study: (entropy|bimix|odm|ado|velocitune): training' first.log | head -1 | cut -d: -f1)
[ -n "$headroom_line" ] && [ "$headroom_line" -lt "$method_line" ] ||
  fail "no headroom check before the methods: $(grep -E 'headroom|training' first.log | head -5)"
grep -q "headroom: .*not judged with one seed" first.log || fail "one seed: the headroom is not judged"
# The plan counts every step the study trains: the last progress line is at N of N.
grep -qE '^study: done: .*\[([0-9]+)/\1 steps' first.log ||
  fail "the step count's plan is off: $(grep '^study: done' first.log)"
python3 - <<'PY' || fail "summary.json is incomplete"
import json, math
s = json.load(open("out/summary.json"))
names = [r["name"] for r in s["recipes"]]
assert names == ["natural", "uniform", "entropy", "bimix", "odm", "ado", "velocitune", "density",
                 "perplexity"], names
assert s["targets"] == ["alpha", "beta", "gamma"], s["targets"]
assert abs(sum(s["natural_weights"].values()) - 1) < 1e-12, s["natural_weights"]
for r in s["recipes"]:
    assert math.isfinite(r["balanced_score"]), r
    assert math.isfinite(r["natural_weighted_score"]), r
    for d in ("alpha", "beta", "gamma"):
        assert math.isfinite(r["test_loss." + d]), (r, d)
    for baseline in ("natural", "uniform"):
        v = r["versus"][baseline]
        assert v["verdict"] == "one seed" and v["ci95_low"] is None, (r, baseline)
        assert len(v["diffs"]) == 1 and math.isfinite(v["mean"]), (r, baseline)
        assert v["steps_to_final"] is None or 0 < v["steps_to_final"] <= 20, (r, baseline)
for baseline in ("natural", "uniform"):
    own = next(r for r in s["recipes"] if r["name"] == baseline)["versus"][baseline]
    assert own["mean"] == 0 and own["steps_to_final"] == 20, own
for key in ("extrapolation_rel_error", "r2_log", "later_steps_rel_error"):
    assert math.isfinite(s["bimix"][key]), key
assert set(s["velocitune_targets"]) == {"alpha", "beta", "gamma"}
o = s["oracle"]
assert [c["name"] for c in o["candidates"]] == ["natural", "uniform", "oracle.1", "oracle.2"], o
assert o["best"] in [c["name"] for c in o["candidates"]], o
assert o["gain_over_natural"] >= 0 and o["gain_over_uniform"] >= 0, o
assert o["headroom"] == {"seed_noise": None, "can_rank": None}, o
for c in o["candidates"]:
    assert abs(sum(c["weights"].values()) - 1) < 1e-9, c
for r in s["recipes"]:
    share = r["oracle_share"]
    assert share is None or math.isfinite(share), r
p = s["provenance"]
assert p["model"].startswith("vocab ") and p["parameters"] > 0, p
assert len(p["config_hash"]) == 16, p
i = json.load(open("out/invocation.json"))
assert i["runs_trained"] > 0 and i["runs_reused"] == 0 and i["cores"] >= 1, i
assert 0 < i["training_seconds"] <= i["wall_seconds"], i
PY
# Both record the cuvee that made them, as `cuvee --version` names it.
version_line=$("$CUVEE" --version)
python3 -c 'import json, sys; c = json.load(open("out/summary.json"))["cuvee"]
line = "cuvee " + c["version"] + (" (commit " + c["commit"] + ")" if c["commit"] else "")
assert line == sys.argv[1], (line, sys.argv[1])' "$version_line" || fail "summary.json's cuvee version"
grep -qF "made by $version_line" out/report.html || fail "report.html does not name $version_line"
for section in results oracle curves trajectories bimix provenance; do
  grep -q "<section id=\"$section\">" out/report.html || fail "report.html has no $section section"
done
! grep -qE 'https?:' out/report.html || fail "report.html refers to something outside itself"

# A second run finds every training finished and trains nothing.
runs_before=$(ls out/runs | wc -l)
cp out/summary.json first-summary.json
"$CUVEE" study study.toml --out out 2>second.log || { cat second.log >&2; fail "the re-run failed"; }
[ "$(grep -c 'finished earlier' second.log)" = "$runs_before" ] || fail "the re-run trained again: $(cat second.log)"
! grep -q "training" second.log || fail "the re-run trained again"
python3 -c 'import json, sys; i = json.load(open("out/invocation.json"))
assert i["runs_trained"] == 0 and i["runs_reused"] == int(sys.argv[1]), i' "$runs_before" ||
  fail "invocation.json of the re-run: $(cat out/invocation.json)"
cmp -s first-summary.json out/summary.json || fail "the re-run's summary.json differs from the first"

# An interrupted run (a checkpoint before the last step, no finished marker) is resumed, and
# ends with the bytes of the uninterrupted run: the odm run is redone up to step 10 with the
# settings its marker records, as a study stopped there would leave it.
odm=$(ls -d out/runs/odm-*)
cp "$odm/metrics.jsonl" full_metrics.jsonl
mapfile -t sets < <(sed -n 's/^--set /--set\n/p' "$odm/study-finished.txt")
rm -r "$odm"
"$CUVEE" -q train tiny.toml --out "$odm" --steps 10 "${sets[@]}" >/dev/null 2>&1 || fail "training the first half failed"
"$CUVEE" study study.toml --out out 2>third.log || { cat third.log >&2; fail "the resume failed"; }
grep -q "odm: resuming" third.log || fail "the odm run was not resumed: $(cat third.log)"
cmp -s full_metrics.jsonl "$odm/metrics.jsonl" || fail "the resumed odm run differs from the uninterrupted one"

sed 's/^data = "data"/data = "nowhere"/' study.toml >nodata.toml
# Without the entropy recipe, BiMix trains its mixture as one more proxy, and the plan counts it.
sed 's/^train = "tiny.toml"$/train = "tiny.toml"\nrecipes = ["natural", "uniform", "bimix"]/' study.toml >noentropy.toml
"$CUVEE" study noentropy.toml --out noentropy 2>noentropy.log || { cat noentropy.log >&2; fail "the study without entropy failed"; }
grep -qE '^study: done: .*\[([0-9]+)/\1 steps' noentropy.log ||
  fail "without entropy the step count's plan is off: $(grep '^study: done' noentropy.log)"
# The continual arm: a base model on alpha and beta, continued on all three from its weights.
sed 's/^train = "tiny.toml"$/train = "tiny.toml"\nrecipes = ["natural", "uniform"]\n[continual]\nbase = ["alpha", "beta"]/' \
  study.toml >continual.toml
"$CUVEE" study continual.toml --out continual 2>continual.log || { cat continual.log >&2; fail "the continual study failed"; }
grep -qE '^study: done: .*\[([0-9]+)/\1 steps' continual.log ||
  fail "with the continual arm the step count's plan is off: $(grep '^study: done' continual.log)"
python3 - <<'PY' || fail "the continual arm's summary"
import glob, json
s = json.load(open("continual/summary.json"))["continual"]
assert s["base_domains"] == ["alpha", "beta"] and s["new_domains"] == ["gamma"], s
def evals(pattern):
    [run] = glob.glob(f"continual/runs/{pattern}-*/metrics.jsonl")
    return [json.loads(l) for l in open(run) if '"kind":"eval"' in l]
base = evals("continual.base")
assert "test_loss.gamma" not in base[-1], "the base model trained on gamma"
for recipe in ("natural", "velocitune"):
    continued = evals(f"continual.{recipe}")
    # Continued from the base model's weights: its step-0 losses are the base's last.
    assert continued[0]["test_loss.alpha"] == base[-1]["test_loss.alpha"], recipe
    r = s["recipes"][recipe]
    assert r["new_score"] == continued[-1]["test_loss.gamma"], (recipe, r)
    assert r["new_score"] < s["base"]["new_score"], ("continuing did not teach gamma", recipe, s)
v = s["velocitune_vs_natural"]
assert v["new"]["verdict"] == "one seed" and len(v["retention"]["diffs"]) == 1, v
PY
grep -q 'id="continual"' continual/report.html || fail "the report has no continual section"
expect_error "continual.base: no domain 'alpah'" "$CUVEE" study \
  <(sed 's/"alpha", "beta"/"alpah", "beta"/' continual.toml) --out elsewhere

expect_error "make localpile" "$CUVEE" study nodata.toml --out elsewhere
printf 'train = "tiny.toml"\n[scales.demo]\nstpes = 20\n' >typo.toml
expect_error "did you mean 'scales.demo.steps'" "$CUVEE" study typo.toml --out elsewhere
printf 'data = "data"\ntrain = "tiny.toml"\n[scales.demo]\nsteps = 20\neval_every = 10\n' >short.toml
expect_error "the proxy window (30 steps" "$CUVEE" study short.toml --out elsewhere
expect_error "no scale 'small'" "$CUVEE" study study.toml --scale small --out elsewhere
printf 'data = "data"\ntrain = "tiny.toml"\ntargets = ["alhpa"]\n[scales.demo]\nsteps = 20\n' >badtarget.toml
expect_error "did you mean 'alpha'" "$CUVEE" study badtarget.toml --out elsewhere
echo "study: ok"
