"""The dashboard's vocabulary, defined once: goal levels, goal kinds, operators, desired directions,
genders, progress statuses and relative positions — each with its Swedish words, and where it is
shown as a mark, its icon and colour.

Every page, export and import takes its words from here; nothing else maps a level, a kind, an
operator or a status to text. The stored codes (``lokal``, ``absolute``, ``>=``, ``uppnått``)
are the keys.

Colours: statuses use the Okabe–Ito palette and relative positions Paul Tol's high-contrast
scheme, both safe for the common forms of colour blindness; ``text_colour`` is the text colour
on that fill (contrast ≥ 4.5:1). The style sheets read them as CSS custom properties
(:func:`css_custom_properties`), so the colours are not written twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from data.goals import ORIGIN_CATALOGUE, ORIGIN_USER

# --- Goal levels ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """A goal level, or the trend that stands in where no goal applies.

    ``label`` names the level as a heading or option ("Lokalt mål"), ``short`` as a column
    header ("Lokalt"), ``adjective`` fits "inget ___ mål" ("lokalt"), ``plural`` heads a list of
    goals ("Lokala mål"), ``noun`` fits "det ___ målet" ("lokala"). ``line_dash`` is the Plotly
    dash of the level's goal line; ``order`` sorts local → global → trend. ``choice`` offers a
    level users may add goals at in the goal form ("Lokal (en kommuns eget mål)").
    """

    key: str
    label: str
    short: str
    adjective: str
    plural: str
    noun: str
    line_dash: str
    order: int
    choice: str = ""


LOKAL = "lokal"
REGIONAL = "regional"
NATIONELL = "nationell"
GLOBAL = "global"
TREND = "trend"

LEVELS: dict[str, Level] = {
    LOKAL: Level(
        LOKAL,
        "Lokalt mål",
        "Lokalt",
        "lokalt",
        "Lokala mål",
        "lokala",
        "dot",
        1,
        choice="Lokal (en kommuns eget mål)",
    ),
    REGIONAL: Level(
        REGIONAL,
        "Regionalt mål",
        "Regionalt",
        "regionalt",
        "Regionala mål",
        "regionala",
        "dashdot",
        2,
        choice="Regional (Region Dalarnas och länets mål)",
    ),
    NATIONELL: Level(
        NATIONELL,
        "Nationellt mål",
        "Nationellt",
        "nationellt",
        "Nationella mål",
        "nationella",
        "dash",
        3,
    ),
    GLOBAL: Level(
        GLOBAL, "Globalt mål", "Globalt", "globalt", "Globala mål", "globala", "longdash", 4
    ),
    TREND: Level(TREND, "Trend (utan mål)", "Trend", "", "Trend", "", "solid", 5),
}

#: The four goal levels, local to global.
GOAL_LEVELS: tuple[str, ...] = (LOKAL, REGIONAL, NATIONELL, GLOBAL)
#: The goal levels and the trend, as a page or an export offers them.
ALL_LEVELS: tuple[str, ...] = (*GOAL_LEVELS, TREND)
#: The levels users may add goals at (the others come from the goal catalogue).
USER_LEVELS: tuple[str, ...] = (LOKAL, REGIONAL)
#: ``{level: "Lokalt mål", ...}`` for every level and the trend.
LEVEL_LABELS: dict[str, str] = {key: level.label for key, level in LEVELS.items()}

_MUNICIPALITY_ID = re.compile(r"\d{4}")


def is_municipality(area_id: str) -> bool:
    """A municipality's code (``2062``), not a region's or Sweden's (``00NN``)."""
    return bool(_MUNICIPALITY_ID.fullmatch(area_id)) and not area_id.startswith("00")


def levels_for_area(area_id: str, levels: tuple[str, ...] = GOAL_LEVELS) -> tuple[str, ...]:
    """The goal levels that can apply to an area: a local goal is a municipality's own, so a
    region or Sweden has no local level."""
    if is_municipality(area_id):
        return levels
    return tuple(level for level in levels if level != LOKAL)


