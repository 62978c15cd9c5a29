"""Benchmark: the deadline rush on the production stack.

    python -m bench.deadline_burst                    # 200 on time, 20 late
    python -m bench.deadline_burst --rush-share 0.5   # half of them in the last 2 s
    python -m bench.deadline_burst --on-time 50 --late 5

It starts everything itself, on loopback only, and stops it at the end (or after --timeout):
a scratch PostgreSQL database (127.0.0.1:5432), a Redis database of its own (127.0.0.1:6379),
gunicorn with 4 web workers (gunicorn.conf.py, production configuration) and 2 queue
workers (`flask worker`, at a lower CPU priority than the web).
It seeds one open call and N complete, eligible consortia, signs every coordinator in and
loads each submit form; then the deadline is set 21 s ahead and the submits are fired at
random moments of the last 20 s (with --rush-share, that share of them in the last 2 s), and
the late ones up to 5 s after the deadline. Afterwards the database says what happened:

- accepted / refused: the answers (302 submitted; 422 "the deadline passed");
- lost: accepted but no submission recorded; doubled: more than one submission for one
  application, or a submission recorded for a refused request;
- p50 / p99: submit latency as the client saw it; receipts: until every receipt job is done.
"""

import argparse
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import requests
from redis import Redis

from bench.databases import create_database, drop_database

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REDIS_BASE = "redis://127.0.0.1:6379/13"
PASSWORD = "bench-password-2027"
MEMBERS = (("DE", "PRC", True, ["2.2"]), ("IT", "HES", False, ["1.2"]),
           ("AT", "REC", False, ["5.2"]))
RUSH_SECONDS, FINAL_RUSH, LATE_SECONDS = 20.0, 2.0, 5.0
SAFETY = 0.25  # no on-time request is sent closer than this to the deadline (network time)
_HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(database: str, files: Path, port: int, queue: str) -> dict:
    return {**os.environ, "OPENCALL_CONFIG": "production", "FLASK_APP": "wsgi.py",
            "SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": database,
            "PUBLIC_BASE_URL": f"https://127.0.0.1:{port}", "TRUSTED_HOSTS": "127.0.0.1",
            "REDIS_URL": REDIS_BASE, "JOBS_QUEUE": queue, "FILES_DIR": str(files),
            "RATELIMIT_STORAGE_URI": "memory://"}


def seed(env: dict, consortia: int) -> tuple[int, list[tuple[str, int]]]:
    """One open call and `consortia` eligible applications; (call id, [(email, app id)])."""
    os.environ.update(env)
    from app.accounts.models import Funder, Organisation, Role, User
    from app.accounts.services.passwords import hash_password
    from app.applications.models import Application, BudgetLineRow, Participant, ParticipantRole
    from app.applications.services.checklist import build_checklist
    from app.calls.models import Call
    from app.calls.rules.criteria import CRITERIA_PRESETS, validate_criteria
    from app.calls.rules.eligibility_rules import RULE_PRESETS, validate_rules
    from app.calls.rules.lifecycle import CallKind, CallStatus
    from app.core.database import utcnow
    from app.core.extensions import db
    from app.factory import create_app

    app = create_app("production")
    with app.app_context():
        password_hash = hash_password(PASSWORD, app.config["PASSWORD_HASH_PARAMS"])
        funder = Funder(name="Bench funder", short_name="BENCH", country="AT")
        now = utcnow()
        call = Call(funder=funder, reference="BENCH-2027-01", kind=CallKind.GRANT,
                    title="Deadline rush", summary="Benchmark call",
                    budget_amount=Decimal("100000000.00"),
                    max_per_proposal_amount=Decimal("500000.00"),
                    funding_rates={"default": "1.00", "by_org_type": {}},
                    opens_at=now - timedelta(days=10), closes_at=now + timedelta(days=1),
                    status=CallStatus.PUBLISHED,
                    eligibility_rules=validate_rules(RULE_PRESETS["horizon_europe"].document),
                    award_criteria=validate_criteria(
                        CRITERIA_PRESETS["horizon_europe_ria"].document))
        db.session.add(call)
        coordinators = []
        for n in range(consortia):
            application = Application(call=call, acronym=f"RUSH{n}", title=f"Rush {n}",
                                      status="draft")
            for index, (country, org_type, is_sme, fields) in enumerate(MEMBERS):
                organisation = Organisation(name=f"Rush {n} member {index}", country=country,
                                            org_type=org_type, is_sme=is_sme,
                                            fields_of_science=fields)
                user = User(email=f"rush{n}-{index}@bench.example.org", name=f"Rush {n}",
                            password_hash=password_hash, organisation=organisation)
                user.grant(Role.applicant)
                participant = Participant(
                    organisation=organisation, contact_user=user, invited_email=user.email,
                    role=ParticipantRole.COORDINATOR if index == 0 else ParticipantRole.PARTNER,
                    accepted_at=now, fields_of_science=fields)
                participant.budget_lines.append(BudgetLineRow(
                    category="A", ict_category="broadband", amount=Decimal("10000.00"),
                    open_source=False, description="Staff"))
                application.participants.append(participant)
                if index == 0:
                    application.created_by = user
                    coordinators.append((user, application))
            db.session.add(application)
            db.session.flush()
            build_checklist(application, store=True)
        db.session.commit()
        result = call.id, [(user.email, application.id) for user, application in coordinators]
        db.engine.dispose()
    return result


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    stream = log.open("wb")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=stream,
                            stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


