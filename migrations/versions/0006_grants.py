"""grants: tables of the grants package (filled in by its issue)

Revision ID: 0006_grants
Revises: 0005_evaluation
"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = '0006_grants'
down_revision = '0005_evaluation'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
