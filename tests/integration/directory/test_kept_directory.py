"""Partner suggestions keep the directory, and each application's suggestions, as read at one
directory generation (app/directory/services/kept_directory.py): a second page reads no
organisation, and any change to an organisation, a profile or the search index is seen by the
next page."""

from sqlalchemy import select

from app.core.extensions import db
from app.directory.models import DirectoryGeneration
from app.directory.services import kept_directory
from app.directory.services.search import rebuild_index
from tests.integration.directory.test_suggestions_page import (  # noqa: F401
    failing,
    suggested_ids,
)


def _generation() -> int:
    return db.session.scalar(select(DirectoryGeneration.generation))


def _organisations_read(statements) -> int:
    return sum("FROM organisations" in s and "organisation_search" in s for s in statements)


def test_a_second_page_reads_no_organisation(client, sign_in, failing, make_listed,  # noqa: F811
                                             count_queries):
    listed = make_listed("Graz Robotics Institute", country="AT", org_type="REC",
                         fields_of_science=["1.2"])
    sign_in(failing.coordinator)
    url = f"/organisations/suggestions/{failing.application.id}"
    with count_queries() as first:
        assert listed.organisation.id in suggested_ids(client.get(url).get_data(as_text=True))
    with count_queries() as second:
        assert listed.organisation.id in suggested_ids(client.get(url).get_data(as_text=True))
    assert _organisations_read(first) == 1
    assert _organisations_read(second) == 0


def test_a_changed_or_new_organisation_is_seen_at_once(client, sign_in, failing, make_listed):  # noqa: F811
    sign_in(failing.coordinator)
    url = f"/organisations/suggestions/{failing.application.id}"
    moving = make_listed("Moving Lab", country="AT", org_type="REC", fields_of_science=["1.2"])
    assert moving.organisation.id in suggested_ids(client.get(url).get_data(as_text=True))

    before = _generation()
    moving.organisation.country = "US"  # outside the call's countries: no longer suggested
    db.session.commit()
    assert _generation() == before + 1
    newcomer = make_listed("New Lab", country="FR", org_type="REC", fields_of_science=["1.2"])
    ids = suggested_ids(client.get(url).get_data(as_text=True))
    assert moving.organisation.id not in ids
    assert newcomer.organisation.id in ids


def test_rebuilding_the_search_index_is_a_new_generation(app, make_listed):
    make_listed("Indexed Lab", country="AT", org_type="REC")
    before = _generation()
    rebuild_index()
    db.session.commit()
    assert _generation() == before + 1


def test_a_transaction_that_changed_the_directory_keeps_nothing(make_listed):
    listed = make_listed("Undecided Lab", country="AT", org_type="REC")
    assert kept_directory._generation() is not None
    listed.organisation.name = "Renamed Lab"
    db.session.flush()  # seen by this transaction only, and maybe rolled back
    assert kept_directory._generation() is None
    db.session.rollback()
    assert kept_directory._generation() is not None


def test_a_pending_change_flushed_by_the_generation_read_keeps_nothing(make_listed):
    listed = make_listed("Moving Lab", country="AT", org_type="REC")
    listed.organisation.country = "US"  # not flushed yet: the generation's SELECT flushes it
    assert kept_directory._generation() is None
    db.session.rollback()


def test_a_released_savepoint_leaves_the_transaction_marked(make_listed):
    listed = make_listed("Moving Lab", country="AT", org_type="REC")
    listed.organisation.country = "US"
    db.session.flush()
    with db.session.begin_nested():
        pass
    assert kept_directory._generation() is None  # still the outer, uncommitted transaction
    db.session.rollback()


def test_rebuilding_the_index_marks_its_transaction(make_listed):
    make_listed("Indexed Lab", country="AT", org_type="REC")
    rebuild_index()
    assert kept_directory._generation() is None
    db.session.rollback()


def test_a_new_member_of_an_organisation_is_no_new_generation(make_listed, make_user):
    listed = make_listed("Busy Lab", country="AT", org_type="REC")
    before = _generation()
    make_user(organisation=listed.organisation)  # its users: nothing suggestions read
    assert _generation() == before
