"""Publish open data: build each file, validate it against the official schema, and offer it
only when it is valid. A refused run keeps its errors for the admin and publishes nothing."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Role, User
from app.core import audit, storage
from app.core.database import utcnow
from app.core.errors import Forbidden, NotFound
from app.core.extensions import db
from app.core.jobs import Job, enqueue_after_commit, job_function, report_progress
from app.opendata.models import DatasetKind, OcdsRelease, Publication, PublicationStatus
from app.opendata.rules.ocds import releases_for
from app.opendata.rules.ocds_packages import Publisher, record, record_package, release_package
from app.opendata.rules.threesixtygiving import PackageFacts, grant_record, package_metadata
from app.opendata.services import facts
from app.opendata.services.schemas import MAX_REPORTED, errors_in, errors_in_items
from app.opendata.services.spreadsheet import write_360giving_xlsx

JOB_KIND = "opendata.publish"


def _require_admin(by: User | None) -> None:
    if by is not None and not by.has_role(Role.admin):
        raise Forbidden(_("Only an administrator publishes open data."))


def request_publication(*, by: User) -> Job:
    """Queue a publication run; it starts once the request's data is committed."""
    _require_admin(by)
    audit.record(by, "opendata.publication_requested")
    return enqueue_after_commit(JOB_KIND, by=by)


@job_function(JOB_KIND)
def _publication_job(job: Job) -> None:
    report_progress(job, 5, "Publishing the 360Giving grants")
    grants = publish_360giving(by=None, requested_by_id=job.requested_by_id)
    db.session.commit()
    report_progress(job, 60, "Publishing the OCDS contracting processes")
    processes = publish_ocds(by=None, requested_by_id=job.requested_by_id)
    db.session.commit()
    job.message = f"360Giving: {grants.status}; OCDS: {processes.status}."


def publish_all(*, by: User | None) -> tuple[Publication, Publication]:
    """Both datasets, now (the demo seed and `flask opendata publish`)."""
    return publish_360giving(by=by), publish_ocds(by=by)


def _publisher() -> Publisher:
    config = current_app.config
    return Publisher(config["OPEN_DATA_PUBLISHER_NAME"], config["OPEN_DATA_PUBLISHER_ID"],
                     config["OPEN_DATA_PUBLISHER_URL"], config["OPEN_DATA_LICENSE_URL"])


def _finish(kind: DatasetKind, *, status: PublicationStatus, by: User | None,
            requested_by_id: int | None, errors: list[str] | None = None, count: int = 0,
            **files) -> Publication:
    publication = Publication(kind=kind, status=status, item_count=count,
                              error_count=len(errors or []), errors=(errors or [])[:MAX_REPORTED],
                              requested_by_id=getattr(by, "id", None) or requested_by_id,
                              **files)
    db.session.add(publication)
    db.session.flush()
    audit.record(by, f"opendata.{kind}.{status}", publication,
                 {"items": count, "errors": publication.error_count})
    return publication


# --- 360Giving ----------------------------------------------------------------------------


def _package_facts(now: datetime) -> PackageFacts:
    config, base = current_app.config, facts.base_url()
    return PackageFacts(
        title=f"Grants awarded through OpenCall by {config['OPEN_DATA_PUBLISHER_NAME']}",
        publisher_name=config["OPEN_DATA_PUBLISHER_NAME"],
        publisher_id=config["OPEN_DATA_PUBLISHER_ID"],
        publisher_url=config["OPEN_DATA_PUBLISHER_URL"],
        license_url=config["OPEN_DATA_LICENSE_URL"],
        download_url=f"{base}/open-data/360giving.json", access_url=f"{base}/open-data/",
        issued_at=now)


def write_360giving(path, *, now: datetime | None = None) -> tuple[int, list[str]]:
    """Stream the package to `path`, validating every grant as it is written.

    Returns (grants written, errors). The envelope is checked with the first grant in it.
    The schema's `uniqueItems` holds by construction: a grant's id ends with its agreement
    number, which the database keeps unique, so no two grants are equal (and no set of ids
    grows with the number of grants)."""
    metadata = package_metadata(_package_facts(now or utcnow()))
    errors: list[str] = []
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write(json.dumps(metadata)[:-1] + ', "grants": [')
        for grant in facts.iter_grant_facts():
            item = grant_record(grant)
            if count == 0:
                errors += errors_in("360giving-package", {**metadata, "grants": [item]})
            else:
                errors += errors_in_items("360giving-grant", [(f"grants/{count}", item)])
            out.write(("," if count else "") + "\n" + json.dumps(item, ensure_ascii=False))
            count += 1
        out.write("\n]}\n")
    return count, errors


