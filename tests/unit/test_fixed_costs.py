"""Work done once and kept (issue 18, item 3): Markdown, charts and country choices are pure
functions of their input, rendered once per input, never stale (a new input is a new key)."""

from decimal import Decimal

from app.core import charts, formatting


def test_markdown_is_rendered_once_per_text(monkeypatch):
    calls = []
    original = formatting.markdown.markdown

    def counting(text, **options):
        calls.append(text)
        return original(text, **options)

    monkeypatch.setattr(formatting.markdown, "markdown", counting)
    text = "A *call* text seen once by test_markdown_is_rendered_once_per_text"
    first = formatting.markdown_html(text)
    assert formatting.markdown_html(text) == first == (
        "<p>A <em>call</em> text seen once by test_markdown_is_rendered_once_per_text</p>")
    assert len(calls) == 1
    assert "<strong>" in formatting.markdown_html(text + " **edited**")  # a new text renders
    assert len(calls) == 2
    assert "<script" not in formatting.markdown_html("<script>alert(1)</script> once")


def test_a_chart_is_drawn_once_per_data(monkeypatch):
    drawn = []
    original = charts.pygal.Bar

    def counting(config):
        drawn.append(config.title)
        return original(config)

    monkeypatch.setattr(charts.pygal, "Bar", counting)
    title = "Plan and payments, test_a_chart_is_drawn_once_per_data"
    series = {"planned": [Decimal("100"), Decimal("50")], "paid": [Decimal("20"), Decimal(0)]}
    first = charts.bar_chart(title, ["2026", "2027"], series)
    assert charts.bar_chart(title, ["2026", "2027"], series) == first
    assert len(drawn) == 1
    series["paid"][1] = Decimal("10")  # a payment: the figures changed, the chart follows
    changed = charts.bar_chart(title, ["2026", "2027"], series)
    assert len(drawn) == 2 and changed != first


def test_country_choices_are_built_once_and_handed_out_fresh():
    choices = formatting.country_choices()
    assert ("AT", "Austria") in choices and ("XK", "Kosovo") in choices
    choices.insert(0, ("", "—"))  # a form extends its copy
    assert formatting.country_choices()[0] != ("", "—")
    assert formatting._country_choices.cache_info().currsize >= 1


def test_an_amount_is_formatted_once_per_currency_and_locale(monkeypatch):
    from app.core import money

    formatted = []
    original = money.format_currency

    def counting(amount, currency, **options):
        formatted.append((amount, currency))
        return original(amount, currency, **options)

    monkeypatch.setattr(money, "format_currency", counting)
    amount = Decimal("98765.43")
    assert money.format_money(amount, "EUR", "en") == "€98,765.43"
    assert money.format_money("98765.43", "EUR", "en") == "€98,765.43"
    assert len(formatted) == 1
    assert money.format_money(amount, "EUR", "de") == "98.765,43\xa0€"  # another locale
    assert money.format_money(amount, "CHF", "en") == "CHF98,765.43"  # another currency
    assert len(formatted) == 3
