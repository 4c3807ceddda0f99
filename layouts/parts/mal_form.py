"""The Mål page's goal form and file actions: form values ↔ goal CSV rows, checked by the goal
CSV's own rules (:func:`indicators.goal_csv.parse_goal_rows`, so the form and the import say the
same), adding, changing and removing users' goals, and importing and exporting the goal CSV.

A goal that goes against its indicator's desired direction
(:func:`indicators.goal_validation.against_direction`) is not saved from the form until the
editor has confirmed it: :func:`save_form` answers with the reason as a question, and saves
only when it is given that same reason back as ``confirmed``. An import saves such goals and
lists each with the same reason (:func:`indicators.goals.import_goals_csv`).
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
import re
import tempfile
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from data.areas import REGION_DALARNA
from data.goals import (
    ORIGIN_USER,
    CatalogueGoalError,
    DuplicateGoalError,
    GoalError,
    GoalRecord,
    StaleGoalError,
    UnknownGoalError,
)
from indicators import service
from indicators.formatting import format_datetime, parse_decimal
from indicators.goal_csv import COLUMNS, parse_goal_rows
from indicators.goal_text import goal_number
from indicators.goal_validation import (
    MAX_ID_LENGTH,
    GoalFileError,
    GoalNoteError,
    GoalProblem,
    InvalidGoalError,
    links_text,
    operator_for,
)
from indicators.goals import (
    add_goal,
    direction_question,
    export_goals_csv,
    find_goals,
    get_goal,
    goal_changes,
    import_goals_csv,
    remove_goal,
    update_goal,
)
from indicators.vocabulary import GOAL_LEVELS, LEVELS, OPERATORS
from layouts.parts.components import upload_name
from layouts.parts.mal_goals import goal_differences, goal_title, indicator_label

log = logging.getLogger(__name__)

FORM_SOURCE = "formuläret"

#: Area choices beyond the 15 municipalities (for regional goals).
REGION_AND_MUNICIPALITIES = "0020+kommuner"

#: The form's fields: CSV column names, except ``area`` (one choice → ``areas``) and
#: ``relative_change`` (entered in per cent).
FORM_FIELDS: tuple[str, ...] = (
    "id",
    "area",
    "kpi_id",
    "level",
    "kind",
    "operator",
    "target_value",
    "relative_change",
    "band_low",
    "band_high",
    "direction",
    "base_year",
    "target_year",
    "wording_sv",
    "source_document",
    "source_url",
    "secondary_source_url",
    "adopted_year",
    "contributes_to",
)
#: The form field that shows a problem in a CSV column.
FIELD_OF_COLUMN: dict[str, str] = {"areas": "area"}
#: Which fields each kind uses (the others are hidden and not saved).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "absolute": ("operator", "target_value", "base_year"),
    "relative": ("relative_change", "base_year"),
    "band": ("band_low", "band_high"),
    "direction": ("direction",),
}
KIND_SPECIFIC = tuple(sorted({name for names in KIND_FIELDS.values() for name in names}))

# --------------------------------------------------------------------------- the form


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens ("Växthusgasutsläpp per invånare" →
    "vaxthusgasutslapp-per-invanare")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def default_goal_id(area: str | None, kpi_id: str | None, target_year: Any) -> str:
    """An id from the municipality, the indicator and the target year, e.g.
    ``mora-vaxthusgasutslapp-per-invanare-2030`` (at most :data:`MAX_ID_LENGTH` characters)."""
    area_id = REGION_DALARNA if area == REGION_AND_MUNICIPALITIES else area
    first = slug(service.area_title(area_id)) if area_id else ""
    year = str(target_year).strip() if target_year not in (None, "") else ""
    year = year if re.fullmatch(r"\d{4}", year) else ""
    middle = slug(indicator_label(kpi_id)) if kpi_id else ""
    fixed = len(first) + len(year) + 2
    middle = middle[: max(MAX_ID_LENGTH - fixed, 0)].strip("-")
    return "-".join(part for part in (first, middle, year) if part)


def area_options() -> list[dict[str, str]]:
    """The 15 municipalities, then Region Dalarna alone and with every municipality."""
    options = [{"label": service.area_title(a), "value": a} for a in service.MUNICIPALITY_IDS]
    options.append({"label": "Region Dalarna (länet som helhet)", "value": REGION_DALARNA})
    options.append(
        {"label": "Region Dalarna och alla kommuner i länet", "value": REGION_AND_MUNICIPALITIES}
    )
    return options


def areas_of_choice(choice: str | None) -> str:
    """The CSV ``areas`` text of an area choice."""
    if not choice:
        return ""
    if choice == REGION_AND_MUNICIPALITIES:
        return "|".join((REGION_DALARNA, *service.MUNICIPALITY_IDS))
    return choice


def choice_of_areas(areas: Sequence[str] | None) -> str | None:
    """The area choice that stands for a goal's areas (``None`` when none does)."""
    if areas is None:
        return None
    if set(areas) == {REGION_DALARNA, *service.MUNICIPALITY_IDS}:
        return REGION_AND_MUNICIPALITIES
    if len(areas) == 1:
        return areas[0]
    return None