class Applicant:
    """One coordinator's browser: signed in, with the submit form of its application."""

    def __init__(self, base: str, email: str, application_id: int):
        self.base, self.email, self.application_id = base, email, application_id
        self.http = requests.Session()
        self.fields: dict[str, str] = {}

    def _plain_cookies(self) -> None:
        # Production cookies are Secure; this client talks plain HTTP on loopback.
        for cookie in self.http.cookies:
            cookie.secure = False

    def prepare(self) -> None:
        page = self.http.get(f"{self.base}/accounts/login", timeout=30)
        self._plain_cookies()
        token = _hidden(page.text)["csrf_token"]
        answer = self.http.post(f"{self.base}/accounts/login", timeout=60, data={
            "email": self.email, "password": PASSWORD, "csrf_token": token},
            allow_redirects=False)
        if answer.status_code != 302:
            raise RuntimeError(f"{self.email} could not sign in: {answer.status_code}")
        self._plain_cookies()
        page = self.http.get(f"{self.base}/applications/{self.application_id}", timeout=30)
        self._plain_cookies()
        self.fields = _hidden(page.text, "submit-form")

    def submit(self) -> tuple[str, float]:
        sent = time.monotonic()
        answer = self.http.post(f"{self.base}/applications/{self.application_id}/submit",
                                data=self.fields, allow_redirects=False, timeout=120)
        took = time.monotonic() - sent
        if answer.status_code == 302:
            return "accepted", took
        if answer.status_code == 422 and "no longer accepts submissions" in answer.text:
            return "refused", took
        return f"error {answer.status_code}", took


def _hidden(html: str, form_id: str | None = None) -> dict[str, str]:
    if form_id:
        start = html.index(f'id="{form_id}"')
        html = html[start:html.index("</form>", start)]
    fields = {}
    for tag in _HIDDEN.findall(html):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def in_parallel(function, items, threads: int) -> list:
    results, lock, queue = [None] * len(items), threading.Lock(), list(enumerate(items))

    def work():
        while True:
            with lock:
                if not queue:
                    return
                index, item = queue.pop()
            results[index] = function(item)

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return results


def fire(applicants: list[Applicant], on_time: int, deadline: float,
         rush_share: float) -> list[dict]:
    """Each applicant's submit at its scheduled moment (time.monotonic() clock)."""
    random.seed(2027)
    rushing = round(on_time * rush_share)
    moments = ([deadline - random.uniform(SAFETY, RUSH_SECONDS)
                for _ in range(on_time - rushing)]
               + [deadline - random.uniform(SAFETY, FINAL_RUSH) for _ in range(rushing)]
               + [deadline + random.uniform(SAFETY, LATE_SECONDS)
                  for _ in range(len(applicants) - on_time)])
    outcomes = [None] * len(applicants)

    def one(index: int) -> None:
        time.sleep(max(0.0, moments[index] - time.monotonic()))
        sent = time.monotonic()
        try:
            result, took = applicants[index].submit()
        except requests.RequestException as error:
            result, took = f"error {type(error).__name__}", time.monotonic() - sent
        outcomes[index] = {"on_time": sent < deadline, "result": result, "seconds": took,
                           "application_id": applicants[index].application_id,
                           "key": applicants[index].fields.get("idempotency_key")}

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(applicants))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def verdict(database: str, outcomes: list[dict]) -> dict:
    url = database.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as connection:
        keys = {key for (key,) in connection.execute("SELECT idempotency_key FROM submissions")}
        per_application = dict(connection.execute(
            "SELECT application_id, count(*) FROM submissions GROUP BY application_id"))
    accepted = [o for o in outcomes if o["result"] == "accepted"]
    refused = [o for o in outcomes if o["result"] == "refused"]
    return {
        "accepted": len(accepted), "refused": len(refused),
        "errors": len(outcomes) - len(accepted) - len(refused),
        "on-time refused": sum(o["on_time"] for o in refused),
        "late accepted": sum(not o["on_time"] for o in accepted),
        "lost": sum(o["key"] not in keys for o in accepted),
        "doubled": sum(n - 1 for n in per_application.values() if n > 1)
        + sum(o["key"] in keys for o in refused),
    }


