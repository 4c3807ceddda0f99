"""Why a cell has its status ("Varför?"), in plain Swedish: what the status means, the goal,
the base and latest values with their years, the target, the required and the observed annual
change, and the method.

Every page that shows a status lets its reader open these facts by click, tap or keyboard (no
fact only in a hover tooltip); they all come from :func:`status_facts` (one assessed cell: a row
of :func:`indicators.follow_up.status_table`) and :func:`aggregate_facts` (an SDG goal's
aggregate, a row of :func:`indicators.follow_up.summarise`). The legend's words for the arrows
are :func:`arrow_legend`.

The arrows point towards the goal: they say how fast a value moves towards it, not whether it
rises or falls. On an indicator where lower is better (emissions, say), ↑ *i fas* means the
value falls fast enough (:func:`arrow_meaning`).

Pure functions over plain values; nothing here reads the database or builds components.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from data.goals import GoalRecord
from indicators.catalogue import Indicator
from indicators.formatting import MISSING, format_number, is_missing
from indicators.goal_text import PROFILE, display_unit, goal_in_words
from indicators.progress import (
    DEFAULT_THRESHOLD_SET,
    MAX_SCORE,
    METHOD_TARGET,
    PACE_LINEAR,
    THRESHOLD_SETS,
    ThresholdSet,
    change_text,
    pace_unit,
)
from indicators.vocabulary import (
    DIRECTIONS,
    DOWN,
    LEVEL_LABELS,
    LEVELS,
    ROBUSTNESS_LABELS,
    STATUS_ORDER,
    STATUS_STYLE,
    TREND,
    UNCERTAIN,
    UP,
    Status,
)

#: (term, description): ("Basår 2015", "12,3 %").
Fact = tuple[str, str]

#: The terms of the facts (the tests and the pages find them by these words).
TERM_GOAL = "Mål"
TERM_DIRECTION = "Önskad riktning"
TERM_TARGET = "Målvärde"
TERM_BASE = "Basår"
TERM_LATEST = "Senaste värde"
TERM_REQUIRED = "Krävd förändring"
TERM_OBSERVED = "Faktisk förändring"
TERM_METHOD = "Metod"
TERM_CALCULATION = "Beräkning"
TERM_ROBUSTNESS = "Säkerhet"
#: The longest goal wording a panel shows (up to its interpretation note).
MAX_GOAL_TEXT = 120


@dataclass(frozen=True)
class StatusFacts:
    """What a "Varför?" panel says about one status.

    ``meaning`` is the status in plain words ("I fas: takten räcker …"), ``arrow`` what its
    arrow means for this indicator's direction (or ``None``), ``pace`` one sentence comparing
    the required and the observed change, ``facts`` the numbers as (term, description)."""

    status: Status
    meaning: str
    arrow: str | None
    pace: str
    facts: tuple[Fact, ...]


# --- small words ------------------------------------------------------------------------------


def _year(value: Any) -> int | None:
    return None if is_missing(value) else int(value)


def _number(value: Any) -> float | None:
    return None if is_missing(value) else float(value)


def format_value(value: Any, indicator: Indicator) -> str:
    """A value with the indicator's decimals and unit: ``18,9 %``, ``4 560 ton CO2e``; ``–``
    when missing."""
    if is_missing(value):
        return MISSING
    unit = display_unit(indicator.unit)
    return f"{format_number(float(value), indicator.decimals)} {unit}".rstrip()


def amount_per_year(rate: float, row: Mapping[str, Any], indicator: Indicator) -> str:
    """The size of an annual change, without its sign, measured as the assessment measured it
    (its ``pace``): ``2,1 % per år``, or linearly ``1 667 ton CO2e per år``."""
    pace = row.get("pace")
    if pace == PACE_LINEAR:
        return f"{format_number(abs(rate), indicator.decimals)} {pace_unit(pace, indicator.unit)}"
    return f"{format_number(abs(rate) * 100, 1)} % per år"


def signed_per_year(rate: float, row: Mapping[str, Any], indicator: Indicator) -> str:
    """An annual change with its sign, as the pages show it: ``−2,1 % per år``."""
    pace = row.get("pace")
    return change_text(rate, None if is_missing(pace) else pace, indicator.unit, indicator.decimals)


def _percent(fraction: float) -> str:
    """A change a year as a per cent with one decimal: 0.015 → ``1,5 %``."""
    return f"{format_number(fraction * 100, 1)} %"


def _share(fraction: float) -> str:
    """A share of the required pace as a whole per cent: 0.95 → ``95 %``."""
    return f"{format_number(fraction * 100, 0)} %"


def threshold_name(name: Any) -> str:
    """The threshold set's short name ("Statistics Canada", "Eurostat")."""
    known = THRESHOLD_SETS.get(str(name))
    return known.label_sv.split(":")[0].split(" (")[0] if known else str(name or MISSING)


