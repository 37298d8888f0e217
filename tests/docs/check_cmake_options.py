"""Checks that docs/cmake.md documents every AUTHCORE_* option and cache
variable of the build (a row `| `NAME` | default | what |` of its table).

Exit status 1 lists the ones missing.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
DECLARATION = re.compile(r"\b(?:option\((AUTHCORE_\w+)|set\((AUTHCORE_\w+)[^)]*\bCACHE\b)")
# The consumer project of the package tests has its own variable.
SKIP = {"tests/package/consumer/CMakeLists.txt"}


def cmake_files():
    for path in [*ROOT.glob("**/CMakeLists.txt"), *ROOT.glob("cmake/*.cmake")]:
        relative = path.relative_to(ROOT).as_posix()
        if not relative.startswith(("build/", "out/")) and relative not in SKIP:
            yield path


def main():
    declared = {name for path in cmake_files()
                for match in DECLARATION.finditer(path.read_text()) for name in match.groups() if name}
    documented = set(re.findall(r"^\| `(AUTHCORE_\w+)` \|", (ROOT / "docs/cmake.md").read_text(), re.MULTILINE))
    missing = sorted(declared - documented)
    if missing:
        print("docs/cmake.md: options table lacks " + ", ".join(missing))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