def wait_for_receipts(database: str, expected: int, seconds: float) -> tuple[float, dict]:
    url = database.replace("postgresql+psycopg://", "postgresql://")
    started = time.monotonic()
    while True:
        with psycopg.connect(url) as connection:
            counts = dict(connection.execute(
                "SELECT status, count(*) FROM jobs WHERE kind = 'applications.receipt' "
                "GROUP BY status"))
        if counts.get("done", 0) + counts.get("failed", 0) >= expected:
            return time.monotonic() - started, counts
        if time.monotonic() - started > seconds:
            return time.monotonic() - started, counts
        time.sleep(1)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(on_time: int, late: int, rush_share: float, timeout: float,
        queue_workers: int = 2) -> None:
    name = f"opencall_bench_{os.getpid()}"
    port, queue = free_port(), f"opencall-bench-{os.getpid()}"
    files = Path(tempfile.mkdtemp(prefix="opencall-bench-files-"))
    logs = Path(tempfile.mkdtemp(prefix="opencall-bench-logs-"))
    alarm = threading.Timer(timeout, lambda: os.kill(os.getpid(), signal.SIGINT))
    alarm.daemon = True
    alarm.start()  # bounded in time: the run stops itself, cleaning up on the way out
    with ExitStack() as cleanup:
        database = create_database(name)
        cleanup.callback(drop_database, name)
        cleanup.callback(shutil.rmtree, files, True)
        cleanup.callback(lambda: Redis.from_url(REDIS_BASE).flushdb())
        env = environment(database, files, port, queue)
        subprocess.run([BIN / "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        started = time.monotonic()
        call_id, coordinators = seed(env, on_time + late)
        print(f"seeded {len(coordinators)} complete consortia in "
              f"{time.monotonic() - started:.1f} s")
        # gunicorn.conf.py: 4 processes with 8 threads each (the production settings).
        web = start([BIN / "gunicorn", "--bind", f"127.0.0.1:{port}", "--access-logfile", "-",
                     "--access-logformat", '%(r)s %(s)s %(L)s', "wsgi:app"],
                    env, logs / "gunicorn.log")
        cleanup.callback(stop, web)
        for n in range(queue_workers):  # lowest CPU priority: docs/operations.md
            worker = start(["nice", "-n", "19", BIN / "flask", "worker"], env,
                           logs / f"worker-{n}.log")
            cleanup.callback(stop, worker)
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/accounts/login", 60)
        applicants = [Applicant(base, email, app_id) for email, app_id in coordinators]
        started = time.monotonic()
        in_parallel(lambda applicant: applicant.prepare(), applicants, threads=8)
        print(f"signed in {len(applicants)} coordinators and loaded their submit forms in "
              f"{time.monotonic() - started:.1f} s")
        random.Random(7).shuffle(applicants)
        lead = RUSH_SECONDS + 1
        with psycopg.connect(database.replace("postgresql+psycopg://", "postgresql://"),
                             autocommit=True) as connection:
            connection.execute("UPDATE calls SET closes_at = (now() AT TIME ZONE 'UTC') + "
                               f"interval '{lead} seconds' WHERE id = {call_id}")
        deadline = time.monotonic() + lead
        outcomes = fire(applicants, on_time, deadline, rush_share)
        counts = verdict(database, outcomes)
        latencies = [o["seconds"] for o in outcomes]
        receipts_after, receipt_jobs = wait_for_receipts(
            database, counts["accepted"] if queue_workers else 0, 300)
        print(f"\n{on_time} on time ({rush_share:.0%} of them in the last {FINAL_RUSH:.0f} s) "
              f"+ {late} late; gunicorn 4 workers, 2 queue workers, PostgreSQL, Redis, "
              f"{os.cpu_count()} CPUs")
        for label, value in counts.items():
            print(f"  {label:<16} {value}")
        print(f"  {'p50':<16} {statistics.median(latencies):.3f} s")
        print(f"  {'p99':<16} {percentile(latencies, 0.99):.3f} s")
        print(f"  {'max':<16} {max(latencies):.3f} s")
        print(f"  receipts        {receipt_jobs} {receipts_after:.1f} s after the last submit")
        print("  load average    {:.1f} {:.1f} {:.1f} (other work on the machine counts)"
              .format(*os.getloadavg()))
        print(f"  logs in {logs}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--on-time", type=int, default=200)
    parser.add_argument("--late", type=int, default=20)
    parser.add_argument("--rush-share", type=float, default=0.0,
                        help="share of the on-time submits fired in the last 2 s")
    parser.add_argument("--queue-workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=600,
                        help="seconds after which the run stops itself")
    arguments = parser.parse_args()
    run(arguments.on_time, arguments.late, arguments.rush_share, arguments.timeout,
        arguments.queue_workers)


if __name__ == "__main__":
    main()