def text_value(value: Any) -> str:
    """A form value as stripped text (``None`` → ``""``)."""
    return "" if value is None else str(value).strip()


def percent_to_fraction(text: str) -> str:
    """A change in per cent as the CSV's decimal fraction: ``"-70"`` → ``"-0.7"``,
    ``"12,5"`` → ``"0.125"``; text that is not a number is returned unchanged, so the CSV
    rules report it."""
    if not text:
        return ""
    try:
        number = Decimal(repr(parse_decimal(text)))
    except (ValueError, InvalidOperation):
        return text
    fraction = (number / 100).normalize()
    return format(fraction, "f")


def fraction_to_percent(value: float | None) -> str:
    """A stored relative change (−0.7) as the form's per cent (``"-70"``)."""
    if value is None:
        return ""
    return format((Decimal(repr(value)) * 100).normalize(), "f")


def form_row(values: Mapping[str, Any]) -> dict[str, str]:
    """The form's values as a goal CSV row; fields the chosen kind does not use are left empty,
    the direction of a level or change goal follows from its operator or sign, and an empty id
    is made from the municipality, the indicator and the target year."""
    kind = text_value(values.get("kind"))
    used = KIND_FIELDS.get(kind, ())
    row = dict.fromkeys(COLUMNS, "")
    for name in ("kpi_id", "level", "target_year", "wording_sv", "source_document"):
        row[name] = text_value(values.get(name))
    row["source_url"] = text_value(values.get("source_url"))
    row["secondary_source_url"] = text_value(values.get("secondary_source_url"))
    row["adopted_year"] = text_value(values.get("adopted_year"))
    row["kind"] = kind
    row["areas"] = areas_of_choice(text_value(values.get("area")) or None)
    for name in used:
        row[name] = text_value(values.get(name))
    if "relative_change" in used:
        row["relative_change"] = percent_to_fraction(row["relative_change"])
    if kind == "absolute" and row["operator"] in OPERATORS:
        row["direction"] = "up" if row["operator"] == ">=" else "down"
    if kind == "relative":
        try:
            change = parse_decimal(row["relative_change"])
        except ValueError:
            change = 0.0
        row["direction"] = "up" if change > 0 else "down" if change < 0 else ""
    row["contributes_to"] = links_text(chosen_ids(values.get("contributes_to")))
    row["id"] = text_value(values.get("id")) or default_goal_id(
        text_value(values.get("area")) or None, row["kpi_id"] or None, row["target_year"]
    )
    return row


def level_of_area(area: str | None) -> str:
    """The level a goal for an area choice has: regional for Region Dalarna (alone or with
    the municipalities), else local."""
    return "regional" if area in (REGION_DALARNA, REGION_AND_MUNICIPALITIES) else "lokal"


def form_values(goal: GoalRecord | None, *, area: str | None = None) -> dict[str, Any]:
    """A stored goal as the form's values (an empty form for ``None``, for ``area`` when
    given). The comparison of a new goal is left unchosen: it follows the indicator chosen
    (:func:`indicator_defaults`)."""
    if goal is None:
        empty: dict[str, Any] = dict.fromkeys(FORM_FIELDS, "")
        empty.update(
            area=area,
            kpi_id=None,
            level=level_of_area(area),
            kind="absolute",
            operator=None,
            direction=None,
            contributes_to=[],
        )
        return empty
    values: dict[str, Any] = {}
    for name in FORM_FIELDS:
        if name == "area":
            values[name] = choice_of_areas(goal.areas)
        elif name == "relative_change":
            values[name] = fraction_to_percent(goal.relative_change)
        elif name == "contributes_to":
            values[name] = list(goal.contributes_to)
        elif name in ("target_value", "band_low", "band_high"):
            number = getattr(goal, name)
            values[name] = "" if number is None else goal_number(number).replace("\u00a0", " ")
        else:
            value = getattr(goal, name)
            values[name] = "" if value is None else value
    if values["operator"] == "":
        values["operator"] = None
    if values["direction"] == "":
        values["direction"] = None
    return values


