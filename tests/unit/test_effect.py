"""Effect indication of an intervention: slopes before and after the start year, the
difference-in-differences against similar municipalities, the placebo ranks and the verdict, on
synthetic series whose expected numbers the tests work out themselves; and the worked example of
``docs/effektindikation.md``, read from the page and recomputed."""

from __future__ import annotations

import math
import re

import pytest

from indicators.effect import (
    CAVEAT,
    COMPARISON_GROUP_MEAN,
    COMPARISON_PEER_MEAN,
    MIN_PEERS,
    MIN_YEARS_AFTER,
    MIN_YEARS_BEFORE,
    MUNICIPALITY_KEY,
    TERM_EXPECTED,
    TERM_PEERS,
    TERM_PLACEBO,
    TERM_VERDICT,
    TERM_WHY,
    effect_facts,
    effect_indication,
)
from indicators.formatting import format_number, format_short, format_signed, parse_decimal
from indicators.progress import PACE_LINEAR, change_text
from indicators.vocabulary import EffectVerdict
from tests.conftest import PROJECT_DIR

START = 2019
YEARS = range(2014, 2023)  # five years before 2019, four from it on


def ols(points: list[tuple[int, float]]) -> float:
    """The least-squares slope, written out: Σ(x − x̄)(y − ȳ) / Σ(x − x̄)²."""
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x in xs)


def kinked(level: float, before: float, after: float, years=YEARS) -> dict[int, float]:
    """A series rising ``before`` a year up to the year before the start, then ``after`` a year
    (the start year is the first year of the new slope)."""
    values = {}
    for year in years:
        if year < START:
            values[year] = level + before * (year - (START - 1))
        else:
            values[year] = level + after * (year - (START - 1))
    return values


def flat_peers(count: int = 7, change: float = 0.0) -> dict[str, dict[int, float]]:
    """Peers with different levels and slopes, each with the same change of slope."""
    return {
        f"P{i}": kinked(100.0 + 10 * i, 0.5 * i - 1.0, 0.5 * i - 1.0 + change) for i in range(count)
    }


# --- the verdicts ---------------------------------------------------------------------------------


def test_slope_change_in_the_municipality_only_is_clear_with_placebo_rank_one():
    peers = flat_peers()
    result = effect_indication(kinked(50.0, 1.0, 4.0), START, "up", peers)
    assert result.verdict is EffectVerdict.TYDLIG
    assert result.municipality is not None and result.comparison is not None
    assert result.municipality.before == pytest.approx(1.0)
    assert result.municipality.after == pytest.approx(4.0)
    assert result.municipality.change == pytest.approx(3.0)
    assert result.comparison.change == pytest.approx(0.0, abs=1e-9)
    assert result.estimate == pytest.approx(3.0)
    assert result.in_desired_direction is True
    assert result.rank == 1
    assert result.units == len(peers) + 1
    assert result.p_value == pytest.approx(1 / (len(peers) + 1))
    # every peer ties with the others at 0: from the wrong side, ties count against it
    assert result.rank_wrong_way == len(peers) + 1
    assert result.comparison_source == COMPARISON_PEER_MEAN
    assert result.peers_used == tuple(peers) and result.peers_left_out == ()
    assert result.caveat == CAVEAT


def test_a_step_and_slope_change_is_clear_as_well():
    series = kinked(50.0, 1.0, 1.0)
    for year in series:
        if year >= START:
            series[year] += 5.0 + 2.0 * (year - START)  # jump of 5 and 2 a year steeper
    result = effect_indication(series, START, "up", flat_peers())
    assert result.verdict is EffectVerdict.TYDLIG
    assert result.estimate == pytest.approx(2.0)


def test_the_same_change_in_every_peer_is_no_clear_difference():
    peers = flat_peers(change=3.0)
    result = effect_indication(kinked(50.0, 1.0, 4.0), START, "up", peers)
    assert result.verdict is EffectVerdict.INGEN_SKILLNAD
    assert result.estimate == pytest.approx(0.0, abs=1e-9)
    assert result.in_desired_direction is None
    # all eight changes tie, and ties count against the municipality
    assert result.rank == result.units == len(peers) + 1
    assert result.p_value == 1.0


