"""Migrations are history. Step by step they build exactly the schema the models describe, on
both databases; a committed revision is never edited; every foreign key is indexed; and
`flask demo prepare` (what `make run` calls) rebuilds a demo database an older version broke."""

import hashlib
from pathlib import Path

import pytest
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from tests import services

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"

# sha256 of every migration file (line endings normalised). Databases out there were built by
# these exact files: editing one changes nothing for them and lets a fresh database differ
# from an upgraded one. Fix forward in a new revision, and add its line here with it.
MIGRATION_SHA256 = {
    "0001_platform.py": "cb3de87c6f4ed18cd3c98fd679086258af2abddb357220ebedf9bfd9581d589b",
    "0002_calls_applications.py":
        "8086628bf7e7d0b0fe06df8b92d87253fa7f50d4234ec4a639ed5c962bda3b55",
    "0003_applications.py": "4c654f1ffdcefe07ea98d3a3135449b7bc19b5ca42cb1cfb7ebe7719a0f5f0d3",
    "0004_directory.py": "9ae38665282eb8795c609f1adcce98e76837c2c17bf7eed3c5ad62921ec79780",
    "0005_evaluation.py": "4e60973179ef15d11a2ed83117a70a4bf3b9faf5fac62d3c41df5bb94b84ea54",
    "0006_grants.py": "c0319d5207dbeb119c8b02055849ffa47ab74641afdfaa1e6b3636d883a6aad5",
    "0007_call_first_submission.py":
        "60393beaff28d261c72292c61033c754f5d4ba496e0db71ea6749cbc9fc50c63",
    "0008_foreign_key_indexes.py":
        "76183a33e0353aa841b206301fa2250594ad04cb878a8ffeaad5a1f831830120",
    "0009_open_data_api_tokens.py":
        "6140d1ba89acab3de138eb59bc4247bfc822fe3d63f3607dbc5f6f35119b0256",
    "0010_rules_as_published.py":
        "9350edc29f65bcd27c04b539509978c074a3efc1d2eb87376736419771867260",
    "0011_events_assistance.py":
        "6beb82f29f97938d0af8795744d3c0c7c9d3fca139a5f405bfb4f3468c82d2d4",
    "0012_reliability.py": "01221314f15eb9eb71cc767806f6ab2a3aad6e270ff666d97480d41409c03131",
    "0013_beneficiary_ceilings.py":
        "5474551ccad3963ed9635f988cde470b6087bbc08a83c5a57fd9a6e5fb23fe3c",
    "0014_fair_deadlines.py":
        "112e436c2225902b65ead33c281d83f8d54820ce810562d917d3f26d3b1ca925",
    "0015_second_factor.py": "0cd88ebbfca9d7359f162b8752a09cd5ee5a7d539881bd65733a37c6b1a233e9",
    "0016_bank_accounts.py": "7f4f5a47a2170dbc2416a70f3633515c3cf19ba9fa11af65bf8b680bace8410d",
    "0017_payment_batches.py":
        "2335377a47db6a4507e16db90c14a937855c9d2f4b4b93cb873ffc710de0a986",
    "0018_audit_chain.py": "97146b6168ba2fdb4087223549402f0756229d544dc966940b98858fee073b9a",
    "0019_outbox_redaction.py":
        "3fe1ce41b7a6c03d46ec7fc2d7040d2d6b9c474df6780f8b71eff030801be0fd",
    "0020_submission_ranking_fields.py":
        "71a9c4a797a55636476afd407f6255306c71315994319e6c1e00461312976218",
    "0021_de_minimis.py": "b92a8e57b4a8bcceaca9d21a8136d3b9787ca328a5f8ed7e010bcdeb71f93448",
    "0022_email_verification.py":
        "9dcbf4426f3321e72349992e3f1875bac36e0fd9d7a37bc8f8f83220466a50e9",
    "0023_user_language.py": "eced9a9af704acabb47222e4089b5658147d7c56a2be0bfd62e12d0e9e9e6766",
    "0024_grant_amendments.py":
        "26123cca0b1acfbda377094372dd626f72b23bb53e19d484195b335488da2fdd",
    "0025_ranking_cache.py":
        "df253277faca2cdcb9d96b176a5056a8dfeac0b9ede4d762affaa8d916716d83",
    "0026_call_de_minimis_batch_transfers.py":
        "c6c57978b0c3ab47bb6fedfe292c954f6e30dd3078fdf9ecfb2e826cba5e1fc6",
    "0027_list_indexes.py":
        "9f165614cb729473f41e67a5b75e7f2cb1e78924ab57a925b4e145bfb4d9700b",
    "0028_call_translations.py":
        "c26322f7b2b3b76f3a920952df4f71da9f9d82ef371cb409b1ade7df6c552131",
    "0029_amended_agreements.py":
        "29bcbd1dfd3538e1c332b49225e10e1105ca84b2d45558675ac39ff1586642a7",
    "0030_screening_index.py":
        "ed993e71f1949dc8713f58199eeafbcb7f4fa85f12379c38af9f93e19e382bd3",
    "0031_directory_generation.py":
        "db67dc4edea9cdd63ee61a91b4c9b197c818d60113b91c06c656fa2b735c52af",
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


def test_committed_migrations_are_never_edited():
    present = {path.name: _sha256(path) for path in VERSIONS.glob("*.py")}
    unlisted = [f'"{name}": "{present[name]}",'
                for name in sorted(set(present) - set(MIGRATION_SHA256))]
    assert not unlisted, "new migrations: add to MIGRATION_SHA256\n" + "\n".join(unlisted)
    deleted = sorted(set(MIGRATION_SHA256) - set(present))
    assert not deleted, f"committed migrations deleted: {deleted}"
    edited = sorted(name for name, digest in MIGRATION_SHA256.items() if present[name] != digest)
    assert not edited, f"committed migrations edited: {edited}; write a new revision instead"


# --- apps on databases of their own ------------------------------------------------------


def _new_app(url: str, tmp_path: Path):
    from app.factory import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, FILES_DIR=tmp_path / "files")
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    app.instance_path = str(instance)  # what `demo prepare` treats as the demo's folder
    return app


