"""The CSV download route (GET /ladda-ner?…, layouts/parts/export_route.py): the streamed file
is byte for byte the export table written by ``to_csv_bytes`` for several selections and both
formats, and so is the latest status (``fil=senaste-status``); bad parameters get status 400
with a Swedish message naming them; file names that say what they hold; the download panel's
two links; every page's selection is accepted."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
from urllib.parse import quote

import flask
import pytest
from flask_compress import Compress
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data import queries
from indicators import service
from indicators.export import FORMATS, to_csv_bytes
from indicators.vocabulary import ALL_LEVELS, LEVEL_LABELS
from layouts.parts.export_route import download_csv
from tests.web.test_compression import decoded

MORA, KPI = "2062", "N00401"
ROUTE = "/ladda-ner"
DEMO = "Demodata – genererade värden, inte Kolada"


@pytest.fixture
def download(demo_app):
    from layouts.parts import download as _download

    return _download


@pytest.fixture
def fixed_day(download, monkeypatch):
    day = dt.date(2026, 11, 27)
    monkeypatch.setattr(download, "today", lambda: day)
    return day


def query(selection: dict | None, fmt: str = "csv", file: str | None = None) -> str:
    """The query the panel's link carries for a selection store's data (as its clientside
    callback writes it)."""
    names = {
        "areas": "omraden",
        "kpis": "indikatorer",
        "genders": "kon",
        "levels": "niva",
        "threshold_set": "metod",
    }
    pairs = []
    for key, name in names.items():
        value = (selection or {}).get(key)
        if isinstance(value, list):
            pairs.append(f"{name}={','.join(quote(str(v), safe='') for v in value)}")
        elif value is not None:
            pairs.append(f"{name}={quote(str(value), safe='')}")
    years = (selection or {}).get("years")
    if years is not None:
        pairs += [f"fran={years[0]}", f"till={years[1]}"]
    pairs.append(f"format={fmt}")
    if file is not None:
        pairs.append(f"fil={file}")
    return "&".join(pairs)


def expected_bytes(download, selection: dict, fmt: str) -> bytes:
    table, _ = download.selection_table(download.parse(selection))
    return to_csv_bytes(table, fmt)


# --- the same bytes as the export table --------------------------------------------------------

OVERVIEW = {  # Översikt's download: 17 areas, every indicator shown, national level and trend
    "areas": None,
    "kpis": None,
    "genders": ["T"],
    "years": None,
    "levels": ["nationell", "trend"],
    "threshold_set": "statistics_canada",
}
SELECTIONS = {
    "oversikt": OVERVIEW,
    "one area, one indicator, years, one level": {
        "areas": [MORA],
        "kpis": [KPI],
        "years": [2016, 2018],
        "levels": ["lokal"],
    },
    "genders, every level, eurostat": {
        "areas": [MORA, "2080", "0020", "0000"],
        "kpis": [KPI, "N00945", "N03702"],
        "genders": ["T", "K", "M"],
        "levels": list(ALL_LEVELS),
        "threshold_set": "eurostat",
    },
    "no area": {"areas": [], "kpis": [KPI]},
}


@pytest.mark.parametrize("name", list(SELECTIONS))
def test_the_streamed_file_is_the_export_table(client, download, name):
    selection = SELECTIONS[name]
    table, total = download.selection_table(download.parse(selection))
    assert (total > 1000) == (name == "oversikt")
    for fmt in FORMATS:
        response = client.get(f"{ROUTE}?{query(selection, fmt)}")
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.get_data() == to_csv_bytes(table, fmt), (name, fmt)


def test_the_file_holds_the_selection(client, fixed_day):
    response = client.get(f"{ROUTE}?omraden={MORA}&indikatorer={KPI}")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="hallbarhet-mora-2026-11-27.csv"'
    )
    text = response.get_data(as_text=True)
    assert text.startswith("område_id,område,nyckeltal,indikator,enhet,kön,år,värde,värde_status,")
    rows = list(csv.DictReader(text.splitlines()))
    expected = queries.observations(service.engine(), kpi_ids=[KPI], area_ids=[MORA])
    assert [int(r["år"]) for r in rows] == expected["year"].tolist()
    assert {(r["område"], r["nyckeltal"]) for r in rows} == {("Mora", KPI)}
    assert {r["datakälla"] for r in rows} == {DEMO}
    assert {r["tröskelvärden"] for r in rows} == {"statistics_canada"}


@pytest.mark.parametrize("name", list(SELECTIONS))
def test_the_latest_status_is_the_latest_status_table(client, download, name):
    selection = SELECTIONS[name]
    table = download.latest_table(download.parse(selection))
    for fmt in FORMATS:
        response = client.get(f"{ROUTE}?{query(selection, fmt, 'senaste-status')}")
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.get_data() == to_csv_bytes(table, fmt), (name, fmt)


def test_the_latest_status_holds_a_row_per_area_indicator_and_level(client, fixed_day):
    response = client.get(
        f"{ROUTE}?omraden={MORA},2080&indikatorer={KPI}&fran=2016&till=2017&fil=senaste-status"
    )
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="senaste-status-mora-falun-2026-11-27.csv"'
    )
    rows = list(csv.DictReader(response.get_data(as_text=True).splitlines()))
    status = service.status("statistics_canada")
    expected = status[status["area_id"].isin([MORA, "2080"]) & (status["kpi_id"] == KPI)]
    assert len(rows) == len(expected) > 2
    # Area by area (Mora before Falun, as the dashboard orders them), then level by level.
    levels = list(ALL_LEVELS)
    order = sorted(
        zip(expected["area_id"], expected["level"], strict=True),
        key=lambda key: (service.AREA_ORDER.index(key[0]), levels.index(key[1])),
    )
    assert [(r["område_id"], r["nivå"]) for r in rows] == [
        (area, LEVEL_LABELS[level]) for area, level in order
    ]
    series = queries.observations(service.engine(), kpi_ids=[KPI], area_ids=[MORA])
    newest = int(series.dropna(subset=["value"])["year"].max())
    mora = [r for r in rows if r["område_id"] == MORA]
    # The selection's years do not apply: the status is judged on the whole series.
    assert {int(r["senaste_år"]) for r in mora} == {newest}
    for row in mora:
        assert row["status"] and row["förändring_enhet"] in ("% per år", "ton CO2-ekv/inv per år")
        assert row["robusthet"] in ("stabil", "osäker")
        if row["krävd_förändring_per_år"]:
            # per cent with one decimal (or the unit a year), not a raw fraction
            assert len(row["krävd_förändring_per_år"].split(".")[-1]) <= 3
    assert {r["datakälla"] for r in rows} == {DEMO}


def test_excel_swedish_format(client):
    response = client.get(f"{ROUTE}?omraden={MORA}&indikatorer={KPI}&niva=lokal&format=excel-sv")
    payload = response.get_data()
    assert payload.startswith(b"\xef\xbb\xbfomr\xc3\xa5de_id;omr\xc3\xa5de;nyckeltal;")
    lines = payload.decode("utf-8-sig").split("\r\n")
    rows = list(csv.DictReader(lines[:-1], delimiter=";"))
    first = queries.observations(service.engine(), kpi_ids=[KPI], area_ids=[MORA]).iloc[0]
    assert rows[0]["värde"] == repr(float(first["value"])).replace(".", ",")
    assert "trend_status" not in rows[0] and rows[0]["lokal_mål_id"]


def test_defaults_without_parameters(client, download):
    response = client.get(ROUTE)
    assert response.status_code == 200
    assert response.get_data() == expected_bytes(download, {}, "csv")


def test_the_answer_is_streamed_in_pieces(demo_app):
    with demo_app.server.test_request_context(f"{ROUTE}?{query(OVERVIEW)}"):
        response = download_csv()
        assert response.is_streamed
        pieces = list(response.response)
    assert len(pieces) > 3  # the header, then the rows in pieces
    assert all(piece.endswith(b"\n") for piece in pieces)


def test_a_compressed_answer_is_the_same_file(client, download):
    """Whatever the app's compression does with a download, the browser gets the file."""
    expected = expected_bytes(download, OVERVIEW, "csv")
    for accepted in ("gzip", "gzip, deflate, br, zstd"):
        response = client.get(f"{ROUTE}?{query(OVERVIEW)}", headers={"Accept-Encoding": accepted})
        assert response.status_code == 200
        assert decoded(response) == expected


