"""The rules a goal must keep, and the problems reported when it does not.

A goal belongs to one indicator (a Kolada KPI id in the indicator catalogue) and applies to every
area or to the areas it names. Kinds (:data:`indicators.vocabulary.GOAL_KINDS`):

* ``absolute`` – ``operator`` (``>=``/``<=``) ``target_value`` by ``target_year``;
* ``relative`` – ``relative_change`` (a fraction, ``-0.70`` for −70 %) from ``base_year`` by
  ``target_year``; the level is computed per area from that area's own base value;
* ``band`` – a value between ``band_low`` and ``band_high``;
* ``direction`` – ``up`` or ``down``, no number.

Levels are :data:`indicators.vocabulary.GOAL_LEVELS`; a local goal names exactly one
municipality. Every rule broken is reported at once, as a :class:`GoalProblem` naming the field
(as the goal CSV names its column), the value found and, in Swedish, the form expected. The
goal CSV (:mod:`indicators.goal_csv`) checks its rows with the same rules, so a form, a file and
a single goal are told the same.

A valid goal may still go against its indicator's desired direction
(:func:`against_direction`: "högst" on an indicator that is better the higher it is, or a level
already passed by the area's newest value). That is not a problem of the goal but a question
for the editor: the goal form saves such a goal only when its editor has confirmed the reason,
and an import saves it and lists it with the reason.

Every free-text field has a longest length (:data:`TEXT_LIMITS`; the id :data:`MAX_ID_LENGTH`,
a change's note :data:`MAX_NOTE_LENGTH`), a problem quotes at most :data:`MAX_QUOTED_LENGTH`
characters of a value, and messages list the first :data:`MAX_SHOWN_PROBLEMS` problems and count
the rest (:func:`problem_lines`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from data.areas import DEFAULT_AREAS, REGION_DALARNA
from data.goals import GOAL_FIELDS, GoalError, GoalRecord
from indicators.catalogue import Indicator, catalogue_by_id
from indicators.formatting import format_csv_number, format_number
from indicators.goal_text import PROFILE, display_unit, goal_in_words, goal_number
from indicators.vocabulary import (
    ABSOLUTE,
    AT_LEAST,
    DIRECTION,
    DIRECTIONS,
    DOWN,
    GOAL_KINDS,
    GOAL_LEVELS,
    LOKAL,
    OPERATORS,
    RELATIVE,
    UP,
    USER_LEVELS,
)

MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_ID_LENGTH = 64
#: The longest texts a goal may hold, in characters (a decision's wording runs to a few
#: sentences; a page showing many goals must stay small).
MAX_WORDING_LENGTH = 2000
MAX_SOURCE_DOCUMENT_LENGTH = 500
MAX_SOURCE_URL_LENGTH = 2000
#: Each free-text field's longest length (the id has its own rule, :data:`MAX_ID_LENGTH`).
TEXT_LIMITS: dict[str, int] = {
    "wording_sv": MAX_WORDING_LENGTH,
    "source_document": MAX_SOURCE_DOCUMENT_LENGTH,
    "source_url": MAX_SOURCE_URL_LENGTH,
    "secondary_source_url": MAX_SOURCE_URL_LENGTH,
}
#: The longest note a change to a goal may be logged with.
MAX_NOTE_LENGTH = 500
#: How many problems a message lists; the rest are counted ("… och 12 fel till").
MAX_SHOWN_PROBLEMS = 50
#: How much of a value a problem quotes.
MAX_QUOTED_LENGTH = 100
#: Separates several areas in the text form of ``areas``.
AREA_SEPARATOR = "|"
#: Separates the ids of the higher goals in the text form of ``contributes_to``.
LINK_SEPARATOR = ";"
#: The fields holding numbers and years; the others hold text.
NUMBER_FIELDS: tuple[str, ...] = ("target_value", "relative_change", "band_low", "band_high")
YEAR_FIELDS: tuple[str, ...] = ("base_year", "target_year", "adopted_year")

_ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_AREA_PATTERN = re.compile(r"\d{4}")
_URL_PATTERN = re.compile(r"https?://\S+")
_DIRECTION_KEYS: tuple[str, ...] = tuple(DIRECTIONS)  # up, down
_OPERATOR_KEYS: tuple[str, ...] = tuple(OPERATORS)  # >=, <=


# --------------------------------------------------------------------------- problems and errors


@dataclass(frozen=True)
class GoalProblem:
    """One problem in a goal: where it is, the value found and the form expected."""

    source: str
    line: int | None
    field: str
    value: str
    expected: str
    found: str | None = None  # replaces the quoted value in the message, e.g. "kolumnen saknas"

    def __str__(self) -> str:
        where = f"{self.source} rad {self.line}" if self.line is not None else self.source
        found = self.found or (f'"{quoted(self.value)}"' if self.value != "" else "tomt")
        return f'{where}, fält "{self.field}": {found} – förväntat {self.expected}'


def quoted(value: str) -> str:
    """``value`` as a problem quotes it: at most :data:`MAX_QUOTED_LENGTH` characters."""
    if len(value) <= MAX_QUOTED_LENGTH:
        return value
    return value[: MAX_QUOTED_LENGTH - 1] + "…"


def problem_lines(problems: Sequence[object], limit: int = MAX_SHOWN_PROBLEMS) -> list[str]:
    """The first ``limit`` problems as lines, then "… och N fel till" for the rest."""
    lines = [str(problem) for problem in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"… och {len(problems) - limit} fel till")
    return lines


class InvalidGoalError(GoalError):
    """One or more goals break the rules; ``problems`` lists every problem found (the message,
    the first :data:`MAX_SHOWN_PROBLEMS` of them)."""

    def __init__(self, problems: Sequence[GoalProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(problem_lines(self.problems)))


class GoalFileError(InvalidGoalError):
    """A goal file has problems; nothing from it was stored."""


class GoalLevelError(GoalError):
    """Users may not add a goal at this level (:data:`indicators.vocabulary.USER_LEVELS`)."""


class GoalNoteError(GoalError):
    """The note for the change log is longer than :data:`MAX_NOTE_LENGTH`."""


def require_note(note: str) -> None:
    """Raise :class:`GoalNoteError` for a change-log note longer than :data:`MAX_NOTE_LENGTH`."""
    if len(note) > MAX_NOTE_LENGTH:
        raise GoalNoteError(
            f"Anteckningen till ändringsloggen är {len(note)} tecken; den får vara högst "
            f"{MAX_NOTE_LENGTH} tecken."
        )


# --------------------------------------------------------------------------- known ids and text


def known_ids(
    known_kpi_ids: Collection[str] | None, known_area_ids: Collection[str] | None
) -> tuple[Collection[str], Collection[str]]:
    """The KPI and area ids a goal may name: those given, else the indicator catalogue's and
    the dashboard's default areas."""
    kpis = catalogue_by_id().keys() if known_kpi_ids is None else known_kpi_ids
    areas = DEFAULT_AREAS.keys() if known_area_ids is None else known_area_ids
    return kpis, areas


