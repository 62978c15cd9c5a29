"""gunicorn's worker for OpenCall: threads, and every request stamped when its bytes arrive.

A deadline judges the moment a submission arrived (core/arrival.py). gunicorn's threaded
worker accepts connections in its main loop and hands them to a pool of threads; under a rush
a request can wait there for a free thread before any of our code runs. This worker notes the
time when the connection is handed over (accepted, or readable again when kept alive) and
passes it to the app as the X-Request-Start header, replacing any copy a client sent. Only
with this worker is the header trusted: it sets REQUEST_START_HEADER before loading the app.
gunicorn.conf.py selects it.
"""

import os
import time

from gunicorn.workers.gthread import ThreadWorker

HEADER = "X-Request-Start"


class ArrivalStampingWorker(ThreadWorker):
    def init_process(self):
        os.environ["REQUEST_START_HEADER"] = HEADER  # read when the app is loaded, next
        super().init_process()

    def enqueue_req(self, conn):
        conn.opencall_arrived_at = time.time()
        super().enqueue_req(conn)

    def handle_request(self, req, conn):
        stamped = getattr(conn, "opencall_arrived_at", None) or time.time()
        req.headers = [(name, value) for name, value in req.headers
                       if name.upper() != HEADER.upper()]
        req.headers.append((HEADER.upper(), f"t={stamped:.6f}"))
        return super().handle_request(req, conn)