@pytest.mark.parametrize("algorithm", ["gzip", "deflate", "br"])
def test_the_stream_can_be_compressed_piece_by_piece(demo_app, download, algorithm):
    """Flask-Compress's compression of streams (COMPRESS_STREAMS) keeps the pieces a stream
    and the file the same."""
    settings = flask.Flask("compression settings")
    settings.config.update(
        COMPRESS_REGISTER=False,
        COMPRESS_MIMETYPES=["text/csv"],
        COMPRESS_STREAMS=True,
        COMPRESS_ALGORITHM_STREAMING=[algorithm],
    )
    compress = Compress(settings)
    headers = {"Accept-Encoding": algorithm}
    # Every gender and level: a file large enough (12 MB) that brotli, which compresses the
    # empty cells of the years without a status very well, sends it in more than one piece.
    selection = OVERVIEW | {"genders": ["T", "K", "M"], "levels": list(ALL_LEVELS)}
    with demo_app.server.test_request_context(f"{ROUTE}?{query(selection)}", headers=headers):
        response = compress.after_request(download_csv())
        assert response.is_streamed
        assert response.headers["Content-Encoding"] == algorithm
        pieces = list(response.response)
    assert len(pieces) > 1
    body = b"".join(pieces)
    assert len(body) < 2 * 10**6
    assert decoded(flask.Response(body, headers={"Content-Encoding": algorithm})) == (
        expected_bytes(download, selection, "csv")
    )


