"""Bad input gets a 4xx, never a 5xx: every form and list page a signed-in user reaches is
sent generated values (hypothesis, bounded examples) with a valid CSRF token; ids beyond the
database's integer range, NUL characters and absurd page numbers are refused with 400/404."""

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from app.accounts.models import Role
from app.core.inputs import MAX_ID
from tests.integration.robustness.crawl import crawl

# Values that broke the app before: numbers beyond every column, non-finite and
# signalling NaNs, year 1 and 9999, a 400-digit number, NUL bytes, very long text.
NASTY = ["", " ", "0", "-1", "2147483648", "-2147483649", "9223372036854775808", "9" * 400,
         "1e309", "-1e309", "Infinity", "-inf", "NaN", "sNaN", "1,5", "1.234,56", "0x1F",
         "0001-01-01", "0001-01-01T00:00", "9999-12-31", "9999-12-31T23:59", "2027-02-30",
         "abc\x00def", "\x00", "x" * 20_000, "<script>alert(1)</script>", "' OR 1=1 --",
         "\u202eevil", "١٢٣", "😀", "%00", "../../etc/passwd", "null", "[]", "{}"]
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)
FORM_EXAMPLES = 12
LIST_EXAMPLES = 6
LIST_PARAMETERS = ("page", "per_page", "q", "status", "call_id", "country", "sort", "kind")


def _value(offered: list[str]):
    return st.one_of(st.sampled_from(offered), st.sampled_from(NASTY), TEXT)


def _fuzz(send, strategy, examples: int) -> str | None:
    """Run `send` on generated values; the first 5xx as a message, or None."""

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(values):
        send(values)

    try:
        run()
    except AssertionError as failure:
        return str(failure).splitlines()[0][:500]
    return None


@pytest.fixture
def world(make_grant, make_consortium, make_call, make_user, make_event, register_org,
          make_adviser):
    """Users of every role with something to work on."""
    case = make_grant()
    funder = case.officer.funder
    draft = make_consortium(call=make_call(funder=funder))
    event = make_event(funder=funder)
    register_org(event, user=draft.coordinator)
    return {"applicant": draft.coordinator, "grantee": case.coordinator,
            "officer": case.officer, "finance": case.finance, "admin": make_user(Role.admin),
            "organiser": event.organiser, "adviser": make_adviser().user}


ROLES = ("applicant", "grantee", "officer", "finance", "admin", "organiser", "adviser")


@pytest.mark.parametrize("role", ROLES)
def test_forms_and_list_pages_never_answer_5xx(app, client, world, sign_in, role):
    sign_in(world[role])
    site = crawl(app, client, ["/"] + [url for url in _menu(client)])
    failures = []
    for form in site.forms.values():
        token = _token(client, form.page)

        def send(values, form=form, token=token):
            data = {**values, "csrf_token": token}
            if form.method == "GET":
                response = client.get(form.action, query_string=data)
            else:
                response = client.post(form.action, data=data)
            assert response.status_code < 500, (
                f"{form.method} {form.action} ({form.endpoint}) answered "
                f"{response.status_code} to {data!r}"[:500])

        names = [name for name in form.fields if name != "csrf_token"]
        strategy = st.fixed_dictionaries({name: _value(form.fields[name]) for name in names})
        failure = _fuzz(send, strategy, FORM_EXAMPLES)
        if failure:
            failures.append(failure)
    for endpoint, url in site.pages.items():
        def browse(values, url=url, endpoint=endpoint):
            response = client.get(url.split("?")[0], query_string=values)
            assert response.status_code < 500, (
                f"GET {url} ({endpoint}) answered {response.status_code} to {values!r}"[:500])

        strategy = st.dictionaries(st.sampled_from(LIST_PARAMETERS), _value(["1", "2"]),
                                   max_size=4)
        failure = _fuzz(browse, strategy, LIST_EXAMPLES)
        if failure:
            failures.append(failure)
    print(role, len(site.pages), "pages", len(site.forms), "forms",
          sorted({f.endpoint for f in site.forms.values()}))
    assert not failures, "\n".join(failures)


def _menu(client) -> list[str]:
    import lxml.html

    document = lxml.html.fromstring(client.get("/").get_data(as_text=True))
    return document.xpath('//ul[@id="main-menu"]//a/@href')


def _token(client, url: str) -> str:
    import lxml.html

    document = lxml.html.fromstring(client.get(url).get_data(as_text=True))
    tokens = document.xpath('//input[@name="csrf_token"]/@value')
    return tokens[0] if tokens else ""


def test_ids_beyond_the_integer_range_are_not_found_and_nul_bytes_are_refused(
        app, client, world, sign_in):
    sign_in(world["officer"])
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not rule.arguments or rule.rule.startswith("/api/"):
            continue
        if not all(rule._converters[name].__class__.__name__ == "BoundedIntConverter"
                   for name in rule.arguments):
            continue
        for too_big in (MAX_ID + 1, 10**20):
            url = rule.rule
            for name in rule.arguments:
                url = url.replace(f"<int:{name}>", str(too_big))
            assert client.get(url).status_code == 404, url
    for url in ("/calls/?q=a%00b", "/applications/?page=99999999999999999999",
                "/calls/?page=0", "/organisations/?call_id=99999999999", "/calls/%00"):
        response = client.get(url)
        assert response.status_code == 400, (url, response.status_code)
        assert "Bad request" in response.get_data(as_text=True)
