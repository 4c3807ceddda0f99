"""The rules an intervention ("insats") must keep, its indicators in text form, and the words
the register shows.

An intervention belongs to one of Dalarna's 15 municipalities or to Region Dalarna
(:data:`INTERVENTION_AREAS`), runs from ``start_year`` (to ``end_year`` when it has one), has
one of the statuses :data:`data.interventions.STATUSES` and may link its decision
(``decision_url``, an ``http(s)`` address). It names the indicators it is meant to move, each
with the desired direction and, where stated, the expected change by a year.

Indicators in text form (the register's CSV column ``indicators`` and the form's field), one
indicator after another separated by ``;`` (or a new line)::

    KPI:riktning[:förväntad förändring:år]

    N85533:down:-10%:2030;N00401:down
    N07702:down:-1500:2028

``riktning`` is ``up`` or ``down``; the expected change is relative with a ``%`` (``-10%`` is
stored as −0.1) or in the indicator's own unit without one (``-1500`` ton CO2e), with a
decimal point or a decimal comma (``-2,5%``); its year is required with it. A change must go
the indicator's stated direction (``down`` with a negative change).

Every rule broken is reported at once, in the form the goal rules use
(:class:`indicators.goal_validation.GoalProblem`: source, line, field, the value found and the
form expected), so a form and a file are told the same.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

from data.areas import DALARNA_MUNICIPALITIES, REGION_DALARNA
from data.interventions import STATUSES, InterventionError, InterventionRecord, LinkedIndicator
from indicators.catalogue import Indicator
from indicators.formatting import format_csv_number, format_short, parse_decimal
from indicators.goal_validation import GoalProblem, known_ids, problem_lines, quoted
from indicators.vocabulary import DIRECTIONS, DOWN, UP

#: The areas an intervention may belong to: Dalarna's municipalities and Region Dalarna.
INTERVENTION_AREAS: dict[str, str] = {
    **DALARNA_MUNICIPALITIES,
    REGION_DALARNA: "Region Dalarna",
}
#: The years an intervention may start, end or expect its change in.
MIN_YEAR, MAX_YEAR = 1990, 2100
#: The longest texts, in characters.
TEXT_LIMITS: dict[str, int] = {
    "title": 300,
    "responsible": 200,
    "decision_reference": 500,
    "decision_url": 2000,
    "description": 4000,
}
#: The most indicators and goals one intervention may name.
MAX_INDICATORS = 20
MAX_GOALS = 20

#: The statuses as the register shows them.
STATUS_LABELS: dict[str, str] = {
    "planerad": "Planerad",
    "pågår": "Pågår",
    "genomförd": "Genomförd",
    "avbruten": "Avbruten",
}
#: A mark beside each status, so it is told by more than a colour.
STATUS_MARKS: dict[str, str] = {
    "planerad": "○",
    "pågår": "◐",
    "genomförd": "●",
    "avbruten": "✕",
}

#: Separators of the text form of the indicators: between indicators and between parts.
LINK_SEPARATOR = ";"
PART_SEPARATOR = ":"
#: Separates several goal ids in the text form (as goals separate their areas).
GOAL_SEPARATOR = "|"
#: The text form of the indicators, as messages and the form's hint explain it.
LINK_FORM = "KPI:riktning[:förväntad förändring:år], flera åtskilda med semikolon"
LINK_EXAMPLE = "N85533:down:-10%:2030;N00401:down"
#: Where the register's facts come from, as each page credits its source.
CREDIT = (
    "Uppgifter: redaktörerna i Hållbarhetsuppföljning Dalarna, från kommunernas och "
    "Region Dalarnas egna beslut."
)

_URL_PATTERN = re.compile(r"https?://[^\s/?#]+\S*")
_KPI_PATTERN = re.compile(r"[A-Z]\d{5}")
_YEAR_PATTERN = re.compile(r"\d{4}")


class InvalidInterventionError(InterventionError):
    """One or more interventions break the rules; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[GoalProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(problem_lines(self.problems)))


