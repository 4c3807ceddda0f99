"""Reading a page's address: one parser for the query values every page receives.

Dash Pages calls a page's ``layout(**query)`` with the address's query values: a string per
parameter, or a list of strings when a parameter is repeated (``?x=a&x=b``). Callbacks hand the
same readers their controls' values (strings, numbers, lists). :func:`read_query` reads such
values against a page's declaration of its parameters – name → kind, each with a default:

- :class:`Choice`: one value out of a set (a goal level, a method, an area id, a KPI id …);
- :class:`Choices`: several values out of a set, comma-separated (a repeated parameter adds to
  them);
- :class:`Integer`: a whole number in a range and/or out of a set (a year, a slideshow id).

It returns the selection and Swedish notes on what was reduced or rejected ("Okänd parameter
”x” ignorerades", "”metod” angavs två gånger – den första användes", "Året 99999 finns inte –
visar 2024"), which the page shows with :func:`url_notes`. A kind's choices and default may be
functions of the values read before it (parameters are read in declaration order), so that the
years offered can depend on the indicators chosen. Nothing here raises on any input: anything
unreadable falls back to the default with a note.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from dash import html

from data.slideshows import PRESENTATION_PARAMS

T = TypeVar("T")
Values = Mapping[str, Any]
#: A fixed value, or a function of the values read before.
Dynamic = T | Callable[[Values], T]
Labels = Mapping[str, str] | Callable[[str], str] | None

#: Parameters of the whole app (presentation mode, a running slideshow): never "unknown".
APP_PARAMS: tuple[str, ...] = tuple(PRESENTATION_PARAMS)
#: How much of a value or a parameter name a note shows.
MAX_SHOWN = 40
#: How many values or names one note lists before "och N till".
MAX_LISTED = 5
#: Longest text read as a whole number (longer ones are out of any range anyway).
MAX_DIGITS = 30
#: What stands for a value that is not text or a number (e.g. an object sent by a callback).
UNREADABLE = "(oläsbart värde)"
NOTES_HEADING = "Adressen justerades:"

_COUNT_WORDS = {2: "två", 3: "tre", 4: "fyra", 5: "fem", 6: "sex", 7: "sju", 8: "åtta", 9: "nio"}


@dataclass(frozen=True)
class Choice:
    """One value out of ``choices``; ``default`` when missing, empty or not among them.

    ``what`` names the parameter's value in notes ("Målnivån"); ``labels`` names a value (a
    mapping or a function), for the default a note says is shown instead."""

    choices: Dynamic[Collection[str]]
    default: Dynamic[str | None] = None
    what: str = "Värdet"
    labels: Labels = None


@dataclass(frozen=True)
class Choices:
    """Several values out of ``choices``, comma-separated; a repeated parameter adds to them.

    Duplicates are dropped; ``order`` keeps the order given or puts them in the order of
    ``choices``. ``default`` stands when the parameter is missing, and also (as set by
    ``when_empty`` and ``when_none_valid``) when it is present but empty, or names nothing
    valid; otherwise those give an empty choice. ``what`` / ``what_plural`` name one or several
    values in notes ("Kommunen" / "Kommunerna")."""

    choices: Dynamic[Sequence[str]]
    default: Dynamic[Sequence[str]] = ()
    what: str = "Värdet"
    what_plural: str = "Värdena"
    labels: Labels = None
    when_empty: Literal["default", "empty"] = "default"
    when_none_valid: Literal["default", "empty"] = "default"
    order: Literal["given", "choices"] = "given"


@dataclass(frozen=True)
class Integer:
    """A whole number from ``low`` to ``high`` (either open) and, when given, among
    ``choices``; ``default`` otherwise. ``what`` names it in notes ("Året")."""

    low: int | None = None
    high: int | None = None
    choices: Dynamic[Collection[int] | None] = None
    default: Dynamic[int | None] = None
    what: str = "Talet"


Kind = Choice | Choices | Integer


@dataclass(frozen=True)
class UrlState:
    """What a page shows (``values``, by parameter name) and the notes on its address."""

    values: Mapping[str, Any]
    notes: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


# --- reading --------------------------------------------------------------------------------


def read_query(
    query: Mapping[str, Any],
    params: Mapping[str, Kind],
    *,
    also_known: Collection[str] = (),
) -> UrlState:
    """The values of ``params`` read from ``query`` (the keyword arguments of a page's
    ``layout``, or control values), in declaration order, with the notes on what was reduced
    or rejected. Keys that are neither declared, nor the app's own (:data:`APP_PARAMS`), nor
    in ``also_known`` are noted as unknown and ignored."""
    values: dict[str, Any] = {}
    notes: list[str] = []
    for name, kind in params.items():
        value, found = read_value(name, query.get(name), kind, values)
        values[name] = value
        notes.extend(found)
    unknown = [
        str(key)
        for key in query
        if key not in params and key not in APP_PARAMS and key not in also_known
    ]
    if unknown:
        notes.insert(0, unknown_note(unknown))
    return UrlState(values, tuple(notes))


def read_value(
    name: str, raw: Any, kind: Kind, values: Values | None = None
) -> tuple[Any, list[str]]:
    """One parameter's value (``raw`` as Dash or a control gives it) and the notes on it;
    ``values`` are those read before, for a kind whose choices or default depend on them."""
    known: Values = values if values is not None else {}
    if isinstance(kind, Choices):
        return _read_choices(raw, kind, known)
    text, notes = _single_text(name, raw)
    if isinstance(kind, Integer):
        value, problem = _read_integer(text, kind, known)
    else:
        value, problem = _read_choice(text, kind, known)
    return value, notes + ([problem] if problem else [])


def read_path_id(raw: Any, kind: Kind) -> tuple[Any, str]:
    """A path variable (``/kommun/<area_id>``) read as ``kind`` – ``None`` when it is not
    valid (give the kind no default) – and its text as a not-found page may show it."""
    text, _ = _single_text("", raw)
    value, _ = read_value("", raw, kind)
    return value, shown(text or "")


def _resolve(value: Any, values: Values) -> Any:
    return value(values) if callable(value) else value


def _scalar(value: Any) -> str:
    """A query or control value as text (numbers as written; anything else unreadable)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return UNREADABLE
    if isinstance(value, int | float):
        return str(value)
    return UNREADABLE


