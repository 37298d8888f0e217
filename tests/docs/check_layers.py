"""Checks the include directions of docs/architecture.md.

Public headers include only public headers. Inside src/, each domain folder
(token, password, account, stores) includes the public headers, src/detail/
and its own folder, never another domain's internals (a domain uses another
through its public API); src/detail/ and the foundation files at the top of
src/ include only public headers and src/detail/. Exit status 1 lists every
include that breaks the rule.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
INCLUDE = re.compile(r'^\s*#\s*include\s+"(?P<path>[^"]+)"', re.MULTILINE)
DOMAINS = {"token", "password", "account", "stores"}


def allowed_roots(source):
    relative = source.relative_to(ROOT)
    if relative.parts[0] == "include":
        return {"authcore"}
    folder = relative.parts[1] if len(relative.parts) > 2 else ""
    if folder in DOMAINS:
        return {"authcore", "detail", folder}
    return {"authcore", "detail"}


def main():
    broken = []
    sources = sorted((ROOT / "include").rglob("*.hpp")) + sorted(
        path for path in (ROOT / "src").rglob("*") if path.suffix in {".hpp", ".cpp"})
    for source in sources:
        allowed = allowed_roots(source)
        for match in INCLUDE.finditer(source.read_text()):
            root = match["path"].split("/")[0]
            if root not in allowed:
                broken.append(f"{source.relative_to(ROOT)}: includes \"{match['path']}\"")
    if broken:
        print("includes against docs/architecture.md's layers:\n  " + "\n  ".join(broken))
        return 1
    print(f"{len(sources)} files follow the layers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