def test_two_years_before_the_start_is_too_little_data_and_says_so():
    series = {2017: 1.0, 2018: 2.0, 2019: 4.0, 2020: 6.0}
    result = effect_indication(series, START, "up", flat_peers())
    assert result.verdict is EffectVerdict.FOR_LITE_DATA
    assert result.estimate is None and result.rank is None and result.placebo == ()
    assert result.reasons == (
        f"Kommunen har 2 år med värde före {START}, minst {MIN_YEARS_BEFORE} behövs.",
    )


def test_one_year_from_the_start_is_too_little_data_on_the_after_side():
    series = {2015: 1.0, 2016: 2.0, 2017: 3.0, 2018: 4.0, 2019: 4.0}
    result = effect_indication(series, START, "up", flat_peers())
    assert result.verdict is EffectVerdict.FOR_LITE_DATA
    assert result.reasons == (
        f"Kommunen har 1 år med värde från {START}, minst {MIN_YEARS_AFTER} behövs.",
    )


def test_peers_with_too_little_data_everywhere_is_too_little_data():
    peers = {"A": {2018: 1.0, 2019: 2.0}, "B": {2010: 1.0}}
    result = effect_indication(kinked(50.0, 1.0, 4.0), START, "up", peers)
    assert result.verdict is EffectVerdict.FOR_LITE_DATA
    assert result.municipality is not None  # the municipality's own slopes are still shown
    assert result.peers_left_out == ("A", "B")
    assert "Jämförelsekommunerna har för lite data" in result.reasons[0]


def test_a_change_against_the_direction_is_the_wrong_way():
    peers = flat_peers()
    result = effect_indication(kinked(50.0, 1.0, -2.0), START, "up", peers)
    assert result.verdict is EffectVerdict.FEL_HALL
    assert result.estimate == pytest.approx(-3.0)
    assert result.in_desired_direction is False
    assert result.rank_wrong_way == 1
    assert result.p_wrong_way == pytest.approx(1 / (len(peers) + 1))
    assert result.rank == len(peers) + 1


def test_desired_direction_down_turns_the_verdicts_around():
    falling = kinked(50.0, -1.0, -4.0)
    down = effect_indication(falling, START, "down", flat_peers())
    up = effect_indication(falling, START, "up", flat_peers())
    assert down.estimate == pytest.approx(-3.0) == up.estimate  # the raw sign is kept
    assert down.verdict is EffectVerdict.TYDLIG and down.in_desired_direction is True
    assert down.rank == 1
    assert up.verdict is EffectVerdict.FEL_HALL and up.in_desired_direction is False


def test_a_change_in_the_middle_of_the_peers_is_no_clear_difference():
    peers = {f"P{i}": kinked(100.0, 0.0, change) for i, change in enumerate([-2, -1, 1, 2, 3])}
    peers["P5"] = kinked(100.0, 0.0, -3.0)
    result = effect_indication(kinked(50.0, 0.0, 0.5), START, "up", peers)
    # changes: 3, 2, 1, 0.5 (the municipality), −1, −2, −3 → rank 4 of 7
    assert result.rank == 4 and result.units == 7
    assert result.verdict is EffectVerdict.INGEN_SKILLNAD


def test_missing_years_are_skipped():
    series = kinked(50.0, 1.0, 4.0)
    series[2015] = None  # type: ignore[assignment]
    series[2016] = math.nan
    del series[2021]
    result = effect_indication(series, START, "up", flat_peers())
    kept = sorted(
        (year, value)
        for year, value in series.items()
        if value is not None and not math.isnan(value)
    )
    before = [(year, value) for year, value in kept if year < START]
    after = [(year, value) for year, value in kept if year >= START]
    assert result.municipality is not None
    assert result.municipality.years_before == (2014, 2017, 2018)
    assert result.municipality.years_after == (2019, 2020, 2022)
    assert result.municipality.before == pytest.approx(ols(before))
    assert result.municipality.after == pytest.approx(ols(after))


def test_peers_with_too_little_data_are_left_out_and_counted():
    peers = flat_peers()
    peers["kort före"] = {2017: 1.0, 2018: 2.0, 2019: 3.0, 2020: 4.0}
    peers["kort efter"] = {2015: 1.0, 2016: 2.0, 2017: 3.0, 2019: 4.0}
    result = effect_indication(kinked(50.0, 1.0, 4.0), START, "up", peers)
    assert result.peers_left_out == ("kort före", "kort efter")
    assert len(result.peers_used) == len(peers) - 2
    assert result.units == len(peers) - 2 + 1
    assert {row.area for row in result.placebo}.isdisjoint(result.peers_left_out)
    facts = dict(effect_facts(result))
    assert "2 utelämnade, de har för få år (kort före, kort efter)" in facts[TERM_PEERS]


