"""Publication of open data (reference §5): valid against the official schemas or not offered,
organisations only, and one OCDS release per change of a tender."""

import io
import json
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.core import storage
from app.core.extensions import db
from app.demo.seed import seed_demo
from app.grants.services import disbursements
from app.opendata.models import OcdsRelease, Publication, PublicationStatus
from app.opendata.services import publication
from app.opendata.services.publication import publish_360giving, publish_all, publish_ocds
from tests.conftest import csrf_token
from tests.integration.opendata.conftest import official_errors


def _json(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return json.loads(response.data)


def test_the_independent_check_finds_errors(app):
    # A check that cannot fail proves nothing: broken packages must give errors.
    assert official_errors("360giving", {"grants": [{"id": 1}]})
    assert official_errors("release-package", {"releases": []})


def test_the_demo_publishes_valid_360giving_and_ocds(app, client):
    seed_demo()
    grants, processes = publish_all(by=None)
    db.session.commit()
    assert (grants.status, processes.status) == (PublicationStatus.PUBLISHED,) * 2
    package = _json(client, "/open-data/360giving.json")
    assert official_errors("360giving", package) == []
    assert len(package["grants"]) == grants.item_count == 3
    assert all(g["id"].startswith("360G-") for g in package["grants"])
    assert any(o["id"].startswith("XI-PIC-") for g in package["grants"]
               for o in g["recipientOrganization"])
    records = _json(client, "/open-data/ocds.json")
    assert official_errors("record-package", records) == []
    for rec in records["records"]:
        for release in rec["releases"]:
            single = _json(client, f"/open-data/ocds/releases/{release['id']}.json")
            assert official_errors("release-package", single) == []
    # People stay out: no demo user's name or e-mail is in any published file.
    people = db.session.execute(select(User.name, User.email)).all()
    text = json.dumps(package) + json.dumps(records)
    assert people and not [p for p in people if p.name in text or p.email in text]


def test_the_spreadsheet_is_the_standards_flattened_form(app, client):
    seed_demo()
    publish_all(by=None)
    db.session.commit()
    response = client.get("/open-data/360giving.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data))["grants"]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Identifier", "Title", "Description"]
    assert sheet.max_row == 4  # a header and the three demo grants


def test_a_tender_publishes_one_release_per_change(app, client, tender_case):
    first = publish_ocds(by=None)
    db.session.commit()
    tags = [r.tags for r in db.session.scalars(select(OcdsRelease).order_by(OcdsRelease.date))]
    assert tags == [["planning", "tender"], ["award"], ["contract"], ["implementation"]]
    records = _json(client, "/open-data/ocds.json")
    assert official_errors("record-package", records) == []
    compiled = records["records"][0]["compiledRelease"]
    assert compiled["tender"]["numberOfTenderers"] == 1
    assert compiled["awards"][0]["value"]["amount"] == 125000
    assert compiled["contracts"][0]["id"] == tender_case.grant.agreement_number

    publish_ocds(by=None)  # nothing changed: nothing new
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(OcdsRelease)) == 4

    # A reversal is a change too: a negative transaction, in a release of its own.
    disbursements.reverse_disbursement(
        tender_case.payment.id, by=tender_case.finance, reason="Wrong account",
        value_date=date(2026, 2, 1), idempotency_key=disbursements.new_idempotency_key())
    db.session.commit()
    publish_ocds(by=None)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(OcdsRelease)) == 5
    records = _json(client, "/open-data/ocds.json")
    assert official_errors("record-package", records) == []
    paid = records["records"][0]["compiledRelease"]["contracts"][0]["implementation"]
    assert len(paid["transactions"]) == 2
    assert first.status == PublicationStatus.PUBLISHED


def test_an_invalid_export_is_refused_and_the_admin_sees_why(app, client, make_grant, make_user,
                                                            sign_in, monkeypatch):
    make_grant()
    good = publish_360giving(by=None)
    db.session.commit()
    original = publication.grant_record
    monkeypatch.setattr(publication, "grant_record",
                        lambda facts: {**original(facts), "currency": "EURO"})
    refused = publish_360giving(by=None)
    db.session.commit()
    assert refused.status == PublicationStatus.REFUSED and refused.json_key is None
    assert refused.error_count == 1
    assert refused.errors[0].startswith('grants/0/currency: "EURO" is not one of')
    # Visitors still get the last valid file.
    assert _json(client, "/open-data/360giving.json")["grants"][0]["currency"] == "EUR"
    assert storage.exists(good.json_key)
    sign_in(make_user(Role.admin))
    page = client.get("/open-data/admin").get_data(as_text=True)
    assert "Refused" in page and "grants/0/currency" in page


def test_nothing_to_publish_is_said_not_faked(app, client):
    grants, processes = publish_all(by=None)
    assert (grants.status, processes.status) == (PublicationStatus.EMPTY,) * 2
    assert client.get("/open-data/360giving.json").status_code == 404
    assert "Not published yet." in client.get("/open-data/").get_data(as_text=True)


def test_the_admin_publishes_with_a_confirmation(app, client, make_grant, make_user, sign_in):
    make_grant()
    sign_in(make_user(Role.admin))
    token = csrf_token(client, "/open-data/admin")
    refused = client.post("/open-data/admin/publish", data={"csrf_token": token})
    assert refused.status_code == 400 and b"Tick the box" in refused.data
    assert db.session.scalar(select(func.count()).select_from(Publication)) == 0
    done = client.post("/open-data/admin/publish", data={"csrf_token": token, "confirm": "y"})
    assert done.status_code == 302
    kinds = db.session.execute(select(Publication.kind, Publication.status)).all()
    assert sorted(kinds) == [("360giving", "published"), ("ocds", "empty")]


@pytest.mark.parametrize(("prefix", "org_id", "error"), [
    ("CADSES", "", "is not a 360Giving prefix"),
    ("360G-CADSES", "not an id", "An org-id is a list code"),
])
def test_a_funder_identity_is_checked_next_to_its_field(app, client, make_grant, make_user,
                                                       sign_in, prefix, org_id, error):
    case = make_grant()
    sign_in(make_user(Role.admin))
    url = f"/open-data/admin/funders/{case.grant.call.funder_id}"
    response = client.post(url, data={"csrf_token": csrf_token(client, url),
                                      "grant_prefix": prefix, "org_id": org_id})
    assert response.status_code == 200
    assert error in response.get_data(as_text=True)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_a_registered_prefix_names_the_funders_grants(app, client, make_grant, make_user,
                                                     sign_in):
    case = make_grant()
    sign_in(make_user(Role.admin))
    url = f"/open-data/admin/funders/{case.grant.call.funder_id}"
    saved = client.post(url, data={"csrf_token": csrf_token(client, url),
                                   "grant_prefix": "360G-CADSES", "org_id": "XI-PIC-999999999"})
    assert saved.status_code == 302
    publish_360giving(by=None)
    db.session.commit()
    grant = _json(client, "/open-data/360giving.json")["grants"][0]
    assert grant["id"] == f"360G-CADSES-{case.grant.agreement_number}"
    assert grant["fundingOrganization"][0]["id"] == "XI-PIC-999999999"