@dataclass
class _Report:
    source: str
    line: int | None
    raw: Mapping[str, str]
    problems: list[GoalProblem] = field(default_factory=list)

    def add(self, name: str, expected: str, *, found: str | None = None) -> None:
        self.problems.append(
            GoalProblem(self.source, self.line, name, self.raw.get(name, ""), expected, found)
        )


# --------------------------------------------------------------------------- indicators as text


def _change_text(link: LinkedIndicator) -> str:
    if link.expected_change is None:
        return ""
    if link.expected_relative:
        return format_csv_number(round(link.expected_change * 100, 10)) + "%"
    return format_csv_number(link.expected_change)


def link_text(link: LinkedIndicator) -> str:
    """One indicator in text form: ``N85533:down:-10%:2030``."""
    parts = [link.kpi_id, link.direction]
    if link.expected_change is not None or link.expected_year is not None:
        parts.append(_change_text(link))
        parts.append(str(link.expected_year) if link.expected_year is not None else "")
    return PART_SEPARATOR.join(parts)


def links_text(links: Sequence[LinkedIndicator], separator: str = LINK_SEPARATOR) -> str:
    """The indicators in text form, separated by ``separator``."""
    return separator.join(link_text(link) for link in links)


def _parse_change(text: str) -> tuple[float, bool]:
    """An expected change as (value, relative); :class:`ValueError` when it is not a number."""
    text = text.strip()
    if text.endswith("%"):
        return parse_decimal(text[:-1]) / 100, True
    return parse_decimal(text), False


def _parse_link(part: str) -> tuple[LinkedIndicator | None, str | None]:
    """One indicator from text, or what is wrong with it."""
    pieces = [piece.strip() for piece in part.split(PART_SEPARATOR)]
    if len(pieces) not in (2, 4):
        return None, f'"{quoted(part)}" har {len(pieces)} delar, förväntat 2 eller 4'
    kpi_id, direction = pieces[0].upper(), pieces[1].lower()
    change, relative, year = None, False, None
    if len(pieces) == 4:
        if pieces[2]:
            try:
                change, relative = _parse_change(pieces[2])
            except ValueError:
                return None, f'"{quoted(pieces[2])}" är inte en förändring som -10% eller -1500'
        if pieces[3]:
            if not _YEAR_PATTERN.fullmatch(pieces[3]):
                return None, f'"{quoted(pieces[3])}" är inte ett årtal med fyra siffror'
            year = int(pieces[3])
    return LinkedIndicator(kpi_id, direction, change, relative, year), None


def parse_links(text: str) -> tuple[tuple[LinkedIndicator, ...], list[str]]:
    """The indicators in ``text`` (:data:`LINK_FORM`; ``;`` or new lines between them) and the
    problems with the parts that could not be read."""
    links: list[LinkedIndicator] = []
    problems: list[str] = []
    for part in re.split(r"[;\n]", text):
        if not part.strip():
            continue
        link, problem = _parse_link(part)
        if link is not None:
            links.append(link)
        elif problem is not None:
            problems.append(problem)
    return tuple(links), problems


def parse_goal_ids(text: str) -> tuple[str, ...]:
    """Goal ids separated by ``|`` (or new lines), in order, each once."""
    parts = (part.strip() for part in re.split(r"[|\n]", text))
    return tuple(dict.fromkeys(part for part in parts if part))


# --------------------------------------------------------------------------- checks


def _check_texts(record: InterventionRecord, report: _Report) -> None:
    for name, limit in TEXT_LIMITS.items():
        length = len(getattr(record, name) or "")
        if length > limit:
            report.add(name, f"högst {limit} tecken", found=f"en text på {length} tecken")
    if not record.title.strip():
        report.add("title", "en rubrik: vad insatsen är, t.ex. Laddinfrastruktur i Falun")
    url = record.decision_url.strip()
    if url and not _URL_PATTERN.fullmatch(url):
        report.add(
            "decision_url", "en webbadress som börjar med http:// eller https://, eller tomt"
        )


