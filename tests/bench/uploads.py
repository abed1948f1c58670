"""Documents (SPEC §15): upload and download throughput of one file, and the server's memory
while many large uploads run at once, on the disk store and on an S3-compatible store
(s3s-fs, started here with tests/s3/start.sh). Drives the release binary over HTTP. Not part
of the test suite: run it by hand; it prints a Markdown table for docs/benchmarks.md.

    cargo build --release -p sluss-api
    python3 tests/bench/uploads.py
    RUNS=9 FILE_MIB=10 PARALLEL=10 PARALLEL_MIB=25 python3 tests/bench/uploads.py
    BENCH_S3_URL='s3://bucket?endpoint=http://…' python3 tests/bench/uploads.py   # a store of your own
    NO_S3=1 python3 tests/bench/uploads.py                                        # the disk store only

Throughput: RUNS uploads of a FILE_MIB file one after another, then RUNS downloads of it,
each timed from the first byte sent to the last byte received; the median in MiB/s.
Memory: the server's VmRSS (sampled every 10 ms from /proc/PID/status) while PARALLEL
uploads of PARALLEL_MIB each run at once, against its idle VmRSS just before, and its
VmHWM (peak RSS of the process's life) afterwards.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "reliability"))
from sluss_client import Client, Server, create_user, login, new_idea_body, published_challenge  # noqa: E402
from uploads import download, pdf, upload  # noqa: E402

RUNS = int(os.environ.get("RUNS", "7"))
FILE_MIB = int(os.environ.get("FILE_MIB", "10"))
PARALLEL = int(os.environ.get("PARALLEL", "10"))
PARALLEL_MIB = int(os.environ.get("PARALLEL_MIB", "25"))
MIB = 1024 * 1024


def status_kib(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


class Sampler:
    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run)

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, status_kib(self.pid, "VmRSS"))
            time.sleep(0.01)

    def __enter__(self) -> Sampler:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join()


def fresh_idea(client: Client, challenge: str, token: str, n: int) -> str:
    return client.ok("POST", f"/challenges/{challenge}/ideas", token, new_idea_body(n))["id"]


def measure(tmp: str, name: str, storage_url: str) -> dict:
    db = os.path.join(tmp, f"{name}.db")
    server = Server(f"sqlite://{db}?mode=rwc", log_path=os.path.join(tmp, f"{name}.log"),
                    extra_args=["--storage-url", storage_url, "--max-upload-mib", str(max(FILE_MIB, PARALLEL_MIB) + 5)])
    server.start()
    client = Client(server.port)
    rng = random.Random(7)
    try:
        facilitator = login(client, "admin@reliability.example")
        _, owner = create_user(client, facilitator, ["needs_owner"], "owner")
        _, innovator = create_user(client, facilitator, ["innovator"], "innovator")
        challenge = published_challenge(client, facilitator, owner, "Drawings of the new depot")
        idea = fresh_idea(client, challenge, innovator, 0)
        data = pdf(FILE_MIB * MIB, rng)
        # One upload and download first, so that connections and caches are warm.
        status, body = upload(server.port, innovator, f"/ideas/{idea}/attachments", "warm.pdf", data)
        assert status == 201, (status, body)
        download(server.port, innovator, body["id"])
        ups, downs, ids = [], [], []
        for run in range(RUNS):
            if run % 15 == 14:
                idea = fresh_idea(client, challenge, innovator, run)
            started = time.perf_counter()
            status, body = upload(server.port, innovator, f"/ideas/{idea}/attachments", f"plan-{run}.pdf", data)
            ups.append(time.perf_counter() - started)
            assert status == 201, (status, body)
            ids.append(body["id"])
        for attachment in ids:
            started = time.perf_counter()
            status, got = download(server.port, innovator, attachment)
            downs.append(time.perf_counter() - started)
            assert status == 200 and len(got) == len(data), (status, len(got))

        pid = server.process.pid
        time.sleep(1.0)
        idle = status_kib(pid, "VmRSS")
        big = fresh_idea(client, challenge, innovator, 100)
        files = [pdf(PARALLEL_MIB * MIB, rng) for _ in range(PARALLEL)]
        results: list[int] = []
        threads = [threading.Thread(target=lambda d=d, n=n: results.append(
            upload(server.port, innovator, f"/ideas/{big}/attachments", f"big-{n}.pdf", d)[0]))
            for n, d in enumerate(files)]
        with Sampler(pid) as sampler:
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            parallel_seconds = time.perf_counter() - started
        assert results == [201] * PARALLEL, results
        hwm = status_kib(pid, "VmHWM")
        after = status_kib(pid, "VmRSS")
        return {
            "up": FILE_MIB / statistics.median(ups), "up_all": [FILE_MIB / s for s in ups],
            "down": FILE_MIB / statistics.median(downs), "down_all": [FILE_MIB / s for s in downs],
            "idle": idle / 1024, "peak": sampler.peak / 1024, "hwm": hwm / 1024, "after": after / 1024,
            "parallel_seconds": parallel_seconds,
        }
    finally:
        server.stop()


def start_s3() -> tuple[str, dict[str, str]]:
    out = subprocess.run(["bash", os.path.join(HERE, "..", "s3", "start.sh")], check=True,
                         capture_output=True, text=True)
    settings = {}
    for line in out.stdout.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        settings[key] = value.strip("'")
    os.environ.update({k: settings[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")})
    return settings["SLUSS_TEST_STORAGE_URL"], settings


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="sluss-bench-uploads-")
    stores = [("disk (file://)", f"file://{os.path.join(tmp, 'files')}")]
    s3 = None
    if not os.environ.get("NO_S3"):
        s3_url = os.environ.get("BENCH_S3_URL")
        if not s3_url:
            s3_url, s3 = start_s3()
        base, _, query = s3_url.partition("?")
        stores.append(("s3s-fs (s3://, loopback)", f"{base.rstrip('/')}/bench-{uuid.uuid4().hex[:8]}?{query}"))
    try:
        rows = [(name, measure(tmp, name.split()[0], url)) for name, url in stores]
    finally:
        if s3:
            subprocess.run(["bash", os.path.join(HERE, "..", "s3", "stop.sh")], check=False,
                           env=dict(os.environ, S3S_PID=s3["S3S_PID"], S3S_DATA=s3["S3S_DATA"]))
    print(f"\n{RUNS} runs of {FILE_MIB} MiB; {PARALLEL} uploads of {PARALLEL_MIB} MiB at once\n")
    print(f"| store | upload, median MiB/s (min–max) | download, median MiB/s (min–max) "
          f"| RSS idle | RSS peak, {PARALLEL} × {PARALLEL_MIB} MiB at once (VmHWM) | those uploads took |")
    print("|---|---|---|---|---|---|")
    for name, r in rows:
        print(f"| {name} | {r['up']:.0f} ({min(r['up_all']):.0f}–{max(r['up_all']):.0f}) "
              f"| {r['down']:.0f} ({min(r['down_all']):.0f}–{max(r['down_all']):.0f}) "
              f"| {r['idle']:.0f} MiB | {r['peak']:.0f} MiB ({r['hwm']:.0f} MiB) | {r['parallel_seconds']:.1f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
