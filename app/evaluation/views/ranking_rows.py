"""The ranking table's rows made ready in Python: a page shows a hundred rows of a dozen cells,
and each cell's lookup, filter and `_()` cost several times more in the template. Texts are
made once per distinct value (scores repeat, and so do combinations of tie-break rules) and
escaped as the template escapes them."""

from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup

from app.core.formatting import money
from app.evaluation.rules.scoring import AwardCriteria
from app.evaluation.views import plain_score


@dataclass(frozen=True, slots=True)
class RankingRow:
    """One entry (a dict of the frozen format, see services/results.py) and its cells' texts:
    `cells` holds (score, failed, dispersed) per criterion of the call, in order."""

    entry: dict
    cells: list[tuple[str, bool, bool]]
    trail_label: str
    tried: Markup | None
    requested: str


def ranking_rows(entries, criteria: AwardCriteria, labels: dict[str, str],
                 currency: str) -> list[RankingRow]:
    codes = [criterion.code for criterion in criteria.criteria]
    scores: dict[object, str] = {}
    tried_texts: dict[tuple, Markup] = {}
    decided, equal = Markup(_("%(rule)s (decided)")), Markup(_("%(rule)s (equal)"))

    def score(value) -> str:
        if value not in scores:
            scores[value] = plain_score(value)
        return scores[value]

    def tried_text(tried: tuple, trail: str) -> Markup:
        if (tried, trail) not in tried_texts:
            *before, last = tried
            parts = [equal % {"rule": labels.get(code, code)} for code in before]
            parts.append((decided if trail == last else equal) % {"rule": labels.get(last, last)})
            tried_texts[tried, trail] = Markup(", ").join(parts)
        return tried_texts[tried, trail]

    rows = []
    for entry in entries:
        values = entry["scores"]
        failed = entry.get("failed_criteria") or ()
        dispersed = entry.get("dispersed") or ()
        tried = tuple(entry.get("tried") or ())
        trail = entry["trail"]
        rows.append(RankingRow(
            entry=entry,
            cells=[(score(values.get(code)), code in failed, code in dispersed)
                   for code in codes],
            trail_label=labels.get(trail, trail),
            tried=tried_text(tried, trail) if tried else None,
            requested=money(entry["requested"], currency) if entry.get("requested") else "—"))
    return rows
