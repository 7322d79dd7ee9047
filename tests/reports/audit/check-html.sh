#!/usr/bin/env bash
# Renders the audit report in a real headless browser (Debian's chromium, installed by
# scripts/bootstrap.sh): the page loads offline with no console errors, the chart is in the DOM,
# and a screenshot is written as a test artefact. Usage: check-html.sh INFRALINT ARTEFACT_DIR
set -euo pipefail
bin=$1
artefacts=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export INFRALINT_TODAY=2026-11-28
"$bin" scan "$here/q1" --select IL121,IL201,IL431 --format json="$out/q1.json" -q >/dev/null || true
"$bin" scan "$here/q2" --select IL121,IL201,IL431 --format json="$out/q2.json" -q >/dev/null || true
"$bin" report "$out/q2.json" --previous "$out/q1.json" --format html -o "$out/report.html"
# Self-contained: nothing fetched from anywhere.
if grep -Eq '<script|<link |src="http|href="http|@import|url\(' "$out/report.html"; then
  echo "check-html: the report references something outside itself" >&2
  exit 1
fi
chromium=$(command -v chromium || command -v chromium-browser)
flags=(--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run
  --disable-extensions --disable-background-networking --user-data-dir="$out/profile")
"$chromium" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$out/report.html" \
  >"$out/dom.html" 2>"$out/console.log"
grep -q '<svg id="chart"' "$out/dom.html"
grep -q 'class="bar' "$out/dom.html"
grep -q 'class="prev"' "$out/dom.html"
if grep -E 'CONSOLE|Uncaught' "$out/console.log"; then
  echo "check-html: console errors" >&2
  exit 1
fi
mkdir -p "$artefacts"
"$chromium" "${flags[@]}" --window-size=1200,1400 --screenshot="$artefacts/audit-report.png" \
  "file://$out/report.html" 2>/dev/null
test -s "$artefacts/audit-report.png"
cp "$out/report.html" "$artefacts/audit-report.html"
echo "check-html: the audit report renders offline, with its chart and no console errors"
