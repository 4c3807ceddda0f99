"""Målkedjan: how an area's goals for one Sustainable Development Goal serve higher goals
(lokal → regional → nationell → global), and where the chain breaks.

A goal names the higher goals it contributes to (``GoalRecord.contributes_to``). For an area and
an SDG goal, the chains start at the goals of that SDG (their indicator's ``sdg_goal``) that apply
to the area and that no other such goal contributes to, and follow every link upwards (a higher
goal may belong to another SDG). Each goal carries its status for the area, as judged elsewhere
(:func:`goal_statuses` uses :func:`indicators.follow_up.assess_series`, the one judgement of a
goal in an area); nothing here reads the database.

The chain breaks (:class:`ChainBreak`):

* :data:`BREAK_STATUS` – a goal is *i fas* or *uppnått* while a higher goal it serves is
  *otillräcklig* or *går åt fel håll*: reaching the lower goal is not enough for the higher one;
* :data:`BREAK_NO_HIGHER` – a local goal serves no higher goal;
* :data:`BREAK_NOT_APPLICABLE` – a goal serves a goal that does not apply to the area;
* :data:`BREAK_UNKNOWN` – a goal serves a goal that is not (or no longer) stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from data.goals import GoalRecord
from indicators.catalogue import Indicator
from indicators.follow_up import assess_series
from indicators.progress import DEFAULT_THRESHOLD_SET, Assessment, ThresholdSet
from indicators.vocabulary import GOAL_LEVELS, LEVELS, LOKAL, STATUS_STYLE, Status

#: Statuses of a goal that is on its way (a lower goal's) …
ON_TRACK: tuple[Status, ...] = (Status.UPPNATT, Status.I_FAS)
#: … and of a higher goal that is not.
OFF_TRACK: tuple[Status, ...] = (Status.OTILLRACKLIG, Status.FEL_HALL)

BREAK_STATUS = "status"
BREAK_NO_HIGHER = "inget högre mål"
BREAK_NOT_APPLICABLE = "gäller inte området"
BREAK_UNKNOWN = "okänt mål"
#: How every sentence about a break starts.
BREAK_LEAD = "Kedjan brister här:"


@dataclass(frozen=True)
class ChainNode:
    """One goal in a chain: its record (``None`` for an id that names no stored goal), its
    status in the area (``None`` where it is not judged: the goal does not apply to the area,
    is not stored or is on an indicator outside the catalogue), whether it applies to the area,
    and the higher goals it serves."""

    goal_id: str
    goal: GoalRecord | None
    status: Status | None
    applies: bool
    higher: tuple[ChainNode, ...] = ()

    @property
    def level(self) -> str | None:
        return self.goal.level if self.goal is not None else None


@dataclass(frozen=True)
class ChainBreak:
    """Where a chain breaks: the kind (:data:`BREAK_STATUS` …), the lower goal, the higher goal
    (``None`` for :data:`BREAK_NO_HIGHER`) and the sentence saying it."""

    kind: str
    lower_id: str
    higher_id: str | None
    text: str


@dataclass(frozen=True)
class ChainLink:
    """One link of the chains as a table row: a lower goal and a higher goal it serves."""

    lower: ChainNode
    higher: ChainNode


@dataclass(frozen=True)
class GoalChains:
    """The chains of an area and an SDG goal: the starting goals (each with its higher goals
    as a tree), every link once, and the breaks in the order found."""

    area_id: str
    sdg_goal: int
    roots: tuple[ChainNode, ...]
    links: tuple[ChainLink, ...]
    breaks: tuple[ChainBreak, ...]

    def breaks_of(self, goal_id: str) -> tuple[ChainBreak, ...]:
        """The breaks at ``goal_id`` (as the lower goal)."""
        return tuple(b for b in self.breaks if b.lower_id == goal_id)


def _level_rank(goal: GoalRecord) -> int:
    return GOAL_LEVELS.index(goal.level) if goal.level in GOAL_LEVELS else len(GOAL_LEVELS)


def _order(goal: GoalRecord) -> tuple[int, str, int, str]:
    return (_level_rank(goal), goal.kpi_id, goal.target_year or 9999, goal.id)


def _named(goal_id: str, goal: GoalRecord | None) -> str:
    """A goal as a sentence names it: "det lokala målet mora-…"."""
    if goal is None or goal.level not in LEVELS:
        return f"målet {goal_id}"
    return f"det {LEVELS[goal.level].noun} målet {goal_id}"


def _status_word(status: Status) -> str:
    return STATUS_STYLE[status].label_sv.lower()


def status_break_text(lower: ChainNode, higher: ChainNode) -> str:
    """The sentence of a :data:`BREAK_STATUS` break."""
    assert lower.status is not None and higher.status is not None
    return (
        f"{BREAK_LEAD} {_named(lower.goal_id, lower.goal)} är {_status_word(lower.status)}, "
        f"men {_named(higher.goal_id, higher.goal)}, som det bidrar till, är "
        f"{_status_word(higher.status)}. Att nå det lägre målet räcker inte för det högre."
    )


class _Builder:
    """Walks the links from the starting goals, building the trees, the links and the
    breaks once each."""

    def __init__(
        self,
        by_id: Mapping[str, GoalRecord],
        statuses: Mapping[str, Status | None],
        area_id: str,
        area_name: str,
    ) -> None:
        self.by_id = by_id
        self.statuses = statuses
        self.area_id = area_id
        self.area_name = area_name
        self.links: list[ChainLink] = []
        self.breaks: list[ChainBreak] = []
        self._seen_links: set[tuple[str, str]] = set()
        self._seen_breaks: set[tuple[str, str, str | None]] = set()

    def _break(self, kind: str, lower: str, higher: str | None, text: str) -> None:
        key = (kind, lower, higher)
        if key not in self._seen_breaks:
            self._seen_breaks.add(key)
            self.breaks.append(ChainBreak(kind, lower, higher, text))

    def node(self, goal_id: str, path: tuple[str, ...] = ()) -> ChainNode:
        goal = self.by_id.get(goal_id)
        if goal is None:
            return ChainNode(goal_id, None, None, applies=False)
        applies = goal.applies_to(self.area_id)
        status = self.statuses.get(goal_id) if applies else None
        higher: list[ChainNode] = []
        for higher_id in goal.contributes_to:
            target = self.by_id.get(higher_id)
            # Links go to higher levels only; a stored loop or a link downwards is not followed.
            if higher_id in path or (
                target is not None and _level_rank(target) <= _level_rank(goal)
            ):
                continue
            higher.append(self.node(higher_id, (*path, goal_id)))
        return ChainNode(goal_id, goal, status, applies, tuple(higher))

    def check(self, node: ChainNode) -> None:
        """Record the links and breaks of ``node`` and of the goals above it, from the bottom
        up (each once)."""
        goal = node.goal
        if goal is None:
            return
        if goal.level == LOKAL and not goal.contributes_to:
            self._break(
                BREAK_NO_HIGHER,
                node.goal_id,
                None,
                f"{BREAK_LEAD} {_named(node.goal_id, goal)} bidrar inte till något högre mål.",
            )
        for higher in node.higher:
            if (node.goal_id, higher.goal_id) not in self._seen_links:
                self._seen_links.add((node.goal_id, higher.goal_id))
                self.links.append(ChainLink(node, higher))
            self._check_link(node, higher)
        for higher in node.higher:
            self.check(higher)

    def _check_link(self, lower: ChainNode, higher: ChainNode) -> None:
        if higher.goal is None:
            self._break(
                BREAK_UNKNOWN,
                lower.goal_id,
                higher.goal_id,
                f"{BREAK_LEAD} {_named(lower.goal_id, lower.goal)} bidrar till målet "
                f"{higher.goal_id}, som inte finns (längre).",
            )
        elif not higher.applies:
            self._break(
                BREAK_NOT_APPLICABLE,
                lower.goal_id,
                higher.goal_id,
                f"{BREAK_LEAD} {_named(lower.goal_id, lower.goal)} bidrar till "
                f"{_named(higher.goal_id, higher.goal)}, som inte gäller {self.area_name}.",
            )
        elif lower.status in ON_TRACK and higher.status in OFF_TRACK:
            self._break(
                BREAK_STATUS, lower.goal_id, higher.goal_id, status_break_text(lower, higher)
            )


def build_chains(
    goals: Iterable[GoalRecord],
    statuses: Mapping[str, Status | None],
    *,
    area_id: str,
    sdg_goal: int,
    sdg_of: Mapping[str, int | None],
    area_name: str | None = None,
) -> GoalChains:
    """The chains of ``area_id`` for ``sdg_goal``.

    ``goals`` are all stored goals (a link may name any of them); ``statuses`` each goal's
    status in the area by id (:func:`goal_statuses`); ``sdg_of`` each indicator's SDG goal by
    KPI id; ``area_name`` names the area in the sentences (default its id). The chains start at
    the goals of the SDG that apply to the area and that no lower such goal contributes to,
    lowest level first.
    """
    by_id = {goal.id: goal for goal in goals}
    in_view = sorted(
        (
            goal
            for goal in by_id.values()
            if sdg_of.get(goal.kpi_id) == sdg_goal and goal.applies_to(area_id)
        ),
        key=_order,
    )
    served = {
        higher
        for goal in in_view
        for higher in goal.contributes_to
        if higher in by_id and _level_rank(by_id[higher]) > _level_rank(goal)
    }
    builder = _Builder(by_id, statuses, area_id, area_name or area_id)
    roots = tuple(builder.node(goal.id) for goal in in_view if goal.id not in served)
    for root in roots:
        builder.check(root)
    return GoalChains(area_id, sdg_goal, roots, tuple(builder.links), tuple(builder.breaks))


def chain_goal_ids(chains: GoalChains) -> list[str]:
    """Every goal id in the chains, each once, in the order met (for the insatser)."""
    found: dict[str, None] = {}

    def visit(node: ChainNode) -> None:
        found.setdefault(node.goal_id)
        for higher in node.higher:
            visit(higher)

    for root in chains.roots:
        visit(root)
    return list(found)


def chain_goals(goals: Iterable[GoalRecord], area_id: str) -> list[GoalRecord]:
    """The goals that apply to ``area_id`` (those whose status the chains show)."""
    return [goal for goal in goals if goal.applies_to(area_id)]


def goal_statuses(
    goals: Sequence[GoalRecord],
    series: Mapping[str, Sequence[tuple[int, float | None]]],
    indicators: Mapping[str, Indicator],
    *,
    thresholds: ThresholdSet = DEFAULT_THRESHOLD_SET,
) -> dict[str, Assessment]:
    """Each goal's assessment in one area (``series``: the area's total series by KPI id), by
    :func:`indicators.follow_up.assess_series`; a goal on an indicator outside the catalogue
    is left out."""
    result: dict[str, Assessment] = {}
    for goal in goals:
        indicator = indicators.get(goal.kpi_id)
        if indicator is None:
            continue
        points = [(year, value) for year, value in series.get(goal.kpi_id, ()) if value is not None]
        result[goal.id] = assess_series(points, indicator, goal, thresholds=thresholds)
    return result


__all__ = [
    "BREAK_LEAD",
    "BREAK_NOT_APPLICABLE",
    "BREAK_NO_HIGHER",
    "BREAK_STATUS",
    "BREAK_UNKNOWN",
    "OFF_TRACK",
    "ON_TRACK",
    "ChainBreak",
    "ChainLink",
    "ChainNode",
    "GoalChains",
    "build_chains",
    "chain_goal_ids",
    "chain_goals",
    "goal_statuses",
    "status_break_text",
]
