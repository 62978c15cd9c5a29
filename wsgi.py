"""WSGI entry point: gunicorn wsgi:app.

What gunicorn (or any WSGI server) loads runs the production configuration unless
OPENCALL_CONFIG says otherwise, so a deployment that forgets the setting fails closed: without
SECRET_KEY (32 bytes or more), DATABASE_URL and PUBLIC_BASE_URL it refuses to start instead of
running with the public development key. The `flask` command line (make run, flask db ...)
keeps development as its default; on a server, export OPENCALL_CONFIG=production for it too.
"""

import os

from app.factory import create_app

_default = "development" if os.environ.get("FLASK_RUN_FROM_CLI") == "true" else "production"
app = create_app(os.environ.get("OPENCALL_CONFIG") or _default)
