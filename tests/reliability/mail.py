"""E-mail against a real SMTP server (aiosmtpd, started here), then SIGKILLs of the server
during a burst of notifying commands.

    python3 tests/reliability/mail.py                  # SQLite in a temp dir, 20 kills
    KILLS=40 python3 tests/reliability/mail.py
    MAIL_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test python3 tests/reliability/mail.py

First the e-mails themselves: each person is written to in their own language, with a link
under --public-url to where they act; a forgotten password is reset through the e-mailed
link; an e-mail the mail server could not take is sent once it is back.

Then the crash check: workers ask questions and submit ideas on a published challenge
(each tells its owner, an idea the team too) while the server is killed and restarted.
Once the server has caught up, every notification of an acknowledged command is stored,
every notification has its e-mail in the outbox, every outbox row reached the SMTP server,
no e-mail arrived that the outbox does not hold, and e-mails arrived twice at most once per
kill (the one being sent when it struck).
"""

from __future__ import annotations

import email
import email.policy
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid

from aiosmtpd.controller import Controller

sys.path.insert(0, os.path.dirname(__file__))
from crash import Database  # noqa: E402
from sluss_client import (  # noqa: E402
    PASSWORD, Client, Server, ServerDown, create_user, free_port, login, new_idea_body,
    published_challenge)

KILLS = int(os.environ.get("KILLS", "20"))
WORKERS = int(os.environ.get("WORKERS", "4"))
SEED = int(os.environ.get("SEED", str(random.randrange(1 << 30))))
PUBLIC_URL = "https://sluss.city.example"
FROM = "Innovation team <sluss@city.example>"
MESSAGE_ID = re.compile(r"<([0-9a-f-]{36})@city\.example>")


