"""Partners who would make a consortium eligible: prefilter, simulate, rank (pure)."""

import heapq
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from operator import itemgetter

from app.applications.rules.eligibility import Member, check_eligibility
from app.applications.rules.eligibility_report import CheckCode, EligibilityReport
from app.calls.rules.countries import EU_MEMBER_STATES, ineligibility_reason, normalise_country
from app.calls.rules.finance import ICT_CATEGORY_LABELS, ICTCategory

RESEARCH_TYPES = frozenset({"REC", "HES"})
FIRM_TYPE = "PRC"

# Failing checks that one more partner can turn to passing. The others (a member outside
# the eligible countries of a call that does not allow them, amounts) need a member removed
# or a budget changed, which no suggestion can do.
ADDABLE_CHECKS = frozenset({
    CheckCode.MIN_PARTNERS, CheckCode.MIN_COUNTRIES, CheckCode.MIN_MEMBER_STATE_PARTNERS,
    CheckCode.MIN_RESEARCH_PARTNERS, CheckCode.MIN_SME_PARTNERS, CheckCode.MIN_FIRM_PARTNERS,
    CheckCode.MIN_FIELDS_OF_SCIENCE,
})

CHECK_LABELS = {
    CheckCode.ELIGIBLE_COUNTRIES: "Eligible countries",
    CheckCode.MIN_PARTNERS: "Number of partners",
    CheckCode.INDEPENDENCE: "Independent partners",
    CheckCode.MIN_COUNTRIES: "Number of countries",
    CheckCode.MIN_MEMBER_STATE_PARTNERS: "Partners in EU Member States",
    CheckCode.MIN_RESEARCH_PARTNERS: "Research organisations",
    CheckCode.MIN_SME_PARTNERS: "SMEs",
    CheckCode.MIN_FIRM_PARTNERS: "Companies",
    CheckCode.MIN_FIELDS_OF_SCIENCE: "Fields of science",
    CheckCode.MAX_REQUESTED_PER_PROPOSAL: "Maximum requested",
    CheckCode.MAX_PARTNER_SHARE: "Share of one partner",
}

# The fields of science (OECD FORD) whose people build each kind of ICT solution: an
# organisation working in one of them is related to an application in that category even
# when it declared no ICT interest.
ICT_FIELDS: dict[str, tuple[str, ...]] = {
    ICTCategory.BROADBAND: ("1.2", "2.2"),
    ICTCategory.ONLINE_COMMUNICATION: ("1.2", "2.2", "5.8"),
    ICTCategory.WEB_CONTENT_MANAGEMENT: ("1.2", "2.2", "5.8"),
    ICTCategory.E_COMMERCE: ("1.2", "2.2", "5.2"),
    ICTCategory.CLOUD_SOFTWARE: ("1.2", "2.2"),
    ICTCategory.OTHER: ("1.2", "2.2"),
}

# The simulated newcomer's key: never an organisation id, so it cannot collide with one.
_NEWCOMER = "\0candidate"


@dataclass(frozen=True, slots=True)
class Candidate:
    """An organisation of the directory that could join; `text` is what it says it does."""

    key: str
    name: str
    country: str
    org_type: str
    is_sme: bool = False
    fields_of_science: tuple[str, ...] = ()
    controller: str | None = None
    public_owner: bool = False  # the controller is a public body: not control (reference.md 1)
    text: str = ""
    looking_for_partners: bool = False
    ict_interests: tuple[str, ...] = ()  # ICTCategory codes from its profile

    def __post_init__(self) -> None:
        object.__setattr__(self, "country", normalise_country(self.country))
        object.__setattr__(self, "fields_of_science", tuple(self.fields_of_science))
        object.__setattr__(self, "ict_interests", tuple(self.ict_interests))


@dataclass(frozen=True, slots=True)
class Suggestion:
    candidate: Candidate
    fixes: tuple[str, ...]  # failing checks that would pass with this partner
    improves: tuple[str, ...]  # failing checks that would come closer, still failing
    makes_eligible: bool
    field_fit: int  # fields of science shared with the consortium
    shared_words: tuple[str, ...]  # words of the application found in the candidate's text
    shared_ict: tuple[str, ...] = ()  # the application's ICT categories it is interested in
    related: bool = True  # works in the application's fields or ICT categories (see _Fit)

    @property
    def text_fit(self) -> int:
        return len(self.shared_words)


