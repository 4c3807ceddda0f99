"""Checking and parsing Kolada's JSON: pages, data items, KPIs, areas, groups and units."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from etl.transform import (
    DataValue,
    KoladaFormatError,
    Page,
    page_kind,
    parse_area,
    parse_data_item,
    parse_group_members,
    parse_kpi,
    parse_page,
    placeholder_area,
    placeholder_kpi,
    unit_from_title,
)

SOURCE = "https://api.kolada.se/v3/data/kpi/N00401/municipality/2080"


def data_item(**changes):
    item = {
        "kpi": "N00401",
        "municipality": "2080",
        "period": 2022,
        "values": [
            {"gender": "T", "count": 1, "status": "", "value": 4.5, "isdeleted": False},
        ],
    }
    return item | changes


def value_entry(**changes):
    return {"gender": "T", "count": 1, "status": "", "value": 4.5, "isdeleted": False} | changes


def error_of(call, *args) -> str:
    with pytest.raises(KoladaFormatError) as caught:
        call(*args)
    return str(caught.value)


# --- pages ---------------------------------------------------------------------------------


def test_page_of_v3_envelope():
    body = {"count": 1, "values": [{"a": 1}], "next_url": "https://x/v3/kpi?page=2"}
    assert parse_page(body, SOURCE) == Page(SOURCE, [{"a": 1}], "https://x/v3/kpi?page=2")


def test_page_of_v2_envelope_uses_next_page():
    body = {"count": 0, "values": [], "next_page": "http://x/v2/kpi?page=2", "previous_page": None}
    assert parse_page(body, SOURCE).next_url == "http://x/v2/kpi?page=2"


@pytest.mark.parametrize("link", [None, ""])
def test_page_without_next_link(link):
    assert parse_page({"values": [], "next_url": link}, SOURCE).next_url is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"count": 0, "next_url": None}, "values"),
        ({"values": {"kpi": "N00401"}}, "values"),
        ([{"kpi": "N00401"}], "body"),
        ({"values": [], "next_url": 2}, "next_url"),
    ],
)
def test_page_of_unexpected_shape_names_source_and_field(body, field):
    message = error_of(parse_page, body, SOURCE)
    assert message.startswith(f"{SOURCE}: {field}: expected")


# --- data items ----------------------------------------------------------------------------


def test_data_item_with_three_genders():
    item = data_item(
        values=[
            value_entry(gender="T", value=50),
            value_entry(gender="K", value=48.25, count=1),
            value_entry(gender="M", value=51.75),
        ]
    )
    values = parse_data_item(item, SOURCE, "values[0]")
    assert values == [
        DataValue("N00401", "2080", 2022, "T", 50.0, "", 1),
        DataValue("N00401", "2080", 2022, "K", 48.25, "", 1),
        DataValue("N00401", "2080", 2022, "M", 51.75, "", 1),
    ]
    assert isinstance(values[0].value, float)
    assert values[1].key == ("N00401", "2080", 2022, "K")


def test_null_value_keeps_its_status():
    item = data_item(values=[value_entry(value=None, status="Missing", count=0)])
    assert parse_data_item(item, SOURCE, "values[0]") == [
        DataValue("N00401", "2080", 2022, "T", None, "Missing", 0)
    ]


def test_withdrawn_value_is_marked_deleted():
    item = data_item(values=[value_entry(isdeleted=True)])
    (parsed,) = parse_data_item(item, SOURCE, "values[0]")
    assert parsed.deleted is True


def test_optional_fields_may_be_absent():
    item = data_item(values=[{"gender": "T", "value": 2}])
    assert parse_data_item(item, SOURCE, "values[0]") == [
        DataValue("N00401", "2080", 2022, "T", 2.0, "", None)
    ]


@pytest.mark.parametrize(
    ("item", "field", "got"),
    [
        ({k: v for k, v in data_item().items() if k != "period"}, "values[7].period", "missing"),
        (data_item(period="2022"), "values[7].period", "'2022' (str)"),
        (data_item(period=True), "values[7].period", "True (bool)"),
        (data_item(kpi=None), "values[7].kpi", "None"),
        (data_item(municipality=2080), "values[7].municipality", "2080 (int)"),
        (data_item(values=None), "values[7].values", "None"),
        (data_item(values=[value_entry(gender="X")]), "values[7].values[0].gender", "'X'"),
        (data_item(values=[value_entry(gender="t")]), "values[7].values[0].gender", "'t'"),
        (data_item(values=[value_entry(value="4,5")]), "values[7].values[0].value", "'4,5'"),
        (data_item(values=[value_entry(value=math.nan)]), "values[7].values[0].value", "nan"),
        (data_item(values=[value_entry(value=False)]), "values[7].values[0].value", "False"),
        (data_item(values=[value_entry(count=1.5)]), "values[7].values[0].count", "1.5"),
        (data_item(values=[value_entry(status=0)]), "values[7].values[0].status", "0 (int)"),
        (data_item(values=[value_entry(isdeleted="no")]), "values[7].values[0].isdeleted", "'no'"),
        (data_item(values=[value_entry(), value_entry()]), "values[7].values[1].gender", "'T'"),
        (data_item(values=["T"]), "values[7].values[0]", "'T'"),
        ("N00401", "values[7]", "'N00401'"),
    ],
)
def test_data_item_of_unexpected_shape_is_refused(item, field, got):
    message = error_of(parse_data_item, item, SOURCE, "values[7]")
    assert message.startswith(f"{SOURCE}: {field}: expected ")
    assert got in message


def test_missing_value_field_is_refused():
    entry = value_entry()
    del entry["value"]
    message = error_of(parse_data_item, data_item(values=[entry]), SOURCE, "values[0]")
    assert "values[0].values[0].value: expected a finite number or null" in message


# --- metadata ------------------------------------------------------------------------------

N00401 = {
    "id": "N00401",
    "title": "Utsläpp till luft av växthusgaser totalt, ton CO2-ekv/inv",
    "description": "Utsläpp … Källa: Nationella emissionsdatabasen.",
    "is_divided_by_gender": False,
    "municipality_type": "A",
    "auspice": None,
    "operating_area": "Infrastruktur, miljö- och hälsoskydd mm",
    "perspective": "Resurser",
    "prel_publication_date": None,
    "publication_date": "2026-05-20",
    "publ_period": "2024",
    "has_ou_data": False,
}


def test_kpi_item_becomes_kpi_row():
    assert parse_kpi(N00401, SOURCE, "values[0]") == {
        "id": "N00401",
        "title": "Utsläpp till luft av växthusgaser totalt, ton CO2-ekv/inv",
        "description": "Utsläpp … Källa: Nationella emissionsdatabasen.",
        "unit": "ton CO2-ekv/inv",
        "is_divided_by_gender": False,
        "municipality_type": "A",
        "operating_area": "Infrastruktur, miljö- och hälsoskydd mm",
        "perspective": "Resurser",
        "auspice": "",
        "publ_period": "2024",
        "publication_date": dt.date(2026, 5, 20),
        "prel_publication_date": None,
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id": ""}, "values[2].id"),
        ({"title": None}, "values[2].title"),
        ({"is_divided_by_gender": "false"}, "values[2].is_divided_by_gender"),
        ({"municipality_type": "X"}, "values[2].municipality_type"),
        ({"publication_date": "28/08/2026"}, "values[2].publication_date"),
        ({"publ_period": 2024.0}, "values[2].publ_period"),
    ],
)
def test_kpi_item_of_unexpected_shape_is_refused(changes, field):
    message = error_of(parse_kpi, N00401 | changes, SOURCE, "values[2]")
    assert message.startswith(f"{SOURCE}: {field}: expected ")


@pytest.mark.parametrize(
    ("item", "county"),
    [
        ({"id": "2080", "title": "Falun", "type": "K"}, "20"),
        ({"id": "0020", "title": "Region Dalarna", "type": "L"}, "20"),
        ({"id": "0000", "title": "Riket", "type": "L"}, None),
        ({"id": "G33627", "title": "Dalarnas läns kommuner (ovägt medel)", "type": "L"}, None),
    ],
)
def test_area_item_becomes_area_row(item, county):
    assert parse_area(item, SOURCE, "values[0]") == item | {"county": county}


@pytest.mark.parametrize("area_type", ["k", "A", None])
def test_area_of_unknown_type_is_refused(area_type):
    item = {"id": "2080", "title": "Falun", "type": area_type}
    assert "values[4].type: expected an area type K or L" in error_of(
        parse_area, item, SOURCE, "values[4]"
    )


def test_group_members_in_kolada_order():
    group = {
        "id": "G2KPI130255",
        "title": "Agenda 2030 - Kommun",
        "members": [
            {"member_id": "N00401", "member_title": "Utsläpp"},
            {"member_id": "N07702", "member_title": "Utsläpp totalt"},
        ],
    }
    assert parse_group_members(group, SOURCE, "values[0]") == ["N00401", "N07702"]
    broken = group | {"members": [{"member_title": "utan id"}]}
    assert "values[0].members[0].member_id" in error_of(
        parse_group_members, broken, SOURCE, "values[0]"
    )


def test_placeholders_for_ids_seen_only_in_data():
    assert placeholder_kpi("N00945") == {"id": "N00945", "title": "N00945"}
    assert placeholder_area("2062") == {"id": "2062", "title": "Mora", "type": "K", "county": "20"}
    assert placeholder_area("0180") == {"id": "0180", "title": "0180", "type": "K", "county": "01"}
    assert placeholder_area("0001") == {"id": "0001", "title": "0001", "type": "L", "county": "01"}
    assert placeholder_area("G33627") == {
        "id": "G33627",
        "title": "G33627",
        "type": "L",
        "county": None,
    }


# --- page kinds ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        ([data_item()], "data"),
        ([N00401], "kpi"),
        ([{"id": "2080", "title": "Falun", "type": "K"}], "municipality"),
        ([{"id": "G1", "title": "Grupp", "members": []}], "kpi_group"),
        ([], "empty"),
    ],
)
def test_page_kind_by_item_shape(values, kind):
    assert page_kind(Page("x.json", values, None)) == kind


def test_mixed_page_names_the_odd_item():
    page = Page("x.json", [data_item(), N00401], None)
    assert error_of(page_kind, page).startswith("x.json: values[1]: expected a data item")


def test_page_of_unknown_items():
    page = Page("x.json", [{"name": "Falun"}], None)
    assert "x.json: values[0]: expected a data, KPI or area item" in error_of(page_kind, page)


# --- units ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "unit"),
    [
        ("Utsläpp till luft av växthusgaser totalt, ton CO2-ekv/inv", "ton CO2-ekv/inv"),
        ("Insamlat mat- och restavfall, kg/invånare (justerat)", "kg/invånare (justerat)"),
        ("Valdeltagande i senaste kommunalvalet, andel (%)", "andel (%)"),
        ("Utsläpp till luft av växthusgaser, egen uppvärmning, ton CO2e", "ton CO2e"),
        ("Bruttoregionprodukt, kommun (BRP), 1000 kr/invånare", "1000 kr/invånare"),
        ("Resor med kollektivtrafik, resor/inv", "resor/inv"),
        (
            "Tillfälliga föräldrapenningdagar (VAB) som tas ut av män, andel av antal dagar (%)",
            "andel av antal dagar (%)",
        ),
        (
            "Heltidstjänster i förskola med viss pedagogisk utbildning, lägeskommun,  andel (%)",
            "andel (%)",
        ),
        (
            "Invånare som använt internet eller digital tjänst för att söka information om "
            "sjukdom eller behandling, andel (%) (-2023)",
            "andel (%)",
        ),
        (
            "Personalkontinuitet, antal personal som en hemtjänsttagare med minst 2 besök "
            "dagligen möter under 14 dagar, medelvärde (- 2024)",
            "medelvärde",
        ),
        (
            "Ansvarsprövning i KF utan anmärkning och med beviljad ansvarsfrihet för samtliga "
            "ledamöter, (Ja=1, Nej=0)",
            "(Ja=1, Nej=0)",
        ),
        ("Bild och form erbjuds som ämneskurs i kulturskolan (Ja=1, Nej=0)", "(Ja=1, Nej=0)"),
        ("Kvalitetsindikatorer - Astma och KOL, index (max = 100)", "index (max = 100)"),
        ("Länsvis skattesats, (%)", "(%)"),
        ("Trygghet och säkerhet - Kommunindex", ""),
    ],
)
def test_unit_from_real_titles(title, unit):
    assert unit_from_title(title) == unit
