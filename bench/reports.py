"""Benchmark: disbursement reports (PDF, CSV, XLSX) through the job, against bare WeasyPrint.

    python -m bench.reports                 # N = 1,000 and 10,000
    python -m bench.reports --n 2000 --formats csv xlsx

For each N a throwaway SQLite database is built with `flask db upgrade` and seeded
with N signed grants, each with one paid pre-financing booked to one beneficiary
and ICT category (so a report has N rows). Each measurement runs in a fresh child
process (seeding too), so its peak memory (getrusage ru_maxrss, and its growth
during the job) belongs to that measurement alone; CSV and XLSX are also traced
with tracemalloc (Python allocations) in a second run. The bare WeasyPrint run
renders the same rows as a plain HTML table with no stylesheet.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNTRIES = ("AT", "DE", "IT", "SI", "HR", "HU", "CZ", "SK", "PL", "RO", "BG", "GR")
ICT = ("broadband", "online_communication", "web_content_management", "e_commerce",
       "cloud_software")
FINANCE_EMAIL = "bench-finance@example.org"


def _app(database: str, files: str, mode: str = "eager"):
    from app.factory import create_app

    return create_app("testing", SQLALCHEMY_DATABASE_URI=database, FILES_DIR=Path(files),
                      JOBS_MODE=mode)


def build_database(folder: Path) -> str:
    """An empty database at head, built exactly as operators build one."""
    url = f"sqlite:///{folder / 'bench.db'}"
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi.py"}
    subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    return url


def seed(database: str, files: str, n: int) -> None:
    """N grants with one paid pre-financing each, inserted in bulk."""
    from sqlalchemy import insert

    from app.accounts.models import Funder, Organisation, Role, User
    from app.applications.models import Application, BudgetLineRow, Participant
    from app.calls.models import Call
    from app.core.database import utcnow
    from app.core.extensions import db
    from app.grants.models import (
        Disbursement,
        DisbursementShare,
        Grant,
        GrantBeneficiary,
        GrantPlanLine,
        Installment,
    )

    app = _app(database, files)
    with app.app_context():
        now = utcnow()
        funder = Funder(name="Bench Funder", short_name="BENCH", country="AT")
        finance = User(email=FINANCE_EMAIL, name="Bench Finance", funder=funder)
        finance.grant(Role.finance_officer)
        call = Call(funder=funder, reference="BENCH-2026-01", title="Benchmark call",
                    budget_amount=Decimal("9999999999.00"),
                    max_per_proposal_amount=Decimal("500000.00"),
                    opens_at=now - timedelta(days=90), closes_at=now - timedelta(days=30),
                    status="published")
        db.session.add_all([funder, finance, call])
        db.session.flush()
        organisations = [Organisation(name=f"Bench Organisation {i:04d} GmbH", country=c,
                                      org_type="PRC") for i, c in
                         enumerate(COUNTRIES * 20)]
        db.session.add_all(organisations)
        db.session.flush()
        amount, start = Decimal("43750.00"), date(2026, 1, 1)

        def bulk(model, rows):
            db.session.execute(insert(model), rows)

        ids = range(1, n + 1)
        org = {i: organisations[i % len(organisations)] for i in ids}
        bulk(Application, [dict(id=i, call_id=call.id, acronym=f"B{i:05d}", title=f"Bench {i}",
                                status="grant", created_by_id=finance.id) for i in ids])
        bulk(Participant, [dict(id=i, application_id=i, organisation_id=org[i].id,
                                role="coordinator") for i in ids])
        bulk(BudgetLineRow, [dict(participant_id=i, category="A", ict_category=ICT[i % 5],
                                  amount=Decimal("100000.00")) for i in ids])
        bulk(Grant, [dict(
            id=i, application_id=i, call_id=call.id, agreement_number=f"BENCH-{i:05d}",
            status="active", requested_amount=Decimal("125000.00"),
            eligible_amount=Decimal("125000.00"), awarded_amount=Decimal("125000.00"),
            disbursed_amount=amount, funding_rate="1", start_date=start,
            end_date=date(2027, 12, 31), duration_months=24, payment_model={},
            prepared_by_id=finance.id) for i in ids])
        bulk(GrantBeneficiary, [dict(id=i, grant_id=i, participant_id=i, organisation_id=org[i].id,
                                     role="coordinator", requested_amount=Decimal("125000.00"),
                                     awarded_amount=Decimal("125000.00")) for i in ids])
        bulk(GrantPlanLine, [dict(grant_id=i, beneficiary_id=i, category="A",
                                  ict_category=ICT[i % 5], amount=Decimal("100000.00"))
                             for i in ids])
        bulk(Installment, [dict(id=i, grant_id=i, kind="prefinancing", sequence=1,
                                planned_amount=amount, payable_amount=amount,
                                due_date=start, condition="At signature", status="paid")
                           for i in ids])
        bulk(Disbursement, [dict(
            id=i, grant_id=i, installment_id=i, amount=amount,
            value_date=start + timedelta(days=i % 300), bank_reference=f"SEPA-{i:06d}",
            idempotency_key=f"bench-{i}", status="executed", executed_by_id=finance.id)
            for i in ids])
        bulk(DisbursementShare, [dict(disbursement_id=i, beneficiary_id=i,
                                      ict_category=ICT[i % 5], amount=amount) for i in ids])
        db.session.commit()


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def measure_job(database: str, files: str, report_format: str, traced: bool) -> dict:
    """Run one report through the job (eager mode) in this process."""
    from sqlalchemy import select

    from app.accounts.models import User
    from app.core.extensions import db
    from app.core.jobs import Job
    from app.reports.services.reports import request_report
    from app.reports.services.rows import ReportFilters

    app = _app(database, files)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == FINANCE_EMAIL))
        before = _peak_rss_mb()
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        job = request_report(ReportFilters(), report_format, by=user)
        db.session.commit()  # eager mode: the job runs (in a joined thread) right here
        seconds = time.perf_counter() - started
        traced_peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else None
        tracemalloc.stop()
        db.session.expire_all()
        job = db.session.get(Job, job.id)
        if job.status != "done":
            raise RuntimeError(f"{report_format} job failed: {job.error}")
        size = (Path(files) / job.result_path).stat().st_size
        return {"seconds": seconds, "rss_peak_mb": _peak_rss_mb(),
                "rss_growth_mb": _peak_rss_mb() - before, "traced_peak_mb": traced_peak,
                "bytes": size, "message": job.message}


def measure_bare_weasyprint(database: str, files: str) -> dict:
    """The same rows as a plain HTML table, rendered by WeasyPrint with no stylesheet."""
    from html import escape

    from sqlalchemy import select

    from app.accounts.models import User
    from app.core.extensions import db
    from app.core.pdf import html_to_pdf
    from app.reports.services.rows import ReportFilters, iter_rows

    app = _app(database, files)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == FINANCE_EMAIL))
        rows = list(iter_rows(ReportFilters(), by=user))
        before = _peak_rss_mb()
        started = time.perf_counter()
        cells = "".join(
            "<tr>" + "".join(f"<td>{escape(str(value))}</td>" for value in (
                row.value_date, row.agreement_number, row.beneficiary, row.country,
                row.ict_category, row.installment, row.bank_reference, row.amount)) + "</tr>"
            for row in rows)
        pdf = html_to_pdf(f"<!doctype html><html><body><table>{cells}</table></body></html>")
        return {"seconds": time.perf_counter() - started, "bytes": len(pdf),
                "rss_peak_mb": _peak_rss_mb(), "rss_growth_mb": _peak_rss_mb() - before}


def _child(kind: str, database: str, files: str, traced: bool = False) -> dict:
    command = [sys.executable, "-m", "bench.reports", "--child", kind, "--database", database,
               "--files", files] + (["--traced"] if traced else [])
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(n: int, formats: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="opencall-bench-") as folder:
        folder_path = Path(folder)
        files = str(folder_path / "files")
        started = time.perf_counter()
        database = build_database(folder_path)
        # Seeded in a child too: Linux carries a parent's peak RSS into its children, so
        # a parent that had seeded would inflate every measurement after it.
        _child(f"seed:{n}", database, files)
        print(f"\nN = {n:,}: database built and seeded in {time.perf_counter() - started:.1f} s")
        results = {}
        for report_format in formats:
            result = _child(report_format, database, files)
            if report_format in ("csv", "xlsx"):
                result["traced_peak_mb"] = _child(report_format, database, files,
                                                  traced=True)["traced_peak_mb"]
            results[report_format] = result
            traced = result.get("traced_peak_mb")
            print(f"  {report_format:<5} {result['seconds']:7.2f} s   peak RSS "
                  f"{result['rss_peak_mb']:6.1f} MB (+{result['rss_growth_mb']:.1f} in the job)"
                  + (f"   Python heap peak {traced:6.1f} MB" if traced is not None else "")
                  + f"   {result['bytes'] / 2**20:6.2f} MB file ({result['message']})")
        if "pdf" in formats:
            bare = _child("bare", database, files)
            results["bare"] = bare
            ratio = results["pdf"]["seconds"] / bare["seconds"]
            print(f"  bare WeasyPrint {bare['seconds']:7.2f} s   peak RSS "
                  f"{bare['rss_peak_mb']:6.1f} MB (+{bare['rss_growth_mb']:.1f} in the render)"
                  f"   {bare['bytes'] / 2**20:6.2f} MB file")
            print(f"  PDF ratio (our PDF / bare WeasyPrint): {ratio:.2f}  (target <= 1.3)")
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, action="append",
                        help="grants and disbursements to seed (repeatable; default 1000 "
                             "and 10000)")
    parser.add_argument("--formats", nargs="+", default=["csv", "xlsx", "pdf"],
                        choices=["csv", "xlsx", "pdf"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--files", help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child.startswith("seed:"):
            seed(args.database, args.files, int(args.child.removeprefix("seed:")))
            result = {}
        elif args.child == "bare":
            result = measure_bare_weasyprint(args.database, args.files)
        else:
            result = measure_job(args.database, args.files, args.child, args.traced)
        print(json.dumps(result))
        return
    for n in args.n or [1000, 10000]:
        results = run(n, args.formats)
        for report_format in ("csv", "xlsx"):
            if report_format in results and n >= 10000:
                verdict = "ok" if results[report_format]["seconds"] < 5 else "ABOVE TARGET"
                print(f"  {report_format} of {n:,} rows under 5 s: {verdict}")


if __name__ == "__main__":
    main()