def _dispose(app) -> None:
    from app.core.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def scratch_url(backend, tmp_path):
    """An empty database on the backend: the shared test database is already at head."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    import psycopg

    name = f"{services.TEST_DATABASE}_scratch"
    admin = services.POSTGRES_ADMIN_URL
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    yield admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + "/" + name
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def scratch_app(scratch_url, tmp_path):
    app = _new_app(scratch_url, tmp_path)
    yield app
    _dispose(app)  # before scratch_url drops the database


@pytest.fixture
def demo_app(tmp_path):
    """An app whose database is where the default DATABASE_URL puts the demo's."""
    app = _new_app(f"sqlite:///{tmp_path / 'instance' / 'opencall.db'}", tmp_path)
    yield app
    _dispose(app)


def _script(flask_app) -> ScriptDirectory:
    """The revisions (create_app() keeps the `app.database` name they import resolvable)."""
    return ScriptDirectory.from_config(_config(flask_app))


def _config(app):
    with app.app_context():  # Flask-Migrate reads `g` while building the Alembic config
        return app.extensions["migrate"].migrate.get_config()


def _current_revision(app) -> str | None:
    from app.core.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _execute(app, sql: str) -> None:
    from app.core.extensions import db

    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text(sql))


def _scalar(app, sql: str):
    from app.core.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        return connection.execute(text(sql)).scalar()


# --- one revision at a time --------------------------------------------------------------


def test_migrations_step_up_to_the_models_and_back_down(scratch_app):
    """Each revision must work on the database its predecessor left, not only in one go."""
    from app.core.extensions import db

    config = _config(scratch_app)
    script = _script(scratch_app)
    assert len(script.get_heads()) == 1, f"history has branched: {script.get_heads()}"
    revisions = list(reversed(list(script.walk_revisions())))
    with scratch_app.app_context():
        previous = None
        for revision in revisions:
            assert revision.down_revision == previous, f"{revision.revision} is out of line"
            command.upgrade(config, revision.revision)
            assert _current_revision(scratch_app) == revision.revision
            previous = revision.revision
        command.check(config)  # `flask db check`: raises, listing them, on any difference
        for revision in reversed(revisions):
            command.downgrade(config, "-1")
            assert _current_revision(scratch_app) == revision.down_revision
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}


def test_the_audit_chain_migration_chains_existing_events(scratch_app):
    """Events written before 0018 get their links, and the chain verifies after it."""
    from app.core.audit_chain import verify
    from app.core.extensions import db

    config = _config(scratch_app)
    with scratch_app.app_context():
        command.upgrade(config, "0017_payment_batches")
        for n in range(3):
            _execute(scratch_app, "INSERT INTO audit_events (action, target_type, target_id, "
                                  f"data, at) VALUES ('old.step', 'system', NULL, "
                                  f"'{{\"n\": {n}, \"é\": \"ü\"}}', "
                                  f"'2026-0{n + 1}-02 03:04:05.{n}67890')")
        command.upgrade(config, "0018_audit_chain")
        assert verify(db.session) == (3, None)
        db.session.remove()