def indicator_defaults(kpi_id: str | None) -> tuple[str | None, str | None]:
    """The comparison and the direction a new goal for ``kpi_id`` starts with: "minst" and
    "ska öka" for an indicator that is better the higher it is, "högst" and "ska minska" for
    one better the lower, neither for an indicator without a desired direction (the editor
    chooses)."""
    indicator = service.indicator(kpi_id) if kpi_id else None
    if indicator is None:
        return None, None
    operator = operator_for(indicator.direction)
    return operator, indicator.direction if operator is not None else None


def chosen_ids(value: Any) -> list[str]:
    """The goal ids chosen in a multi-select (a list; a single text counts as one; anything
    else, as a forged request may send, as none)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return []
    return [item.strip() for item in value if isinstance(item, str) and item.strip()]


def _rank(level: str | None) -> int:
    return GOAL_LEVELS.index(level) if level in GOAL_LEVELS else -1


def _sdg_of(kpi_id: str) -> int | None:
    indicator = service.indicator(kpi_id)
    return indicator.sdg_goal if indicator is not None else None


def contributes_to_options(
    goals: Sequence[GoalRecord],
    kpi_id: str | None,
    level: str | None,
    selected: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """The higher goals a goal on ``kpi_id`` at ``level`` may contribute to: the stored goals of
    a higher level on the same indicator or the same global goal (SDG), lowest level first;
    goals already ``selected`` are offered too, so that a stored link is not lost."""
    sdg = _sdg_of(kpi_id) if kpi_id else None
    rank = _rank(level)
    offered = [
        goal
        for goal in goals
        if goal.id in selected
        or (
            kpi_id
            and _rank(goal.level) > rank >= 0
            and (goal.kpi_id == kpi_id or (sdg is not None and _sdg_of(goal.kpi_id) == sdg))
        )
    ]
    offered.sort(key=lambda g: (_rank(g.level), g.kpi_id != kpi_id, g.kpi_id, g.id))
    return [
        {
            "label": f"{LEVELS[goal.level].short if goal.level in LEVELS else goal.level}: "
            f"{goal.id} – {indicator_label(goal.kpi_id)}",
            "value": goal.id,
        }
        for goal in offered
    ]


def check_form(values: Mapping[str, Any]) -> tuple[GoalRecord | None, tuple[GoalProblem, ...]]:
    """The form's goal checked by the goal CSV's rules (the same messages, without a line);
    the higher goals it contributes to must be stored goals of higher levels."""
    row = form_row(values)
    stored = {goal.id: goal.level for goal in service.goals()}
    try:
        (goal,) = parse_goal_rows([row], source_name=FORM_SOURCE, linked_levels=stored)
    except GoalFileError as error:
        return None, tuple(replace(problem, line=None) for problem in error.problems)
    return goal, ()


@dataclass(frozen=True)
class FormOutcome:
    """What a form action did: whether it succeeded, a message for the user, the goal saved
    or removed, and the problems (all of them, and those shown beside each field)."""

    ok: bool
    message: str
    goal: GoalRecord | None = None
    problems: tuple[GoalProblem, ...] = ()
    field_errors: Mapping[str, Sequence[str]] = field(default_factory=dict)
    #: Someone else changed or removed the goal since the form was opened: what differs
    #: (field, the form's value, the stored value); the form should be loaded again.
    stale: bool = False
    differences: tuple[tuple[str, str, str], ...] = ()
    #: The goal goes against its indicator's desired direction and was not saved: the reason,
    #: for the editor to confirm (sent back as ``confirmed``) or to change the goal.
    question: str | None = None
    #: Saved, but worth a look: one line per goal (an import's goals against their
    #: indicator's direction).
    warnings: tuple[str, ...] = ()


def _errors_by_field(problems: Sequence[GoalProblem]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in problems:
        name = FIELD_OF_COLUMN.get(problem.field, problem.field)
        if name not in FORM_FIELDS:
            name = "id"
        errors.setdefault(name, []).append(str(problem))
    return errors


#: The message beside the question about a goal against its indicator's direction.
NOT_SAVED_YET = "Målet är inte sparat."


def needs_confirmation(
    engine, goal: GoalRecord, editing_id: str | None, confirmed: str | None
) -> str | None:
    """The question to ask before saving ``goal`` (why it goes against its indicator's desired
    direction), or ``None`` to save: the goal does not, or ``confirmed`` is that very reason
    (the editor answered "Spara ändå"), or the goal being changed said the same when it was
    stored (it was confirmed then)."""
    reason = direction_question(engine, goal)
    if reason is None or reason == confirmed:
        return None
    stored = get_goal(engine, editing_id) if editing_id else None
    if stored is not None and direction_question(engine, stored) == reason:
        return None
    return reason


def save_form(
    engine,
    values: Mapping[str, Any],
    editing_id: str | None,
    note: str,
    *,
    expected_version: int | None = None,
    changed_by: str | None = None,
    confirmed: str | None = None,
) -> FormOutcome:
    """Add the form's goal, or change the goal being edited; invalid input is never saved.
    ``expected_version`` is the version of the goal being edited when the form was opened: a
    goal changed since is not saved (the outcome lists what differs). ``changed_by``, the
    signed-in editor, goes to the change log. A goal against its indicator's desired direction
    is saved only when ``confirmed`` is the reason asked about (:func:`needs_confirmation`);
    otherwise the outcome carries the question and nothing is stored."""
    if editing_id:
        values = {**values, "id": editing_id}
    goal, problems = check_form(values)
    if goal is None:
        return FormOutcome(
            ok=False,
            message="Målet sparades inte. Rätta det som står vid fälten:",
            problems=problems,
            field_errors=_errors_by_field(problems),
        )
    question = needs_confirmation(engine, goal, editing_id, confirmed)
    if question is not None:
        log.info("Goal against its indicator's direction, asked before saving: %s", goal.id)
        return FormOutcome(ok=False, message=NOT_SAVED_YET, question=question)
    try:
        if editing_id:
            before = get_goal(engine, editing_id)
            saved = update_goal(
                engine, goal, note, expected_version=expected_version, changed_by=changed_by
            )
            verb = "har ändrats" if before != saved else "är oförändrat (inget att spara)"
        else:
            saved = add_goal(engine, goal, note, changed_by=changed_by)
            verb = "har lagts till"
    except InvalidGoalError as error:  # checked above; kept for safety
        problems = tuple(replace(problem, line=None) for problem in error.problems)
        return FormOutcome(
            ok=False,
            message="Målet sparades inte.",
            problems=problems,
            field_errors=_errors_by_field(problems),
        )
    except DuplicateGoalError as error:
        return FormOutcome(
            ok=False, message="Målet sparades inte.", field_errors={"id": [str(error)]}
        )
    except StaleGoalError as error:
        return _stale(engine, error, goal, "sparades inte")
    except (CatalogueGoalError, UnknownGoalError, GoalNoteError) as error:
        return FormOutcome(ok=False, message=f"Målet sparades inte. {error}")
    except GoalError as error:
        return FormOutcome(
            ok=False, message="Målet sparades inte.", field_errors={"level": [str(error)]}
        )
    log.info("Goal saved from the form: %s", saved.id)
    return FormOutcome(
        ok=True, goal=saved, message=f'Målet "{saved.id}" ({goal_title(saved)}) {verb}.'
    )


def _stale(engine, error: StaleGoalError, mine: GoalRecord | None, verb: str) -> FormOutcome:
    """The outcome of a save or removal refused because the goal changed since the form was
    opened: the message, who changed it last and what differs between the form and what is
    stored now."""
    stored = error.stored_goal
    if stored is None:
        return FormOutcome(ok=False, stale=True, message=f"Målet {verb}. {error}.")
    version = f"Sparat nu: version {stored.version}"
    latest = goal_changes(engine, 1, goal_id=stored.id)
    if latest:
        who = latest[0].changed_by or "kommandoraden"
        version += f", ändrat {format_datetime(latest[0].changed_at)} av {who}"
    return FormOutcome(
        ok=False,
        stale=True,
        message=f"Målet {verb}. {error}. {version}.",
        differences=goal_differences(mine, stored) if mine is not None else (),
    )


def remove_from_form(
    engine,
    goal_id: str | None,
    note: str,
    *,
    expected_version: int | None = None,
    changed_by: str | None = None,
) -> FormOutcome:
    """Remove the user goal being edited (``changed_by``: the signed-in editor), if it is still
    at ``expected_version``."""
    if not goal_id:
        return FormOutcome(ok=False, message="Välj först det egna mål som ska tas bort.")
    try:
        removed = remove_goal(
            engine, goal_id, note, expected_version=expected_version, changed_by=changed_by
        )
    except StaleGoalError as error:
        return _stale(engine, error, None, "togs inte bort")
    except (CatalogueGoalError, UnknownGoalError, GoalNoteError) as error:
        return FormOutcome(ok=False, message=f"Målet togs inte bort. {error}")
    log.info("Goal removed from the form: %s", goal_id)
    return FormOutcome(ok=True, goal=removed, message=f'Målet "{removed.id}" har tagits bort.')


#: How many of the users' goals the "change a goal" choice offers at once; typing searches.
GOAL_OPTION_LIMIT = 50
#: The value of the line that says more goals match than are offered (never chosen).
MORE_GOALS = "__fler__"


def _goal_option(goal: GoalRecord) -> dict[str, Any]:
    return {"label": f"{goal.id} – {indicator_label(goal.kpi_id)}", "value": goal.id}


def user_goal_options(
    engine, search: str = "", selected: str | None = None
) -> list[dict[str, Any]]:
    """The users' goals for the "change a goal" choice: at most :data:`GOAL_OPTION_LIMIT` of
    those matching ``search`` (id, indicator name or KPI id), the ``selected`` goal among them,
    and a line saying how many more match."""
    goals, total = find_goals(engine, search, origin=ORIGIN_USER, limit=GOAL_OPTION_LIMIT)
    options = [_goal_option(goal) for goal in goals]
    if selected and selected not in {goal.id for goal in goals}:
        goal = get_goal(engine, selected)
        if goal is not None and goal.origin == ORIGIN_USER:
            options.insert(0, _goal_option(goal))
    if total > len(goals):
        options.append(
            {
                "label": f"… och {total - len(goals)} mål till: skriv en del av id:t eller "
                "indikatorns namn för att söka",
                "value": MORE_GOALS,
                "disabled": True,
            }
        )
    return options


# --------------------------------------------------------------------------- import / export


def import_upload(
    engine,
    contents: str | None,
    filename: str | None,
    note: str,
    *,
    changed_by: str | None = None,
) -> FormOutcome:
    """Import an uploaded goal CSV (``data:…;base64,…``) all or nothing (``changed_by``: the
    signed-in editor)."""
    # The name is only shown: the file is read from a fixed name in a folder of its own.
    name = upload_name(filename, "mal.csv")
    if not contents or "," not in contents:
        return FormOutcome(ok=False, message=f"{name}: filen kunde inte läsas (tom uppladdning).")
    try:
        data = base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return FormOutcome(
            ok=False, message=f"{name}: filen kunde inte läsas (felaktig uppladdning)."
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "uppladdning.csv"
        path.write_bytes(data)
        try:
            result = import_goals_csv(engine, path, note, changed_by=changed_by, source_name=name)
        except InvalidGoalError as error:
            return FormOutcome(
                ok=False,
                message=f"Inget från {name} sparades. Rätta följande och försök igen:",
                problems=tuple(error.problems),
            )
        except GoalError as error:
            return FormOutcome(ok=False, message=f"Inget från {name} sparades. {error}")
    summary = (
        f"{name} är importerad: {len(result.added)} tillagda, {len(result.changed)} ändrade, "
        f"{len(result.unchanged)} oförändrade mål."
    )
    if result.warnings:
        count = len(result.warnings)
        summary += (
            f" {count} av målen går emot indikatorns önskade riktning; kontrollera "
            f"{'det' if count == 1 else 'dem'}:"
        )
    log.info("Goal CSV imported from the page: %s", name)
    return FormOutcome(ok=True, message=summary, warnings=result.warnings)


def goals_csv(engine, origin: str | None) -> str:
    """The stored goals (all or one origin) as CSV text with a byte-order mark for Excel."""
    buffer = io.StringIO()
    export_goals_csv(engine, buffer, origin=origin)
    return "\ufeff" + buffer.getvalue()