NOTE = '=HYPERLÄNK("x";"y") minskar'


def test_the_newest_assessments_travel_neutralised(client, download, tmp_path):
    from indicators.assessments import add_assessment
    from tests.support.own_database import own_database

    with own_database(tmp_path) as engine:

        def add(day, text, **fields):
            add_assessment(engine, area_id=MORA, assessed_on=day, text=text, **fields)

        add(dt.date(2025, 1, 1), "Äldre", kpi_id=KPI, judgement="bättre", author="Eva")
        add(dt.date(2026, 2, 1), NOTE, kpi_id=KPI, judgement="sämre", author="@Anna")
        add(dt.date(2026, 1, 1), "Målet", sdg_goal=service.indicator(KPI).sdg_goal)
        selection = {"areas": [MORA, "2080"], "kpis": [KPI]}
        for fmt, delimiter in (("csv", ","), ("excel-sv", ";")):
            payload = client.get(f"{ROUTE}?{query(selection, fmt)}").get_data()
            assert payload == expected_bytes(download, selection, fmt)
            rows = list(
                csv.DictReader(payload.decode("utf-8-sig").splitlines(), delimiter=delimiter)
            )
            mora = [r for r in rows if r["område_id"] == MORA]
            assert mora
            assert {
                (r["bedömning_datum"], r["bedömning"], r["bedömning_text"], r["bedömning_av"])
                for r in mora
            } == {("2026-02-01", "sämre", "'" + NOTE, "'@Anna")}
            assert {r["globalt_mål_bedömning_text"] for r in mora} == {"Målet"}
            assert all(r["bedömning_text"] == "" for r in rows if r["område_id"] != MORA)


def test_anyone_may_download_with_the_security_headers(client):
    response = client.get(f"{ROUTE}?omraden={MORA}&indikatorer={KPI}")  # not signed in
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


# --- refused queries ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query_string", "named"),
    [
        ("omraden=2062,9999", "omraden"),
        ("indikatorer=N00401,X99999", "indikatorer"),
        ("kon=T,Q", "kon"),
        ("niva=lokal,kommunal", "niva"),
        ("metod=oecd", "metod"),
        ("omraden=2062&omraden=2080", "omraden"),
        ("format=csv&format=excel-sv", "format"),
        ("fran=2015&till=99999999999999999999", "fran/till"),
        ("fran=-5&till=2020", "fran/till"),
        ("fran=abc&till=2020", "fran/till"),
        ("fran=2015", "fran"),
        ("format=xlsx", "format"),
        ("format=", "format"),
        ("fil=allt", "fil"),
        ("fil=senaste-status&fil=tidsserier", "fil"),
        ("sida=2", "sida"),
    ],
)
def test_bad_parameters_get_400_naming_them(client, query_string, named):
    response = client.get(f"{ROUTE}?{query_string}")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert named in text, text
    assert "Content-Disposition" not in response.headers