@dataclass(frozen=True, slots=True)
class SuggestionResult:
    report: EligibilityReport  # the consortium as it is
    fixable: tuple[str, ...]  # its failing checks that a new partner can fix
    suggestions: tuple[Suggestion, ...]  # the best ones, best first
    helpful_count: int  # candidates that fix or improve at least one check

    @property
    def unfixable(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.report.failures if c.code not in self.fixable)


@dataclass(frozen=True, slots=True)
class _Outcome:
    fixes: tuple[str, ...]
    improves: tuple[str, ...]
    breaks: tuple[str, ...]
    makes_eligible: bool


def suggest_partners(
    members: Sequence[Member],
    rules: Mapping[str, object],
    candidates: Iterable[Candidate],
    *,
    on: date | None = None,
    application_text: str = "",
    application_ict: Iterable[str] = (),
    limit: int = 20,
) -> SuggestionResult:
    """Rank candidates by the failing checks they fix, then those they improve, then fit;
    candidates related to the application (its ICT categories, fields of science near them
    or the consortium's) always come before unrelated ones.

    Each candidate is tried by running check_eligibility on the consortium plus it. Only
    candidates that could help one of the failing checks are tried (the prefilter), and
    candidates that look the same to the rules share one simulation, so thousands of
    organisations cost a few dozen simulations. Candidates that would break a passing
    check are left out; one under common control with a member merges into its unit and is
    suggested only if that still helps.
    """
    members = tuple(members)
    report = check_eligibility(members, rules, on=on)
    fixable = tuple(c.code for c in report.failures if c.code in ADDABLE_CHECKS)
    if not fixable:
        return SuggestionResult(report, (), (), 0)
    screen = _Screen(members, rules, on, report, frozenset(fixable))
    helpful: list[tuple[_Outcome, Candidate]] = []
    outcomes: dict[tuple, _Outcome] = {}
    for candidate in candidates:
        signature = screen.signature(candidate)
        if signature is None:
            continue
        outcome = outcomes.get(signature)
        if outcome is None:
            outcome = outcomes[signature] = _simulate(screen, report, candidate)
        if not outcome.breaks and (outcome.fixes or outcome.improves):
            helpful.append((outcome, candidate))
    ranked = _rank(helpful, _Fit(members, application_text, application_ict), limit)
    return SuggestionResult(report, fixable, ranked, len(helpful))


class _Screen:
    """The prefilter: which candidates could help, and what the rules see of each."""

    def __init__(self, members: tuple[Member, ...], rules: Mapping[str, object],
                 on: date | None, report: EligibilityReport, failing: frozenset[str]):
        self.members = members
        self.rules = rules
        self.on = on
        self.failing = failing
        self.member_keys = {m.key for m in members}
        self.controllers = {m.controller for m in members if m.controller}
        self.member_countries = {m.country for m in members}
        # What the checks counted (members outside the eligible countries count nothing).
        self.counted_countries = set(_detail(report, CheckCode.MIN_COUNTRIES, "countries"))
        self.counted_fields = set(_detail(report, CheckCode.MIN_FIELDS_OF_SCIENCE, "fields"))
        self.level = int(rules.get("field_level") or 1)
        self.fields_matter = rules.get("min_fields_of_science") is not None
        self._country_ok: dict[str, bool] = {}

    def eligible_country(self, country: str) -> bool:
        expression = self.rules.get("eligible_countries")
        if expression is None:
            return True
        if country not in self._country_ok:
            reason = ineligibility_reason(country, str(expression), on=self.on,
                                          programme_part=self.rules.get("programme_part"))
            self._country_ok[country] = reason is None
        return self._country_ok[country]

    def could_help(self, candidate: Candidate, new_fields: int) -> bool:
        failing = self.failing
        return (
            CheckCode.MIN_PARTNERS in failing
            or (CheckCode.MIN_COUNTRIES in failing
                and candidate.country not in self.counted_countries)
            or (CheckCode.MIN_MEMBER_STATE_PARTNERS in failing
                and candidate.country in EU_MEMBER_STATES)
            or (CheckCode.MIN_RESEARCH_PARTNERS in failing
                and candidate.org_type in RESEARCH_TYPES)
            or (CheckCode.MIN_SME_PARTNERS in failing and candidate.is_sme)
            or (CheckCode.MIN_FIRM_PARTNERS in failing and candidate.org_type == FIRM_TYPE)
            or (CheckCode.MIN_FIELDS_OF_SCIENCE in failing and new_fields > 0)
        )

    def is_linked(self, candidate: Candidate) -> bool:
        """Under common control with a member: controlled by one, controlling one, or
        sharing a controller with one."""
        return (candidate.controller in self.member_keys
                or candidate.controller in self.controllers
                or candidate.key in self.controllers)

    def signature(self, candidate: Candidate) -> tuple | None:
        """What the rules see of a candidate (equal signatures, equal outcome), or None
        when the candidate is in the consortium, outside the eligible countries, or could
        not help any failing check."""
        if candidate.key in self.member_keys or not self.eligible_country(candidate.country):
            return None
        new_fields = len(set(_fields_at(candidate.fields_of_science, self.level))
                         - self.counted_fields) if self.fields_matter else 0
        if not self.could_help(candidate, new_fields):
            return None
        if self.is_linked(candidate):  # judged alone: it may merge with a member into one unit
            return ("linked", candidate.key, candidate.controller)
        # The rules tell eligible countries apart only by being a member's country (a unit
        # of linked members may stand for one of several) or an EU Member State; types by
        # research (REC, HES), firm (PRC) or other; fields by how many are new.
        country = candidate.country if candidate.country in self.member_countries else \
            ("new", candidate.country in EU_MEMBER_STATES)
        kind = "research" if candidate.org_type in RESEARCH_TYPES else \
            "firm" if candidate.org_type == FIRM_TYPE else "other"
        return ("free", country, kind, candidate.is_sme, new_fields)


