"""Demo open data: the demo funder's 360Giving prefix, and a first publication of both files."""

from sqlalchemy import select

from app.accounts.models import Funder
from app.core.extensions import db
from app.opendata.models import FunderIdentity
from app.opendata.services.publication import publish_all

DEMO_PREFIX = "360G-CADSESICT"  # the form 360Giving registers; a real funder asks for its own


def seed_open_data() -> None:
    """Give the demo funder its prefix (once) and publish: valid files appear at /open-data/.
    Publishing again makes a new publication of the same data (and no new OCDS release)."""
    funder = db.session.scalar(select(Funder).where(Funder.short_name == "CADSES-ICT"))
    if funder is None:
        return
    if db.session.scalar(select(FunderIdentity).where(FunderIdentity.funder_id == funder.id)) \
            is None:
        db.session.add(FunderIdentity(funder_id=funder.id, grant_prefix=DEMO_PREFIX))
        db.session.flush()
    publish_all(by=None)
