#!/usr/bin/env bash
# Issue 12's "done when", as a user meets it: a fresh project whose environment has only
# `pip install vegafigs pytest` (no test extras), and a test using the vegafigs_snapshot
# fixture. It must fail before --vegafigs-update, pass after it, and fail with a short
# report naming the change when a colour changes.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --upgrade pip
"$work/venv/bin/python" -m pip install -q "$repo" pytest
mkdir "$work/project"
cd "$work/project"
write_test() {
  cat >test_fig.py <<PY
import altair as alt
import pandas as pd


def test_curve(vegafigs_snapshot):
    df = pd.DataFrame({"step": [1, 2, 3], "reward": [0.1, 0.5, 0.7]})
    chart = alt.Chart(df, title="Reward").mark_line(color="$1").encode(x="step:Q", y="reward:Q")
    vegafigs_snapshot(chart, image=True)
PY
}
run() { "$work/venv/bin/python" -m pytest -q -p no:cacheprovider "$@" >out.txt 2>&1; }
expect() {  # expect STATUS TEXT: the last run exited STATUS and printed TEXT
  grep -qF -- "$2" out.txt || { echo "fresh project: expected '$2' in:" >&2; cat out.txt >&2; exit 1; }
}
write_test "#1f77b4"
if run; then echo "fresh project: a missing snapshot passed" >&2; cat out.txt >&2; exit 1; fi
expect 1 "does not exist; run pytest with --vegafigs-update to create it"
run --vegafigs-update || { cat out.txt >&2; exit 1; }
expect 0 "1 written"
run || { cat out.txt >&2; exit 1; }
expect 0 "1 passed, 0 failed, 0 written, 0 unused"
write_test "#d62728"
if run --vegafigs-report report; then echo "fresh project: a changed colour passed" >&2; exit 1; fi
expect 1 "mark.color"
expect 1 "test_fig/test_curve.png: image differs: RMS"
test -f report/index.html || { echo "fresh project: no report/index.html" >&2; exit 1; }
lines=$(sed -n '/^_* test_curve _*$/,/^-* vegafigs snapshots/p' out.txt | wc -l)
[ "$lines" -lt 60 ] || { echo "fresh project: the failure report has $lines lines" >&2; cat out.txt >&2; exit 1; }
echo "fresh project: fails without a snapshot, passes after --vegafigs-update, a colour change fails ($lines lines)"