# --- Goal kinds and operators --------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """How a goal states its target: ``label`` names the kind in tables and the change log,
    ``choice`` explains it as an option of the goal form."""

    key: str
    label: str
    choice: str


ABSOLUTE = "absolute"
RELATIVE = "relative"
BAND = "band"
DIRECTION = "direction"

KINDS: dict[str, Kind] = {
    ABSOLUTE: Kind(ABSOLUTE, "Nivå", "Nivå – högst eller minst ett värde"),
    RELATIVE: Kind(RELATIVE, "Förändring", "Förändring från ett basår, i procent"),
    BAND: Kind(BAND, "Intervall", "Intervall – mellan två värden"),
    DIRECTION: Kind(DIRECTION, "Riktning", "Riktning – ska öka eller minska"),
}
GOAL_KINDS: tuple[str, ...] = tuple(KINDS)


@dataclass(frozen=True)
class Operator:
    """A level goal's comparison: ``sign`` as written in a goal ("≤"), ``word`` in a sentence;
    ``direction`` is the desired direction it implies (at most: lower is better)."""

    key: str
    sign: str
    word: str
    direction: str


UP = "up"
DOWN = "down"
NONE = "none"

AT_LEAST = ">="
AT_MOST = "<="
OPERATORS: dict[str, Operator] = {
    AT_LEAST: Operator(AT_LEAST, "≥", "minst", UP),
    AT_MOST: Operator(AT_MOST, "≤", "högst", DOWN),
}
OPERATOR_SIGNS: dict[str, str] = {key: op.sign for key, op in OPERATORS.items()}


# --- Where a goal comes from ----------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """Where a stored goal comes from: ``label`` heads it in a list ("egen"), ``adjective`` fits
    "___ mål" ("eget")."""

    key: str
    label: str
    adjective: str


ORIGINS: dict[str, Origin] = {
    ORIGIN_CATALOGUE: Origin(ORIGIN_CATALOGUE, "katalog", "katalog"),
    ORIGIN_USER: Origin(ORIGIN_USER, "egen", "eget"),
}


# --- Desired directions --------------------------------------------------------------------


@dataclass(frozen=True)
class Direction:
    """An indicator's desired direction, in the phrasings the pages need.

    ``change`` ("ska öka"), ``better`` ("högre är bättre"), ``wanted`` ("högre önskas"),
    ``values_wanted`` ("högre värden önskas"), ``change_wanted`` ("ökning önskas"), ``steady``
    (a change goal of 0 %: "ingen minskning"), ``ranking`` (the best first: "högst värde
    först"), ``way`` ("uppåt"); ``arrow`` marks it.
    """

    key: str
    arrow: str
    change: str
    better: str
    wanted: str
    change_wanted: str
    values_wanted: str
    steady: str
    ranking: str
    way: str


DIRECTIONS: dict[str, Direction] = {
    UP: Direction(
        UP,
        arrow="↑",
        change="ska öka",
        better="högre är bättre",
        wanted="högre önskas",
        change_wanted="ökning önskas",
        values_wanted="högre värden önskas",
        steady="ingen minskning",
        ranking="högst värde först",
        way="uppåt",
    ),
    DOWN: Direction(
        DOWN,
        arrow="↓",
        change="ska minska",
        better="lägre är bättre",
        wanted="lägre önskas",
        change_wanted="minskning önskas",
        values_wanted="lägre värden önskas",
        steady="ingen ökning",
        ranking="lägst värde först",
        way="nedåt",
    ),
}
#: An indicator without a desired direction describes rather than judges.
NO_DIRECTION_TEXT = "ingen önskad riktning"
DESCRIPTIVE_TEXT = "ingen (beskrivande indikator)"
#: The values a catalogue row or a goal may give as a desired direction.
DIRECTION_KEYS: tuple[str, ...] = (UP, DOWN, NONE)


# --- Genders -------------------------------------------------------------------------------

GENDERS: tuple[str, ...] = ("T", "K", "M")
#: Kolada's gender codes as headings.
GENDER_LABELS: dict[str, str] = {"T": "Totalt", "K": "Kvinnor", "M": "Män"}


# --- Progress statuses ---------------------------------------------------------------------


class Status(StrEnum):
    """The progress status of a series, an indicator or a goal (values are the Swedish labels)."""

    UPPNATT = "uppnått"
    I_FAS = "i fas"
    ACCELERERA = "behöver accelereras"
    OTILLRACKLIG = "otillräcklig"
    FEL_HALL = "går åt fel håll"
    EJ_BEDOMBAR = "kan inte bedömas"


@dataclass(frozen=True)
class StatusStyle:
    """How a status is shown: never by colour alone, always with an icon and a text label.

    ``colour`` is for fills and markers; ``text_colour`` is the text colour on that fill.
    ``order`` sorts statuses from best (1) to not assessable (6); ``css`` names the status in
    class names and custom properties (``status-i-fas``).
    """

    icon: str
    label_sv: str
    label_en: str
    colour: str
    text_colour: str
    order: int
    css: str


#: Icons are arrows pointing towards the goal (how fast the series moves towards it), not
#: whether the value itself rises or falls.
STATUS_STYLE: dict[Status, StatusStyle] = {
    Status.UPPNATT: StatusStyle(
        "✔", "Uppnått", "Target achieved", "#0072B2", "#FFFFFF", 1, "uppnatt"
    ),
    Status.I_FAS: StatusStyle("↑", "I fas", "On track", "#009E73", "#000000", 2, "i-fas"),
    Status.ACCELERERA: StatusStyle(
        "↗", "Behöver accelereras", "Acceleration needed", "#F0E442", "#000000", 3, "accelerera"
    ),
    Status.OTILLRACKLIG: StatusStyle(
        "→", "Otillräcklig", "Limited progress", "#E69F00", "#000000", 4, "otillracklig"
    ),
    Status.FEL_HALL: StatusStyle(
        "↘", "Går åt fel håll", "Moving away", "#D55E00", "#000000", 5, "fel-hall"
    ),
    Status.EJ_BEDOMBAR: StatusStyle(
        "?", "Kan inte bedömas", "Cannot be assessed", "#999999", "#000000", 6, "ej-bedombar"
    ),
}

#: Status order from best to not assessable (for sorting and count columns).
STATUS_ORDER: tuple[Status, ...] = tuple(sorted(Status, key=lambda s: STATUS_STYLE[s].order))


def status_style(status: Status | str) -> StatusStyle:
    """The icon, labels, colour and sort order of a status (also accepts the Swedish value)."""
    return STATUS_STYLE[Status(status)]


# --- Relative positions (thirds) -----------------------------------------------------------


@dataclass(frozen=True)
class ThirdStyle:
    """How a relative position is shown: icon and label besides the colour.

    The colours deliberately differ from the progress status colours: a relative position is
    not progress.
    """

    icon: str
    label_sv: str
    label_en: str
    colour: str
    text_colour: str
    order: int


UPPER_THIRD = "övre tredjedelen"
MIDDLE_THIRD = "mellersta tredjedelen"
LOWER_THIRD = "nedre tredjedelen"
NO_VALUE = "saknar värde"
NO_DIRECTION = "ingen riktning"
#: A total (tonnes, MWh, a count) grows with the population, so it is shown but not ranked.
NOT_RANKED = "rangordnas inte"

THIRD_STYLE: dict[str, ThirdStyle] = {
    UPPER_THIRD: ThirdStyle("▲", "Övre tredjedelen", "Top third", "#004488", "#FFFFFF", 1),
    MIDDLE_THIRD: ThirdStyle("◆", "Mellersta tredjedelen", "Middle third", "#DDAA33", "#000000", 2),
    LOWER_THIRD: ThirdStyle("▼", "Nedre tredjedelen", "Bottom third", "#BB5566", "#000000", 3),
    NO_DIRECTION: ThirdStyle("○", "Ingen riktning", "No direction", "#DDDDDD", "#000000", 4),
    NOT_RANKED: ThirdStyle("◇", "Rangordnas inte", "Not ranked", "#CCCCCC", "#000000", 5),
    NO_VALUE: ThirdStyle("–", "Saknar värde", "No value", "#BBBBBB", "#000000", 6),
}

# --- Robustness of a status ----------------------------------------------------------------

#: A status that a least-squares trend, four or more values and a base year moved by one year
#: all agree with; else it is marked uncertain (see ``docs/progress-method.md``).
ROBUST = "stabil"
UNCERTAIN = "osäker"
ROBUSTNESS_LABELS: dict[str, str] = {ROBUST: "Stabil", UNCERTAIN: "Osäker"}


def css_custom_properties() -> dict[str, str]:
    """The status colours as CSS custom properties (``--status-i-fas``, ``--status-i-fas-text``)
    for the page root, so the style sheets use the colours defined here."""
    properties: dict[str, str] = {}
    for style in STATUS_STYLE.values():
        properties[f"--status-{style.css}"] = style.colour
        properties[f"--status-{style.css}-text"] = style.text_colour
    return properties


# --- Effect indications of an intervention (insats) ----------------------------------------


class EffectVerdict(StrEnum):
    """What the comparison of an indicator's trend before and after an intervention with the
    similar municipalities' indicates (values are the Swedish words; see
    ``docs/effektindikation.md``)."""

    TYDLIG = "tydlig förändring i önskad riktning"
    INGEN_SKILLNAD = "ingen tydlig skillnad mot liknande kommuner"
    FEL_HALL = "förändring åt fel håll"
    FOR_LITE_DATA = "för lite data"


#: Each verdict in one plain sentence, beside its words (never a colour alone).
EFFECT_VERDICT_MEANINGS: dict[EffectVerdict, str] = {
    EffectVerdict.TYDLIG: "Trenden har ändrats mer i önskad riktning än hos alla eller nästan "
    "alla liknande kommuner.",
    EffectVerdict.INGEN_SKILLNAD: "Trendens förändring skiljer sig inte tydligt från de "
    "liknande kommunernas.",
    EffectVerdict.FEL_HALL: "Trenden har ändrats åt fel håll, mer än hos alla eller nästan "
    "alla liknande kommuner.",
    EffectVerdict.FOR_LITE_DATA: "Det finns för få år med värden för att jämföra trenden före "
    "och efter insatsen.",
}
