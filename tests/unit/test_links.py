"""Where a `next=` may lead: only to a path of this site (app/core/links.py)."""

import pytest

from app.core.links import same_site_path


@pytest.mark.parametrize("target", [
    None, "", "applications", "https://evil.example/", "//evil.example/",
    "/\\evil.example/",  # browsers read "\" as "/": //evil.example
    "/\t/evil.example/", "/\n/evil.example/",  # and drop tabs and line breaks
    "http:/evil.example/",
])
def test_anything_that_could_leave_the_site_is_refused(target):
    assert same_site_path(target) is None


@pytest.mark.parametrize(("target", "path"), [
    ("/", "/"),
    ("/applications/", "/applications/"),
    ("/applications/?page=2&q=web", "/applications/?page=2&q=web"),
    ("/grants/1#payments", "/grants/1"),
])
def test_a_path_of_this_site_is_kept(target, path):
    assert same_site_path(target) == path
