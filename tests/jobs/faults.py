"""Real worker processes for the fault tests, started and stopped by the tests themselves."""

import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition, *, timeout: float, every: float = 0.2, what: str = "condition"):
    """Poll `condition()` until it returns something true; fail the test after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(every)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}")


@contextmanager
def worker_process(app, *args: str, **environment: str):
    """`python -m tests.jobs.worker_main` on the app's database, files, Redis and queue.

    The heartbeat is fast (1 s, counted gone after 4 s) so a killed worker is noticed soon.
    """
    env = {**os.environ, "OPENCALL_CONFIG": "testing",
           "TEST_DATABASE_URL": str(app.config["SQLALCHEMY_DATABASE_URI"]),
           "TEST_JOBS_MODE": "rq", "REDIS_URL": app.config["REDIS_URL"],
           "JOBS_QUEUE": app.config["JOBS_QUEUE"], "FILES_DIR": str(app.config["FILES_DIR"]),
           "WORKER_HEARTBEAT_SECONDS": "1", "WORKER_HEARTBEAT_TTL": "4", **environment}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([sys.executable, "-m", "tests.jobs.worker_main", *args],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log.seek(0)
            process.output = log.read().decode(errors="replace")
