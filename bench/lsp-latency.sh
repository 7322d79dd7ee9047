#!/usr/bin/env bash
# Language server latency (issue 8's targets: open -> diagnostics <= 20 ms, change ->
# diagnostics <= 10 ms median): a workspace of a few hundred corpus files plus a generated
# 1,000-line Terraform file and a 500-line Kubernetes manifest, driven by lsp-probe.py.
# Usage: bench/lsp-latency.sh [INFRALINT] [CHANGES]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${1:-$here/build/infralint}
changes=${2:-20}
probe=$here/../shared/validators/lsp-probe.py
ws=$(mktemp -d)
trap 'rm -rf "$ws"' EXIT
# A few hundred real files: compose projects and Kubernetes manifests from the corpus.
cp -r "$here/../shared/corpus/awesome-compose" "$ws/compose"
cp -r "$here/../shared/corpus/kubernetes-examples" "$ws/k8s"
python3 - "$ws" <<'PY'
import sys
ws = sys.argv[1]
with open(f"{ws}/main.tf", "w") as f:
    for i in range(100):  # 10 lines each
        f.write(f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "bucket-{i}"\n  tags = {{\n'
                f'    team = "platform"\n    index = "{i}"\n  }}\n}}\n\n'
                f'variable "v{i}" {{\n  default = "x"\n}}\n')
with open(f"{ws}/app.yaml", "w") as f:
    for i in range(25):  # 20 lines each
        f.write(f"""---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app{i}
  namespace: apps
spec:
  selector:
    matchLabels: {{app: app{i}}}
  template:
    metadata:
      labels: {{app: app{i}}}
    spec:
      containers:
        - name: app
          image: example/app:1.{i}.0
          resources:
            limits: {{cpu: 500m, memory: 256Mi}}
            requests: {{cpu: 100m, memory: 128Mi}}
""")
PY
files=$(find "$ws" -type f | wc -l)
echo "workspace: $files files"
for f in main.tf app.yaml; do
  lang=yaml
  [[ $f == *.tf ]] && lang=terraform
  python3 "$probe" --file "$ws/$f" --language-id $lang --root "$ws" --pull --changes "$changes" \
    --compact -- "$bin" lsp --stdio |
    python3 -c '
import json, sys
r = json.load(sys.stdin)
t = r["timings"]
c = t.get("didChange_to_diagnostics_ms", {})
first = t.get("pull_request_ms", t.get("didOpen_to_first_diagnostics_ms"))
print("%-10s lines %5s  open->diagnostics %s ms  change->diagnostics median %s ms (p95 %s, n %s)  diagnostics %s"
      % (sys.argv[1], sys.argv[2], first, c.get("median"), c.get("p95"), c.get("n"), r["diagnostics_count"]))' "$f" "$(wc -l < "$ws/$f")"
done
