#!/usr/bin/env bash
# Installs what building and testing infralint needs on a fresh Debian 12 machine.
# Idempotent, and quiet when nothing is missing. Nothing from a scanned repository is run.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

packages=(build-essential cmake pkg-config libyaml-dev libyaml-cpp-dev nlohmann-json3-dev libre2-dev
  libcli11-dev libgtest-dev libgmock-dev nodejs npm clang-format jq libxml2-utils python3
  chromium fonts-dejavu-core)  # chromium: the audit report rendered headless in the tests
missing=()
for p in "${packages[@]}"; do
  # nodejs/npm may come from another source on the image: accept the commands instead of the package.
  case $p in
    nodejs) command -v node >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
    python3) command -v python3 >/dev/null && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}" >&2
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Pinned C sources of tree-sitter and its HCL grammar: `npm ci` installs exactly the lock file,
# without install scripts (nothing is built or downloaded beyond the tarballs).
stamp="$root/deps/node_modules/.infralint-lock"
if [[ ! -f $stamp ]] || ! cmp -s "$root/deps/package-lock.json" "$stamp"; then
  echo "bootstrap: npm ci in deps/" >&2
  (cd "$root/deps" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$root/deps/package-lock.json" "$stamp"
fi
