"""Numbers and dates as text: Swedish formatting for the UI (decimal comma, space thousands),
and the plain numbers of CSV files, written and read.

Two number formatters, for two readers:

* :func:`format_number` (and :func:`format_signed`, :func:`format_annual_change`,
  :func:`format_short`) – for people: rounded, decimal comma, no-break space between
  thousands, the minus sign U+2212;
* :func:`format_csv_number` – for programs and spreadsheets reading a file: every digit that
  tells the number apart, no thousands separator, never exponent form, so that
  :func:`parse_decimal` (which also accepts what people type: a decimal comma, spaces between
  thousands) reads the same number back.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime

LOCALE = "sv_SE"
#: Plotly's ``layout.separators``: decimal comma, (thin) space between thousands.
PLOTLY_SEPARATORS = ", "
#: Stored times are naive UTC; people read Swedish local time.
TIMEZONE = ZoneInfo("Europe/Stockholm")
MINUS = "−"  # U+2212, as Swedish typography writes negative numbers
MISSING = "–"
THOUSANDS = "\u00a0"  # no-break space, as Babel's sv_SE

_DECIMAL_PATTERN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_NUMBER_SPACES = str.maketrans("", "", " \u00a0\u202f")


def is_missing(value: object) -> bool:
    """Whether a value from a table is missing: ``None`` or NaN (anything else, text included,
    is a value)."""
    if value is None:
        return True
    try:
        return math.isnan(value)  # type: ignore[arg-type]
    except TypeError:
        return False


def format_number(value: float | None, decimals: int = 1, *, thousands: str = THOUSANDS) -> str:
    """``1234.56, 1`` → ``"1 234,6"``; ``None``/NaN → ``"–"``.

    Swedish conventions as Babel's sv_SE locale writes them (no-break space between thousands,
    decimal comma, the minus sign U+2212), built with Python's own number formatting: tables
    format thousands of numbers per request. ``thousands`` replaces the no-break space where
    text goes to a terminal.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    # Round the number as written (2.675 → 2,68), half to even, as Babel does.
    text = f"{Decimal(repr(float(value))):,.{max(decimals, 0)}f}"
    if text.startswith("-") and not any(ch not in "-0,." for ch in text):
        text = text[1:]  # −0,0 is written 0,0
    return text.replace(",", thousands).replace(".", ",").replace("-", MINUS)


def format_short(value: float, decimals: int | None = None) -> str:
    """A number written short, for running text (the progress reasons): as
    :func:`format_number`, but trailing zeros are dropped and, without ``decimals``, the
    precision follows the size: 1 234 · 123,4 · 12,34 · 0,123. ``value`` is a number (no
    ``None``/NaN)."""
    magnitude = abs(value)
    if decimals is None:
        if magnitude >= 1000 or magnitude == 0:
            decimals = 0
        elif magnitude >= 100:
            decimals = 1
        elif magnitude >= 1:
            decimals = 2
        else:
            decimals = 2 - math.floor(math.log10(magnitude))
    text = f"{magnitude:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    text = text.replace(",", THOUSANDS).replace(".", ",")
    negative = value < 0 and any(ch in "123456789" for ch in text)
    return (MINUS if negative else "") + text


def format_signed(value: float | None, decimals: int = 1) -> str:
    """A change with its sign: ``+2,5`` / ``−1,0``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    text = format_number(abs(value), decimals)
    if round(abs(value), decimals) == 0:
        return text  # no sign on a change that rounds to zero
    return ("+" if value > 0 else MINUS) + text


def format_annual_change(rate: float | None, decimals: int = 1) -> str:
    """A compound annual rate (0.023) as ``"+2,3 % per år"``."""
    if rate is None or (isinstance(rate, float) and math.isnan(rate)):
        return MISSING
    return f"{format_signed(rate * 100, decimals)} % per år"


def local_time(value: dt.datetime) -> dt.datetime:
    """A time as Swedish local time; a naive time is taken to be UTC (as stored)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(TIMEZONE)


def swedish_today() -> dt.date:
    """Today's date in Sweden."""
    return dt.datetime.now(TIMEZONE).date()


def format_date(value: dt.date | dt.datetime | None) -> str:
    """``27 november 2026`` (a time is shown as its Swedish local date)."""
    if value is None:
        return MISSING
    if isinstance(value, dt.datetime):
        value = local_time(value).date()
    return _babel_format_date(value, "d MMMM y", locale="sv")


def format_datetime(value: dt.datetime | None) -> str:
    """``27 november 2026 kl. 08:14`` in Swedish local time (naive times are UTC)."""
    if value is None:
        return MISSING
    return _babel_format_datetime(local_time(value), "d MMMM y 'kl.' HH:mm", locale="sv")


# --- numbers in files ---------------------------------------------------------------------------


def format_csv_number(value: float, decimal: str = ".") -> str:
    """A number as a CSV cell holds it: positional (never exponent form), the shortest digits
    that give the same number back, no trailing ``.0``, no thousands separator; ``decimal`` is
    the decimal mark (``.`` or ``,``). ``7500000.0`` → ``7500000``, ``-0.7`` → ``-0.7``."""
    text = np.format_float_positional(float(value), trim="-")
    return text.replace(".", decimal) if decimal != "." else text


def parse_decimal(text: str) -> float:
    """A number written with a decimal point or a decimal comma (``1.5``, ``1,5``, ``-0,70``).

    Spaces between thousands (``7 500 000``) and the minus sign ``−`` are accepted. Raises
    :class:`ValueError` for anything else, including a number with both a point and a comma.
    """
    cleaned = text.strip().translate(_NUMBER_SPACES).replace(MINUS, "-")
    if "," in cleaned:
        if "." in cleaned or cleaned.count(",") > 1:
            raise ValueError(f"not a number: {text!r}")
        cleaned = cleaned.replace(",", ".")
    if not _DECIMAL_PATTERN.fullmatch(cleaned):
        raise ValueError(f"not a number: {text!r}")
    return float(cleaned)
