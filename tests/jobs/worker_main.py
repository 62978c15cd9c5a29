"""A real worker process for the fault tests: `python -m tests.jobs.worker_main [--burst]`.

It is `flask worker` (app.core.worker.run_worker) with one test hook: SLOW_ROW_SECONDS makes
the CSV writer pause after each row, so that a test can kill the process mid-report. The
database, files, Redis and queue come from the environment (config/settings.py, testing).
"""

import os
import sys
import time

from app.core.worker import run_worker
from app.factory import create_app
from app.reports.services import writers


def _slow_csv_writer(delay: float):
    write_csv = writers.write_csv

    def write_slowly(path, rows):
        def rows_slowly():
            for row in rows:
                yield row
                time.sleep(delay)

        write_csv(path, rows_slowly())

    return write_slowly


def main() -> None:
    delay = float(os.environ.get("SLOW_ROW_SECONDS", "0"))
    if delay:
        writers.write_csv = _slow_csv_writer(delay)
    app = create_app("testing")
    with app.app_context():
        run_worker(app, burst="--burst" in sys.argv)


if __name__ == "__main__":
    main()