def field_text(value: object) -> str:
    """A field's value as text, as the goal CSV writes it and problems quote it: empty for
    ``None``, areas joined with :data:`AREA_SEPARATOR`, numbers with a decimal point."""
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return AREA_SEPARATOR.join(value)
    if isinstance(value, float):
        return format_csv_number(value)
    return str(value)


def links_text(goal_ids: Sequence[str]) -> str:
    """The ids of the goals contributed to as the goal CSV writes them: joined with
    :data:`LINK_SEPARATOR`."""
    return LINK_SEPARATOR.join(goal_ids)


def parse_links(text: str) -> tuple[str, ...]:
    """The ids in the text form of ``contributes_to`` (empty parts are skipped)."""
    return tuple(part.strip() for part in text.split(LINK_SEPARATOR) if part.strip())


def goal_texts(goal: GoalRecord) -> dict[str, str]:
    """Every stored field of ``goal`` as text (:func:`field_text`; the goals contributed to
    with :data:`LINK_SEPARATOR`)."""
    texts = {name: field_text(getattr(goal, name)) for name in GOAL_FIELDS}
    texts["contributes_to"] = links_text(goal.contributes_to)
    return texts


# --------------------------------------------------------------------------- checks


class GoalReport:
    """Collects the problems of one goal; ``raw`` holds its fields as written, for the
    messages."""

    def __init__(self, source: str, line: int | None, raw: Mapping[str, str]) -> None:
        self.source = source
        self.line = line
        self.raw = raw
        self.problems: list[GoalProblem] = []

    def add(self, name: str, expected: str, *, found: str | None = None) -> None:
        self.problems.append(
            GoalProblem(self.source, self.line, name, self.raw.get(name, ""), expected, found)
        )