def _check_core(record: InterventionRecord, report: _Report) -> None:
    if record.area_id not in INTERVENTION_AREAS:
        report.add(
            "area_id",
            "en kommun i Dalarna eller Region Dalarna med sin kod, t.ex. 2080 (Falun) eller "
            f"{REGION_DALARNA} (Region Dalarna)",
        )
    if record.status not in STATUSES:
        report.add("status", "en av " + ", ".join(STATUSES))
    if not MIN_YEAR <= record.start_year <= MAX_YEAR:
        report.add("start_year", f"ett årtal {MIN_YEAR}–{MAX_YEAR}")
    if record.end_year is not None:
        if not MIN_YEAR <= record.end_year <= MAX_YEAR:
            report.add("end_year", f"ett årtal {MIN_YEAR}–{MAX_YEAR}, eller tomt")
        elif record.end_year < record.start_year:
            report.add("end_year", f"samma år som start_year ({record.start_year}) eller senare")


def _link_problem(link: LinkedIndicator, start_year: int, kpi_ids: Collection[str]) -> str | None:
    """What is wrong with one linked indicator, or ``None``."""
    if not _KPI_PATTERN.fullmatch(link.kpi_id) or link.kpi_id not in kpi_ids:
        return f"{link.kpi_id}: en indikator i katalogen (KPI-id som N85533)"
    if link.direction not in (UP, DOWN):
        return f'{link.kpi_id}: riktningen up eller down, inte "{quoted(link.direction)}"'
    change, year = link.expected_change, link.expected_year
    if change is not None and year is None:
        return f"{link.kpi_id}: ett år för den förväntade förändringen, t.ex. :-10%:2030"
    if change is None and year is not None:
        return f"{link.kpi_id}: en förväntad förändring till år {year}, t.ex. :-10%:{year}"
    if year is not None and not max(start_year, MIN_YEAR) <= year <= MAX_YEAR:
        return (
            f"{link.kpi_id}: ett år för förändringen från start_year ({start_year}) till {MAX_YEAR}"
        )
    if change is not None:
        if link.expected_relative and change < -1:
            return f"{link.kpi_id}: en relativ förändring på högst −100 %"
        if change == 0 or (change > 0) != (link.direction == UP):
            way = "en ökning (positiv)" if link.direction == UP else "en minskning (negativ)"
            return f"{link.kpi_id}: {way} som förväntad förändring, som riktningen {link.direction}"
    return None


def _check_links(record: InterventionRecord, report: _Report, kpi_ids: Collection[str]) -> None:
    links = record.indicators
    if len(links) > MAX_INDICATORS:
        report.add("indicators", f"högst {MAX_INDICATORS} indikatorer")
        return
    seen: set[str] = set()
    for link in links:
        problem = _link_problem(link, record.start_year, kpi_ids)
        if problem is None and link.kpi_id in seen:
            problem = f"{link.kpi_id}: varje indikator bara en gång"
        seen.add(link.kpi_id)
        if problem is not None:
            report.add("indicators", f"{problem} ({LINK_FORM})")


def _check_goals(
    record: InterventionRecord, report: _Report, goal_ids: Collection[str] | None
) -> None:
    if len(record.goal_ids) > MAX_GOALS:
        report.add("goals", f"högst {MAX_GOALS} mål")
    elif goal_ids is not None:
        unknown = [goal for goal in record.goal_ids if goal not in goal_ids]
        if unknown:
            report.add(
                "goals",
                f"id för mål som finns (sidan Mål), åtskilda med {GOAL_SEPARATOR} "
                f"(okänt: {', '.join(quoted(goal) for goal in unknown)})",
            )


