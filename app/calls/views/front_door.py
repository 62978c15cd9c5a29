"""The calls on the home page: what a visitor can apply to now, and what opens soon."""

from app.calls.services.facts import call_facts
from app.calls.services.listing import front_door_calls
from app.calls.services.translations import texts_for
from app.core.i18n import page_locale
from app.core.system import front_door_section

# The facts that say what a call funds and for whom; the full list is on the call's page.
FRONT_DOOR_FACTS = ("max-per-proposal", "funding-rates", "ict-categories")


@front_door_section
def open_and_forthcoming_calls() -> tuple[str, dict]:
    open_calls, forthcoming = front_door_calls()
    facts = {call.id: [fact for fact in call_facts(call) if fact.key in FRONT_DOOR_FACTS]
             for call in (*open_calls, *forthcoming)}
    # Each call's title and summary in the visitor's language when it has them (one query).
    texts = texts_for((*open_calls, *forthcoming), page_locale())
    return "calls/_front_door.html", {"open_calls": open_calls, "texts": texts,
                                      "forthcoming_calls": forthcoming, "facts": facts}
