#!/usr/bin/env bash
# Writes every report format for tests/reports/repo and checks each the way its consumer does:
# SARIF against the schema and GitHub code scanning's rules (--strict), JUnit against the XSD,
# GitHub annotations with the runner's parser. Usage: validate.sh INFRALINT VALIDATORS_DIR
set -euo pipefail
bin=$1
validators=$2
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/repo" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" scan "$repo" --format sarif="$out/r.sarif" --format junit="$out/r.xml" --format github="$out/r.github" \
  --format json="$out/r.json" --fail-on never
bash "$validators/sarif-check.sh" --strict --quiet "$out/r.sarif"
bash "$validators/junit-check.sh" --quiet "$out/r.xml"
python3 "$validators/gh-annotations.py" check "$out/r.github"
# The JSON against its published schema (docs/scan.schema.json), with the validators' ajv.
ajv=${VALIDATORS_NODE_MODULES:-/tmp/validators/node_modules}/.bin/ajv
"$ajv" validate --spec=draft7 -s "$(dirname "${BASH_SOURCE[0]}")/../../docs/scan.schema.json" -d "$out/r.json"
# A clean repository: an empty results array, still valid.
mkdir "$out/clean" &&
  printf 'FROM alpine:3.19\nUSER nobody\nHEALTHCHECK CMD true\n' > "$out/clean/Dockerfile"
"$bin" scan "$out/clean" --select 2.1,extra --format sarif="$out/clean.sarif" --format junit="$out/clean.xml"
grep -q '"results": \[\]' "$out/clean.sarif"
bash "$validators/sarif-check.sh" --strict --quiet "$out/clean.sarif"
bash "$validators/junit-check.sh" --quiet "$out/clean.xml"
echo "validate.sh: SARIF, JUnit and GitHub annotations pass their consumers' checks"