class Sink:
    """An SMTP server that keeps every message it accepts."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.lock = threading.Lock()
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[email.message.EmailMessage]:
        with self.lock:
            return [m for rcpt, m in self.messages if address in rcpt]

    def wait_for(self, address: str, count: int, timeout: float = 20.0) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.to(address)
            if len(got) >= count:
                return got
            time.sleep(0.1)
        raise AssertionError(f"{address} received {len(self.to(address))} e-mails, expected {count}")

    def ids(self) -> list[str]:
        with self.lock:
            found = [MESSAGE_ID.search(m["Message-ID"] or "") for _, m in self.messages]
        return [m.group(1).replace("-", "") for m in found if m]


def new_database(tmp: str, name: str) -> tuple[str, Database]:
    pg = os.environ.get("MAIL_POSTGRES_URL")
    if pg:
        db_name = f"sluss_mail_{name}_{uuid.uuid4().hex[:10]}"
        subprocess.run(["psql", pg, "-qc", f"CREATE DATABASE {db_name}"], check=True)
        url = pg.rsplit("/", 1)[0] + "/" + db_name
        return url, Database(url, None)
    path = os.path.join(tmp, f"{name}.db")
    url = f"sqlite://{path}?mode=rwc"
    return url, Database(url, path)


def drop_database(db: Database) -> None:
    pg = os.environ.get("MAIL_POSTGRES_URL")
    if pg:
        subprocess.run(["psql", pg, "-qc", f"DROP DATABASE IF EXISTS {db.url.rsplit('/', 1)[1]} WITH (FORCE)"],
                       check=False)


def hex_id(db: Database, column: str) -> str:
    """SQL for a uuid column as 32 lower-case hex digits, on either backend."""
    return f"lower(hex({column}))" if db.sqlite_path else f"replace({column}::text, '-', '')"


def mail_server(tmp: str, name: str, smtp_port: int) -> tuple[Server, Database]:
    url, db = new_database(tmp, name)
    server = Server(url, log_path=os.path.join(tmp, f"{name}.log"), extra_args=[
        "--smtp-url", f"smtp://127.0.0.1:{smtp_port}", "--mail-from", FROM, "--public-url", PUBLIC_URL])
    server.start()
    return server, db


def body_of(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def check_letters(tmp: str, failures: list[str]) -> None:
    """Language, links, the reset through the link, and a retry after the server was away."""
    sink = Sink(free_port())
    sink.start()
    server, db = mail_server(tmp, "letters", sink.port)
    client = Client(server.port)
    try:
        facilitator = login(client, "admin@reliability.example")
        owner_id, owner = create_user(client, facilitator, ["needs_owner"], "owner")
        owner_email = client.ok("GET", "/me", owner)["email"]
        client.ok("PATCH", "/me", owner, {"locale": "en"})
        admin = client.ok("GET", "/me", facilitator)
        challenge = published_challenge(client, facilitator, owner, "Full bins at the recycling station")
        _, innovator = create_user(client, facilitator, ["innovator"], "innovator")
        innovator_email = client.ok("GET", "/me", innovator)["email"]
        client.ok("POST", f"/challenges/{challenge}/questions", innovator, {"text": "Which bins fill first?"},
                  expect=(201,))

        # The owner (English): published, then the question, each linking to the challenge.
        told = sink.wait_for(owner_email, 2)
        subjects = sorted(m["Subject"] for m in told)
        expected = sorted([
            "Your challenge is published: Full bins at the recycling station",
            "New question on your challenge: Full bins at the recycling station"])
        if subjects != expected:
            failures.append(f"owner's subjects {subjects}, expected {expected}")
        for message in told:
            text = body_of(message)
            if f"{PUBLIC_URL}/challenges/{challenge}" not in text or "Hello owner" not in text:
                failures.append(f"owner's e-mail lacks the greeting or link: {text!r}")
            if not message["From"] or "sluss@city.example" not in message["From"]:
                failures.append(f"From is {message['From']}")
        # The team (Swedish, the default): the challenge was submitted.
        team = sink.wait_for(admin["email"], 1)
        if not any("inskickad" in m["Subject"].lower() for m in team):
            failures.append(f"the facilitator's subjects are {[m['Subject'] for m in team]}")
        if not any("Hej " in body_of(m) for m in team):
            failures.append("the facilitator's e-mail is not in Swedish")
        # The asker did it: nothing for them.
        if sink.to(innovator_email):
            failures.append("the asker was e-mailed about their own question")

        # A team member without an account is invited by e-mail (in the inviter's language),
        # with the link where they answer.
        invited = f"nora-{uuid.uuid4().hex[:8]}@reliability.example"
        client.ok("POST", f"/challenges/{challenge}/ideas", innovator,
                  {"title": "Delade lastcyklar", "team": [{"name": "Nora", "email": invited}]}, expect=(201,))
        invitation = sink.wait_for(invited, 1)[0]
        answer_link = re.search(re.escape(PUBLIC_URL) + r"/invitations/[0-9a-f-]{36}", body_of(invitation))
        if not answer_link or "Delade lastcyklar" not in invitation["Subject"] or "Hej!" not in body_of(invitation):
            failures.append(f"the invitation e-mail is {invitation['Subject']!r}: {body_of(invitation)!r}")

        # A forgotten password, reset through the e-mailed link.
        client.ok("POST", "/auth/password-reset", body={"email": innovator_email}, expect=(202,))
        client.ok("POST", "/auth/password-reset", body={"email": "nobody@reliability.example"}, expect=(202,))
        reset = sink.wait_for(innovator_email, 1)[-1]
        link = re.search(re.escape(PUBLIC_URL) + r"/reset-password\?token=([A-Za-z0-9_-]+)", body_of(reset))
        if not link:
            failures.append(f"no reset link in {body_of(reset)!r}")
        else:
            new_password = "a new passphrase for the recycling station"
            client.ok("POST", "/auth/password-reset/confirm",
                      body={"token": link.group(1), "password": new_password}, expect=(204,))
            client.ok("POST", "/auth/login", body={"email": innovator_email, "password": new_password})
            if client.call("GET", "/me", innovator).status != 401:
                failures.append("the innovator's old session survived the reset")
        if sink.to("nobody@reliability.example"):
            failures.append("an e-mail went to an address without an account")

        # The mail server goes away; what is told meanwhile arrives once it is back.
        sink.stop()
        before = len(sink.to(owner_email))
        _, asker = create_user(client, facilitator, ["innovator"], "asker")
        client.ok("POST", f"/challenges/{challenge}/questions", asker,
                  {"text": "When is the station emptied?"}, expect=(201,))
        time.sleep(2.0)
        sink.start()
        sink.wait_for(owner_email, before + 1, timeout=60.0)
        attempts = db.rows("SELECT MAX(attempts) FROM mail_outbox")
        if int(attempts[0][0]) < 2:
            failures.append(f"the e-mail was not tried again: attempts {attempts}")
        print(f"mail: letters in Swedish and English with links, a team invitation, a reset by link, and a retry after "
              f"the mail server came back; {len(sink.messages)} e-mails")
    finally:
        server.stop()
        sink.stop()
        drop_database(db)


def check_registration(tmp: str, failures: list[str]) -> None:
    """With a mail server, registration confirms the address: a new one gets a link that
    opens the account, a taken one a note to its owner, and both answer 202."""
    sink = Sink(free_port())
    sink.start()
    server, db = mail_server(tmp, "registration", sink.port)
    client = Client(server.port)
    try:
        new = f"new-{uuid.uuid4().hex[:8]}@reliability.example"
        body = {"email": new, "password": PASSWORD, "display_name": "Nova", "roles": ["innovator"]}
        reply = client.call("POST", "/auth/register", body=body)
        if reply.status != 202:
            failures.append(f"registering a new address answered {reply.status}")
        if client.call("POST", "/auth/login", body={"email": new, "password": PASSWORD}).status != 401:
            failures.append("an unconfirmed account could log in")
        letter = body_of(sink.wait_for(new, 1)[0])
        link = re.search(re.escape(PUBLIC_URL) + r"/confirm-email\?token=([A-Za-z0-9_-]+)", letter)
        if not link:
            failures.append(f"no confirmation link in {letter!r}")
        else:
            client.ok("POST", "/auth/confirm-email", body={"token": link.group(1)}, expect=(200,))
            client.ok("POST", "/auth/login", body={"email": new, "password": PASSWORD})
        # The same address again: the same answer, and a note to the owner.
        reply = client.call("POST", "/auth/register", body=dict(body, password="another passphrase, not hers"))
        if reply.status != 202:
            failures.append(f"registering a taken address answered {reply.status}")
        note = body_of(sink.wait_for(new, 2)[-1])
        if f"{PUBLIC_URL}/forgot-password" not in note or "confirm-email" in note:
            failures.append(f"the owner's note is {note!r}")
        print("mail: registration confirms the address (a link for a new one, a note for a taken one)")
    finally:
        server.stop()
        sink.stop()
        drop_database(db)


def check_poison(tmp: str, failures: list[str]) -> None:
    """A name with a line break is refused, and one stored before that check neither stops
    the worker nor adds a header: the e-mails queued after it still go out."""
    sink = Sink(free_port())
    sink.start()
    server, db = mail_server(tmp, "poison", sink.port)
    client = Client(server.port)
    try:
        evil = "Eve\nBcc: x@evil.example"
        reply = client.call("POST", "/auth/register", body={
            "email": "eve@reliability.example", "password": PASSWORD, "display_name": evil,
            "roles": ["innovator"]})
        if reply.status != 422:
            failures.append(f"a display name with a line break answered {reply.status}")
        facilitator = login(client, "admin@reliability.example")
        eve_id, eve = create_user(client, facilitator, ["innovator"], "eve")
        anna_id, anna = create_user(client, facilitator, ["innovator"], "anna")
        line_break = "char(10)" if db.sqlite_path else "chr(10)"
        db.rows(f"UPDATE users SET display_name = 'Eve' || {line_break} || 'Bcc: x@evil.example' "
                f"WHERE {hex_id(db, 'id')} = '{eve_id.replace('-', '')}'")
        addresses = {}
        for person, token in ((eve_id, eve), (anna_id, anna)):
            address = client.ok("GET", "/me", token)["email"]
            addresses[person] = address
            client.ok("POST", "/auth/password-reset", body={"email": address}, expect=(202,))
        for address in addresses.values():
            sink.wait_for(address, 1)
        if sink.to("x@evil.example"):
            failures.append("a stored name put a Bcc recipient into an e-mail")
        for message in sink.to(addresses[eve_id]):
            if message["Bcc"] or "\n" in str(message["To"]):
                failures.append(f"a stored name broke the To header: {message['To']!r}")
        # Later e-mails still go out: the worker lives.
        client.ok("POST", "/auth/password-reset", body={"email": addresses[anna_id]}, expect=(202,))
        sink.wait_for(addresses[anna_id], 2)
        ready = client.call("GET", "/readyz")
        if ready.status != 200:
            failures.append(f"/readyz answered {ready.status} after the poisoned row")
        print("mail: a name with a line break is refused (422); one stored before neither adds a "
              "header nor stops the worker")
    finally:
        server.stop()
        sink.stop()
        drop_database(db)


class Ledger:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.asked = 0
        self.submitted = 0
        self.in_doubt = 0
        self.failures: list[str] = []


def burst(n: int, client: Client, world: dict, ledger: Ledger, stop: threading.Event) -> None:
    rng = random.Random(SEED + n)
    token = world["innovators"][n]
    drafts: list[str] = []
    count = 0
    while not stop.is_set():
        count += 1
        try:
            if rng.random() < 0.5:
                reply = client.call("POST", f"/challenges/{world['challenge']}/questions", token,
                                    {"text": f"Question {n}-{count}: which bins fill first?"})
                if reply.status == 201:
                    with ledger.lock:
                        ledger.asked += 1
                else:
                    ledger.failures.append(f"ask answered {reply.status}: {reply.body}")
            elif not drafts:
                reply = client.call("POST", f"/challenges/{world['challenge']}/ideas", token, new_idea_body(count))
                if reply.status == 201:
                    drafts.append(reply.body["id"])
                else:
                    ledger.failures.append(f"create idea answered {reply.status}: {reply.body}")
            else:
                reply = client.call("POST", f"/ideas/{drafts.pop()}/submit", token, {})
                if reply.status == 200:
                    with ledger.lock:
                        ledger.submitted += 1
                else:
                    ledger.failures.append(f"submit answered {reply.status}: {reply.body}")
        except ServerDown as down:
            if not down.refused:
                with ledger.lock:
                    ledger.in_doubt += 1
            time.sleep(0.02)
        # About 20 commands a second per worker: a burst a city's accelerator will not
        # see, yet few enough e-mails that the worker, one SMTP conversation and two write
        # transactions each, sends them all within the check's wait.
        time.sleep(0.05)


def check_kills(tmp: str, failures: list[str]) -> None:
    sink = Sink(free_port())
    sink.start()
    server, db = mail_server(tmp, "kills", sink.port)
    client = Client(server.port, timeout=10.0)
    try:
        facilitator = login(client, "admin@reliability.example")
        owner_id, owner = create_user(client, facilitator, ["needs_owner"], "owner")
        world = {
            "challenge": published_challenge(client, facilitator, owner, "Waste services without a car"),
            "innovators": [create_user(client, facilitator, ["innovator"], f"innovator{i}")[1]
                           for i in range(WORKERS)],
        }
        ledger = Ledger()
        stop = threading.Event()
        threads = [threading.Thread(target=burst, args=(n, client, world, ledger, stop)) for n in range(WORKERS)]
        for t in threads:
            t.start()
        rng = random.Random(SEED)
        started = time.monotonic()
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.2, 0.7))
            server.kill()
            time.sleep(rng.uniform(0.0, 0.05))
            server.start()
        time.sleep(0.3)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        burst_seconds = time.monotonic() - started

        # Wait until every e-mail is sent: one claimed when a kill struck waits out its lease
        # (60 s); the rest go at the worker's pace.
        queued = int(db.rows("SELECT COUNT(*) FROM mail_outbox")[0][0])
        deadline = time.monotonic() + 120 + queued / 10
        while time.monotonic() < deadline:
            pending = int(db.rows("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL")[0][0])
            if pending == 0:
                break
            time.sleep(1.0)
        time.sleep(0.5)
        server.stop()

        asks = int(db.rows(f"SELECT COUNT(*) FROM notifications WHERE kind = 'ask' AND "
                           f"{hex_id(db, 'recipient_id')} = '{owner_id.replace('-', '')}'")[0][0])
        if not ledger.asked <= asks <= ledger.asked + ledger.in_doubt:
            failures.append(f"{ledger.asked} questions acknowledged ({ledger.in_doubt} in doubt) "
                            f"but the owner holds {asks} notifications of them")
        without_mail = db.rows("SELECT COUNT(*) FROM notifications n WHERE NOT EXISTS "
                               "(SELECT 1 FROM mail_outbox m WHERE m.notification_id = n.id)")
        if int(without_mail[0][0]) != 0:
            failures.append(f"{without_mail[0][0]} notifications have no e-mail in the outbox")
        unsent = db.rows(f"SELECT {hex_id(db, 'id')}, attempts, last_error FROM mail_outbox WHERE sent_at IS NULL")
        if unsent:
            failures.append(f"{len(unsent)} e-mails never sent, e.g. {unsent[:3]}")
        outbox = {row[0] for row in db.rows(f"SELECT {hex_id(db, 'id')} FROM mail_outbox")}
        received = sink.ids()
        distinct = set(received)
        if outbox - distinct:
            failures.append(f"{len(outbox - distinct)} e-mails of the outbox never arrived")
        if distinct - outbox:
            failures.append(f"{len(distinct - outbox)} e-mails arrived that the outbox does not hold")
        duplicates = len(received) - len(distinct)
        if duplicates > KILLS:
            failures.append(f"{duplicates} e-mails arrived twice, more than one per kill ({KILLS})")
        failures.extend(ledger.failures[:10])
        backend = "postgresql" if db.sqlite_path is None else "sqlite"
        print(f"mail ({backend}, seed {SEED}): {KILLS} SIGKILLs in {burst_seconds:.0f} s during "
              f"{ledger.asked} questions and {ledger.submitted} ideas acknowledged ({ledger.in_doubt} in doubt); "
              f"{len(outbox)} e-mails in the outbox, {len(distinct)} arrived, 0 lost, "
              f"{duplicates} arrived twice")
    finally:
        server.stop()
        sink.stop()
        drop_database(db)


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="sluss-mail-")
    failures: list[str] = []
    check_letters(tmp, failures)
    check_poison(tmp, failures)
    check_registration(tmp, failures)
    check_kills(tmp, failures)
    if failures:
        print("FAILED:", *failures[:20], sep="\n  ")
        print(f"server logs: {tmp}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