def test_fewer_peers_than_the_minimum_give_no_clear_verdict_even_at_rank_one():
    peers = flat_peers(count=MIN_PEERS - 1)
    result = effect_indication(kinked(50.0, 1.0, 4.0), START, "up", peers)
    assert result.rank == 1
    assert result.verdict is EffectVerdict.INGEN_SKILLNAD
    assert result.reasons == (
        f"{MIN_PEERS - 1} jämförelsekommuner med tillräckligt med värden; minst {MIN_PEERS} "
        "behövs för att kalla en skillnad tydlig.",
    )
    enough = effect_indication(kinked(50.0, 1.0, 4.0), START, "up", flat_peers(count=MIN_PEERS))
    assert enough.verdict is EffectVerdict.TYDLIG


def test_the_municipality_listed_among_its_peers_is_left_out_of_the_comparison():
    series = kinked(50.0, 1.0, 4.0)
    peers = {**flat_peers(), "2080": series}
    result = effect_indication(series, START, "up", peers, area_id="2080")
    assert "2080" not in result.peers_used and "2080" not in result.peers_left_out
    assert [row.area for row in result.placebo if row.is_municipality] == ["2080"]
    assert result.estimate == pytest.approx(3.0)


# --- the numbers ----------------------------------------------------------------------------------


def test_a_small_difference_in_differences_by_hand():
    municipality = {2016: 10.0, 2017: 12.0, 2018: 14.0, 2019: 20.0, 2020: 25.0}
    peer = {2016: 5.0, 2017: 6.0, 2018: 8.0, 2019: 9.0, 2020: 10.0}
    # before: years −1, 0, 1 around 2017 → slope (−1·10 + 1·14) / 2 = 2 and (−5 + 8) / 2 = 1,5
    # after: two points → slope 25 − 20 = 5 and 10 − 9 = 1
    municipality_change = 5.0 - (14.0 - 10.0) / 2
    peer_change = (10.0 - 9.0) - (8.0 - 5.0) / 2
    result = effect_indication(municipality, START, "up", {"A": peer})
    assert result.municipality is not None and result.comparison is not None
    assert result.municipality.change == pytest.approx(municipality_change) == pytest.approx(3.0)
    assert result.comparison.change == pytest.approx(peer_change) == pytest.approx(-0.5)
    assert result.estimate == pytest.approx(municipality_change - peer_change)
    assert result.estimate == pytest.approx(3.5)
    # one peer: the placebo statistics are each unit's change minus the other's
    statistics = {row.area: row.statistic for row in result.placebo}
    assert statistics == {
        MUNICIPALITY_KEY: pytest.approx(3.5),
        "A": pytest.approx(-3.5),
    }
    assert result.verdict is EffectVerdict.INGEN_SKILLNAD  # one peer is too few


def test_a_group_mean_is_the_comparison_when_given():
    peers = flat_peers()
    group_mean = kinked(200.0, 2.0, 1.0)  # the group's trend fell by 1 a year
    result = effect_indication(kinked(50.0, 1.0, 4.0), START, "up", peers, peer_mean=group_mean)
    assert result.comparison_source == COMPARISON_GROUP_MEAN
    assert result.comparison is not None
    assert result.comparison.change == pytest.approx(-1.0)
    assert result.estimate == pytest.approx(3.0 - (-1.0))
    # the placebo test compares the individual series: the municipality against the peers
    own = next(row for row in result.placebo if row.is_municipality)
    assert own.statistic == pytest.approx(3.0)


def test_a_group_mean_without_peers_gives_an_estimate_but_no_placebo_test():
    result = effect_indication(
        kinked(50.0, 1.0, 4.0), START, "up", {}, peer_mean=kinked(200.0, 2.0, 2.0)
    )
    assert result.estimate == pytest.approx(3.0)
    assert result.placebo == () and result.rank is None and result.p_value is None
    assert result.verdict is EffectVerdict.INGEN_SKILLNAD
    assert result.reasons[0].startswith("0 jämförelsekommuner med tillräckligt med värden")
    facts = dict(effect_facts(result))
    assert facts[TERM_PLACEBO].startswith("Går inte att göra")


