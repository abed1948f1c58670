"""Documents (SPEC §15) under SIGKILL: concurrent uploads of large files while the server
is killed and restarted, then `sluss sweep-files`, on a folder on disk and, when
UPLOADS_S3_URL is given, on an S3-compatible store.

    python3 tests/reliability/uploads.py                  # SQLite in a temp dir, disk store
    UPLOADS_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test python3 tests/reliability/uploads.py
    eval "$(bash tests/s3/start.sh)"
    UPLOADS_S3_URL="$SLUSS_TEST_STORAGE_URL" python3 tests/reliability/uploads.py
    bash tests/s3/stop.sh

Settings: KILLS (rounds, default 4), UPLOADS (concurrent uploads per round, default 8),
UPLOAD_MIB (sizes, taken in turn, default 5,12: a file of 5 MiB is
written to the store in one piece, a larger one in parts of 5 MiB), SEED. With S3S_DATA (set by tests/s3/start.sh) the
check also looks into s3s-fs's folder for objects without a row.

Each round starts UPLOADS uploads of distinct PDFs to an idea of its own (a record holds at
most twenty files), some sent at once and some in small pieces with pauses, and SIGKILLs
the server at a random moment soon after the first of them is acknowledged, so that the
others are cut off while streaming, being written to the store or committing their row;
then the server is restarted. Afterwards the server is
stopped, `sluss sweep-files --older-than-minutes 0` runs, and the check requires that
every acknowledged upload is listed, every listed attachment downloads with the sha256
the API states (and the one its uploader sent, when acknowledged), and no stored object
under `attachments/` lacks a row. What else the store holds (the object store's staging of
a multipart upload cut off by the kill) is reported.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(__file__))
from crash import Database  # noqa: E402
from sluss_client import (  # noqa: E402
    Client, Server, ServerDown, binary, create_user, login, new_idea_body, published_challenge, url)

KILLS = int(os.environ.get("KILLS", "4"))
UPLOADS = int(os.environ.get("UPLOADS", "8"))
UPLOAD_MIB = [int(m) for m in os.environ.get("UPLOAD_MIB", "5,12").split(",")]
SEED = int(os.environ.get("SEED", str(random.randrange(1 << 30))))
PIECE = 64 * 1024


def pdf(size: int, rng: random.Random) -> bytes:
    """A file that starts like a PDF (the type is decided by the bytes) and is `size` long."""
    head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    return head + rng.randbytes(size - len(head))


def upload(port: int, token: str, path: str, filename: str, data: bytes, pause: float = 0.0,
           timeout: float = 120.0) -> tuple[int, object]:
    """POSTs `data` as the multipart part `file`, in pieces of 64 KiB with `pause` seconds
    between them. Raises ServerDown when the server goes away."""
    boundary = "sluss-" + uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n"
            f"uploaded by the reliability check\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest("POST", url(path))
        conn.putheader("Authorization", f"Bearer {token}")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(len(head) + len(data) + len(tail)))
        conn.endheaders()
        conn.send(head)
        view = memoryview(data)
        for start in range(0, len(data), PIECE):
            conn.send(view[start:start + PIECE])
            if pause:
                time.sleep(pause)
        conn.send(tail)
        resp = conn.getresponse()
        raw = resp.read()
    except ConnectionRefusedError as e:
        raise ServerDown(str(e), refused=True) from e
    except (ConnectionError, TimeoutError, http.client.HTTPException, OSError) as e:
        raise ServerDown(str(e), refused=False) from e
    finally:
        conn.close()
    try:
        body: object = json.loads(raw) if raw else None
    except ValueError:
        body = raw.decode(errors="replace")
    return resp.status, body


def download(port: int, token: str, attachment: str, timeout: float = 120.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", url(f"/attachments/{attachment}"), headers={"Authorization": f"Bearer {token}"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def new_database(tmp: str, name: str) -> Database:
    pg = os.environ.get("UPLOADS_POSTGRES_URL")
    if pg:
        db_name = f"sluss_uploads_{name}_{uuid.uuid4().hex[:10]}"
        subprocess.run(["psql", pg, "-qc", f"CREATE DATABASE {db_name}"], check=True)
        return Database(pg.rsplit("/", 1)[0] + "/" + db_name, None)
    path = os.path.join(tmp, f"{name}.db")
    return Database(f"sqlite://{path}?mode=rwc", path)


def drop_database(db: Database) -> None:
    pg = os.environ.get("UPLOADS_POSTGRES_URL")
    if pg:
        subprocess.run(["psql", pg, "-qc", f"DROP DATABASE IF EXISTS {db.url.rsplit('/', 1)[1]} WITH (FORCE)"],
                       check=False)


def with_prefix(s3_url: str, prefix: str) -> str:
    """s3://bucket?endpoint=… with a path of this run's own: s3://bucket/prefix?endpoint=…"""
    base, _, query = s3_url.partition("?")
    return f"{base.rstrip('/')}/{prefix}" + (f"?{query}" if query else "")