def _thresholds(name: Any) -> ThresholdSet:
    return THRESHOLD_SETS.get(str(name), DEFAULT_THRESHOLD_SET)


def short_goal_text(wording: str, limit: int = MAX_GOAL_TEXT) -> str:
    """The goal's wording up to its interpretation note, cut to ``limit`` characters."""
    text = wording.split(" Tolkning:")[0].strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip(" ,;.") + "…"


def _moved(rate: float, row: Mapping[str, Any], indicator: Indicator) -> str:
    """ "ökat med 2,1 % per år", "minskat med …", "legat i stort sett still" """
    amount = amount_per_year(rate, row, indicator)
    if not any(ch in "123456789" for ch in amount.split(" ")[0]):
        return "legat i stort sett still"
    verb = "ökat" if rate > 0 else "minskat"
    return f"{verb} med {amount}"


# --- what a status means -----------------------------------------------------------------------


def status_meaning(status: Status | str, *, with_target: bool, thresholds: ThresholdSet) -> str:
    """The status in plain words, with the bounds of the method that gave it: against a target
    the share of the required pace, without one the change per year in the desired direction."""
    status = Status(status)
    label = STATUS_STYLE[status].label_sv
    if status is Status.UPPNATT:
        return f"{label}: målvärdet är redan nått."
    if status is Status.EJ_BEDOMBAR:
        return f"{label}: det går inte att räkna ut en takt (se beräkningen)."
    on_track, acceleration, limited = (
        thresholds.with_target if with_target else thresholds.without_target
    )
    if with_target:
        texts = {
            Status.I_FAS: "takten räcker för att nå målvärdet i tid "
            f"(minst {_share(on_track)} av den takt som krävs).",
            Status.ACCELERERA: "rätt håll men för långsamt "
            f"({_share(acceleration)}–{_share(on_track)} av den takt som krävs).",
            Status.OTILLRACKLIG: "långt ifrån den takt som krävs "
            f"(under {_share(acceleration)} av den).",
            Status.FEL_HALL: "värdet rör sig bort från målvärdet.",
        }
    else:
        texts = {
            Status.I_FAS: "värdet rör sig tydligt i önskad riktning "
            f"(minst {_percent(on_track)} per år).",
            Status.ACCELERERA: "rätt håll men långsamt "
            f"({_percent(acceleration)} till {_percent(on_track)} per år i önskad riktning).",
            Status.OTILLRACKLIG: "i stort sett stilla "
            f"({_percent(limited)} till {_percent(acceleration)} per år i önskad riktning).",
            Status.FEL_HALL: "värdet rör sig åt fel håll"
            + (f" (mer än {_percent(-limited)} per år)." if limited < 0 else "."),
        }
    return f"{label}: {texts[status]}"


#: What each arrow says, whatever the indicator (the legend's words).
ARROW_WORDS: dict[Status, str] = {
    Status.UPPNATT: "målvärdet är nått",
    Status.I_FAS: "tillräckligt snabbt mot målet",
    Status.ACCELERERA: "rätt håll men för långsamt",
    Status.OTILLRACKLIG: "i stort sett stilla",
    Status.FEL_HALL: "bort från målet",
    Status.EJ_BEDOMBAR: "kan inte bedömas",
}

