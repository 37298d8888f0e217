"""Lints authcore-server's OpenAPI document (as a server with every route on
serves it) with Redocly's linter (npm @redocly/cli, installed by
tests/support/npm_tools.sh), under its strictest built-in rule set: no
error and no warning may be reported. A deliberately broken copy must be
reported, so the linter is known to run for real.

Needs $AUTHCORE_SERVER_BINARY and $AUTHCORE_NPM_TOOLS."""
import json
import os
import subprocess
import sys
import tempfile

from server_process import ServerProcess

NPM_TOOLS = os.environ.get("AUTHCORE_NPM_TOOLS", "")
REDOCLY = os.path.join(NPM_TOOLS, ".bin", "redocly")


def lint(document, work, name):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        json.dump(document, f, indent=2)
    # No telemetry, no update check: the lint runs offline.
    env = dict(os.environ, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true")
    result = subprocess.run([REDOCLY, "lint", path, "--extends", "recommended-strict", "--format", "json"],
                            capture_output=True, text=True, env=env, timeout=300)
    report = json.loads(result.stdout)
    return result.returncode, report


def main():
    with ServerProcess("--docs-assets", os.path.join(NPM_TOOLS, "swagger-ui-dist")) as server:
        document = server.openapi()
    with tempfile.TemporaryDirectory() as work:
        status, report = lint(document, work, "openapi.json")
        totals = report["totals"]
        print(f"openapi_lint: redocly {report.get('version')} recommended-strict: {totals['errors']} errors, "
              f"{totals['warnings']} warnings in {len(document['paths'])} paths")
        for problem in report["problems"]:
            print(f"openapi_lint: {problem['severity']}: {problem['ruleId']}: {problem['message']} at "
                  f"{[location.get('pointer') for location in problem.get('location', [])]}", file=sys.stderr)
        if status != 0 or totals["errors"] or totals["warnings"]:
            return 1

        broken = json.loads(json.dumps(document))
        del broken["components"]["schemas"]["Token"]  # dangling $refs
        broken["paths"]["/users/me"]["get"].pop("operationId")
        status, report = lint(broken, work, "broken.json")
        if status == 0 or report["totals"]["errors"] < 2:
            print(f"openapi_lint: FAILED: a broken document passed: {report['totals']}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