class Ledger:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.acknowledged: dict[str, str] = {}  # attachment id -> sha256 the uploader sent
        self.in_doubt = 0
        self.refused = 0
        self.failures: list[str] = []
        self.first = threading.Event()  # set by the round's first acknowledged upload


def one_upload(port: int, token: str, idea: str, n: int, data: bytes, pause: float, ledger: Ledger) -> None:
    try:
        status, body = upload(port, token, f"/ideas/{idea}/attachments", f"plan-{n}.pdf", data, pause)
    except ServerDown as down:
        with ledger.lock:
            if down.refused:
                ledger.refused += 1
            else:
                ledger.in_doubt += 1
        return
    if status == 201 and isinstance(body, dict):
        sent = hashlib.sha256(data).hexdigest()
        with ledger.lock:
            ledger.acknowledged[body["id"]] = sent
        ledger.first.set()
        if body.get("sha256") != sent or body.get("size") != len(data):
            ledger.failures.append(f"upload {body['id']} answered sha256 {body.get('sha256')}, size "
                                   f"{body.get('size')}; sent {sent}, {len(data)}")
    else:
        ledger.failures.append(f"an upload answered {status}: {str(body)[:200]}")


def files_under(folder: str) -> list[str]:
    found = []
    for root, _, names in os.walk(folder):
        for name in names:
            found.append(os.path.relpath(os.path.join(root, name), folder))
    return sorted(found)


