"""Finding indicators by what people type: Swedish words with or without their accents.

"utslapp" finds "Utsläpp", "vaxthus" finds "Växthusgasutsläpp", "hälsa" finds "halsa": both
the query and the text are folded (:func:`fold`: letters without their diacritics, case
folded, runs of spaces and punctuation as one space) and every word of the query must occur
in an indicator's words – its label, Kolada's title, its id and its global goal's number and
name – in any order (:func:`matches`). Pure functions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from indicators.catalogue import Indicator
from indicators.sdg import sdg_name

#: The longest query read (the rest is ignored): a search field, not a document.
MAX_QUERY = 100
_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """``text`` without diacritics (å, ä → a, ö → o, é → e), case folded, every run of spaces
    and punctuation one space: ``"Växthusgas-utsläpp "`` → ``"vaxthusgas utslapp"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", bare.casefold()).strip()


def query_words(query: object) -> tuple[str, ...]:
    """The folded words of a query (``()`` for anything but text, or only spaces)."""
    if not isinstance(query, str):
        return ()
    return tuple(fold(query[:MAX_QUERY]).split())


def indicator_text(indicator: Indicator) -> str:
    """What a query is matched against, folded: label, Kolada's title, id, global goal."""
    goal = indicator.sdg_goal
    words = [indicator.label, indicator.kolada_title, indicator.kpi_id, f"mål {goal}"]
    return fold(" ".join([*words, sdg_name(goal)]))


def matches(query: object, text: str) -> bool:
    """Whether every word of ``query`` occurs in ``text`` (folded both), in any order; an
    empty query matches everything."""
    folded = fold(text)
    return all(word in folded for word in query_words(query))


def search_indicators(indicators: Iterable[Indicator], query: object) -> list[Indicator]:
    """The indicators ``query`` finds, in the order given (all of them for an empty query)."""
    words = query_words(query)
    if not words:
        return list(indicators)
    return [i for i in indicators if all(w in indicator_text(i) for w in words)]
