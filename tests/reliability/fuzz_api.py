"""Property-based testing of the running API from its own OpenAPI document, with
schemathesis, once per role: anonymous, needs-owner, innovator, assessor, facilitator.

    python3 tests/reliability/fuzz_api.py                    # bounded (ST_SECONDS per role)
    ST_SECONDS=600 ST_EXAMPLES=1000 python3 tests/reliability/fuzz_api.py

The server is the release binary on a fresh SQLite database loaded with the demo cases,
so real challenges and ideas exist beside the ids schemathesis makes up. Checks: no 5xx,
and every status code, content type, header and body conforms to the document.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from sluss_client import Client, Server, build_world, create_user, login, ADMIN_EMAIL  # noqa: E402

SECONDS = os.environ.get("ST_SECONDS", "60")
EXAMPLES = os.environ.get("ST_EXAMPLES", "60")
SEED = os.environ.get("ST_SEED", "20261201")
# A comma-separated subset of the runs below (e.g. "facilitator"), to look into one role.
ROLES = [r for r in os.environ.get("ST_ROLES", "").split(",") if r]
CHECKS = os.environ.get("ST_CHECKS") or ",".join([
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "unsupported_method",
])
# Logging out, deactivating or erasing would end a run's own session half-way, so the
# role runs leave them out and a last run takes only them, with a session of its own.
SESSION_ENDING = ["logout", "deactivate_user", "erase_user"]


def schemathesis() -> str:
    found = shutil.which("st") or shutil.which("schemathesis")
    if not found:
        raise SystemExit("schemathesis is needed: pip install schemathesis (see tests/reliability/README.md)")
    return found


def run_role(st: str, server: Server, role: str, token: str | None, report_dir: str,
             operations: list[str] | None = None) -> dict:
    """Runs schemathesis as one caller: over every operation but the session-ending ones,
    or over `operations` only."""
    config = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemathesis.toml")
    args = [st, "--config-file", config, "--no-color", "run", f"http://127.0.0.1:{server.port}/api/v1/openapi.json",
            "--checks", CHECKS, "--max-time", SECONDS, "--max-examples", EXAMPLES,
            "--seed", SEED, "--workers", "1", "--request-timeout", "30",
            "--suppress-health-check", "all",
            "--report", "junit", "--report-junit-path", os.path.join(report_dir, f"{role}.xml")]
    if operations:
        for op in operations:
            args += ["--include-operation-id", op]
    else:
        for op in SESSION_ENDING:
            args += ["--exclude-operation-id", op]
    if token:
        args += ["--header", f"Authorization: Bearer {token}"]
    # Run inside the report directory: schemathesis keeps its replay cache in the working
    # directory, and every run starts from a clean one.
    proc = subprocess.run(args, capture_output=True, text=True, cwd=report_dir)
    out = proc.stdout + proc.stderr
    with open(os.path.join(report_dir, f"{role}.log"), "w") as f:
        f.write(out)
    tested = re.search(r"Tested:\s*(\d+)", out) or re.search(r"(\d+) tested", out)
    cases = re.search(r"(\d+) generated", out) or re.search(r"Test cases:\s*(\d+)", out)
    return {"role": role, "rc": proc.returncode, "operations": tested.group(1) if tested else "?",
            "cases": cases.group(1) if cases else "?", "log": os.path.join(report_dir, f"{role}.log"),
            "tail": failures_of(out)}


def wanted(role: str) -> bool:
    return not ROLES or role in ROLES


def failures_of(out: str) -> str:
    """The failures section of a run's output (each failing case with its reproduction),
    or its last lines when there is none."""
    start = out.find("FAILURES")
    return out[out.rfind("\n", 0, start) + 1:] if start >= 0 else "\n".join(out.splitlines()[-60:])


def main() -> int:
    st = schemathesis()
    tmp = tempfile.mkdtemp(prefix="sluss-st-")
    report_dir = os.environ.get("ST_REPORT_DIR", os.path.join(tmp, "report"))
    os.makedirs(report_dir, exist_ok=True)
    server = Server(f"sqlite://{os.path.join(tmp, 'st.db')}?mode=rwc", log_path=os.path.join(tmp, "server.log"))
    server.start()
    client = Client(server.port)
    try:
        world = build_world(client, innovators=1, assessors=1)
        facilitator = login(client, ADMIN_EMAIL)
        _, owner = create_user(client, facilitator, ["needs_owner"], "st-owner")
        tokens = {"anonymous": None, "needs_owner": owner, "innovator": world.innovators[0],
                  "assessor": world.assessors[0]}
        # Every session is opened before the runs: the runs try wrong passwords, and the
        # login throttle they earn must not keep a later run from starting.
        facilitator_run = login(client, ADMIN_EMAIL)
        session_ending = (("facilitator-session-ending", login(client, ADMIN_EMAIL)),
                          ("needs_owner-session-ending",
                           create_user(client, facilitator, ["needs_owner"], "st-last")[1]))
        results = [run_role(st, server, role, token, report_dir) for role, token in tokens.items()
                   if wanted(role)]
        # The facilitator runs last and with its own fresh session: its commands change states
        # the other roles' runs rely on.
        if wanted("facilitator"):
            results.append(run_role(st, server, "facilitator", facilitator_run, report_dir))
        # Last, the operations that end a session, as a facilitator with a session to lose
        # and a needs-owner whose account may be deactivated or erased.
        for role, token in session_ending:
            if wanted(role):
                results.append(run_role(st, server, role, token, report_dir, SESSION_ENDING))
    finally:
        server.stop()
    failed = [r for r in results if r["rc"] != 0]
    for r in results:
        print(f"schemathesis as {r['role']}: {r['operations']} operations, {r['cases']} test cases, "
              f"{'ok' if r['rc'] == 0 else 'FAILED'} ({r['log']})")
    for r in failed:
        print(f"--- {r['role']} ---\n{r['tail']}")
    print(json.dumps({"report_dir": report_dir}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
