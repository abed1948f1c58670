"""Fixtures of the browser suite: one `sluss serve` for the whole session (and one
`sluss serve --demo` for each test that asks for it), one Chromium, and the tally of
axe-core's findings that the run prints at its end.

The binary is `SLUSS_BIN`, else `$CARGO_TARGET_DIR/release/sluss`, else
`~/.cache/sluss-target/release/sluss`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ADMIN_EMAIL = "admin@sluss.test"
ADMIN_PASSWORD = "browser suite facilitator passphrase"
DEMO_FACILITATOR = "innovation@malmo.example"
DEMO_PASSWORD_LINE = re.compile(r"^Loaded the demo cases\. Every demo account's password is: (\S+)\s*$", re.MULTILINE)
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", "/tmp/sluss-screens"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def binary() -> str:
    candidates = []
    if os.environ.get("SLUSS_BIN"):
        candidates.append(os.environ["SLUSS_BIN"])
    else:
        if os.environ.get("CARGO_TARGET_DIR"):
            candidates.append(os.path.join(os.environ["CARGO_TARGET_DIR"], "release", "sluss"))
        candidates.append(os.path.expanduser("~/.cache/sluss-target/release/sluss"))
    for path in candidates:
        if os.path.exists(path):
            return path
    raise pytest.UsageError(
        f"no sluss binary at {' or '.join(candidates)}: build it with `cargo build --release -p sluss-api`")


@dataclass
class Server:
    base: str
    admin_email: str
    admin_password: str
    log_path: str
    demo_password: str = ""


@dataclass
class A11yReport:
    """Every page axe-core checked, and what it found there (WCAG 2.0/2.1 A and AA only)."""

    pages: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    wider: list[str] = field(default_factory=list)  # pages wider than a 320 px viewport

    def __repr__(self) -> str:
        return f"A11yReport({len(self.pages)} pages, {len(self.violations)} violations)"

    def write(self) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        text = [f"{len(self.pages)} pages checked by axe-core, {len(self.violations)} WCAG A/AA violations", ""]
        text += [f"checked: {p}" for p in self.pages]
        text += [""] + [f"VIOLATION {v}" for v in self.violations]
        text += [""] + [f"WIDER THAN 320 PX {w}" for w in self.wider]
        (SCREENSHOTS / "axe-report.txt").write_text("\n".join(text) + "\n", encoding="utf-8")


REPORT = A11yReport()


@pytest.fixture(scope="session")
def a11y() -> A11yReport:
    return REPORT


@contextmanager
def running_sluss(*arguments: str, port: int | None = None) -> Iterator[Server]:
    """`sluss serve` with `arguments` on a fresh SQLite file and a free port (or `port`),
    until it answers `/healthz`; stopped afterwards, with the error lines of its log printed
    (the log and the database are kept when there are any)."""
    tmp = tempfile.mkdtemp(prefix="sluss-browser-")
    port = port or free_port()
    log_path = os.path.join(tmp, "server.log")
    env = dict(os.environ)
    env.update({
        "SLUSS_ADMIN_EMAIL": ADMIN_EMAIL,
        "SLUSS_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "RUST_LOG": env.get("RUST_LOG", "warn"),
    })
    log = open(log_path, "ab")
    process = subprocess.Popen(
        [binary(), "serve", "--bind", f"127.0.0.1:{port}",
         "--database-url", f"sqlite://{tmp}/sluss.db?mode=rwc",
         "--storage-url", f"file://{tmp}/files", *arguments],
        stdout=log, stderr=log, env=env)
    log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"sluss exited with {process.returncode}; see {log_path}")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"sluss did not answer /healthz; see {log_path}")
            time.sleep(0.05)
        yield Server(base, ADMIN_EMAIL, ADMIN_PASSWORD, log_path)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with open(log_path, encoding="utf-8", errors="replace") as f:
            problems = [line.rstrip() for line in f if "ERROR" in line or "panicked" in line]
        if problems:
            print(f"\nserver log {log_path} has {len(problems)} error lines, e.g.:")
            for line in problems[:10]:
                print("  " + line[:400])
        else:
            shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def server() -> Iterator[Server]:
    """A `sluss serve` on an empty database of its own for each test: the tests share no
    accounts, and each has the whole of the registrations one address may make in the
    throttle's window (20 in 15 minutes), which the suite as one would outgrow."""
    with running_sluss() as started:
        yield started


@pytest.fixture
def demo_server() -> Iterator[Server]:
    """A `sluss serve --demo` of its own for one test, with the demo accounts' password as
    the server printed it; its facilitator is the demo's innovation team."""
    with running_sluss("--demo") as started:
        output = Path(started.log_path).read_text(encoding="utf-8", errors="replace")
        found = DEMO_PASSWORD_LINE.search(output)
        assert found, f"sluss serve --demo printed no password line; see {started.log_path}"
        password = found.group(1)
        yield replace(started, admin_email=DEMO_FACILITATOR, admin_password=password, demo_password=password)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def api(server: Server, method: str, path: str, token: str | None = None, body: object = None) -> tuple[int, object]:
    """One call to the JSON API: (status, parsed body)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(server.base + "/api/v1" + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            status, raw = reply.status, reply.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors="replace")
    return status, parsed


def api_ok(server: Server, method: str, path: str, token: str | None = None, body: object = None) -> dict:
    status, parsed = api(server, method, path, token, body)
    assert 200 <= status < 300, f"{method} /api/v1{path} answered {status}: {parsed}"
    return parsed  # type: ignore[return-value]


def api_login(server: Server, email: str, password: str) -> str:
    return api_ok(server, "POST", "/auth/login", body={"email": email, "password": password})["token"]


def pytest_sessionstart(session) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()


def pytest_terminal_summary(terminalreporter) -> None:
    if not REPORT.pages:
        return
    REPORT.write()
    terminalreporter.write_line(
        f"axe-core: {len(REPORT.pages)} pages checked, {len(REPORT.violations)} WCAG A/AA violations "
        f"(list in {SCREENSHOTS / 'axe-report.txt'}); screenshots in {SCREENSHOTS}")
    terminalreporter.write_line(f"{len(REPORT.wider)} pages wider than a 320 px viewport")
    for w in REPORT.wider[:40]:
        terminalreporter.write_line("  " + w)
    for v in REPORT.violations[:40]:
        terminalreporter.write_line("  " + v)
