"""applications: tables of the applications package (filled in by its issue)

Revision ID: 0003_applications
Revises: 0002_calls_applications
"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = '0003_applications'
down_revision = '0002_calls_applications'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
