"""evaluation: tables of the evaluation package (filled in by its issue)

Revision ID: 0005_evaluation
Revises: 0004_directory
"""
from alembic import op
import sqlalchemy as sa

import app.database


# revision identifiers, used by Alembic.
revision = '0005_evaluation'
down_revision = '0004_directory'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
