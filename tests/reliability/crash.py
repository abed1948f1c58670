"""Crash safety: SIGKILL the server again and again under a write load, then prove that
every write it acknowledged is still there, that the event log and the stored states
agree, and that the database is intact.

    python3 tests/reliability/crash.py                 # SQLite in a temp dir, 25 kills
    KILLS=100 python3 tests/reliability/crash.py
    CRASH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test python3 tests/reliability/crash.py

A write counts as acknowledged when the server answered it 2xx. A write whose answer was
lost to the kill is "in doubt": it may or may not have happened, and both are correct.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(__file__))
from sluss_client import Client, Server, ServerDown, build_world, new_idea_body  # noqa: E402

KILLS = int(os.environ.get("KILLS", "25"))
WORKERS = int(os.environ.get("WORKERS", "6"))
SEED = int(os.environ.get("SEED", str(random.randrange(1 << 30))))


class Ledger:
    """What the clients were told, guarded by one lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.created: dict[str, int] = {}      # idea id -> innovator index
        self.submitted: set[str] = set()       # acknowledged submits
        self.challenges: set[str] = set()      # acknowledged challenge creates
        self.in_doubt = 0
        self.refused = 0
        self.requests = 0
        self.failures: list[str] = []

    def fail(self, message: str) -> None:
        with self.lock:
            self.failures.append(message)


def worker(n: int, client: Client, world, ledger: Ledger, stop: threading.Event) -> None:
    rng = random.Random(SEED + n)
    token = world.innovators[n % len(world.innovators)]
    drafts: list[str] = []
    count = 0
    while not stop.is_set():
        action = rng.random()
        try:
            with ledger.lock:
                ledger.requests += 1
            if action < 0.15:
                reply = client.call("POST", "/challenges", world.owner, {
                    "title": f"Waste services without a car {n}-{count}",
                    "summary": "Collection for households without a car.",
                    "description": "Bulky waste is hard to bring to the station without a car."})
                if reply.status == 201:
                    with ledger.lock:
                        ledger.challenges.add(reply.body["id"])
                else:
                    ledger.fail(f"create challenge answered {reply.status}: {reply.body}")
            elif action < 0.6 or not drafts:
                reply = client.call("POST", f"/challenges/{world.challenge_id}/ideas", token, new_idea_body(count))
                if reply.status == 201:
                    drafts.append(reply.body["id"])
                    with ledger.lock:
                        ledger.created[reply.body["id"]] = n
                else:
                    ledger.fail(f"create idea answered {reply.status}: {reply.body}")
            else:
                idea = drafts.pop(rng.randrange(len(drafts)))
                reply = client.call("POST", f"/ideas/{idea}/submit", token, {})
                if reply.status == 200:
                    with ledger.lock:
                        ledger.submitted.add(idea)
                else:
                    ledger.fail(f"submit answered {reply.status}: {reply.body}")
            count += 1
        except ServerDown as down:
            with ledger.lock:
                if down.refused:
                    ledger.refused += 1
                else:
                    ledger.in_doubt += 1
            time.sleep(0.02)


class Database:
    """Read-only SQL on the server's database, after the server has stopped."""

    def __init__(self, url: str, sqlite_path: str | None) -> None:
        self.url = url
        self.sqlite_path = sqlite_path

    def rows(self, query: str) -> list[tuple]:
        if self.sqlite_path:
            with sqlite3.connect(self.sqlite_path) as conn:
                return [tuple(r) for r in conn.execute(query).fetchall()]
        out = subprocess.run(["psql", self.url, "-AtF", "\t", "-c", query], check=True,
                             capture_output=True, text=True).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]