def _check_absolute(goal: GoalRecord, report: GoalReport, skip: Collection[str]) -> None:
    if goal.operator is None:
        report.add("operator", "en av >=, <= (krävs för kind absolute)")
    elif goal.operator not in _OPERATOR_KEYS:
        report.add("operator", "en av >=, <=")
    if goal.target_value is None and "target_value" not in skip:
        report.add("target_value", "ett tal, t.ex. 1.5 (krävs för kind absolute)")
    if goal.target_year is None and "target_year" not in skip:
        report.add("target_year", "ett årtal, t.ex. 2030 (krävs för kind absolute)")


def _check_relative(goal: GoalRecord, report: GoalReport, skip: Collection[str]) -> None:
    if goal.relative_change is None and "relative_change" not in skip:
        report.add(
            "relative_change",
            "en förändring som decimaltal, t.ex. -0.70 för −70 procent (krävs för kind relative)",
        )
    elif goal.relative_change is not None and goal.relative_change <= -1:
        report.add(
            "relative_change",
            "en förändring som decimaltal större än -1, t.ex. -0.70 för −70 procent",
        )
    for name in ("base_year", "target_year"):
        if getattr(goal, name) is None and name not in skip:
            report.add(name, "ett årtal, t.ex. 2015 (krävs för kind relative)")


def _check_band(goal: GoalRecord, report: GoalReport, skip: Collection[str]) -> None:
    for name in ("band_low", "band_high"):
        if getattr(goal, name) is None and name not in skip:
            report.add(name, "ett tal (krävs för kind band)")
    if goal.band_low is not None and goal.band_high is not None and goal.band_low >= goal.band_high:
        report.add("band_high", f"ett tal större än band_low ({report.raw.get('band_low')})")


#: Each kind's own check, and the fields only that kind uses (empty for the other kinds).
_KIND_CHECKS = {
    "absolute": (_check_absolute, ("operator", "target_value")),
    "relative": (_check_relative, ("relative_change",)),
    "band": (_check_band, ("band_low", "band_high")),
}


def _check_kind_values(goal: GoalRecord, report: GoalReport, skip: Collection[str]) -> None:
    """The values each kind needs, and the empty fields of the other kinds."""
    for kind, (check, own_fields) in _KIND_CHECKS.items():
        if goal.kind == kind:
            check(goal, report, skip)
        elif goal.kind in GOAL_KINDS:
            for name in own_fields:
                if getattr(goal, name) is not None and name not in skip:
                    report.add(name, f"tomt för kind {goal.kind} ({name} används bara för {kind})")


def _check_direction(goal: GoalRecord, report: GoalReport) -> None:
    """Required for direction goals, consistent with the numbers for the others."""
    kind = goal.kind
    if goal.direction is None:
        if kind == "direction":
            report.add("direction", "en av up, down (krävs för kind direction)")
    elif goal.direction not in _DIRECTION_KEYS:
        report.add("direction", "en av up, down")
    elif kind == "absolute" and goal.operator in _OPERATOR_KEYS:
        implied = UP if goal.operator == AT_LEAST else DOWN
        if goal.direction != implied:
            report.add(
                "direction",
                f"{implied} eller tomt, eftersom operator {goal.operator} betyder att "
                f"{'högre' if implied == UP else 'lägre'} värden är bättre",
            )
    elif kind == "relative" and goal.relative_change:
        implied = UP if goal.relative_change > 0 else DOWN
        if goal.direction != implied:
            report.add(
                "direction",
                f"{implied} eller tomt, eftersom relative_change är "
                f"{'positiv' if implied == UP else 'negativ'}",
            )


def _check_years(goal: GoalRecord, report: GoalReport) -> None:
    for name in YEAR_FIELDS:
        year = getattr(goal, name)
        if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
            report.add(name, f"ett årtal {MIN_YEAR}–{MAX_YEAR}")
    if (
        goal.base_year is not None
        and goal.target_year is not None
        and goal.base_year >= goal.target_year
    ):
        report.add("target_year", f"ett år efter base_year ({goal.base_year})")


