"""The 17 Sustainable Development Goals and the three dimensions of sustainability.

Names are the official short Swedish names of the global goals (Globala målen); colours are
the UN's SDG colour guidelines.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sdg:
    """One Sustainable Development Goal: its number, short Swedish name and UN colour."""

    goal: int
    name: str
    colour: str


#: The 17 goals in order.
SDG_GOALS: tuple[Sdg, ...] = (
    Sdg(1, "Ingen fattigdom", "#E5243B"),
    Sdg(2, "Ingen hunger", "#DDA63A"),
    Sdg(3, "Hälsa och välbefinnande", "#4C9F38"),
    Sdg(4, "God utbildning för alla", "#C5192D"),
    Sdg(5, "Jämställdhet", "#FF3A21"),
    Sdg(6, "Rent vatten och sanitet för alla", "#26BDE2"),
    Sdg(7, "Hållbar energi för alla", "#FCC30B"),
    Sdg(8, "Anständiga arbetsvillkor och ekonomisk tillväxt", "#A21942"),
    Sdg(9, "Hållbar industri, innovationer och infrastruktur", "#FD6925"),
    Sdg(10, "Minskad ojämlikhet", "#DD1367"),
    Sdg(11, "Hållbara städer och samhällen", "#FD9D24"),
    Sdg(12, "Hållbar konsumtion och produktion", "#BF8B2E"),
    Sdg(13, "Bekämpa klimatförändringarna", "#3F7E44"),
    Sdg(14, "Hav och marina resurser", "#0A97D9"),
    Sdg(15, "Ekosystem och biologisk mångfald", "#56C02B"),
    Sdg(16, "Fredliga och inkluderande samhällen", "#00689D"),
    Sdg(17, "Genomförande och globalt partnerskap", "#19486A"),
)

_BY_GOAL: dict[int, Sdg] = {sdg.goal: sdg for sdg in SDG_GOALS}

#: The three dimensions of sustainability: catalogue value → Swedish label, in display order.
DIMENSIONS: dict[str, str] = {
    "social": "Social",
    "ekonomisk": "Ekonomisk",
    "miljömässig": "Miljömässig",
}


def sdg(goal: int) -> Sdg:
    """The goal with this number (1–17); ``ValueError`` for any other number."""
    try:
        return _BY_GOAL[goal]
    except (KeyError, TypeError):
        raise ValueError(f"no Sustainable Development Goal {goal!r}: expected 1–17") from None


def sdg_name(goal: int) -> str:
    """The short Swedish name of goal ``goal``, e.g. 13 → "Bekämpa klimatförändringarna"."""
    return sdg(goal).name


def sdg_colour(goal: int) -> str:
    """The UN colour of goal ``goal`` as ``#RRGGBB``."""
    return sdg(goal).colour


def dimension_label(dimension: str) -> str:
    """The Swedish label of a dimension ("miljömässig" → "Miljömässig")."""
    try:
        return DIMENSIONS[dimension]
    except KeyError:
        expected = ", ".join(DIMENSIONS)
        raise ValueError(f"unknown dimension {dimension!r}: expected one of {expected}") from None
