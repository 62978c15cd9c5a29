"""The public open-data page and its files (360Giving JSON and XLSX, OCDS records, releases)."""

from flask import jsonify, render_template, request, send_file

from app.core import storage
from app.core.access import public
from app.opendata.models import DatasetKind
from app.opendata.services.publication import (
    current_file,
    dataset_states,
    list_releases,
    release_package_for,
)
from app.opendata.views import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/")
@public
def index():
    return render_template("opendata/index.html", states=dataset_states(),
                           releases=list_releases(page=request.args.get("page", 1, type=int)))


def _file(kind: DatasetKind, extension: str, mimetype: str, name: str):
    key, digest = current_file(kind, extension)
    response = send_file(storage.path_for(key), mimetype=mimetype, download_name=name,
                         etag=f"{digest}-{extension}", conditional=True, max_age=300)
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@bp.get("/360giving.json")
@public
def threesixtygiving_json():
    return _file(DatasetKind.THREESIXTYGIVING, "json", "application/json", "360giving.json")


@bp.get("/360giving.xlsx")
@public
def threesixtygiving_xlsx():
    return _file(DatasetKind.THREESIXTYGIVING, "xlsx", XLSX, "360giving.xlsx")


@bp.get("/ocds.json")
@public
def ocds_records():
    return _file(DatasetKind.OCDS, "json", "application/json", "ocds-records.json")


@bp.get("/ocds/releases/<release_id>.json")
@public
def ocds_release(release_id: str):
    response = jsonify(release_package_for(release_id))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