def check_intervention(
    record: InterventionRecord,
    *,
    source: str = "Insatsen",
    line: int | None = None,
    raw: Mapping[str, str] | None = None,
    known_kpi_ids: Collection[str] | None = None,
    known_goal_ids: Collection[str] | None = None,
    skip: Collection[str] = (),
) -> list[GoalProblem]:
    """Every problem of ``record`` (empty when it keeps the rules). ``raw`` holds its fields as
    written (for the messages; by default the record's own values), ``known_kpi_ids`` the
    indicators it may name (by default the catalogue's), ``known_goal_ids`` the goals (``None``:
    not checked); fields in ``skip`` were already reported."""
    report = _Report(source, line, raw if raw is not None else raw_fields(record))
    kpi_ids, _ = known_ids(known_kpi_ids, None)
    _check_texts(record, report)
    _check_core(record, report)
    if "indicators" not in skip:
        _check_links(record, report, kpi_ids)
    _check_goals(record, report, known_goal_ids)
    return [problem for problem in report.problems if problem.field not in skip]


def validate_intervention(record: InterventionRecord, **kwargs) -> InterventionRecord:
    """``record`` with its texts trimmed, or :class:`InvalidInterventionError` with every
    problem (the arguments as for :func:`check_intervention`)."""
    problems = check_intervention(record, **kwargs)
    if problems:
        raise InvalidInterventionError(problems)
    return trimmed(record)


def trimmed(record: InterventionRecord) -> InterventionRecord:
    """``record`` with leading and trailing spaces removed from its texts."""
    return replace(
        record,
        title=record.title.strip(),
        responsible=record.responsible.strip(),
        decision_reference=record.decision_reference.strip(),
        decision_url=record.decision_url.strip(),
        description=record.description.strip(),
    )


def raw_fields(record: InterventionRecord) -> dict[str, str]:
    """The record's fields as text, as the CSV writes them and problems quote them."""
    return {
        "id": str(record.id) if record.id is not None else "",
        "title": record.title,
        "area_id": record.area_id,
        "responsible": record.responsible,
        "status": record.status,
        "start_year": str(record.start_year),
        "end_year": str(record.end_year) if record.end_year is not None else "",
        "indicators": links_text(record.indicators),
        "goals": GOAL_SEPARATOR.join(record.goal_ids),
        "decision_reference": record.decision_reference,
        "decision_url": record.decision_url,
        "description": record.description,
        "version": str(record.version) if record.version is not None else "",
    }


# --------------------------------------------------------------------------- the form


#: The form's fields, as the CSV names its columns.
FORM_FIELDS: tuple[str, ...] = (
    "title",
    "area_id",
    "status",
    "start_year",
    "end_year",
    "responsible",
    "indicators",
    "goals",
    "decision_reference",
    "decision_url",
    "description",
)


def _form_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value.strip() if isinstance(value, str) else ""


def form_record(
    values: Mapping[str, object],
    *,
    known_kpi_ids: Collection[str] | None = None,
    known_goal_ids: Collection[str] | None = None,
    source: str = "Formuläret",
) -> tuple[InterventionRecord | None, list[GoalProblem]]:
    """The intervention a form's ``values`` (:data:`FORM_FIELDS`) describe, checked; ``None``
    and every problem when it breaks a rule (values of any type, as a forged request may
    send)."""
    raw = {name: _form_text(values.get(name)) for name in FORM_FIELDS}
    report = _Report(source, None, raw)
    skip: set[str] = set()
    years: dict[str, int | None] = {}
    for name in ("start_year", "end_year"):
        text = raw[name]
        years[name] = int(text) if _YEAR_PATTERN.fullmatch(text) else None
        if years[name] is None and (text or name == "start_year"):
            report.add(name, f"ett årtal {MIN_YEAR}–{MAX_YEAR} med fyra siffror, t.ex. 2024")
            skip.add(name)
    links, link_problems = parse_links(raw["indicators"])
    for problem in link_problems:
        report.add("indicators", f"{LINK_FORM}: {problem}")
    record = InterventionRecord(
        title=raw["title"],
        area_id=raw["area_id"],
        status=raw["status"],
        start_year=years["start_year"] or MIN_YEAR,
        end_year=years["end_year"],
        responsible=raw["responsible"],
        indicators=links,
        goal_ids=parse_goal_ids(raw["goals"]),
        decision_reference=raw["decision_reference"],
        decision_url=raw["decision_url"],
        description=raw["description"],
    )
    problems = report.problems + check_intervention(
        record,
        source=source,
        raw={**raw, "goals": raw["goals"]},
        known_kpi_ids=known_kpi_ids,
        known_goal_ids=known_goal_ids,
        skip=skip,
    )
    return (None if problems else trimmed(record)), problems


