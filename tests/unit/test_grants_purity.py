"""The grants package's own pure rule modules import no framework (design §1)."""

import pytest

from tests.unit.test_architecture import APP, forbidden_imports

GRANT_RULE_MODULES = ["grants/lifecycle.py", "grants/agreement.py", "grants/allocation.py"]


@pytest.mark.parametrize("module", GRANT_RULE_MODULES)
def test_grant_rule_module_imports_no_framework(module):
    assert forbidden_imports((APP / module).read_text()) == set()
