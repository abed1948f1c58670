"""Concurrency: many clients on one item and on many items at once.

    python3 tests/reliability/concurrency.py           # SQLite, one server process
    CONCURRENCY_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test python3 tests/reliability/concurrency.py
                                                       # PostgreSQL, two server processes on one database

Checks: exactly one winner per contested command (and per contested removal of an
assignment), no lost update under read-modify-write
with versions, no 5xx, and no deadlock (every client finishes within its deadline).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter

sys.path.insert(0, os.path.dirname(__file__))
from sluss_client import PASSWORD, Client, Server, build_world, new_idea_body  # noqa: E402

CLIENTS = int(os.environ.get("CLIENTS", "16"))
ROUNDS = int(os.environ.get("ROUNDS", "15"))
DEADLINE = float(os.environ.get("DEADLINE_SECONDS", "120"))


class Failures(list):
    def check(self, condition: bool, message: str) -> None:
        if not condition:
            self.append(message)


def run_all(targets: list, failures: Failures) -> None:
    """Starts every target at once (behind a barrier) and waits with a deadline: a client
    still running at the deadline means a deadlock or a stuck request."""
    barrier = threading.Barrier(len(targets))

    def wrap(fn):
        def go():
            barrier.wait()
            fn()
        return go

    threads = [threading.Thread(target=wrap(t), daemon=True) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=DEADLINE)
        if t.is_alive():
            failures.append("a client did not finish before the deadline (deadlock or stuck request)")
            return


def contested_commands(clients: list[Client], world, failures: Failures, stats: Counter) -> None:
    """CLIENTS facilitators press start-assessment on the same submitted idea at once,
    half of them with the version they read: exactly one may win."""
    c0 = clients[0]
    for round_ in range(ROUNDS):
        idea = c0.ok("POST", f"/challenges/{world.challenge_id}/ideas", world.innovators[0], new_idea_body(round_))
        submitted = c0.ok("POST", f"/ideas/{idea['id']}/submit", world.innovators[0], {})
        statuses: list[int] = []
        lock = threading.Lock()

        def press(i: int) -> None:
            body = {"expected_version": submitted["version"]} if i % 2 else {}
            reply = clients[i % len(clients)].call("POST", f"/ideas/{idea['id']}/start-assessment", world.facilitator, body)
            with lock:
                statuses.append(reply.status)

        run_all([lambda i=i: press(i) for i in range(CLIENTS)], failures)
        counts = Counter(statuses)
        stats["contested commands"] += 1
        stats["contested requests"] += len(statuses)
        stats["conflicts (409)"] += counts[409]
        failures.check(counts[200] == 1, f"start-assessment: {counts[200]} winners, statuses {dict(counts)}")
        failures.check(counts[200] + counts[409] == CLIENTS, f"start-assessment: unexpected statuses {dict(counts)}")
        after = c0.ok("GET", f"/ideas/{idea['id']}", world.facilitator)
        failures.check(after["state"] == "in_assessment" and after["version"] == submitted["version"] + 1,
                       f"idea after the race: {after['state']} v{after['version']}")
        history = c0.ok("GET", f"/ideas/{idea['id']}/history", world.facilitator)
        starts = [e for e in history if e["command"] == "start_assessment"]
        failures.check(len(starts) == 1, f"{len(starts)} start_assessment events recorded")


def contested_deletes(clients: list[Client], world, failures: Failures, stats: Counter) -> None:
    """CLIENTS facilitators remove the same assignment at once: exactly one removes it
    (204) and writes the unassign event; the others find it gone (404)."""
    c0 = clients[0]
    for round_ in range(ROUNDS):
        idea = c0.ok("POST", f"/challenges/{world.challenge_id}/ideas", world.innovators[0], new_idea_body(round_))
        c0.ok("POST", f"/ideas/{idea['id']}/submit", world.innovators[0], {})
        assignment = c0.ok("POST", f"/ideas/{idea['id']}/assignments", world.facilitator,
                           {"assessor_id": world.assessor_ids[0]})
        statuses: list[int] = []
        lock = threading.Lock()

        def remove(i: int) -> None:
            reply = clients[i % len(clients)].call("DELETE", f"/assignments/{assignment['id']}", world.facilitator)
            with lock:
                statuses.append(reply.status)

        run_all([lambda i=i: remove(i) for i in range(CLIENTS)], failures)
        counts = Counter(statuses)
        stats["contested deletes"] += 1
        stats["gone (404)"] += counts[404]
        failures.check(counts[204] == 1, f"delete assignment: {counts[204]} removals, statuses {dict(counts)}")
        failures.check(counts[204] + counts[404] == CLIENTS, f"delete assignment: unexpected statuses {dict(counts)}")
        history = c0.ok("GET", f"/ideas/{idea['id']}/history", world.facilitator)
        removals = [e for e in history if e["command"] == "unassign"]
        failures.check(len(removals) == 1, f"{len(removals)} unassign events recorded")


def no_lost_update(clients: list[Client], world, failures: Failures, stats: Counter) -> None:
    """CLIENTS clients each append a marker to one challenge's description by
    read-modify-write with If-Match, retrying on 412: every marker must survive."""
    c0 = clients[0]
    challenge = c0.ok("POST", "/challenges", world.owner, {
        "title": "Terraced housing with social added value", "summary": "Botildenborg.",
        "description": "markers:"})
    retries = Counter()
    lock = threading.Lock()

    def append(i: int) -> None:
        client = clients[i % len(clients)]
        for _ in range(200):
            current = client.call("GET", f"/challenges/{challenge['id']}", world.facilitator)
            if current.status != 200:
                failures.append(f"read answered {current.status}")
                return
            reply = client.call("PATCH", f"/challenges/{challenge['id']}", world.facilitator,
                                {"description": current.body["description"] + f" m{i};"},
                                headers={"If-Match": current.headers.get("etag", "")})
            if reply.status == 200:
                return
            if reply.status != 412:
                failures.append(f"PATCH answered {reply.status}: {reply.body}")
                return
            with lock:
                retries["412"] += 1
        failures.append(f"client {i} never got its update in")

    run_all([lambda i=i: append(i) for i in range(CLIENTS)], failures)
    # The last update may have gone through the other process: this one hears of it within
    # milliseconds (ADR 0019), not at once.
    time.sleep(0.2)
    final = c0.ok("GET", f"/challenges/{challenge['id']}", world.facilitator)
    for i in range(CLIENTS):
        failures.check(final["description"].count(f" m{i};") == 1, f"marker m{i} lost or doubled: {final['description']}")
    failures.check(final["version"] == challenge["version"] + CLIENTS,
                   f"version {final['version']} after {CLIENTS} updates from {challenge['version']}")
    stats["read-modify-write updates"] += CLIENTS
    stats["stale If-Match (412) retried"] += retries["412"]


def many_items(clients: list[Client], world, failures: Failures, stats: Counter) -> None:
    """Every client drives its own ideas through edit, submit, assessment and withdrawal at
    the same time: no 5xx, and every idea ends where its client left it."""
    final_states: dict[str, str] = {}
    lock = threading.Lock()

    def drive(i: int) -> None:
        client = clients[i % len(clients)]
        token = world.innovators[i % len(world.innovators)]
        for n in range(ROUNDS):
            reply = client.call("POST", f"/challenges/{world.challenge_id}/ideas", token, new_idea_body(n))
            if reply.status != 201:
                failures.append(f"create answered {reply.status}: {reply.body}")
                return
            idea = reply.body["id"]
            plan = [("PATCH", f"/ideas/{idea}", token, {"title": f"Sensor lids {i}-{n} (revised)"}),
                    ("POST", f"/ideas/{idea}/submit", token, {})]
            expected = "submitted"
            if n % 2:
                plan.append(("POST", f"/ideas/{idea}/start-assessment", world.facilitator, {}))
                expected = "in_assessment"
            if n % 3 == 0:
                plan.append(("POST", f"/ideas/{idea}/withdraw", token, {"reason": "merged with another team"}))
                expected = "withdrawn"
            for method, path, who, body in plan:
                r = client.call(method, path, who, body)
                with lock:
                    stats["requests on separate items"] += 1
                if r.status != 200:
                    failures.append(f"{method} {path} answered {r.status}: {r.body}")
                    return
            with lock:
                final_states[idea] = expected

    run_all([lambda i=i: drive(i) for i in range(CLIENTS)], failures)
    time.sleep(0.2)  # the other process's last writes reach this one (ADR 0019)
    for idea, expected in final_states.items():
        got = clients[0].ok("GET", f"/ideas/{idea}", world.facilitator)["state"]
        failures.check(got == expected, f"idea {idea}: {got}, expected {expected}")
    stats["items driven concurrently"] += len(final_states)


def verifications(clients: list[Client]) -> int:
    """Passwords verified so far, summed over the server processes (from /metrics)."""
    total = 0
    for client in clients:
        reply = client.call("GET", "/metrics")
        text = reply.body if isinstance(reply.body, str) else str(reply.body)
        for line in text.splitlines():
            if line.startswith("sluss_password_verifications_total "):
                total += int(float(line.split()[1]))
    return total


def login_burst(clients: list[Client], world, failures: Failures, stats: Counter) -> None:
    """149 wrong passwords and the right one for one account, all at once (across both
    processes on PostgreSQL): the throttle counts each attempt before verifying it, so the
    servers verify at most the limit (10) of them, whatever the order they arrive in, and
    at most that many get an answer other than 429."""
    c0 = clients[0]
    email = f"burst-{uuid.uuid4().hex[:8]}@reliability.example"
    c0.ok("POST", "/users", world.facilitator, {
        "email": email, "password": PASSWORD, "display_name": "Burst", "roles": ["innovator"]})
    statuses: list[int] = []
    lock = threading.Lock()

    def guess(n: int):
        def go():
            password = PASSWORD if n == 149 else f"a wrong guess, number {n}"
            reply = clients[n % len(clients)].call("POST", "/auth/login", body={"email": email, "password": password})
            with lock:
                statuses.append(reply.status)
                if n == 149:
                    stats["login burst: the right password answered"] = reply.status
        return go

    before = verifications(clients)
    run_all([guess(n) for n in range(150)], failures)
    verified = verifications(clients) - before
    stats["login burst: passwords verified"] = verified
    failures.check(verified <= 10, f"login burst: {verified} passwords verified, limit 10")
    answered = Counter(statuses)
    failures.check(set(answered) <= {401, 429, 200}, f"login burst answered {dict(answered)}")
    failures.check(answered[401] + answered[200] <= 10,
                   f"login burst: {answered[401] + answered[200]} attempts verified, limit 10: {dict(answered)}")
    stats["login burst: 429"] = answered[429]


def main() -> int:
    pg = os.environ.get("CONCURRENCY_POSTGRES_URL")
    tmp = tempfile.mkdtemp(prefix="sluss-concurrency-")
    if pg:
        name = f"sluss_conc_{uuid.uuid4().hex[:12]}"
        subprocess.run(["psql", pg, "-qc", f"CREATE DATABASE {name}"], check=True)
        url = pg.rsplit("/", 1)[0] + "/" + name
        processes = 2
    else:
        url = f"sqlite://{os.path.join(tmp, 'concurrency.db')}?mode=rwc"
        processes = 1
    servers = [Server(url, log_path=os.path.join(tmp, f"server{i}.log")) for i in range(processes)]
    failures = Failures()
    stats: Counter = Counter()
    try:
        for s in servers:
            s.start()
        clients = [Client(s.port, timeout=DEADLINE) for s in servers]
        world = build_world(clients[0])
        for scenario in (contested_commands, contested_deletes, no_lost_update, many_items, login_burst):
            scenario(clients, world, failures, stats)
    finally:
        for s in servers:
            s.stop()
        if pg:
            subprocess.run(["psql", pg, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)
    backend = f"postgresql, {processes} processes" if pg else "sqlite, 1 process"
    print(f"concurrency ({backend}, {CLIENTS} clients): " + ", ".join(f"{k}: {v}" for k, v in stats.items()))
    if failures:
        print("FAILED:", *failures[:20], sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