def _detail(report: EligibilityReport, code: str, key: str) -> list:
    check = report.by_code(code)
    return list(check.detail.get(key, ())) if check is not None else []


def _simulate(screen: _Screen, report: EligibilityReport, candidate: Candidate) -> _Outcome:
    """The consortium plus the candidate, checked; the first candidate of a signature
    stands for all of them."""
    linked = screen.is_linked(candidate)
    newcomer = Member(
        key=candidate.key if linked else _NEWCOMER, name=candidate.name,
        country=candidate.country, org_type=candidate.org_type, is_sme=candidate.is_sme,
        fields_of_science=candidate.fields_of_science,
        controller=candidate.controller if linked else None,
        public_owner=candidate.public_owner)
    after = check_eligibility((*screen.members, newcomer), screen.rules, on=screen.on)
    fixes, improves, breaks = [], [], []
    for check in report.checks:
        new = after.by_code(check.code)
        if new is None:
            continue
        if not check.passed and new.passed:
            fixes.append(check.code)
        elif check.passed and not new.passed:
            breaks.append(check.code)
        elif not new.passed and _found(new) > _found(check):
            improves.append(check.code)
    return _Outcome(tuple(fixes), tuple(improves), tuple(breaks), after.passed)


def _found(check) -> int:
    found = check.detail.get("found") if isinstance(check.detail, dict) else None
    return found if isinstance(found, int) else 0


class _Fit:
    """How near a candidate is to the application: the fields of science it shares with the
    consortium, the application's ICT categories and words it shares, and whether it is
    related at all: interested in one of the application's ICT categories, or working in a
    field of a member or of those categories (ICT_FIELDS), or in a subfield or the parent
    field of one of them. When neither
    the application nor its consortium names a field or a category, everybody is related."""

    def __init__(self, members: tuple[Member, ...], application_text: str,
                 application_ict: Iterable[str]):
        self.consortium_fields = {f for m in members for f in _fields_at(m.fields_of_science, 1)}
        self.ict = frozenset(c for c in application_ict if c in ICT_FIELDS)
        # As precise as declared: a member in 2.2 makes 2.2 (and a plain 2) near, not 2.7.
        self.near_fields = {f.strip() for m in members for f in m.fields_of_science} | {
            f for category in self.ict for f in ICT_FIELDS[category]}
        labels = " ".join(ICT_CATEGORY_LABELS[c] for c in sorted(self.ict))
        self.text = _TextFit(f"{application_text}\n{labels}")
        self._field_fits: dict[tuple[str, ...], int] = {}
        self._related: dict[tuple, bool] = {}

    def field_fit(self, candidate: Candidate) -> int:
        codes = candidate.fields_of_science
        if codes not in self._field_fits:
            self._field_fits[codes] = len(set(_fields_at(codes, 1)) & self.consortium_fields)
        return self._field_fits[codes]

    def shared_ict(self, candidate: Candidate) -> tuple[str, ...]:
        return tuple(sorted(self.ict.intersection(candidate.ict_interests)))

    def related(self, candidate: Candidate) -> bool:
        if not self.near_fields:
            return True
        key = (candidate.fields_of_science, candidate.ict_interests)
        if key not in self._related:
            self._related[key] = bool(self.shared_ict(candidate)) or any(
                _near(code.strip(), near) for code in candidate.fields_of_science
                for near in self.near_fields)
        return self._related[key]


