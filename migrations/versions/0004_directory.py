"""directory: tables of the directory package (filled in by its issue)

Revision ID: 0004_directory
Revises: 0003_applications
"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = '0004_directory'
down_revision = '0003_applications'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
