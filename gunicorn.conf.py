"""gunicorn's settings for OpenCall (read from the working directory: `gunicorn wsgi:app`).

Threaded workers accept a connection as soon as it arrives, and OpenCall's worker class
(app/core/serving.py) stamps it then: a submission is judged on its arrival time
(app/core/arrival.py), not on when a busy server got to it, so under a deadline rush on-time
submissions stay on time. Four processes with eight threads each; every setting can be
overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "4"))
worker_class = "app.core.serving.ArrivalStampingWorker"
threads = int(os.environ.get("WEB_THREADS", "8"))
timeout = 60  # a request that takes longer is a bug; reports and receipts are jobs
graceful_timeout = 30
keepalive = 5