def test_the_outbox_migration_removes_links_from_messages_that_left(scratch_app):
    config = _config(scratch_app)
    with scratch_app.app_context():
        command.upgrade(config, "0018_audit_chain")
        for status in ("sent", "kept"):
            _execute(scratch_app, "INSERT INTO outbox_messages (recipient, subject, body, "
                                  "created_at, status, attempts) VALUES ('a@example.org', 'Reset', "
                                  "'Here: https://x.eu/accounts/reset/abc.def ok', "
                                  f"'2026-01-01 00:00:00', '{status}', 1)")
        command.upgrade(config, "0019_outbox_redaction")
    assert _scalar(scratch_app, "SELECT body FROM outbox_messages WHERE status = 'sent'") == (
        "Here: [link removed from the outbox once sent] ok")
    assert "abc.def" in _scalar(scratch_app,
                                "SELECT body FROM outbox_messages WHERE status = 'kept'")


def _insert_bare_row(connection, table: str, **values) -> None:
    """A row with every NOT NULL column given a plain value of its type (`values` win)."""
    plain = {"INT": 100, "BOOL": False, "DATETIME": "2026-01-01 00:00:00",
             "DATE": "2026-01-01", "JSON": "{}", "NUMERIC": 100}
    row = {}
    for column in inspect(connection).get_columns(table):
        if column["name"] in values or column["nullable"]:
            continue
        kind = str(column["type"]).upper()
        row[column["name"]] = next((value for prefix, value in plain.items()
                                    if kind.startswith(prefix)), "x")
    row.update(values)
    names = ", ".join(row)
    connection.execute(text(f"INSERT INTO {table} ({names}) VALUES "
                            f"({', '.join(':' + name for name in row)})"), row)


@pytest.mark.parametrize("backend", ["sqlite"])  # the UPDATE is plain SQL on both
def test_de_minimis_becomes_a_call_setting_and_grants_keep_their_flag(scratch_app):
    """0026: a call with a grant prepared as de minimis aid is a de minimis call; the grants
    keep the flag they were prepared with."""
    from app.core.extensions import db

    config = _config(scratch_app)
    with scratch_app.app_context():
        command.upgrade(config, "0025_ranking_cache")
        with db.engine.begin() as connection:
            connection.execute(text("PRAGMA foreign_keys=OFF"))  # bare rows, no parents
            for call_id in (1, 2, 3):
                _insert_bare_row(connection, "calls", id=call_id, reference=f"C-{call_id}",
                                 closes_at="2026-02-01 00:00:00")
            for grant_id, call_id, flag in ((1, 1, True), (2, 1, False), (3, 2, False)):
                _insert_bare_row(connection, "grants", id=grant_id, call_id=call_id,
                                 application_id=grant_id, agreement_number=f"G-{grant_id}",
                                 de_minimis=flag, disbursed_amount=0)
        command.upgrade(config, "0026_call_de_minimis")
        db.session.remove()
    assert [_scalar(scratch_app, f"SELECT de_minimis FROM calls WHERE id = {i}")
            for i in (1, 2, 3)] == [1, 0, 0]
    assert [_scalar(scratch_app, f"SELECT de_minimis FROM grants WHERE id = {i}")
            for i in (1, 2, 3)] == [1, 0, 0]


def test_models_and_migrations_agree(app):
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output  # non-zero lists the missing operations


# --- every foreign key is indexed ----------------------------------------------------------

# A foreign key whose columns are not the leading columns of some (non-partial) index.
_UNINDEXED_POSTGRESQL = """
    SELECT c.conrelid::regclass::text || '.' || c.conname
    FROM pg_constraint c
    WHERE c.contype = 'f'
      AND NOT EXISTS (
        SELECT 1 FROM pg_index i
        WHERE i.indrelid = c.conrelid AND i.indpred IS NULL
          AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
          AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
    ORDER BY 1
"""


