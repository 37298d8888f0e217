"""Checks that code quoted in docs/ is the code of the compiled examples.

A quoted block is announced by an HTML comment naming a file and a region:

    <!-- snippet: examples/minimal/issue_and_verify.cpp#issue -->
    ```cpp
    ...
    ```

and must equal, after removing the common indentation, the lines between the
two `// [issue]` markers in that file. Run with --update to rewrite the
blocks from the sources. Exit status 1 lists every stale block.
"""
import pathlib
import re
import sys
import textwrap

ROOT = pathlib.Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"<!-- snippet: (?P<path>[^#\s]+)#(?P<region>[\w-]+) -->\n```(?P<lang>\w*)\n(?P<code>.*?)```",
                   re.DOTALL)


def region(path, name):
    lines = (ROOT / path).read_text().splitlines()
    marker = f"// [{name}]"
    where = [i for i, line in enumerate(lines) if line.strip() == marker]
    if len(where) != 2:
        raise SystemExit(f"{path}: expected two '{marker}' lines, found {len(where)}")
    return textwrap.dedent("\n".join(lines[where[0] + 1:where[1]])) + "\n"


def main(update):
    stale = []
    for doc in sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]:
        text = doc.read_text()

        def replace(match):
            expected = region(match["path"], match["region"])
            if match["code"] != expected:
                stale.append(f"{doc.relative_to(ROOT)}: {match['path']}#{match['region']}")
            return f"<!-- snippet: {match['path']}#{match['region']} -->\n```{match['lang']}\n{expected}```"

        new_text = BLOCK.sub(replace, text)
        if update and new_text != text:
            doc.write_text(new_text)
    if stale and not update:
        print("stale snippets (run tests/docs/check_snippets.py --update):\n  " + "\n  ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main("--update" in sys.argv[1:]))