#: How a value moves for each arrow, by the indicator's desired direction.
_MOVES: dict[Status, dict[str, str]] = {
    Status.I_FAS: {UP: "ökar tillräckligt snabbt", DOWN: "minskar tillräckligt snabbt"},
    Status.ACCELERERA: {UP: "ökar, men för långsamt", DOWN: "minskar, men för långsamt"},
    Status.OTILLRACKLIG: {UP: "ökar knappt", DOWN: "minskar knappt"},
    Status.FEL_HALL: {UP: "minskar fast det borde öka", DOWN: "ökar fast det borde minska"},
}


def arrow_meaning(status: Status | str, direction: str | None) -> str | None:
    """What the status's arrow means for an indicator with this desired direction: "↑ betyder
    här att värdet minskar tillräckligt snabbt" (lower is better); None where the arrow says
    nothing about the direction (achieved, not assessable, no direction)."""
    status = Status(status)
    moves = _MOVES.get(status, {}).get(direction or "")
    if moves is None:
        return None
    icon = STATUS_STYLE[status].icon
    return (
        f"{icon} betyder här att värdet {moves} – pilen visar takten mot målet, inte om "
        "värdet stiger eller sjunker."
    )


def arrow_legend() -> list[tuple[Status, str]]:
    """Each status (best first) with what its arrow says, for the legend."""
    return [(status, ARROW_WORDS[status]) for status in STATUS_ORDER]


#: What the arrows say, before the legend lists them.
ARROW_INTRO = "Pilarna visar takten mot målet, inte om värdet stiger eller sjunker"
#: The legend's example: an indicator where lower is better.
ARROW_EXAMPLE = (
    f"På en utsläppsindikator betyder {STATUS_STYLE[Status.I_FAS].icon} att utsläppen "
    f"{_MOVES[Status.I_FAS][DOWN]} och {STATUS_STYLE[Status.FEL_HALL].icon} att de ökar."
)


# --- the pace in one sentence -------------------------------------------------------------------


def pace_sentence(row: Mapping[str, Any], indicator: Indicator) -> str:
    """Required against observed change in words: "För att nå 1,5 ton år 2030 behöver värdet
    minska med 4,2 % per år från 2015. Det har minskat med 1,0 % per år 2015–2023, 24 % av
    den takt som krävs." Without a target, the trend against the method's bound; without an
    assessment, its reason."""
    status = Status(row["status"])
    base_year, latest_year = _year(row.get("base_year")), _year(row.get("latest_year"))
    observed = _number(row.get("observed_annual_change"))
    required = _number(row.get("required_annual_change"))
    target = _number(row.get("target_value"))
    latest = format_value(row.get("latest_value"), indicator)
    if status is Status.EJ_BEDOMBAR:
        return str(row.get("reason") or "Det finns inte tillräckligt med värden.")
    if status is Status.UPPNATT:
        target_text = f" målvärdet {format_value(target, indicator)}" if target is not None else ""
        return f"Senaste värdet {latest} ({latest_year}) når{target_text or ' målet'}."
    observed_text = (
        f"Värdet har {_moved(observed, row, indicator)} {base_year}–{latest_year}"
        if observed is not None
        else "Den faktiska förändringen kan inte räknas ut"
    )
    if row.get("method") == METHOD_TARGET and required is not None and target is not None:
        needed = "öka" if required > 0 else "minska"
        target_year = _year(row.get("target_year"))
        sentence = (
            f"För att nå {format_value(target, indicator)} år {target_year} behöver värdet "
            f"{needed} med {amount_per_year(required, row, indicator)} från {base_year}. "
            f"{observed_text}"
        )
        if observed is not None and required != 0:
            share = observed / required
            sentence += (
                f", {_share(share)} av den takt som krävs." if share >= 0 else ", åt fel håll."
            )
            return sentence
        return sentence + "."
    known = DIRECTIONS.get(indicator.direction)
    wanted = f"; {known.better}" if known is not None else ""
    bound = _thresholds(row.get("threshold_set")).without_target[0]
    return (
        f"Utan målvärde bedöms trenden. {observed_text}{wanted}. I fas kräver minst "
        f"{_percent(bound)} per år i önskad riktning."
    )


