"""A request's arrival time (core/arrival.py, core/serving.py) and the input bounds
(core/inputs.py), on plain values."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from gunicorn.workers.gthread import ThreadWorker
from wtforms.validators import ValidationError

from app.core.arrival import ENVIRON_KEY, ArrivalStamp, proxy_stamp
from app.core.inputs import MAX_ID, BoundedIntConverter, sane_date, whole_number
from app.core.serving import HEADER, ArrivalStampingWorker

NOW = datetime(2027, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "expected"), [
    ("t=1803902399.500", datetime(2027, 3, 1, 11, 59, 59, 500000, tzinfo=UTC)),  # nginx
    ("1803902399.5", datetime(2027, 3, 1, 11, 59, 59, 500000, tzinfo=UTC)),  # seconds
    ("1803902399500", datetime(2027, 3, 1, 11, 59, 59, 500000, tzinfo=UTC)),  # ms
    ("1803902399500000", datetime(2027, 3, 1, 11, 59, 59, 500000, tzinfo=UTC)),  # µs
], ids=["nginx", "seconds", "milliseconds", "microseconds"])
def test_a_proxys_arrival_stamp_is_read_in_every_usual_unit(value, expected):
    assert proxy_stamp(value, NOW) == expected


@pytest.mark.parametrize("value", [
    None, "", "soon", "t=", "-5", "t=1803902399.5; extra",
    str(NOW.timestamp() + 5),  # from the future: a clock that runs ahead is not believed
    str(NOW.timestamp() - 3600),  # an hour in a queue: forged or broken, not believed
    "9" * 17,
], ids=["absent", "empty", "words", "no-number", "negative", "trailing", "future", "ancient",
        "overflow"])
def test_an_implausible_stamp_is_ignored(value):
    assert proxy_stamp(value, NOW) is None


def test_the_middleware_stamps_before_the_app_runs_and_trusts_only_its_header():
    seen = {}

    def app(environ, start_response):
        seen["at"] = environ[ENVIRON_KEY]
        return []

    stamped = (datetime.now(UTC) - timedelta(seconds=3)).timestamp()
    ArrivalStamp(app, "X-Request-Start")({"HTTP_X_REQUEST_START": f"t={stamped}"}, None)
    assert abs((datetime.now(UTC) - seen["at"]).total_seconds()) > 1  # the proxy's stamp
    ArrivalStamp(app)({"HTTP_X_REQUEST_START": f"t={stamped}"}, None)  # no header configured
    assert abs((datetime.now(UTC) - seen["at"]).total_seconds()) < 1  # its own clock


def test_the_gunicorn_worker_replaces_a_clients_stamp_with_the_time_it_took_the_request(
        monkeypatch):
    handled = {}
    monkeypatch.setattr(ThreadWorker, "handle_request",
                        lambda self, req, conn: handled.setdefault("headers", req.headers))
    monkeypatch.setattr(ThreadWorker, "enqueue_req", lambda self, conn: None)
    worker = ArrivalStampingWorker.__new__(ArrivalStampingWorker)
    conn = SimpleNamespace()
    worker.enqueue_req(conn)
    request = SimpleNamespace(headers=[("HOST", "x"), ("X-REQUEST-START", "t=1")])
    worker.handle_request(request, conn)
    assert handled["headers"] == [("HOST", "x"),
                                  (HEADER.upper(), f"t={conn.opencall_arrived_at:.6f}")]


def test_ids_in_urls_stop_at_the_databases_integer():
    converter = BoundedIntConverter(SimpleNamespace(charset="utf-8"))
    assert converter.max == MAX_ID == 2**31 - 1


def test_dates_outside_sane_years_and_numbers_beyond_integer_are_refused():
    check = sane_date()
    form = SimpleNamespace()
    check(form, SimpleNamespace(data=datetime(2027, 1, 1)))  # fine: no exception
    with pytest.raises(ValidationError, match="Give a date between 1900 and 2199"):
        check(form, SimpleNamespace(data=datetime(1, 1, 1)))
    bound = whole_number(0)
    assert (bound.min, bound.max) == (0, MAX_ID)