def form_values(record: InterventionRecord | None) -> dict[str, str]:
    """The form's values for ``record`` (an empty form for ``None``)."""
    if record is None:
        return {name: "" for name in FORM_FIELDS} | {"status": "planerad"}
    values = raw_fields(record)
    values["indicators"] = links_text(record.indicators, ";\n")
    return {name: values[name] for name in FORM_FIELDS}


# --------------------------------------------------------------------------- words shown


def area_name(area_id: str) -> str:
    """The municipality's or the region's name (the id itself when unknown)."""
    return INTERVENTION_AREAS.get(area_id, area_id)


def status_text(status: str) -> str:
    """A status with its mark: ``◐ Pågår``."""
    return f"{STATUS_MARKS.get(status, '')} {STATUS_LABELS.get(status, status)}".strip()


def years_text(record: InterventionRecord) -> str:
    """``2024–2028``, ``2024`` (one year) or ``från 2024`` (no end year)."""
    if record.end_year is None:
        return f"från {record.start_year}"
    if record.end_year == record.start_year:
        return str(record.start_year)
    return f"{record.start_year}–{record.end_year}"


def expected_text(link: LinkedIndicator, indicator: Indicator | None) -> str:
    """The expected change in words: ``−10 % till 2030``, ``−1 500 ton CO2e till 2030``, or
    ``ingen förväntad förändring angiven``."""
    if link.expected_change is None:
        return "ingen förväntad förändring angiven"
    if link.expected_relative:
        amount = f"{_signed(link.expected_change * 100)} %"
    else:
        unit = f" {indicator.unit}" if indicator is not None and indicator.unit else ""
        amount = f"{_signed(link.expected_change)}{unit}"
    return f"{amount} till {link.expected_year}"


def _signed(value: float) -> str:
    text = format_short(value)
    return text if text.startswith("−") else f"+{text}"


def direction_text(direction: str) -> str:
    """``↓ ska minska`` / ``↑ ska öka``."""
    way = DIRECTIONS.get(direction)
    return f"{way.arrow} {way.change}" if way is not None else direction


def indicator_name(kpi_id: str, indicator: Indicator | None) -> str:
    """``Växthusgasutsläpp, transporter (N85533)``; the id alone for an unknown one."""
    return f"{indicator.label} ({kpi_id})" if indicator is not None else kpi_id


def summary_text(count: int, area_id: str | None, kpi_id: str | None) -> str:
    """How many interventions the list shows, and for what: ``3 insatser i Falun``."""
    noun = "insats" if count == 1 else "insatser"
    where = f" i {area_name(area_id)}" if area_id else ""
    what = f" för {kpi_id}" if kpi_id else ""
    return f"{count} {noun}{where}{what}"


__all__ = [
    "CREDIT",
    "FORM_FIELDS",
    "GOAL_SEPARATOR",
    "INTERVENTION_AREAS",
    "LINK_EXAMPLE",
    "LINK_FORM",
    "MAX_YEAR",
    "MIN_YEAR",
    "STATUS_LABELS",
    "TEXT_LIMITS",
    "InvalidInterventionError",
    "area_name",
    "check_intervention",
    "direction_text",
    "expected_text",
    "form_record",
    "form_values",
    "indicator_name",
    "link_text",
    "links_text",
    "parse_goal_ids",
    "parse_links",
    "raw_fields",
    "status_text",
    "summary_text",
    "trimmed",
    "validate_intervention",
    "years_text",
]
