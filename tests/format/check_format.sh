#!/usr/bin/env bash
# Fails when a C++ file of the repository is not formatted as the checked-in
# .clang-format says, naming each file and the lines clang-format-14 would
# change. Checks the files git knows (tracked, or new and not ignored), so a
# build directory never counts; tests/support/catch.hpp is Catch2's own
# single header, kept as upstream ships it. Fix with:
#   clang-format-14 -i <file>...
set -euo pipefail
cd "$(dirname "$0")/../.."

files=()
while IFS= read -r -d '' file; do
  [ "$file" = tests/support/catch.hpp ] || [ ! -f "$file" ] || files+=("$file")
done < <(git ls-files -z --cached --others --exclude-standard -- '*.cpp' '*.hpp' '*.h' '*.cc')

if [ ${#files[@]} -eq 0 ]; then
  echo "check_format: no C++ files found" >&2
  exit 1
fi
if ! clang-format-14 --dry-run --Werror "${files[@]}"; then
  echo "check_format: the files above are not formatted; run clang-format-14 -i on them" >&2
  exit 1
fi
echo "check_format: ${#files[@]} files formatted"
