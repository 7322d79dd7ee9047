#!/usr/bin/env bash
# The whole test suite: what `.ci/run` runs and the README's second quick-start command.
#   1. installs what is missing (scripts/bootstrap.sh);
#   2. checks formatting with the repository's .clang-format;
#   3. Release build: the smoke tests (the command line, end to end);
#   4. ASan+UBSan build (RelWithDebInfo): the full suite.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jobs=$(nproc 2>/dev/null || echo 2)

bash scripts/bootstrap.sh
# The output validators (SARIF, JUnit, GitHub annotations), outside ../shared (read-only in CI).
if [[ ! -d /tmp/validators/node_modules ]]; then
  bash ../shared/validators/install.sh /tmp/validators >/dev/null
fi

echo "== clang-format"
mapfile -t sources < <(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find cli engine parsers reporters tests bench -name '*.[ch]pp')
clang-format --dry-run --Werror "${sources[@]}"

echo "== Release build and smoke tests"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest -L smoke --output-on-failure -j"$jobs")

echo "== ASan+UBSan build and the full suite"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINFRALINT_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure -j"$jobs")
