"""Swedish formatting of numbers, changes and dates for the UI (decimal comma, space thousands)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from zoneinfo import ZoneInfo

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


def format_number(value: float | None, decimals: int = 1) -> str:
    """``1234.56, 1`` → ``"1 234,6"``; ``None``/NaN → ``"–"``.

    Swedish conventions as Babel's sv_SE locale writes them (no-break space between thousands,
    decimal comma, the minus sign U+2212), built with Python's own number formatting: tables
    format thousands of numbers per request.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    # Round the number as written (2.675 → 2,68), half to even, as Babel does.
    text = f"{Decimal(repr(float(value))):,.{max(decimals, 0)}f}"
    if text.startswith("-") and not any(ch not in "-0,." for ch in text):
        text = text[1:]  # −0,0 is written 0,0
    return text.replace(",", THOUSANDS).replace(".", ",").replace("-", MINUS)


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
