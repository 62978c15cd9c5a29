"""Charts as inline pygal SVG, the same in pages and PDFs, with no external script."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache

import pygal
from markupsafe import Markup
from pygal import Config
from pygal.style import Style

# Colours readable in print and by people with red-green colour blindness (Okabe-Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
STYLE = Style(background="white", plot_background="white", colors=PALETTE,
              font_family="DejaVu Sans, sans-serif", label_font_size=11,
              major_label_font_size=11, legend_font_size=11, title_font_size=13,
              value_font_size=10)


def _config(title: str, **options) -> Config:
    # js=[]: pygal would otherwise load its tooltip script from a CDN.
    config = Config(js=[], disable_xml_declaration=True, style=STYLE, title=title,
                    width=options.pop("width", 720), height=options.pop("height", 320),
                    legend_at_bottom=True, print_values=False, truncate_label=28,
                    x_label_rotation=options.pop("x_label_rotation", 0))
    for name, value in options.items():
        setattr(config, name, value)
    return config


def _svg(chart) -> Markup:
    # pygal escapes labels and titles itself when it builds the SVG tree.
    return Markup(chart.render(is_unicode=True))


def _number(value: Decimal) -> float:
    return float(value)  # pygal plots floats; the exact figures are in the tables beside it


def bar_chart(title: str, labels: Sequence[str], series: Mapping[str, Sequence[Decimal]],
              *, currency: str = "EUR") -> Markup:
    """Grouped bars: one group per label, one bar per series (e.g. planned and paid)."""
    # Plain str keys: a lazily translated text would compare equal in another language.
    return Markup(_bar_svg(str(title), tuple(str(label) for label in labels),
                           tuple((str(name), tuple(values)) for name, values in series.items()),
                           currency))


def pie_chart(title: str, parts: Mapping[str, Decimal], *, currency: str = "EUR") -> Markup:
    return Markup(_pie_svg(str(title), tuple((str(label), value) for label, value in parts.items()),
                           currency))


# A chart is a pure function of its data: kept per process under a key of that data, it is
# drawn once per change of the figures, not on every request (pygal takes milliseconds).
@lru_cache(maxsize=256)
def _bar_svg(title: str, labels: tuple[str, ...],
             series: tuple[tuple[str, tuple[Decimal, ...]], ...], currency: str) -> str:
    chart = pygal.Bar(_config(title, x_label_rotation=20 if len(labels) > 4 else 0))
    chart.x_labels = list(labels)
    chart.value_formatter = lambda value: f"{value:,.0f} {currency}"
    for name, values in series:
        chart.add(name, [_number(v) for v in values])
    return _svg(chart)


@lru_cache(maxsize=256)
def _pie_svg(title: str, parts: tuple[tuple[str, Decimal], ...], currency: str) -> str:
    chart = pygal.Pie(_config(title, height=300, inner_radius=0.45))
    chart.value_formatter = lambda value: f"{value:,.0f} {currency}"
    for label, value in parts:
        if value > 0:
            chart.add(label, _number(value))
    return _svg(chart)
