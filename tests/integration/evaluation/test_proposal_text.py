"""The submitted proposal's text on the expert's page is rendered once per submission and
language (app/evaluation/views/proposal_text.py): the same on every visit, in the reader's
language, never beyond its bound."""

from flask import template_rendered

from app.evaluation.views import proposal_text as kept


def test_the_proposal_text_is_rendered_once_and_shown_on_every_visit(app, client, accepted,
                                                                      monkeypatch):
    monkeypatch.setattr(kept, "_rendered", {})
    _, application, _, url = accepted
    rendered = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(record, app)
    try:
        pages = [client.get(url).get_data(as_text=True) for _ in range(3)]
    finally:
        template_rendered.disconnect(record, app)
    assert rendered.count("evaluation/_snapshot_text.html") == 1
    assert rendered.count("evaluation/assignment.html") == 3
    snapshot = application.submissions[-1].snapshot
    for page in pages:
        section = page.split('<section id="proposal"')[1].split("</section>")[0]
        assert "The proposal" in section and "Consortium" in section
        assert snapshot["application"]["abstract"].split("\n")[0] in section
        assert snapshot["participants"][0]["organisation"]["name"] in section
        assert 'id="attachments"' in section or "No attachment." in section


def test_the_kept_texts_are_bounded_oldest_first(app, monkeypatch):
    monkeypatch.setattr(kept, "KEPT_PROPOSALS", 2)
    monkeypatch.setattr(kept, "_rendered", {})
    monkeypatch.setattr(kept, "render_template",
                        lambda name, snapshot: f"<p>{snapshot['number']}</p>")
    with app.test_request_context("/"):
        for number in (1, 2, 3):
            assert kept.proposal_text(number, "d" * 64, {"number": number}) == f"<p>{number}</p>"
        assert [key[0] for key in kept._rendered] == [2, 3]
        # Another digest of the same submission id is another text, never the kept one.
        assert kept.proposal_text(3, "e" * 64, {"number": 30}) == "<p>30</p>"


def test_the_proposal_text_follows_the_readers_language(client, accepted):
    _, application, _, url = accepted
    english = client.get(url).get_data(as_text=True)
    italian = client.get(url, headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert "<h2 class=\"h4\">The proposal</h2>" in english
    assert "<h2 class=\"h4\">La proposta</h2>" in italian
    assert "Partenariato" in italian.split('<section id="proposal"')[1]