def _check_areas(
    goal: GoalRecord, report: GoalReport, area_ids: Collection[str], skip: Collection[str]
) -> None:
    if goal.areas is not None:
        bad = [a for a in goal.areas if not _AREA_PATTERN.fullmatch(a) or a not in area_ids]
        if not goal.areas or bad:
            report.add(
                "areas",
                "områdes-id med fyra siffror bland de kända områdena, t.ex. 2062 (Mora); flera "
                f"åtskilda med {AREA_SEPARATOR}" + (f" (okänt: {', '.join(bad)})" if bad else ""),
            )
        elif len(set(goal.areas)) != len(goal.areas):
            report.add("areas", "varje område bara en gång")
    if goal.level == LOKAL and "areas" not in skip:
        areas = goal.areas or ()
        if len(areas) != 1 or areas[0].startswith("00"):
            report.add(
                "areas",
                "exakt ett kommun-id för level lokal (ett lokalt mål gäller en kommun), t.ex. 2062",
            )


def _check_texts(goal: GoalRecord, report: GoalReport) -> None:
    too_long = set()
    for name, limit in TEXT_LIMITS.items():
        length = len(getattr(goal, name) or "")
        if length > limit:
            too_long.add(name)
            report.add(name, f"högst {limit} tecken", found=f"en text på {length} tecken")
    if not goal.wording_sv.strip():
        report.add("wording_sv", "en text: målets lydelse på svenska")
    if not goal.source_document.strip():
        report.add("source_document", "en text som anger källan (dokument eller beslut)")
    for name in ("source_url", "secondary_source_url"):
        url = getattr(goal, name)
        if url and name not in too_long and not _URL_PATTERN.fullmatch(url):
            report.add(name, "tomt eller en webbadress som börjar med http:// eller https://")
    if goal.secondary_source_url and not goal.source_url:
        report.add(
            "source_url",
            "en webbadress till huvudkällan (beslutet eller dokumentet) när "
            "secondary_source_url är ifylld; den andra adressen är en extra referens",
        )


def _check_link_ids(goal: GoalRecord, report: GoalReport) -> None:
    """The form of the ids in ``contributes_to`` (whether they name known goals of higher
    levels is :func:`check_links`)."""
    bad = [
        goal_id
        for goal_id in goal.contributes_to
        if not (_ID_PATTERN.fullmatch(goal_id) and len(goal_id) <= MAX_ID_LENGTH)
    ]
    if bad:
        report.add(
            "contributes_to",
            "id för högre mål som målet bidrar till, åtskilda med "
            f"{LINK_SEPARATOR}, t.ex. dalarna-klimatneutral-2045 (felaktigt: {', '.join(bad)})",
        )
    elif goal.id in goal.contributes_to:
        report.add("contributes_to", f'andra mål än målet självt ("{goal.id}")')
    elif len(set(goal.contributes_to)) != len(goal.contributes_to):
        report.add("contributes_to", "varje högre mål bara en gång")


def check_links(goal: GoalRecord, report: GoalReport, levels: Mapping[str, str]) -> None:
    """Add to ``report`` the goals in ``goal.contributes_to`` that are not known or not of a
    higher level than ``goal`` (a goal contributes to higher goals only: lokal → regional →
    nationell → global). ``levels`` maps every goal id a link may name to its level."""
    if goal.level not in GOAL_LEVELS:
        return
    rank = GOAL_LEVELS.index(goal.level)
    unknown = [goal_id for goal_id in goal.contributes_to if goal_id not in levels]
    if unknown:
        report.add(
            "contributes_to",
            f'id för mål som finns (målet "{goal.id}" bidrar till okända mål: '
            f"{', '.join(unknown)})",
        )
    not_higher = [
        f"{goal_id} ({levels[goal_id]})"
        for goal_id in goal.contributes_to
        if goal_id in levels
        and levels[goal_id] in GOAL_LEVELS
        and GOAL_LEVELS.index(levels[goal_id]) <= rank
    ]
    if not_higher:
        report.add(
            "contributes_to",
            f'mål på en högre nivå än {goal.level} (målet "{goal.id}" kan bara bidra till '
            f"högre mål, men anger {', '.join(not_higher)})",
        )