def verify(client: Client, world, ledger: Ledger, db: Database, server: Server) -> dict:
    checked = lost = 0
    for idea, _ in ledger.created.items():
        reply = client.call("GET", f"/ideas/{idea}", world.facilitator)
        checked += 1
        if reply.status != 200:
            lost += 1
            ledger.fail(f"acknowledged idea {idea} answers {reply.status}")
        elif idea in ledger.submitted and reply.body["state"] != "submitted":
            lost += 1
            ledger.fail(f"acknowledged submit of {idea} lost: state {reply.body['state']}")
    for challenge in ledger.challenges:
        reply = client.call("GET", f"/challenges/{challenge}", world.owner)
        checked += 1
        if reply.status != 200:
            lost += 1
            ledger.fail(f"acknowledged challenge {challenge} answers {reply.status}")
    checked += len(ledger.submitted)  # each submit was checked through its idea's state
    server.stop()

    if db.sqlite_path:
        integrity = db.rows("PRAGMA integrity_check")
        if integrity != [("ok",)]:
            ledger.fail(f"integrity_check: {integrity}")
        fk = db.rows("PRAGMA foreign_key_check")
        if fk:
            ledger.fail(f"foreign_key_check: {fk[:5]}")
    for table, subject in (("ideas", "idea"), ("challenges", "challenge")):
        # The newest event of every row must lead to the row's stored state, and every row
        # must have been created by an event: the log and the states are written in one
        # transaction, so a kill can never leave one without the other.
        mismatched = db.rows(
            f"SELECT t.id, t.state, e.to_state FROM {table} t LEFT JOIN events e ON e.seq = "
            f"(SELECT MAX(seq) FROM events WHERE subject_type = '{subject}' AND subject_id = t.id) "
            f"WHERE e.to_state IS NULL OR e.to_state <> t.state")
        if mismatched:
            ledger.fail(f"{table}: state and event log disagree for {len(mismatched)} rows, e.g. {mismatched[:3]}")
        orphans = db.rows(
            f"SELECT COUNT(*) FROM events e WHERE e.subject_type = '{subject}' AND NOT EXISTS "
            f"(SELECT 1 FROM {table} t WHERE t.id = e.subject_id)")
        if int(orphans[0][0]) != 0:
            ledger.fail(f"{orphans[0][0]} {subject} events without their {table} row")
    return {"checked": checked, "lost": lost}


def main() -> int:
    random.seed(SEED)
    tmp = tempfile.mkdtemp(prefix="sluss-crash-")
    pg = os.environ.get("CRASH_POSTGRES_URL")
    if pg:
        name = f"sluss_crash_{uuid.uuid4().hex[:12]}"
        subprocess.run(["psql", pg, "-qc", f"CREATE DATABASE {name}"], check=True)
        url = pg.rsplit("/", 1)[0] + "/" + name
        db = Database(url, None)
    else:
        path = os.path.join(tmp, "crash.db")
        url = f"sqlite://{path}?mode=rwc"
        db = Database(url, path)
    server = Server(url, log_path=os.path.join(tmp, "server.log"))
    server.start()
    client = Client(server.port, timeout=10.0)
    world = build_world(client)
    ledger = Ledger()
    stop = threading.Event()
    threads = [threading.Thread(target=worker, args=(n, client, world, ledger, stop)) for n in range(WORKERS)]
    for t in threads:
        t.start()
    rng = random.Random(SEED)
    started = time.monotonic()
    for _ in range(KILLS):
        time.sleep(rng.uniform(0.15, 0.6))
        server.kill()
        time.sleep(rng.uniform(0.0, 0.05))
        server.start()
    time.sleep(0.3)
    stop.set()
    for t in threads:
        t.join(timeout=60)
        if t.is_alive():
            ledger.fail("a client thread did not finish (server stuck?)")
    elapsed = time.monotonic() - started
    result = verify(client, world, ledger, db, server)
    if pg:
        subprocess.run(["psql", pg, "-qc", f"DROP DATABASE IF EXISTS {db.url.rsplit('/', 1)[1]} WITH (FORCE)"], check=False)
    backend = "postgresql" if pg else "sqlite"
    print(f"crash ({backend}, seed {SEED}): {KILLS} SIGKILLs survived in {elapsed:.0f} s; "
          f"{ledger.requests} requests, {len(ledger.created)} ideas / {len(ledger.submitted)} submits / "
          f"{len(ledger.challenges)} challenges acknowledged; {result['checked']} acknowledged writes checked, "
          f"{result['lost']} lost; {ledger.in_doubt} answers cut off by a kill, "
          f"{ledger.refused} connections refused while it was down")
    if ledger.failures:
        print("FAILED:", *ledger.failures[:20], sep="\n  ")
        print(f"server log: {server.log_path}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
