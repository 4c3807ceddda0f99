"""The areas the dashboard follows: Dalarna's municipalities, the county and Sweden.

Ids and names are Kolada's (municipality codes from SCB).
"""

from __future__ import annotations

RIKET = "0000"
REGION_DALARNA = "0020"
DALARNA_COUNTY_CODE = "20"

#: Dalarna's 15 municipalities (type K), in code order.
DALARNA_MUNICIPALITIES: dict[str, str] = {
    "2021": "Vansbro",
    "2023": "Malung-Sälen",
    "2026": "Gagnef",
    "2029": "Leksand",
    "2031": "Rättvik",
    "2034": "Orsa",
    "2039": "Älvdalen",
    "2061": "Smedjebacken",
    "2062": "Mora",
    "2080": "Falun",
    "2081": "Borlänge",
    "2082": "Säter",
    "2083": "Hedemora",
    "2084": "Avesta",
    "2085": "Ludvika",
}

#: The 17 default areas: the 15 municipalities, Region Dalarna and Riket.
DEFAULT_AREAS: dict[str, tuple[str, str]] = {
    **{code: (title, "K") for code, title in DALARNA_MUNICIPALITIES.items()},
    REGION_DALARNA: ("Region Dalarna", "L"),
    RIKET: ("Riket", "L"),
}


def county_of(area_id: str, area_type: str) -> str | None:
    """The two-digit county code an area belongs to (``None`` for Sweden as a whole).

    A municipality's code starts with its county's (2080 Falun → 20); a region's code is
    ``00`` followed by the county's (0020 Region Dalarna → 20).
    """
    if area_id == RIKET:
        return None
    if area_type == "L":
        return area_id[2:]
    return area_id[:2]
