"""Templates translate through a per-request memo of Flask-Babel's translations (issue 18):
the same words as Flask-Babel's own lookup, in the page's language, in a forced language
while it is forced (e-mails in the recipient's language), and back afterwards."""

from flask import render_template_string
from flask_babel import force_locale, gettext

TEMPLATE = ("{{ _('Grants') }}|{{ _('Filter') }}|{{ _('%(n)s%% paid', n=5) }}|"
            "{{ ngettext('%(num)d claim awaiting a decision', "
            "'%(num)d claims awaiting a decision', 2) }}")


def test_templates_follow_the_page_language_and_forced_ones(app):
    with app.test_request_context("/", headers={"Accept-Language": "it"}):
        italian = render_template_string(TEMPLATE)
        assert italian.startswith("Sovvenzioni|Filtra|5% paid|")
        assert italian.split("|")[0] == gettext("Grants")  # Flask-Babel's own answer
        with force_locale("en"):
            assert render_template_string(TEMPLATE).startswith("Grants|Filter|5% paid|2 ")
            assert gettext("Grants") == "Grants"
        assert render_template_string(TEMPLATE) == italian  # the memo follows the way back


def test_messages_are_formatted_and_escaped_as_jinja_does(app):
    # As Jinja's new-style gettext: the message is trusted markup, "%%" is a percent sign even
    # without variables, and only the variables are escaped.
    with app.test_request_context("/"):
        assert render_template_string("{{ _('100%% <b>sure</b>') }}") == "100% <b>sure</b>"
        assert render_template_string("{{ _('<b>%(x)s</b>', x='<i>') }}") == "<b>&lt;i&gt;</b>"
        assert render_template_string("{{ _('Grants') }}") == "Grants"


def test_a_page_looks_its_translations_up_once(app, monkeypatch):
    from app.core import request_translations

    looked_up = []
    original = request_translations.get_translations

    def counting():
        looked_up.append(1)
        return original()

    monkeypatch.setattr(request_translations, "get_translations", counting)
    with app.test_request_context("/", headers={"Accept-Language": "it"}):
        render_template_string("{% for _n in range(50) %}{{ _('Grants') }}{% endfor %}")
        assert len(looked_up) == 1
        with force_locale("en"):
            render_template_string("{{ _('Grants') }}{{ _('Filter') }}")
        assert len(looked_up) == 2
