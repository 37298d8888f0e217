"""Validates every reply the C++ server tests received (recorded by
tests/server/server_harness.cpp into $AUTHCORE_TEST_REPLY_LOG) against the
OpenAPI document of authcore-server, with openapi_checker.OpenApiChecker.

  check_replies.py DIRECTORY

The document is the one a server serves with every route on (Swagger UI's
files from a stand-in directory). Fails when a reply does not match, and
when there are no replies at all (the recording would be broken)."""
import collections
import glob
import json
import os
import sys
import tempfile

from openapi_checker import OpenApiChecker
from server_process import ServerProcess


def document_with_every_route():
    with tempfile.TemporaryDirectory() as assets:
        for name in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
            with open(os.path.join(assets, name), "w") as f:
                f.write("stand-in")
        with ServerProcess("--docs-assets", assets) as server:
            return server.openapi()


def main(directory):
    checker = OpenApiChecker(document_with_every_route())
    problems = []
    statuses = collections.Counter()
    for path in sorted(glob.glob(os.path.join(directory, "*.jsonl"))):
        with open(path) as f:
            for number, line in enumerate(f, 1):
                reply = json.loads(line)
                statuses[reply["status"]] += 1
                for problem in checker.problems(reply["method"], reply["target"], reply["status"], reply["headers"],
                                                reply["body"], reply["docs"]):
                    problems.append(f"{os.path.basename(path)}:{number}: {problem}")
    print(f"check_replies: {checker.checked} replies checked; statuses {dict(sorted(statuses.items()))}")
    seen = {("GET" if method == "HEAD" else method, template) for method, template, _ in checker.seen}
    print(f"check_replies: operations seen: {len(seen & checker.operations())} of {len(checker.operations())}")
    if checker.checked == 0:
        problems.append(f"no replies recorded in {directory}")
    for problem in problems:
        print(f"check_replies: FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