def check_goal(
    goal: GoalRecord,
    report: GoalReport,
    kpi_ids: Collection[str],
    area_ids: Collection[str],
    skip: Collection[str] = (),
) -> None:
    """Add to ``report`` every rule ``goal`` breaks; fields in ``skip`` already had a format
    problem (a number or a year that could not be read) and are not reported again."""
    if not (_ID_PATTERN.fullmatch(goal.id) and len(goal.id) <= MAX_ID_LENGTH):
        report.add(
            "id",
            f"ett id av små bokstäver a–z, siffror och bindestreck, högst {MAX_ID_LENGTH} tecken, "
            "t.ex. mora-utslapp-1-5-ton-2030",
        )
    if goal.kpi_id not in kpi_ids:
        report.add("kpi_id", "ett nyckeltals-id som finns i indikatorkatalogen, t.ex. N00401")
    if goal.level not in GOAL_LEVELS:
        report.add("level", "en av " + ", ".join(GOAL_LEVELS))
    if goal.kind not in GOAL_KINDS:
        report.add("kind", "en av " + ", ".join(GOAL_KINDS))
    _check_kind_values(goal, report, skip)
    _check_direction(goal, report)
    _check_years(goal, report)
    _check_areas(goal, report, area_ids, skip)
    _check_texts(goal, report)
    _check_link_ids(goal, report)


def validate_goal(
    goal: GoalRecord,
    *,
    known_kpi_ids: Collection[str] | None = None,
    known_area_ids: Collection[str] | None = None,
    source_name: str | None = None,
) -> list[GoalProblem]:
    """Every rule ``goal`` breaks (an empty list for a valid goal).

    ``known_kpi_ids`` defaults to the indicator catalogue, ``known_area_ids`` to the default
    areas; problems name ``source_name``, by default the goal (``målet "…"``).
    """
    kpi_ids, area_ids = known_ids(known_kpi_ids, known_area_ids)
    report = GoalReport(source_name or f'målet "{goal.id}"', None, goal_texts(goal))
    check_goal(goal, report, kpi_ids, area_ids)
    return report.problems


def require_user_goal(
    goal: GoalRecord,
    *,
    known_kpi_ids: Collection[str] | None = None,
    known_area_ids: Collection[str] | None = None,
) -> None:
    """Raise :class:`InvalidGoalError` listing every rule ``goal`` breaks, or
    :class:`GoalLevelError` when it is at a level users may not add goals at."""
    problems = validate_goal(goal, known_kpi_ids=known_kpi_ids, known_area_ids=known_area_ids)
    if problems:
        raise InvalidGoalError(problems)
    if goal.level not in USER_LEVELS:
        raise GoalLevelError(
            f'Målet "{goal.id}" har nivån {goal.level}: egna mål kan ha nivån '
            f"{' eller '.join(USER_LEVELS)}. Globala och nationella mål finns i målkatalogen "
            "med sina källor."
        )


# --------------------------------------------------------------------------- against the direction


@dataclass(frozen=True)
class LatestValue:
    """An area's newest value of a goal's indicator: the area's name, the year, the value."""

    area_name: str
    year: int
    value: float


#: "Indikatorn är bättre ju ___ den är", by the indicator's desired direction.
_BETTER_THE = {UP: "högre", DOWN: "lägre"}


def goal_way(goal: GoalRecord) -> str | None:
    """The way a goal wants its indicator to move (``up``/``down``), or ``None`` when it says
    none: ``minst`` (≥) is up and ``högst`` (≤) down, a positive change up and a negative one
    down, a direction goal its direction; a change of 0 %, an interval and an incomplete goal
    say none."""
    if goal.kind == ABSOLUTE:
        operator = OPERATORS.get(goal.operator or "")
        return operator.direction if operator is not None else None
    if goal.kind == RELATIVE and goal.relative_change:
        return UP if goal.relative_change > 0 else DOWN
    if goal.kind == DIRECTION and goal.direction in _BETTER_THE:
        return goal.direction
    return None


def _stated(goal: GoalRecord, indicator: Indicator) -> str:
    """What the goal says, for the reason: "högst 80 %", "en minskning med 10 %", "att den
    ska minska"."""
    if goal.kind == RELATIVE and goal.relative_change:
        change = "en ökning" if goal.relative_change > 0 else "en minskning"
        return f"{change} med {goal_number(abs(goal.relative_change) * 100)} %"
    if goal.kind == DIRECTION and goal.direction in DIRECTIONS:
        return f"att den {DIRECTIONS[goal.direction].change}"
    return goal_in_words(
        goal, PROFILE, unit=indicator.unit, decimals=indicator.decimals, with_year=False
    )