def publish_360giving(*, by: User | None, requested_by_id: int | None = None) -> Publication:
    _require_admin(by)
    kind = DatasetKind.THREESIXTYGIVING
    if facts.count_published_grants() == 0:
        return _finish(kind, status=PublicationStatus.EMPTY, by=by,
                       requested_by_id=requested_by_id)
    json_key = storage.new_key("open-data", ".json")
    path = storage.path_for(json_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    count, errors = write_360giving(path)
    if errors:
        path.unlink(missing_ok=True)
        return _finish(kind, status=PublicationStatus.REFUSED, by=by,
                       requested_by_id=requested_by_id, errors=errors, count=count)
    xlsx_key = storage.new_key("open-data", ".xlsx")
    write_360giving_xlsx(path, storage.path_for(xlsx_key))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return _finish(kind, status=PublicationStatus.PUBLISHED, by=by,
                   requested_by_id=requested_by_id, count=count, json_key=json_key,
                   xlsx_key=xlsx_key, sha256=digest)


# --- OCDS ---------------------------------------------------------------------------------


def _stored_releases() -> dict[str, list[dict]]:
    by_ocid: dict[str, list[dict]] = {}
    for row in db.session.scalars(select(OcdsRelease).order_by(OcdsRelease.date,
                                                               OcdsRelease.id)):
        by_ocid.setdefault(row.ocid, []).append(row.data)
    return by_ocid


def release_url(release_id: str) -> str:
    return f"{facts.base_url()}/open-data/ocds/releases/{release_id}.json"


def publish_ocds(*, by: User | None, requested_by_id: int | None = None) -> Publication:
    """New releases for what changed since the last run, and the record package of every
    process (all of its releases ever published, and the compiled current state)."""
    _require_admin(by)
    kind, now = DatasetKind.OCDS, utcnow()
    stored = _stored_releases()
    known = {release["id"] for releases in stored.values() for release in releases}
    fresh: list[dict] = []
    for call in facts.tender_calls():
        fresh += [r for r in releases_for(facts.process_facts(call)) if r["id"] not in known]
    errors = list(errors_in_items("ocds-release", [(f"release {r['id']}", r) for r in fresh]))
    by_ocid = {ocid: list(releases) for ocid, releases in stored.items()}
    for release in fresh:
        by_ocid.setdefault(release["ocid"], []).append(release)
    if not by_ocid:
        return _finish(kind, status=PublicationStatus.EMPTY, by=by,
                       requested_by_id=requested_by_id)
    records = [record(ocid, sorted(releases, key=lambda r: r["date"]))
               for ocid, releases in sorted(by_ocid.items())]
    package = record_package(
        records, uri=f"{facts.base_url()}/open-data/ocds.json", published_at=now,
        publisher=_publisher(),
        packages=[release_url(r["id"]) for rec in records for r in rec["releases"]])
    errors += errors_in("ocds-record-package", package)
    if errors:
        return _finish(kind, status=PublicationStatus.REFUSED, by=by,
                       requested_by_id=requested_by_id, errors=errors, count=len(records))
    data = json.dumps(package, ensure_ascii=False).encode()
    json_key = storage.new_key("open-data", ".json")
    digest = storage.save(json_key, data)
    publication = _finish(kind, status=PublicationStatus.PUBLISHED, by=by,
                          requested_by_id=requested_by_id, count=len(records),
                          json_key=json_key, sha256=digest)
    for release in fresh:
        db.session.add(OcdsRelease(ocid=release["ocid"], release_id=release["id"],
                                   date=release["date"], tags=release["tag"], data=release,
                                   publication_id=publication.id))
    return publication


def release_package_for(release_id: str) -> dict:
    """A published release in a package of its own (one package per change)."""
    row = db.session.scalar(select(OcdsRelease).where(OcdsRelease.release_id == release_id))
    if row is None:
        raise NotFound(_("No published release has this id."))
    return release_package([row.data], uri=release_url(release_id), published_at=row.published_at,
                           publisher=_publisher())


# --- what visitors and the admin see -------------------------------------------------------


@dataclass(frozen=True)
class DatasetState:
    kind: DatasetKind
    current: Publication | None  # the last valid file: what visitors download
    latest: Publication | None  # the last run, whatever its outcome (the admin's view)


def dataset_states() -> list[DatasetState]:
    states = []
    for kind in DatasetKind:
        latest = db.session.scalar(select(Publication).where(Publication.kind == kind)
                                   .order_by(Publication.id.desc()).limit(1))
        current = db.session.scalar(
            select(Publication).where(Publication.kind == kind,
                                      Publication.status == PublicationStatus.PUBLISHED)
            .order_by(Publication.id.desc()).limit(1))
        states.append(DatasetState(kind, current, latest))
    return states


def current_file(kind: DatasetKind, extension: str) -> tuple[str, str]:
    """(storage key, sha256) of the published file, or NotFound while none is valid."""
    state = next(s for s in dataset_states() if s.kind == kind)
    key = None
    if state.current is not None:
        key = state.current.xlsx_key if extension == "xlsx" else state.current.json_key
    if key is None or not storage.exists(key):
        raise NotFound(_("This dataset has not been published yet."))
    return key, state.current.sha256 or ""


def list_releases(*, page: int = 1, per_page: int = 50):
    return db.paginate(select(OcdsRelease).order_by(OcdsRelease.date.desc(), OcdsRelease.id),
                       page=page, per_page=per_page, error_out=False)
