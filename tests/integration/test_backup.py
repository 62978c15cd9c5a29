"""`flask backup` and `flask restore`: a round trip reproduces every table's checksum and every
file; a restore refuses a non-empty target and a damaged archive; with files missing, receipts
and reports answer with a page, never a 500."""

import json
import shutil
import tarfile
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from app.applications.models import Submission
from app.applications.services.attachments import upload_attachment
from app.applications.services.submission import submit_application
from app.core import storage
from app.core.backup import table_checksums
from app.core.extensions import db
from app.core.mail import send_mail
from tests import services
from tests.factories.applications import PDF_BYTES, TECHNICAL_ANNEX


@pytest.fixture
def submitted(make_call, make_consortium):
    """Rows in many tables and files on disk: an attachment and a rendered receipt."""
    consortium = make_consortium(call=make_call(required_attachments=TECHNICAL_ANNEX))
    application = consortium.application
    upload_attachment(application.id, by=consortium.coordinator, kind="technical_annex",
                      filename="annex.pdf", data=PDF_BYTES, expected_version=application.version)
    db.session.commit()
    made = submit_application(application.id, by=consortium.coordinator,
                              idempotency_key="backup-test",
                              expected_version=db.session.get(
                                  type(application), application.id).version)
    send_mail("someone@example.org", "Hello", "Body")
    db.session.commit()  # eager jobs: the receipt is rendered now
    assert storage.exists(made.receipt_path)
    return consortium, made


@pytest.fixture
def empty_target(backend, tmp_path):
    """A new, empty database on the same backend, and its engine."""
    if backend == "postgresql":
        import psycopg

        name = f"{services.TEST_DATABASE}_restore"
        with psycopg.connect(services.POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {name}")
        base = services.POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        url = base.replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
    else:
        url = f"sqlite:///{tmp_path / 'restored.db'}"
    engine = create_engine(url)
    yield engine
    engine.dispose()
    if backend == "postgresql":
        import psycopg

        with psycopg.connect(services.POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _run(app, *args):
    with app.app_context():  # the CLI runs in the context it finds, so give it this app's
        result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.output


def _restore_into(app, engine, files_dir: Path, archive: Path):
    """`flask restore` as an app configured with the target database and files folder."""
    from app.factory import create_app

    target = create_app("testing", SQLALCHEMY_DATABASE_URI=engine.url.render_as_string(
        hide_password=False), FILES_DIR=files_dir)
    try:
        return _run(target, "restore", str(archive))
    finally:
        with target.app_context():
            db.engine.dispose()


def test_backup_then_restore_reproduces_every_table_and_every_file(
        app, submitted, empty_target, tmp_path):
    archive = tmp_path / "backup.tar"
    code, output = _run(app, "backup", "--output", str(archive))
    assert code == 0, output
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    with db.engine.connect() as connection:
        source_tables = table_checksums(connection)
    assert manifest["tables"] == source_tables
    assert source_tables["submissions"]["rows"] == 1 and source_tables["outbox_messages"]["rows"]
    files_dir = Path(app.config["FILES_DIR"])
    source_files = {path.relative_to(files_dir).as_posix(): path.read_bytes()
                    for path in files_dir.rglob("*") if path.is_file()
                    and path.relative_to(files_dir).parts[0] != storage.PARTIAL_DIR}
    assert set(manifest["files"]) == set(source_files)
    _, made = submitted
    assert made.receipt_path in manifest["files"]

    restored_files = tmp_path / "restored-files"
    code, output = _restore_into(app, empty_target, restored_files, archive)
    assert code == 0, output
    assert "Restored and verified" in output
    with empty_target.connect() as connection:
        assert table_checksums(connection) == source_tables  # every table, row for row
    assert {path.relative_to(restored_files).as_posix(): path.read_bytes()
            for path in restored_files.rglob("*") if path.is_file()} == source_files

    # A second restore over what is there now is refused: only into an empty database.
    code, output = _restore_into(app, empty_target, tmp_path / "other-files", archive)
    assert code != 0 and "The database is not empty" in output


def test_a_damaged_archive_is_refused_before_anything_is_restored(
        app, submitted, empty_target, tmp_path):
    archive = tmp_path / "backup.tar"
    assert _run(app, "backup", "--output", str(archive))[0] == 0
    damaged = tmp_path / "damaged.tar"
    with tempfile.TemporaryDirectory() as work:
        with tarfile.open(archive) as tar:
            tar.extractall(work, filter="data")
        annex = next(Path(work, "files").rglob("*.pdf"))
        annex.write_bytes(annex.read_bytes() + b"tampered")
        with tarfile.open(damaged, "w") as tar:
            for path in sorted(Path(work).iterdir()):
                tar.add(path, arcname=path.name)
    code, output = _restore_into(app, empty_target, tmp_path / "files", damaged)
    assert code != 0 and "Checksum mismatch" in output and "the archive is damaged" in output
    with empty_target.connect() as connection:
        assert table_checksums(connection) == {}  # nothing was restored
    assert not (tmp_path / "files").exists()


def test_restored_without_files_receipts_offer_to_prepare_again(
        app, client, submitted, sign_in, files_dir):
    consortium, made = submitted
    saved = Path(tempfile.mkdtemp())
    shutil.copytree(files_dir, saved, dirs_exist_ok=True)
    try:
        storage.path_for(made.receipt_path).unlink()  # as after a restore without the files
        sign_in(consortium.coordinator)
        url = f"/applications/{consortium.application.id}/submissions/{made.id}/receipt"
        response = client.get(url)
        assert response.status_code == 202
        assert "Prepare the receipt again" in response.get_data(as_text=True)
        attachment = db.session.get(Submission, made.id).application.attachments[0]
        storage.path_for(attachment.storage_key).unlink()
        missing = client.get(
            f"/applications/{consortium.application.id}/attachments/{attachment.id}")
        assert missing.status_code == 404
        assert "no longer stored" in missing.get_data(as_text=True)
    finally:
        shutil.copytree(saved, files_dir, dirs_exist_ok=True)
        shutil.rmtree(saved)