# --- the facts ----------------------------------------------------------------------------------


def _goal_facts(
    row: Mapping[str, Any],
    indicator: Indicator,
    goal: GoalRecord | None,
    fallback_level: str | None,
) -> list[Fact]:
    """The goal (its level, wording and id) and its target, or that the trend stands in."""
    known = DIRECTIONS.get(indicator.direction)
    direction = [(TERM_DIRECTION, known.better)] if known is not None else []
    goal_id = row.get("goal_id")
    if goal is None and isinstance(goal_id, str) and goal_id:
        # judged against a goal whose record is not at hand: name it by its id
        level = LEVEL_LABELS.get(str(row.get("level")), TERM_GOAL)
        return [(level, goal_id), *_target_fact(row, indicator, None), *direction]
    if goal is None:
        if fallback_level is not None and fallback_level in LEVELS and fallback_level != TREND:
            text = f"inget {LEVELS[fallback_level].adjective} mål – trenden visas i stället"
        else:
            text = "inget – trenden i önskad riktning bedöms"
        return [(TERM_GOAL, text), *direction]
    level = LEVEL_LABELS.get(str(row.get("level")), TERM_GOAL)
    wording = f"{short_goal_text(goal.wording_sv)} ({goal.id})"
    return [(level, wording), *_target_fact(row, indicator, goal), *direction]


def _target_fact(
    row: Mapping[str, Any], indicator: Indicator, goal: GoalRecord | None
) -> list[Fact]:
    """The target value (with its year), or the goal in words where it has no number."""
    target = _number(row.get("target_value"))
    target_year = _year(row.get("target_year"))
    when = f" {target_year}" if target_year is not None else ""
    if target is not None:
        return [(f"{TERM_TARGET}{when}", format_value(target, indicator))]
    if goal is None:
        return []
    words = goal_in_words(
        goal,
        PROFILE,
        unit=indicator.unit,
        decimals=indicator.decimals,
        direction=indicator.direction,
    )
    return [(TERM_TARGET, f"inget tal – målet: {words}")]


def _method_fact(row: Mapping[str, Any]) -> Fact:
    name = threshold_name(row.get("threshold_set"))
    thresholds = _thresholds(row.get("threshold_set"))
    if row.get("method") == METHOD_TARGET:
        ratio = _number(row.get("ratio"))
        ratio_text = f" = {format_number(ratio, 2)}" if ratio is not None else ""
        text = (
            f"mot målvärde: faktisk delat med krävd förändring{ratio_text}; i fas från "
            f"{format_number(thresholds.with_target[0], 2)} (gränsvärden: {name})"
        )
    else:
        text = (
            "trend: årlig förändring i önskad riktning; i fas från "
            f"{_percent(thresholds.without_target[0])} per år (gränsvärden: {name})"
        )
    return (TERM_METHOD, text)


def _change_facts(row: Mapping[str, Any], indicator: Indicator) -> list[Fact]:
    base_year, latest_year = _year(row.get("base_year")), _year(row.get("latest_year"))
    target_year = _year(row.get("target_year"))
    required = _number(row.get("required_annual_change"))
    observed = _number(row.get("observed_annual_change"))
    facts: list[Fact] = []
    if required is not None:
        span = f" ({base_year}–{target_year})" if base_year and target_year else ""
        facts.append((TERM_REQUIRED, signed_per_year(required, row, indicator) + span))
    elif row.get("method") != METHOD_TARGET and Status(row["status"]) is not Status.EJ_BEDOMBAR:
        bound = _thresholds(row.get("threshold_set")).without_target[0]
        facts.append(
            (TERM_REQUIRED, f"inget målvärde – i fas från {_percent(bound)} per år åt rätt håll")
        )
    if observed is not None:
        span = f" ({base_year}–{latest_year})" if base_year and latest_year else ""
        facts.append((TERM_OBSERVED, signed_per_year(observed, row, indicator) + span))
    return facts


