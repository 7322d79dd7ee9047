#!/usr/bin/env bash
# Records Terraform's own answers for tests/terraform/differential/expressions.txt into
# golden.tsv (DECISIONS.md 27): each expression goes through `terraform console` as
# jsonencode(EXPR), in the folder whose main.tf holds the locals the expressions use.
# Needs the `terraform` binary (not installable from the project's registries: run it where
# one is present). The test compares infralint's evaluator with the recorded file.
set -euo pipefail
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/terraform/differential" && pwd)
command -v terraform >/dev/null || { echo "terraform is not installed" >&2; exit 2; }
version=$(terraform version -json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["terraform_version"])')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$dir/main.tf" "$work/"
export TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1
answer() {
  local expr=$1 out
  if out=$(cd "$work" && printf 'jsonencode(%s)\n' "$expr" | terraform console 2>/dev/null) && [[ -n $out ]]; then
    # console prints the JSON text as an HCL string literal; decode it once.
    python3 -c 'import json,sys; print(json.dumps(json.loads(json.loads(sys.argv[1])), separators=(",", ":"), ensure_ascii=False))' "$out"
  else
    echo ERROR
  fi
}
{
  printf '# terraform %s\texpression\tjsonencode result, or ERROR\n' "$version"
  while IFS= read -r expr; do
    [[ -z $expr ]] && continue
    printf '%s\t%s\n' "$expr" "$(answer "$expr")"
  done < "$dir/expressions.txt"
} > "$dir/golden.tsv"
echo "wrote $dir/golden.tsv ($(grep -vc '^#' "$dir/golden.tsv") expressions, terraform $version)"