def _near(code: str, other: str) -> bool:
    """The same field, or one is a subfield of the other ("1" and "1.2")."""
    return bool(code) and (code == other or code.startswith(f"{other}.")
                           or other.startswith(f"{code}."))


def _rank(helpful: list[tuple[_Outcome, Candidate]], fit: _Fit,
          limit: int) -> tuple[Suggestion, ...]:
    """Best first: related before unrelated, then more checks fixed, then improved, then
    field fit, ICT categories shared, words shared, looking for partners."""
    if limit <= 0 or not helpful:
        return ()
    keyed = [(not fit.related(candidate), -len(outcome.fixes), -len(outcome.improves),
              -fit.field_fit(candidate), outcome, candidate) for outcome, candidate in helpful]
    rank_key = itemgetter(0, 1, 2, 3)
    keyed.sort(key=rank_key)
    chosen: list[Suggestion] = []
    # Text fit, the costly part, is measured only in the groups that can reach the top.
    for (unrelated, _, _, negative_field_fit), group in groupby(keyed, key=rank_key):
        scored = [Suggestion(candidate, outcome.fixes, outcome.improves,
                             outcome.makes_eligible, -negative_field_fit,
                             fit.text.shared_words(candidate.text), fit.shared_ict(candidate),
                             not unrelated)
                  for *_, outcome, candidate in group]
        chosen.extend(heapq.nsmallest(limit - len(chosen), scored, key=_order_in_group))
        if len(chosen) >= limit:
            break
    return tuple(chosen)


def _order_in_group(suggestion: Suggestion) -> tuple:
    candidate = suggestion.candidate
    return (-suggestion.field_fit, -len(suggestion.shared_ict), -suggestion.text_fit,
            not candidate.looking_for_partners, candidate.name.lower(), candidate.key)


def _fields_at(codes: Iterable[str], level: int) -> tuple[str, ...]:
    """FORD codes cut to `level` ("2.2" is "2" at level 1); a field has no subfield."""
    found = set()
    for code in codes:
        parts = code.strip().split(".")
        if parts[0] and len(parts) >= level:
            found.add(".".join(parts[:level]))
    return tuple(sorted(found))


# --- text fit: words of the application found in what a candidate says it does ------------

_WORD = re.compile(r"[^\W\d_]{3,}")
_STOP_WORDS = frozenset("""
about above after also among and any are based been being between both bring build but can
common companies company cordis could development during each europe european firm firms
for from has have into its large more most new not novel one organisation organisations
organization organizations other our over partner partners project projects research seek
small such than that the their them then there these they this those three through two
under union use used using via was were what when where which while will with within work
would your
""".split())
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ics", "ies", "es", "ed", "s",
             "al")
# Endings a word of a candidate may add to a stem and still count as the same word.
_ENDINGS = frozenset(_SUFFIXES) | {"e", "d", "r", "rs", "er", "ers", "ic", "ally", "ly", "y",
                                   "ity", "ities", "ise", "ised", "ize", "ized", "ment", "ments"}


def stems(text: str) -> dict[str, str]:
    """Crude stems of the meaningful words of `text`, each with the first word that gave it.

    Enough to see that "robots" and "robotic" share a theme; the directory's real search
    uses the database's full-text engine, this only ranks a short list."""
    found: dict[str, str] = {}
    for word in _WORD.findall(text.lower()):
        if word in _STOP_WORDS:
            continue
        stem = word
        for suffix in _SUFFIXES:
            if stem.endswith(suffix) and len(stem) - len(suffix) >= 4:
                stem = stem[: -len(suffix)]
                break
        found.setdefault(stem, word)
    return found


class _TextFit:
    """Which words of the application a candidate's text also uses.

    A candidate word counts when it is the stem of an application word, alone or with a
    common ending ("robotics" gives "robot", found in "robots" and "robotic", but "web" is
    not found in "Webb"). One compiled pattern scans each text, so ranking thousands of
    candidates stays fast."""

    def __init__(self, application_text: str):
        self.wanted = stems(application_text)
        alternatives = sorted(self.wanted, key=len, reverse=True)
        endings = "|".join(sorted(_ENDINGS, key=len, reverse=True))
        self.pattern = re.compile(r"\b(" + "|".join(map(re.escape, alternatives)) + r")(?:"
                                  + endings + r")?\b", re.IGNORECASE) if alternatives else None

    def shared_words(self, text: str) -> tuple[str, ...]:
        if self.pattern is None or not text:
            return ()
        found = {stem.lower() for stem in self.pattern.findall(text)}
        return tuple(sorted(self.wanted[stem] for stem in found))