def test_a_group_mean_with_too_few_years_is_too_little_data():
    result = effect_indication(
        kinked(50.0, 1.0, 4.0), START, "up", flat_peers(), peer_mean={2018: 1.0, 2019: 2.0}
    )
    assert result.verdict is EffectVerdict.FOR_LITE_DATA
    assert result.reasons == (
        f"Gruppmedlet har för lite data: 1 år med värde före {START}, minst "
        f"{MIN_YEARS_BEFORE} behövs; 1 år med värde från {START}, minst {MIN_YEARS_AFTER} "
        "behövs.",
    )


def test_a_peer_named_as_the_municipality_needs_the_area_id():
    with pytest.raises(ValueError, match=MUNICIPALITY_KEY):
        effect_indication(
            kinked(50.0, 1.0, 4.0), START, "up", {MUNICIPALITY_KEY: kinked(1.0, 1.0, 1.0)}
        )


def test_the_placebo_statistic_is_each_change_minus_the_mean_of_the_others():
    changes = [-1.0, 0.5, 2.0, -0.5, 1.5, 0.0]
    peers = {f"P{i}": kinked(100.0, 1.0, 1.0 + c) for i, c in enumerate(changes)}
    result = effect_indication(kinked(50.0, 1.0, 2.0), START, "down", peers)
    everything = {MUNICIPALITY_KEY: 1.0} | {f"P{i}": c for i, c in enumerate(changes)}
    for row in result.placebo:
        others = [c for area, c in everything.items() if area != row.area]
        assert row.slope_change == pytest.approx(everything[row.area])
        assert row.statistic == pytest.approx(everything[row.area] - sum(others) / len(others))
    # down is desired: rank 1 is the largest fall of the trend
    by_rank = [row.area for row in result.placebo]
    assert by_rank == sorted(everything, key=lambda area: everything[area])
    own = next(row for row in result.placebo if row.is_municipality)
    assert result.rank == own.rank == 1 + sum(1 for c in changes if c <= 1.0)


def test_an_expected_change_beside_the_accumulated_estimate():
    series = kinked(50.0, 1.0, 4.0)
    relative = effect_indication(
        series,
        START,
        "up",
        flat_peers(),
        expected_change=0.10,
        expected_relative=True,
        expected_year=2022,
    )
    expected = relative.expected
    assert expected is not None
    assert expected.reference_year == START - 1
    assert expected.reference_value == series[START - 1]
    assert expected.total == pytest.approx(0.10 * series[START - 1])
    years = 2022 - START + 1  # 2019, 2020, 2021 and 2022 carry the new trend
    assert expected.estimated_total == pytest.approx(3.0 * years)
    assert expected.share == pytest.approx(3.0 * years / (0.10 * series[START - 1]))
    absolute = effect_indication(
        series, START, "up", flat_peers(), expected_change=6.0, expected_year=2020
    )
    assert absolute.expected is not None and absolute.expected.relative is None
    assert absolute.expected.total == 6.0
    assert absolute.expected.estimated_total == pytest.approx(3.0 * 2)
    assert absolute.expected.share == pytest.approx(1.0)
    too_little = effect_indication(
        {2018: 40.0, 2019: 41.0},
        START,
        "up",
        {},
        expected_change=-0.5,
        expected_relative=True,
        expected_year=2022,
    )
    assert too_little.expected is not None
    assert too_little.expected.total == pytest.approx(-20.0)
    assert too_little.expected.estimated_total is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"expected_change": 1.0},
        {"expected_change": 1.0, "expected_year": START - 1},
        {"expected_change": -0.1, "expected_relative": True},
    ],
)
def test_an_expected_change_needs_a_year_from_the_start(kwargs):
    with pytest.raises(ValueError):
        effect_indication(kinked(50.0, 1.0, 4.0), START, "up", flat_peers(), **kwargs)


def test_a_direction_must_be_up_or_down():
    with pytest.raises(ValueError, match="direction"):
        effect_indication(kinked(50.0, 1.0, 4.0), START, "none", flat_peers())


# --- in words -------------------------------------------------------------------------------------


