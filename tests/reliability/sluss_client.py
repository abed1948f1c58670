"""A small HTTP client and process harness for the reliability checks.

Standard library only, so the checks run wherever Python 3 does. The checks start the real
release binary (`sluss serve`) as a separate process and talk to it over TCP, exactly as a
browser or an integration would.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field

PASSWORD = "reliability checks share this password"
ADMIN_EMAIL = "admin@reliability.example"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def binary() -> str:
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(os.getcwd(), "target")
    path = os.environ.get("SLUSS_BIN") or os.path.join(target, "release", "sluss")
    if not os.path.exists(path):
        raise SystemExit(f"no sluss binary at {path}: build it with `cargo build --release -p sluss-api`")
    return path


OPS_PATHS = ("/healthz", "/readyz", "/metrics", "/docs", "/api/")


def url(path: str) -> str:
    """API paths are given relative to the base path; ops paths as they are."""
    return path if path.startswith(OPS_PATHS) else "/api/v1" + path


class ServerDown(Exception):
    """No answer. `refused`: the connection was refused, so nothing was sent; otherwise the
    answer was cut off and the request may or may not have been applied."""

    def __init__(self, message: str, refused: bool):
        super().__init__(message)
        self.refused = refused


@dataclass
class Reply:
    status: int
    body: object
    headers: dict[str, str]


class Client:
    """One HTTP/1.1 connection per call: a killed server never leaves a half-used socket."""

    def __init__(self, port: int, timeout: float = 30.0):
        self.port = port
        self.timeout = timeout

    def call(self, method: str, path: str, token: str | None = None, body: object = None,
             headers: dict[str, str] | None = None) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        try:
            conn.request(method, url(path), body=data, headers=all_headers)
            resp = conn.getresponse()
            raw = resp.read()
        except ConnectionRefusedError as e:
            raise ServerDown(str(e), refused=True) from e
        except (ConnectionError, socket.timeout, http.client.HTTPException, OSError) as e:
            raise ServerDown(str(e), refused=False) from e
        finally:
            conn.close()
        parsed: object = None
        if raw:
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = raw.decode(errors="replace")
        return Reply(resp.status, parsed, {k.lower(): v for k, v in resp.getheaders()})

    def ok(self, method: str, path: str, token: str | None = None, body: object = None,
           expect: tuple[int, ...] = (200, 201, 204)) -> object:
        reply = self.call(method, path, token, body)
        if reply.status not in expect:
            raise AssertionError(f"{method} {path} answered {reply.status}: {reply.body}")
        return reply.body


@dataclass
class Server:
    """A `sluss serve` process on a database URL; it can be killed and restarted."""

    database_url: str
    port: int = field(default_factory=free_port)
    log_path: str = "/dev/null"
    process: subprocess.Popen | None = None
    starts: int = 0
    extra_args: list[str] = field(default_factory=list)

    def start(self, timeout: float = 30.0) -> None:
        env = dict(os.environ)
        env.update({
            "SLUSS_ADMIN_EMAIL": ADMIN_EMAIL,
            "SLUSS_ADMIN_PASSWORD": PASSWORD,
            "RUST_LOG": env.get("RUST_LOG", "warn"),
        })
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [binary(), "serve", "--bind", f"127.0.0.1:{self.port}", "--database-url", self.database_url,
             *self.extra_args],
            stdout=log, stderr=log, env=env)
        log.close()
        self.starts += 1
        deadline = time.monotonic() + timeout
        client = Client(self.port, timeout=2.0)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sluss exited with {self.process.returncode}; see {self.log_path}")
            try:
                if client.call("GET", "/readyz").status == 200:
                    return
            except ServerDown:
                pass
            time.sleep(0.01)
        raise RuntimeError("sluss did not become ready")

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, nothing is flushed by the process."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class World:
    """Accounts and a published challenge to work on."""

    facilitator: str
    owner: str
    innovators: list[str]
    assessors: list[str]
    assessor_ids: list[str]
    challenge_id: str


def login(client: Client, email: str) -> str:
    body = client.ok("POST", "/auth/login", body={"email": email, "password": PASSWORD})
    return body["token"]


def create_user(client: Client, facilitator: str, roles: list[str], name: str) -> tuple[str, str]:
    email = f"{name}-{uuid.uuid4().hex[:8]}@reliability.example"
    user = client.ok("POST", "/users", facilitator, {
        "email": email, "password": PASSWORD, "display_name": name,
        "organisation": f"{name} AB", "roles": roles})
    return user["id"], login(client, email)


def published_challenge(client: Client, facilitator: str, owner: str, title: str) -> str:
    challenge = client.ok("POST", "/challenges", owner, {
        "title": title, "summary": "Residents report full bins by QR code.",
        "description": "The recycling station in the block fills up before it is emptied.",
        "sdgs": [11, 12]})
    client.ok("POST", f"/challenges/{challenge['id']}/submit", owner, {})
    client.ok("POST", f"/challenges/{challenge['id']}/publish", facilitator, {})
    return challenge["id"]


def build_world(client: Client, innovators: int = 4, assessors: int = 2) -> World:
    facilitator = login(client, ADMIN_EMAIL)
    _, owner = create_user(client, facilitator, ["needs_owner"], "owner")
    inn = [create_user(client, facilitator, ["innovator"], f"innovator{i}")[1] for i in range(innovators)]
    ass = [create_user(client, facilitator, ["assessor"], f"assessor{i}") for i in range(assessors)]
    challenge = published_challenge(client, facilitator, owner, "Full bins at the recycling station")
    return World(facilitator, owner, inn, [t for _, t in ass], [i for i, _ in ass], challenge)


def new_idea_body(n: int) -> dict:
    return {"title": f"Sensor lids {n}", "summary": "A lid that reports its fill level.",
            "description": "Battery-powered lids send the fill level to the waste company.",
            "team": [{"name": "Ada Lindqvist", "email": "ada@example.org"}], "sdgs": [11]}
