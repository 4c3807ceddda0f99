"""Text cells that a spreadsheet would run as formulas: the one list of formula starts, and the
two ways the project writes such cells.

A spreadsheet runs a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return as a
formula (:data:`FORMULA_STARTS`), so a CSV file written for people to open puts an apostrophe
before such a text; numbers are written as numbers and are left alone.

* :func:`neutralise` – for exports that are only read (the data export): an apostrophe before a
  text that starts like a formula, nothing else.
* :func:`escape_formula` / :func:`unescape_formula` – for files that are read back (the goal
  CSV): also a text that already starts with apostrophes followed by a formula start gets one
  more, so that the import removes exactly the one apostrophe the export added and every text
  comes back unchanged.
"""

from __future__ import annotations

#: First characters that make a spreadsheet run a cell as a formula.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
#: The character put before a text cell so that a spreadsheet shows it as text.
FORMULA_ESCAPE = "'"


def neutralise(text: str) -> str:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    return FORMULA_ESCAPE + text if text.startswith(FORMULA_STARTS) else text


def _runs_as_formula(text: str) -> bool:
    """Whether ``text`` (after any leading apostrophes) starts like a spreadsheet formula."""
    return text.lstrip(FORMULA_ESCAPE).startswith(FORMULA_STARTS)


def escape_formula(text: str) -> str:
    """A text cell as a file that is read back writes it: ``'`` before a text that a spreadsheet
    would run as a formula (and before one that already starts with ``'`` followed by such a
    text, so that :func:`unescape_formula` gives it back unchanged)."""
    return FORMULA_ESCAPE + text if _runs_as_formula(text) else text


def unescape_formula(text: str) -> str:
    """A text cell as read from such a file: the one ``'`` that :func:`escape_formula` added is
    removed; other text is left as it is."""
    if text.startswith(FORMULA_ESCAPE) and _runs_as_formula(text):
        return text[len(FORMULA_ESCAPE) :]
    return text


__all__ = [
    "FORMULA_ESCAPE",
    "FORMULA_STARTS",
    "escape_formula",
    "neutralise",
    "unescape_formula",
]