def check_store(tmp: str, store: str, storage_url: str, objects_dir: str | None, failures: list[str]) -> None:
    """`objects_dir`: the folder whose `attachments/` holds the bytes (the disk store, or the
    bucket's prefix inside s3s-fs's folder), when it can be looked into."""
    db = new_database(tmp, store)
    log = os.path.join(tmp, f"{store}.log")
    extra = ["--storage-url", storage_url, "--max-upload-mib", str(max(UPLOAD_MIB) + 1)]
    server = Server(db.url, log_path=log, extra_args=extra)
    server.start()
    client = Client(server.port)
    rng = random.Random(SEED)
    ledger = Ledger()
    ideas: list[str] = []
    try:
        facilitator = login(client, "admin@reliability.example")
        _, owner = create_user(client, facilitator, ["needs_owner"], "owner")
        _, innovator = create_user(client, facilitator, ["innovator"], "innovator")
        challenge = published_challenge(client, facilitator, owner, "Heavy drawings of the new depot")
        started = time.monotonic()
        for kill in range(KILLS):
            idea = client.ok("POST", f"/challenges/{challenge}/ideas", innovator, new_idea_body(kill))["id"]
            ideas.append(idea)
            files = [pdf(UPLOAD_MIB[n % len(UPLOAD_MIB)] * 1024 * 1024, rng) for n in range(UPLOADS)]
            # Some uploads stream quickly and finish; most are still sending when the kill
            # strikes, at the server's write, its multipart parts or its row.
            threads = [threading.Thread(target=one_upload, args=(
                server.port, innovator, idea, n, data, rng.choice([0.0, 0.001, 0.003]), ledger))
                for n, data in enumerate(files)]
            for t in threads:
                t.start()
            # The kill strikes soon after the round's first upload is acknowledged (or after
            # 20 s), so that some are done and the rest still streaming or being stored.
            ledger.first.clear()
            ledger.first.wait(timeout=20)
            time.sleep(rng.uniform(0.0, 0.4))
            server.kill()
            for t in threads:
                t.join(timeout=120)
            server.start()
        burst = time.monotonic() - started
        server.stop()

        stored_before = files_under(objects_dir) if objects_dir else []
        sweep = subprocess.run(
            [binary(), "sweep-files", "--storage-url", storage_url, "--older-than-minutes", "0",
             "--database-url", db.url],
            capture_output=True, text=True, env=dict(os.environ, RUST_LOG="warn"))
        if sweep.returncode != 0:
            failures.append(f"{store}: sweep-files exited {sweep.returncode}: {sweep.stderr[-500:]}")
        swept = sweep.stdout.strip()
        stored = files_under(objects_dir) if objects_dir else []

        server.start()
        listed: dict[str, str] = {}
        for idea in ideas:
            body = client.ok("GET", f"/ideas/{idea}/attachments", innovator)
            for item in body["items"]:
                listed[item["id"]] = item["sha256"]
        for attachment, sent in ledger.acknowledged.items():
            if attachment not in listed:
                failures.append(f"{store}: acknowledged upload {attachment} is not listed")
            elif listed[attachment] != sent:
                failures.append(f"{store}: {attachment} is listed with sha256 {listed[attachment]}, sent {sent}")
        for attachment, sha in listed.items():
            status, data = download(server.port, innovator, attachment)
            if status != 200:
                failures.append(f"{store}: listed {attachment} downloads with {status}")
            elif hashlib.sha256(data).hexdigest() != sha:
                failures.append(f"{store}: {attachment} downloads {len(data)} bytes whose sha256 differs")
        rows = {r[0].replace("-", "").lower() for r in db.rows(
            "SELECT lower(hex(id)) FROM attachments" if db.sqlite_path else "SELECT id::text FROM attachments")}
        if rows != {a.replace("-", "") for a in listed}:
            failures.append(f"{store}: {len(rows)} attachment rows but {len(listed)} listed by the API")
        server.stop()

        unexplained, staging = [], []
        for name in stored:
            if not name.startswith("attachments/"):
                unexplained.append(name)
                continue
            stem = name.removeprefix("attachments/")
            if stem.replace("-", "") in rows:
                continue
            (staging if "#" in stem else unexplained).append(name)
        if unexplained:
            failures.append(f"{store}: {len(unexplained)} stored objects without a row after the sweep, "
                            f"e.g. {unexplained[:3]}")
        if staging:
            failures.append(f"{store}: {len(staging)} staging files of cut-off multipart uploads are left under "
                            f"attachments/ after the sweep, e.g. {staging[:3]}")
        failures.extend(f"{store}: {f}" for f in ledger.failures[:10])
        backend = "postgresql" if db.sqlite_path is None else "sqlite"
        staged_before = sum("#" in name for name in stored_before)
        looked = (f"{len(stored_before)} files in the store before the sweep ({staged_before} of them staging "
                  f"files of cut-off writes), {len(stored)} after"
                  if objects_dir else "the store's objects not looked into (no S3S_DATA)")
        print(f"uploads ({store}, {backend}, seed {SEED}): {KILLS} SIGKILLs in {burst:.0f} s during "
              f"{KILLS * UPLOADS} uploads of {'/'.join(map(str, UPLOAD_MIB))} MiB: {len(ledger.acknowledged)} acknowledged, "
              f"{ledger.in_doubt} cut off, {ledger.refused} refused; {len(listed)} listed and downloaded intact; "
              f"{looked}; sweep: {swept!r}")
    finally:
        server.stop()
        drop_database(db)


def s3s_folder(s3_url: str, prefix: str) -> str | None:
    """The folder s3s-fs keeps the run's objects in, when S3S_DATA names its root."""
    data = os.environ.get("S3S_DATA")
    if not data:
        return None
    bucket = s3_url.removeprefix("s3://").split("?")[0].split("/")[0]
    return os.path.join(data, bucket, prefix)


def s3s_staging() -> list[str]:
    """What s3s-fs keeps at its root for unfinished multipart uploads (outside any bucket)."""
    data = os.environ.get("S3S_DATA")
    if not data:
        return []
    return sorted(n for n in os.listdir(data) if n.startswith(".upload"))


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="sluss-uploads-")
    failures: list[str] = []
    disk = os.path.join(tmp, "files")
    check_store(tmp, "disk", f"file://{disk}", disk, failures)
    s3_url = os.environ.get("UPLOADS_S3_URL")
    if s3_url:
        prefix = f"uploads-{uuid.uuid4().hex[:10]}"
        before = set(s3s_staging())
        check_store(tmp, "s3", with_prefix(s3_url, prefix), s3s_folder(s3_url, prefix), failures)
        left = [n for n in s3s_staging() if n not in before]
        if left:
            # Not a failure of sluss: S3 keeps the parts of an upload nobody finished or
            # aborted until the bucket's lifecycle rule (AbortIncompleteMultipartUpload)
            # removes them; they are not objects and hold no row's bytes.
            print(f"uploads (s3): the store keeps {len(left)} files of unfinished multipart uploads outside the "
                  f"bucket (e.g. {left[:2]}); a lifecycle rule aborts such uploads on a real S3 bucket")
    if failures:
        print("FAILED:", *failures[:20], sep="\n  ")
        print(f"server logs: {tmp}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