def _single_text(name: str, raw: Any) -> tuple[str | None, list[str]]:
    """The one text a single-valued parameter holds: the first of a repeated parameter (noted
    when the repetitions differ)."""
    if raw is None:
        return None, []
    if not isinstance(raw, list | tuple):
        return _scalar(raw), []
    texts = [_scalar(item) for item in raw if item is not None]
    if not texts:
        return None, []
    notes = []
    if len(set(texts)) > 1:
        notes.append(
            f"”{shown(name)}” angavs {count_words(len(texts))} gånger – den första användes"
        )
    return texts[0], notes


def _read_choice(text: str | None, kind: Choice, values: Values) -> tuple[str | None, str | None]:
    clean = (text or "").strip()
    if clean and clean != UNREADABLE and clean in _resolve(kind.choices, values):
        return clean, None
    default = _resolve(kind.default, values)
    if not clean:
        return default, None
    instead = _instead([default] if default is not None else [], kind.labels)
    return default, f"{kind.what} ”{shown(clean)}” finns inte{instead}"


def _as_integer(text: str) -> int | None:
    digits = text[1:] if text[:1] in "+-" else text
    if not digits or len(digits) > MAX_DIGITS or not (digits.isascii() and digits.isdigit()):
        return None
    return int(text)


def _read_integer(text: str | None, kind: Integer, values: Values) -> tuple[int | None, str | None]:
    clean = (text or "").strip()
    number = _as_integer(clean)
    choices = _resolve(kind.choices, values)
    if (
        number is not None
        and (kind.low is None or number >= kind.low)
        and (kind.high is None or number <= kind.high)
        and (choices is None or number in choices)
    ):
        return number, None
    default = _resolve(kind.default, values)
    if not clean:
        return default, None
    value = clean if number is not None else f"”{shown(clean)}”"
    instead = f" – visar {default}" if default is not None else " och ignorerades"
    return default, f"{kind.what} {value} finns inte{instead}"


