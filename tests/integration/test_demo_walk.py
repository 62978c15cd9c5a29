"""A walk through the seeded demo as each role: every same-site page reached by links from the
home page and the role's menu (one per endpoint, bounded) answers without a server error,
shows no raw code of the app's vocabularies (``web_content_management``, ``REC``) and no
wrong plural ("1 proposals", "expert(s)").

SQLite only: the walk reads pages; the queries behind them run on both databases elsewhere."""

import importlib
import pkgutil
import re
from enum import Enum
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from sqlalchemy import select

import app as app_package
from app.accounts.models import User
from app.accounts.rules.second_factor import second_factor_required
from app.calls.models import Call
from app.core.classifications import ORG_TYPE_LABELS
from app.core.extensions import db
from app.demo.seed import DEMO_PASSWORD, seed_demo
from tests.conftest import csrf_token
from tests.factories.accounts import answer_second_factor, enrol
from tests.integration.robustness.crawl import SKIPPED_PREFIXES, SKIPPED_SUFFIXES, endpoint_of

PAGES_PER_ROLE = 60
ROLES = {  # who walks: None is a visitor
    "visitor": None, "coordinator": "coordinator@demo.opencall.eu",
    "partner": "partner@demo.opencall.eu", "officer": "officer@demo.opencall.eu",
    "evaluator": "expert@demo.opencall.eu", "finance officer": "finance@demo.opencall.eu",
    "admin": "admin@demo.opencall.eu", "organiser": "organiser@demo.opencall.eu",
    "adviser": "adviser@demo.opencall.eu",
}
# Not walked besides the crawler's: the language switch and sign-out change the session.
WALK_SKIPPED = (*SKIPPED_PREFIXES, "/accounts/language")
# Shown as they are on purpose, never a code: machine-readable pages and raw data.
HIDDEN_TAGS = ("script", "style", "code", "pre", "textarea", "input", "kbd", "samp")
# Nouns the app counts; after "1" each must be singular.
COUNTED = """applications attachments beneficiaries calls checks claims codes countries criteria
days documents evaluations events experts fields files grants hours installments invitations
items lines meetings members messages minutes months organisations pages participants partners
payments people proposals ratings records requests results reviews rules seconds slots tables
tokens users weeks years""".split()
WRONG_PLURAL = re.compile(r"(?<![\d.,])\b1\s+(" + "|".join(COUNTED) + r")\b|\w\(s\)")


def test_the_walk_knows_a_wrong_plural():
    for wrong in ("1 proposals", "Assign 1 experts", "expert(s)", "1  days left"):
        assert WRONG_PLURAL.search(wrong), wrong
    for right in ("1 proposal", "11 proposals", "2.1 proposals", "€1 days", "3 proposals"):
        assert not WRONG_PLURAL.search(right.replace("€", "0.")), right


def _looks_like_a_code(value: str) -> bool:
    """snake_case (``under_evaluation``) or letters run into digits (cost category ``C3``):
    never a word of a sentence, unlike ``draft`` or ``open``."""
    return "_" in value.strip("_") or bool(re.fullmatch(r"[A-Z]+\d+", value))


def _vocabulary_codes() -> set[str]:
    """Codes of the app's enums and code lists that no person writes (see _looks_like_a_code)
    and the CORDIS organisation types (``REC``, ``PRC``)."""
    codes = set(ORG_TYPE_LABELS)
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        if ".views" in module.name or module.name.startswith("app.demo"):
            continue
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            if isinstance(value, type) and issubclass(value, Enum) and value is not Enum:
                codes |= {str(member.value) for member in value
                          if isinstance(member.value, str) and _looks_like_a_code(member.value)}
    return codes


def _seeded_codes() -> set[str]:
    """Codes the demo's calls define: their documents to attach (``technical_annex``)."""
    return {str(document.get("code")) for attachments in db.session.scalars(
                select(Call.required_attachments)) for document in attachments or ()
            if "_" in str(document.get("code", ""))}


def _visible_text(document) -> str:
    for element in document.xpath("//" + " | //".join(HIDDEN_TAGS)):
        element.drop_tree()
    body = document.find("body")
    return " ".join((body if body is not None else document).text_content().split())


def _links(url: str, document) -> list[str]:
    found = []
    for href in document.xpath("//a/@href"):
        parts = urlsplit(urljoin(url, href))
        if parts.netloc not in ("", "localhost") or parts.scheme not in ("", "http"):
            continue
        if parts.path.startswith(WALK_SKIPPED) or parts.path.endswith(SKIPPED_SUFFIXES):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def walk(app, client, codes: set[str]) -> tuple[int, list[str]]:
    """Breadth-first from the home page and the menu; the pages seen and what was wrong."""
    home = lxml.html.fromstring(client.get("/").get_data(as_text=True))
    queue = ["/", *_links("/", home)]
    code_pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(codes))) + r")\b")
    walked, problems, seen = set(), [], set()
    while queue and len(walked) < PAGES_PER_ROLE:
        url = queue.pop(0)
        endpoint = endpoint_of(app, urlsplit(url).path)
        if url in seen or endpoint is None or endpoint in walked:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
            continue
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        walked.add(endpoint)
        document = lxml.html.fromstring(response.get_data(as_text=True))
        queue.extend(_links(url, document))
        text = _visible_text(document)
        for match in code_pattern.finditer(text):
            problems.append(f"{url}: raw code {match.group(0)!r} in "
                            f"…{text[max(0, match.start() - 60):match.end() + 60]}…")
        for match in WRONG_PLURAL.finditer(text):
            problems.append(f"{url}: wrong plural {match.group(0)!r} in "
                            f"…{text[max(0, match.start() - 60):match.end() + 60]}…")
    return len(walked), problems


def _sign_in(client, user: User) -> None:
    """As the demo person would, through the form; staff enrol a second factor first."""
    if second_factor_required(user.roles):
        enrol(user)
    response = client.post("/accounts/login", data={
        "email": user.email, "password": DEMO_PASSWORD, "csrf_token": csrf_token(client)})
    assert answer_second_factor(client, response, user.email).status_code == 302


@pytest.mark.parametrize("backend", ["sqlite"])
def test_each_demo_role_walks_the_demo_without_a_raw_code_or_a_wrong_plural(app):
    seed_demo()
    codes = _vocabulary_codes() | _seeded_codes()
    assert {"web_content_management", "technical_annex", "REC", "PRC", "C3"} <= codes
    problems, walked = [], {}
    for role, email in ROLES.items():
        client = app.test_client()  # a browser of its own: nobody signed in
        if email is not None:
            user = db.session.scalar(select(User).where(User.email == email))
            _sign_in(client, user)
        walked[role], found = walk(app, client, codes)
        problems += [f"{role}: {problem}" for problem in found]
    assert all(count >= 5 for count in walked.values()), walked
    assert not problems, "\n".join(sorted(set(problems)))
