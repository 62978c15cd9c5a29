"""OCDS packaging: release packages, the compiled release of a process and record packages."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.opendata.rules.ocds import OCDS_VERSION


@dataclass(frozen=True)
class Publisher:
    name: str
    uid: str | None
    uri: str | None
    license_url: str


def _publisher(publisher: Publisher) -> dict:
    data: dict[str, Any] = {"name": publisher.name}
    if publisher.uid:
        data.update(scheme="org-id", uid=publisher.uid)
    if publisher.uri:
        data["uri"] = publisher.uri
    return data


def release_package(releases: list[dict], *, uri: str, published_at: datetime,
                    publisher: Publisher) -> dict:
    return {"uri": uri, "version": OCDS_VERSION, "publishedDate": published_at.isoformat(),
            "publisher": _publisher(publisher), "license": publisher.license_url,
            "releases": releases}


def _merge(into: Any, value: Any) -> Any:
    """OCDS merging of one value into the compiled one: objects field by field, arrays of
    objects with ids item by item (matched on id), anything else replaced by the newer value."""
    if isinstance(into, Mapping) and isinstance(value, Mapping):
        merged = dict(into)
        for key, item in value.items():
            merged[key] = _merge(into.get(key), item) if key in into else item
        return merged
    if _identified(into) and _identified(value):
        by_id = {item["id"]: item for item in into}
        order = [item["id"] for item in into]
        for item in value:
            if item["id"] in by_id:
                by_id[item["id"]] = _merge(by_id[item["id"]], item)
            else:
                by_id[item["id"]] = item
                order.append(item["id"])
        return [by_id[key] for key in order]
    return value


def _identified(value: Any) -> bool:
    return (isinstance(value, list) and bool(value)
            and all(isinstance(item, Mapping) and "id" in item for item in value))


def compile_release(releases: Iterable[dict]) -> dict:
    """The current state of a process: its releases merged in date order."""
    ordered = sorted(releases, key=lambda release: release["date"])
    if not ordered:
        raise ValueError("A process with no release has nothing to compile")
    compiled: dict = {}
    for release in ordered:
        body = {key: value for key, value in release.items() if key not in ("id", "tag")}
        compiled = _merge(compiled, body)
    latest = ordered[-1]
    return {**compiled, "id": f"{latest['ocid']}-compiled-{latest['date']}",
            "date": latest["date"], "tag": ["compiled"]}


def record(ocid: str, releases: list[dict]) -> dict:
    return {"ocid": ocid, "releases": releases, "compiledRelease": compile_release(releases)}


def record_package(records: list[dict], *, uri: str, published_at: datetime,
                   publisher: Publisher, packages: list[str]) -> dict:
    package = {"uri": uri, "version": OCDS_VERSION, "publishedDate": published_at.isoformat(),
               "publisher": _publisher(publisher), "license": publisher.license_url,
               "records": records}
    if packages:
        package["packages"] = packages
    return package