def test_the_facts_write_the_numbers_the_swedish_way_with_the_unit():
    result = effect_indication(
        kinked(50.0, 1.0, 3.5), START, "up", flat_peers(), expected_change=5.0, expected_year=2020
    )
    facts = dict(effect_facts(result, "andel (%)", 1))
    assert facts[TERM_VERDICT] == "Tydlig förändring i önskad riktning."
    assert "+2,5 procentenheter per år (i önskad riktning)" in facts["Skattad skillnad"]
    assert "+1,0 procentenheter per år före (2014–2018)" in facts["Kommunens trend"]
    assert f"Plats 1 av 8 i önskad riktning (p ≈ {format_short(1 / 8, 3)})" in facts[TERM_PLACEBO]
    assert facts[TERM_EXPECTED].startswith("+5,0 % till 2020")
    assert "+5,0 % till 2020 (100 % av det förväntade)" in facts[TERM_EXPECTED]
    assert facts["Observera"] == CAVEAT


def test_the_facts_of_too_little_data_say_why():
    result = effect_indication({2018: 1.0, 2019: 2.0}, START, "down", flat_peers())
    facts = dict(effect_facts(result, "kg"))
    assert facts[TERM_VERDICT] == "För lite data."
    assert "1 år med värde före 2019" in facts[TERM_WHY]
    assert "1 år med värde från 2019" in facts[TERM_WHY]
    assert "Skattad skillnad" not in facts


# --- the worked example of the documentation ------------------------------------------------------

DOC = PROJECT_DIR / "docs" / "effektindikation.md"
UNIT = "kg/invånare"


def _tables(text: str) -> dict[str, list[list[str]]]:
    """The page's tables by their first header cell, as rows of cells (the rule under the
    header dropped, the header kept first)."""
    tables: dict[str, list[list[str]]] = {}
    for block in re.findall(r"(?:^\|.*\|\n)+", text, flags=re.MULTILINE):
        rows = [
            [cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in block.splitlines()
        ]
        tables[rows[0][0]] = [rows[0], *rows[2:]]
    return tables


def _worked_example():
    tables = _tables(DOC.read_text(encoding="utf-8"))
    params = dict(tables["Uppgift"][1:])
    header, *rows = tables["Område"]
    years = [int(year) for year in header[1:]]
    series = {
        row[0]: {
            year: None if cell == "–" else parse_decimal(cell)
            for year, cell in zip(years, row[1:], strict=True)
        }
        for row in rows
    }
    municipality = series.pop("Kommunen")
    result = effect_indication(
        municipality,
        int(params["Startår"]),
        params["Önskad riktning"],
        series,
        expected_change=parse_decimal(params["Förväntad förändring (relativ)"]),
        expected_relative=True,
        expected_year=int(params["Förväntad till år"]),
    )
    return tables, result


def test_the_worked_example_of_the_documentation_is_what_the_function_gives():
    tables, result = _worked_example()
    assert result.municipality and result.comparison and result.expected
    per_year = lambda value: change_text(value, PACE_LINEAR, UNIT, 2)  # noqa: E731
    amount = lambda value: f"{format_signed(value, 1)} {UNIT}"  # noqa: E731
    by = result.expected.by_year
    computed = {
        "Lutning före, kommunen": per_year(result.municipality.before),
        "Lutning efter, kommunen": per_year(result.municipality.after),
        "Ändring av trenden, kommunen": per_year(result.municipality.change),
        "Lutning före, jämförelsegruppen": per_year(result.comparison.before),
        "Lutning efter, jämförelsegruppen": per_year(result.comparison.after),
        "Ändring av trenden, jämförelsegruppen": per_year(result.comparison.change),
        "Skattad skillnad": per_year(result.estimate),
        "Plats i önskad riktning": f"{result.rank} av {result.units}",
        "p": format_short(result.p_value, 3),
        "Plats åt fel håll": f"{result.rank_wrong_way} av {result.units}",
        "Jämförelsekommuner använda": str(len(result.peers_used)),
        "Jämförelsekommuner utelämnade": ", ".join(result.peers_left_out),
        f"Förväntad förändring till {by}": amount(result.expected.total),
        f"Skattad förändring till {by}": amount(result.expected.estimated_total),
        "Bedömning": str(result.verdict),
    }
    assert dict(tables["Storhet"][1:]) == computed
    placebo = [
        [
            str(row.rank),
            "Kommunen" if row.is_municipality else row.area,
            format_number(row.slope_change, 2),
            format_number(row.statistic, 2),
        ]
        for row in result.placebo
    ]
    assert tables["Plats"][1:] == placebo


def test_the_worked_example_is_a_clear_change_against_seven_peers():
    _, result = _worked_example()
    assert result.verdict is EffectVerdict.TYDLIG
    assert len(result.peers_used) == 7 and result.rank == 1
    assert result.direction == "down" and result.in_desired_direction is True