def _unindexed_sqlite(connection) -> list[str]:
    def rows(sql):
        return connection.exec_driver_sql(sql).mappings().all()

    unindexed = []
    tables = [r["name"] for r in rows("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        leading = []  # column lists, in order, of every index on the table
        for index in rows(f"PRAGMA index_list('{table}')"):
            if not index["partial"]:
                info = sorted(rows(f"PRAGMA index_info('{index['name']}')"),
                              key=lambda r: r["seqno"])
                leading.append([r["name"] for r in info])
        key = [r for r in rows(f"PRAGMA table_info('{table}')") if r["pk"]]
        if len(key) == 1 and key[0]["type"].upper() == "INTEGER":
            leading.append([key[0]["name"]])  # the rowid itself: indexed, yet not in index_list
        foreign_keys = {}
        for row in sorted(rows(f"PRAGMA foreign_key_list('{table}')"), key=lambda r: r["seq"]):
            foreign_keys.setdefault(row["id"], []).append(row["from"])
        for columns in foreign_keys.values():
            if not any(sorted(index[:len(columns)]) == sorted(columns) for index in leading):
                unindexed.append(f"{table}.{'_'.join(columns)}")
    return sorted(unindexed)


def test_every_foreign_key_leads_an_index(app, backend):
    """Deleting a referenced row, or joining from it, must not scan the referencing table."""
    from app.core.extensions import db

    with db.engine.connect() as connection:
        if backend == "postgresql":  # the catalog: what really exists, whatever built it
            unindexed = connection.execute(text(_UNINDEXED_POSTGRESQL)).scalars().all()
        else:
            unindexed = _unindexed_sqlite(connection)
        foreign_keys = sum(len(inspect(connection).get_foreign_keys(table))
                           for table in inspect(connection).get_table_names())
    assert foreign_keys > 50  # the query did look at the schema
    assert not unindexed, f"foreign keys without an index: {unindexed}"


# --- `flask demo prepare` ------------------------------------------------------------------

_MARKER = ("INSERT INTO login_failures (email, ip, at) "
           "VALUES ('left@behind.example', '127.0.0.1', '2020-01-01 00:00:00')")
_MARKED = "SELECT COUNT(*) FROM login_failures WHERE email = 'left@behind.example'"
_UNKNOWN = "UPDATE alembic_version SET version_num = '0099_from_a_newer_branch'"

# What an older version of OpenCall can leave behind.
BREAKAGES = {
    # at head by name, but the tables are not what the models describe: `db check` fails
    "column-dropped": "ALTER TABLE calls DROP COLUMN first_submission_at",
    # a revision this version does not know (renamed or from another branch): upgrade fails
    "unknown-revision": _UNKNOWN,
    # tables built without Alembic: upgrade fails on the first CREATE TABLE
    "not-versioned": "DROP TABLE alembic_version",
}


def _build(app, revision: str = "head") -> None:
    with app.app_context():
        command.upgrade(_config(app), revision)
    _execute(app, _MARKER)


def _prepare(app):
    return app.test_cli_runner().invoke(args=["demo", "prepare"])


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_prepare_rebuilds_a_broken_demo_database(demo_app, breakage):
    _build(demo_app)
    _execute(demo_app, BREAKAGES[breakage])

    result = _prepare(demo_app)
    assert result.exit_code == 0, result.output
    assert "rebuilding it" in result.output
    check = demo_app.test_cli_runner().invoke(args=["db", "check"])
    assert check.exit_code == 0, check.output
    assert _scalar(demo_app, _MARKED) == 0  # a new database, not the old one patched


def test_prepare_upgrades_a_healthy_demo_database_and_keeps_its_data(demo_app):
    head = _script(demo_app).get_revision("head")
    _build(demo_app, head.down_revision)

    result = _prepare(demo_app)
    assert result.exit_code == 0, result.output
    assert "rebuilding" not in result.output
    assert _current_revision(demo_app) == head.revision
    assert _scalar(demo_app, _MARKED) == 1


def test_prepare_refuses_to_delete_a_database_that_is_not_the_demo(scratch_app, scratch_url):
    """A broken database outside the instance folder (or on PostgreSQL) may hold real data."""
    _build(scratch_app)
    _execute(scratch_app, _UNKNOWN)

    result = _prepare(scratch_app)
    assert result.exit_code != 0
    assert "Not rebuilding it" in result.output
    assert _scalar(scratch_app, _MARKED) == 1
    version = _scalar(scratch_app, "SELECT version_num FROM alembic_version")
    assert version == "0099_from_a_newer_branch"
    if scratch_url.startswith("sqlite"):
        assert Path(scratch_url.removeprefix("sqlite:///")).is_file()