def _items(raw: Any) -> list[str]:
    """The comma-separated items of a list parameter (every repetition's), stripped."""
    parts = raw if isinstance(raw, list | tuple) else [raw]
    items = []
    for part in parts:
        if part is None:
            continue
        items.extend(item.strip() for item in _scalar(part).split(","))
    return [item for item in items if item]


def _read_choices(raw: Any, kind: Choices, values: Values) -> tuple[tuple[str, ...], list[str]]:
    default = tuple(_resolve(kind.default, values))
    if raw is None:
        return default, []
    items = _items(raw)
    if not items:
        return (default if kind.when_empty == "default" else ()), []
    choices = _resolve(kind.choices, values)
    allowed = set(choices)
    valid = list(dict.fromkeys(item for item in items if item in allowed))
    invalid = list(dict.fromkeys(item for item in items if item not in allowed))
    if kind.order == "choices":
        chosen = set(valid)
        valid = [choice for choice in choices if choice in chosen]
    if not valid and kind.when_none_valid == "default":
        result = default
        ending = _instead(default, kind.labels) if default else " och ignorerades"
    else:
        result = tuple(valid)
        ending = " och ignorerades"
    if not invalid:
        return result, []
    what = kind.what if len(invalid) == 1 else kind.what_plural
    return result, [f"{what} {listed(invalid)} finns inte{ending}"]


# --- notes ----------------------------------------------------------------------------------


def shown(value: object) -> str:
    """A value as a note shows it: without control characters, at most :data:`MAX_SHOWN`
    characters."""
    text = "".join(
        " " if unicodedata.category(ch).startswith("C") else ch for ch in str(value)[:200]
    ).strip()
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def listed(values: Sequence[str]) -> str:
    """ "”a”, ”b” och ”c”" – at most :data:`MAX_LISTED`, then "och N till"."""
    quoted = [f"”{shown(v)}”" for v in values[:MAX_LISTED]]
    rest = len(values) - len(quoted)
    if rest:
        return ", ".join(quoted) + f" och {rest} till"
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " och " + quoted[-1]


def count_words(count: int) -> str:
    return _COUNT_WORDS.get(count, str(count))


def unknown_note(names: Sequence[str]) -> str:
    if len(names) == 1:
        return f"Okänd parameter ”{shown(names[0])}” ignorerades"
    return f"Okända parametrar {listed(names)} ignorerades"


def _label(value: str, labels: Labels) -> str:
    if labels is None:
        return value
    if callable(labels):
        return labels(value)
    return labels.get(value, value)


def _instead(default: Iterable[str], labels: Labels) -> str:
    names = [_label(value, labels) for value in default]
    if not names:
        return " och ignorerades"
    shown_names = names[:MAX_LISTED]
    text = ", ".join(shown_names)
    if len(names) > len(shown_names):
        text += f" och {len(names) - len(shown_names)} till"
    return f" – visar {text}"


def url_notes(notes: Sequence[str], *, id: str | None = None) -> html.Div | None:
    """The notes on a page's address, shown near its controls (``None`` when there are
    none): a small status note, hidden in presentation mode."""
    if not notes:
        return None
    kwargs = {"id": id} if id is not None else {}
    return html.Div(
        [
            html.Span(NOTES_HEADING, className="url-notes-heading"),
            html.Ul([html.Li(note) for note in notes]),
        ],
        role="status",
        className="note url-notes presentation-hidden",
        **kwargs,
    )
