#!/usr/bin/env bash
# Rewrites tests/reports/golden/ from the current build (the same command reports_test.cpp runs).
# Review the diff by hand before committing: the goldens are the expected output.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/infralint}
out=tests/reports/golden
"$bin" scan tests/reports/repo --color never --select IL201,IL431,IL901 \
  --format text=$out/report.txt --format gcc=$out/report.gcc --format json=$out/report.json \
  --format sarif=$out/report.sarif --format junit=$out/report.junit.xml \
  --format github=$out/report.github || true
# The SARIF driver version is `git describe`; the test compares it as VERSION.
python3 - "$out/report.sarif" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
i = s.find('"name": "infralint",')
b = s.find('"version": "', i) + 12
e = s.find('"', b)
open(p, "w").write(s[:b] + "VERSION" + s[e:])
PY
git diff --stat -- "$out"