def status_facts(
    row: Mapping[str, Any],
    *,
    indicator: Indicator,
    goal: GoalRecord | None = None,
    fallback_level: str | None = None,
) -> StatusFacts:
    """Why one cell has its status: ``row`` is the cell's row of a status table (status,
    level, base, latest, target, the changes, method, threshold set, reason), ``goal`` the
    goal it was judged against (``None`` for the trend) and ``fallback_level`` the level the
    page asked for where the trend stands in for a missing goal."""
    status = Status(row["status"])
    with_target = row.get("method") == METHOD_TARGET
    facts = _goal_facts(row, indicator, goal, fallback_level)
    base_year, latest_year = _year(row.get("base_year")), _year(row.get("latest_year"))
    if base_year is not None:
        facts.append((f"{TERM_BASE} {base_year}", format_value(row.get("base_value"), indicator)))
    if latest_year is not None:
        facts.append(
            (f"{TERM_LATEST} {latest_year}", format_value(row.get("latest_value"), indicator))
        )
    facts += _change_facts(row, indicator)
    facts.append(_method_fact(row))
    reason = row.get("reason")
    if reason and not is_missing(reason):
        facts.append((TERM_CALCULATION, str(reason)))
    robustness = row.get("robustness")
    if isinstance(robustness, str) and robustness in ROBUSTNESS_LABELS:
        # a stable status says so; an uncertain one says why
        why = row.get("robustness_reason")
        text = ROBUSTNESS_LABELS[robustness]
        if robustness == UNCERTAIN and isinstance(why, str) and why:
            text += f": {why}"
        facts.append((TERM_ROBUSTNESS, text))
    return StatusFacts(
        status=status,
        meaning=status_meaning(
            status, with_target=with_target, thresholds=_thresholds(row.get("threshold_set"))
        ),
        arrow=arrow_meaning(status, indicator.direction),
        pace=pace_sentence(row, indicator),
        facts=tuple(facts),
    )


def aggregate_facts(row: Mapping[str, Any], *, level: str) -> StatusFacts:
    """Why an SDG goal's cell has its status: ``row`` is its aggregate (mean score, counts per
    status, ``n_fallback`` where the trend stands in) at ``level``."""
    status = Status(row["status"])
    n_total = int(row.get("n_total", 0) or 0)
    n_assessed = int(row.get("n_assessed", 0) or 0)
    facts: list[Fact] = []
    score = _number(row.get("mean_score"))
    if score is not None:
        facts.append(
            (
                "Medelpoäng",
                f"{format_number(score, 1)} (skala −{format_number(MAX_SCORE, 0)} "
                f"till +{format_number(MAX_SCORE, 0)})",
            )
        )
    facts.append(("Indikatorer", f"{n_total}, varav {n_assessed} bedömda"))
    for each in STATUS_ORDER:
        count = int(row.get(f"n_{each.value}", 0) or 0)
        if count:
            facts.append((STATUS_STYLE[each].label_sv, str(count)))
    n_fallback = int(row.get("n_fallback", 0) or 0)
    if level != TREND and n_fallback:
        facts.append(("Trend i stället för mål", f"{n_fallback} av {n_total}"))
    label = STATUS_STYLE[status].label_sv
    if status is Status.UPPNATT:
        meaning = f"{label}: varje indikator har nått sitt målvärde."
    elif status is Status.EJ_BEDOMBAR:
        meaning = f"{label}: ingen av indikatorerna kunde bedömas."
    elif score is not None:
        meaning = (
            f"{label}: indikatorernas medelpoäng, {format_number(score, 1)} på en skala från "
            f"−{format_number(MAX_SCORE, 0)} till +{format_number(MAX_SCORE, 0)}, ger den här "
            "statusen."
        )
    else:
        meaning = f"{label}: indikatorernas medelpoäng ger den här statusen."
    pace = (
        f"{n_assessed} av {n_total} indikatorer kunde bedömas; deras poäng vägs samman till "
        "ett medelvärde."
    )
    return StatusFacts(status=status, meaning=meaning, arrow=None, pace=pace, facts=tuple(facts))