NAMES = ("omraden", "indikatorer", "kon", "fran", "till", "niva", "metod", "format", "fil")
VALUES = st.one_of(
    st.text(max_size=30),
    st.lists(st.sampled_from([MORA, "2080", KPI, "T", "K", "lokal", "2015", "", "x"])).map(
        ",".join
    ),
    st.integers(-(10**30), 10**30).map(str),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(name=st.one_of(st.sampled_from(NAMES), st.text(min_size=1, max_size=10)), value=VALUES)
def test_any_value_of_any_parameter_is_a_file_or_a_400(client, name, value):
    """One parameter of a small selection replaced by anything: never a 500."""
    parameters = {"omraden": MORA, "indikatorer": KPI, "fran": "2015", "till": "2018"}
    parameters[name] = value
    response = client.get(ROUTE, query_string=parameters)
    assert response.status_code in (200, 400), (parameters, response.status_code)
    if response.status_code == 400:
        assert response.mimetype == "text/plain"
        text = response.get_data(as_text=True)
        assert text.startswith(("Felaktig parameter", "Okänd parameter", "Ange både")), text


def test_messages_are_swedish(client):
    text = client.get(f"{ROUTE}?omraden=2062,9999").get_data(as_text=True)
    assert text == "Felaktig parameter omraden: okänt värde: 9999.\n"
    text = client.get(f"{ROUTE}?omraden=2062&omraden=2080").get_data(as_text=True)
    assert text == "Parametern omraden får bara anges en gång.\n"
    text = client.get(f"{ROUTE}?format=pdf").get_data(as_text=True)
    assert text == "Felaktig parameter format: okänt format 'pdf'; välj csv eller excel-sv.\n"
    text = client.get(f"{ROUTE}?fran=1850&till=2020").get_data(as_text=True)
    assert text == "Felaktig parameter fran/till: ange år mellan 1900 och 2100.\n"
    text = client.get(f"{ROUTE}?fil=pdf").get_data(as_text=True)
    assert text == (
        "Felaktig parameter fil: okänd fil 'pdf'; "
        "välj tidsserier, senaste-status eller insatser-effekter.\n"
    )


def test_a_long_query_is_refused(client):
    response = client.get(f"{ROUTE}?omraden=" + ",".join(["2062"] * 1000))
    assert response.status_code == 414
    assert response.get_data(as_text=True).startswith("Adressen är för lång")


def test_empty_lists_mean_nothing_and_reversed_years_are_ordered(client, download):
    response = client.get(f"{ROUTE}?kon=&indikatorer={KPI}")
    assert response.get_data().decode().count("\n") == 1  # the header only
    response = client.get(f"{ROUTE}?omraden={MORA}&indikatorer={KPI}&fran=2018&till=2016")
    selection = {"areas": [MORA], "kpis": [KPI], "years": [2016, 2018]}
    assert response.get_data() == expected_bytes(download, selection, "csv")


# --- the panel's link and the pages' selections ------------------------------------------------


def _links(component):
    stack = [component]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(node)
        elif node is not None and not isinstance(node, str):
            if getattr(node, "href", None) is not None:
                yield node
            stack.append(getattr(node, "children", None))


def test_the_panel_holds_two_download_links(download):
    panel = download.download_panel("kommun")
    links = {link.id["type"]: link for link in _links(panel)}
    series, latest = links["export-link"], links["export-latest-link"]
    assert series.children == "Ladda ner CSV" and series.href == ROUTE
    assert series.download.startswith("hallbarhet-dalarna-") and series.download.endswith(".csv")
    assert latest.children == "Ladda ner senaste status"
    assert latest.href == f"{ROUTE}?fil=senaste-status"
    assert latest.download.startswith("senaste-status-dalarna-")
    for link in (series, latest):
        assert "button" in link.className.split() and link.id["page"] == "kommun"


@pytest.mark.parametrize(
    ("areas", "name"),
    [
        ([MORA], "hallbarhet-mora-2026-11-27.csv"),
        ([MORA, "2080", "0020"], "hallbarhet-mora-falun-region-dalarna-2026-11-27.csv"),
        (None, "hallbarhet-dalarna-2026-11-27.csv"),
        ([], "hallbarhet-dalarna-2026-11-27.csv"),
    ],
)
def test_the_file_name_names_the_areas(client, fixed_day, areas, name):
    selection = {"kpis": [KPI]} | ({"areas": areas} if areas is not None else {})
    for file, prefix in (("tidsserier", "hallbarhet"), ("senaste-status", "senaste-status")):
        response = client.get(f"{ROUTE}?{query(selection, 'csv', file)}")
        expected = prefix + name.removeprefix("hallbarhet")
        assert response.headers["Content-Disposition"] == f'attachment; filename="{expected}"'


PAGES = [
    ("layouts.oversikt", {}),
    ("layouts.oversikt", {"niva": "regional", "dimension": "ekonomisk"}),
    ("layouts.indikator", {"kpi_id": KPI}),
    ("layouts.indikatorer", {}),
    ("layouts.kommun", {"area_id": MORA}),
    ("layouts.kommuner", {}),
    ("layouts.jamfor", {}),
    ("layouts.malkonflikter", {}),
    ("layouts.mal", {}),
    (
        "layouts.export",
        {"omraden": f"{MORA},2080", "indikatorer": KPI, "fran": "2016", "till": "2020"},
    ),
]


def _stores(component):
    stack = [component]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(node)
        elif node is not None and not isinstance(node, str | int | float):
            component_id = getattr(node, "id", None)
            if isinstance(component_id, dict) and component_id.get("type") == "export-selection":
                yield node
            stack.append(getattr(node, "children", None))


@pytest.mark.parametrize(("module", "arguments"), PAGES)
def test_every_page_s_selection_is_accepted(demo_app, client, download, module, arguments):
    page = importlib.import_module(module)
    with demo_app.server.test_request_context("/"):
        layout = page.layout(**arguments)
    (store,) = list(_stores(layout))
    response = client.get(f"{ROUTE}?{query(store.data, 'excel-sv')}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_data() == expected_bytes(download, store.data, "excel-sv")
    response = client.get(f"{ROUTE}?{query(store.data, 'excel-sv', 'senaste-status')}")
    assert response.status_code == 200, response.get_data(as_text=True)
    latest = download.latest_table(download.parse(store.data))
    assert response.get_data() == to_csv_bytes(latest, "excel-sv")
