"""The charts draw with the vendored plotly.js basic bundle (assets/vendor/): a cold chart page
asks for it and never for the full plotly.js that dcc.Graph would otherwise load, every figure
uses only trace types the bundle draws, and the console stays clean."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from plotly.offline import get_plotlyjs_version

pytestmark = pytest.mark.browser

#: What dcc.Graph would load without window.Plotly (and the full bundle's other names).
FULL_BUNDLE_NAMES = ("plotly.min.js", "async-plotlyjs", "plotly-latest", "cdn.plot.ly")
VENDORED = "/assets/vendor/plotly-basic.min.js"

#: Every figure's trace types and whether the bundle has each (in the page, by plotly.js).
TRACE_TYPES = """() => {
    const known = Object.keys(window.Plotly.PlotSchema.get().traces);
    return Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap(
        graph => (graph.data || []).map(trace => [trace.type || 'scatter',
                                                    known.includes(trace.type || 'scatter')]));
}"""

CHART_PAGES = [
    ("/indikator/N00401", "#indikator-series .js-plotly-plot .main-svg"),
    ("/indikator/N00401?omraden=2062,2080&kon=K,M", "#indikator-series .js-plotly-plot .main-svg"),
    ("/jamfor?omraden=2062,2080,2081", ".js-plotly-plot .main-svg"),
    ("/malkonflikter", ".js-plotly-plot .main-svg"),
]


def open_chart_page(page, url: str, drawn: str) -> list[str]:
    """Load ``url`` in the fresh page (empty cache) and return the paths it requested."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url)
    page.wait_for_selector(drawn)
    page.wait_for_load_state("networkidle")
    page.wait_for_function("!document.querySelector('[data-dash-is-loading=\"true\"]')")
    return requested


def test_a_cold_chart_page_loads_the_basic_bundle_and_not_the_full_one(page, live_server):
    requested = open_chart_page(page, live_server.url + "/indikator/N00401", CHART_PAGES[0][1])
    paths = [urlsplit(url).path for url in requested]
    assert VENDORED in paths
    full = [url for url in requested if any(name in url for name in FULL_BUNDLE_NAMES)]
    assert full == []
    # the bundle is the plotly.js version of the plotly package, so figures draw the same
    assert page.evaluate("window.Plotly.version") == get_plotlyjs_version()
    assert page.evaluate("Object.keys(window.Plotly.PlotSchema.get().traces).sort()") == [
        "bar",
        "pie",
        "scatter",
    ]
    # the chart is drawn: an SVG with its traces
    assert page.locator("#indikator-series .js-plotly-plot .scatterlayer .trace").count() > 0
    page.console_log.assert_clean()


@pytest.mark.parametrize(("path", "drawn"), CHART_PAGES)
def test_every_figure_uses_trace_types_the_bundle_draws(page, live_server, path, drawn):
    open_chart_page(page, live_server.url + path, drawn)
    traces = page.evaluate(TRACE_TYPES)
    assert traces, "no figure with traces on the page"
    assert [name for name, known in traces if not known] == []
    page.console_log.assert_clean()