def operator_for(direction: str | None) -> str | None:
    """The comparison a level goal for an indicator with this desired direction starts with:
    ``>=`` (minst) for ``up``, ``<=`` (högst) for ``down``, none for ``none`` (the editor
    chooses)."""
    return next((key for key, op in OPERATORS.items() if op.direction == direction), None)


def operator_hint(direction: str | None) -> str:
    """What the goal form says under its comparison for an indicator with this desired
    direction (``None``: no indicator chosen yet)."""
    if direction is None:
        return "Förväljs efter indikatorns önskade riktning när du har valt indikator."
    operator = OPERATORS.get(operator_for(direction) or "")
    if operator is None:
        return "Indikatorn har ingen önskad riktning: välj själv högst eller minst."
    return (
        f"Indikatorn är bättre ju {_BETTER_THE[direction]} den är, så ”{operator.word} "
        f"({operator.sign})” är förvalt."
    )


def latest_value_area(goal: GoalRecord) -> str | None:
    """The area whose newest value tells whether a level goal is already met: the one area a
    goal names (a municipality's own goal), else Region Dalarna when the goal names it (the
    county as a whole); ``None`` for a goal of every area or of several municipalities."""
    if goal.areas is None:
        return None
    if len(goal.areas) == 1:
        return goal.areas[0]
    return REGION_DALARNA if REGION_DALARNA in goal.areas else None


def against_direction(
    goal: GoalRecord, indicator: Indicator | None, latest: LatestValue | None = None
) -> str | None:
    """Why ``goal`` goes against its indicator's desired direction, in Swedish, or ``None``
    when it does not. Two rules, for an indicator with a desired direction (up or down):

    1. The goal wants the other way (:func:`goal_way`): ``högst`` on an indicator that is
       better the higher it is, ``minst`` on one better the lower, a change or a direction the
       other way. "Indikatorn är bättre ju högre den är, men målet säger högst 80 %."
    2. A level goal the right way round whose target is already passed by ``latest`` (the
       area's newest value, :func:`latest_value_area`): "minst 80 %" where the value is 97 %
       lets the value get worse and still be met. A target equal to the newest value (hold the
       level) is not against the direction.

    An indicator without a desired direction (``none``) and an interval goal are never
    against it.
    """
    if indicator is None or indicator.direction not in _BETTER_THE:
        return None
    wanted = indicator.direction
    way = goal_way(goal)
    if way is not None and way != wanted:
        return (
            f"Indikatorn är bättre ju {_BETTER_THE[wanted]} den är, men målet säger "
            f"{_stated(goal, indicator)}."
        )
    if goal.kind != ABSOLUTE or way is None or latest is None or goal.target_value is None:
        return None
    passed = goal.target_value < latest.value if wanted == UP else goal.target_value > latest.value
    if not passed:
        return None
    unit = display_unit(indicator.unit)
    value = format_number(latest.value, indicator.decimals) + (f" {unit}" if unit else "")
    return (
        f"Målet {_stated(goal, indicator)} är redan uppnått i {latest.area_name}: senaste "
        f"värdet är {value} ({latest.year}). Ett mål som är sämre än nuläget tillåter att "
        "värdet blir sämre."
    )


__all__ = [
    "AREA_SEPARATOR",
    "LINK_SEPARATOR",
    "MAX_ID_LENGTH",
    "MAX_NOTE_LENGTH",
    "MAX_SHOWN_PROBLEMS",
    "MAX_SOURCE_DOCUMENT_LENGTH",
    "MAX_SOURCE_URL_LENGTH",
    "MAX_WORDING_LENGTH",
    "MAX_YEAR",
    "MIN_YEAR",
    "NUMBER_FIELDS",
    "TEXT_LIMITS",
    "YEAR_FIELDS",
    "GoalFileError",
    "GoalLevelError",
    "GoalNoteError",
    "GoalProblem",
    "GoalReport",
    "InvalidGoalError",
    "LatestValue",
    "against_direction",
    "check_goal",
    "check_links",
    "field_text",
    "goal_texts",
    "goal_way",
    "known_ids",
    "latest_value_area",
    "links_text",
    "operator_for",
    "operator_hint",
    "parse_links",
    "problem_lines",
    "quoted",
    "require_note",
    "require_user_goal",
    "validate_goal",
]
