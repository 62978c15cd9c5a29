"""When a request arrived, stamped before any work: a deadline judges the moment of arrival.

Under a rush, requests wait for a free web worker; judging a submission by the time a worker
gets to it would refuse on-time submissions. ArrivalStamp is the outermost WSGI layer, so it
runs before sessions, sign-in or the database. Behind a proxy that stamps requests itself
(REQUEST_START_HEADER, e.g. nginx `proxy_set_header X-Request-Start "t=${msec}"`) the proxy's
stamp is used, so time spent waiting in the socket's queue counts as well; a stamp from the
future or older than MAX_PROXY_QUEUE is not believed (clocks drift, headers can be forged
where no proxy overwrites them).
"""

import re
from datetime import UTC, datetime, timedelta

from flask import request

from app.core.database import utcnow

ENVIRON_KEY = "opencall.arrived_at"
MAX_PROXY_QUEUE = timedelta(minutes=2)
CLOCK_TOLERANCE = timedelta(seconds=1)
_NUMBER = re.compile(r"^(?:t=)?(\d{1,17}(?:\.\d{1,9})?)$")


class ArrivalStamp:
    """WSGI middleware recording the arrival time in environ[ENVIRON_KEY]."""

    def __init__(self, wsgi_app, header: str | None = None):
        self.wsgi_app = wsgi_app
        self.environ_name = "HTTP_" + header.upper().replace("-", "_") if header else None

    def __call__(self, environ, start_response):
        now = utcnow()
        stamped = proxy_stamp(environ.get(self.environ_name), now) if self.environ_name else None
        environ[ENVIRON_KEY] = stamped or now
        return self.wsgi_app(environ, start_response)


def proxy_stamp(value: str | None, now: datetime) -> datetime | None:
    """A proxy's arrival stamp: `t=1700000000.123` (nginx) or seconds, milliseconds or
    microseconds since the epoch; None when absent, malformed or implausible."""
    match = _NUMBER.match((value or "").strip())
    if not match:
        return None
    number = float(match.group(1))
    seconds = number / 1e6 if number > 1e14 else number / 1e3 if number > 1e11 else number
    try:
        stamped = datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    if not now - MAX_PROXY_QUEUE <= stamped <= now + CLOCK_TOLERANCE:
        return None
    return min(stamped, now)


def request_arrived_at() -> datetime:
    """When the current request arrived (now, outside ArrivalStamp, e.g. in a test context)."""
    return request.environ.get(ENVIRON_KEY) or utcnow()
