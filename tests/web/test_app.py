"""The app starts on an empty database with demo data, serves its routes and marks demo data."""

from __future__ import annotations

import pytest

from data import queries
from indicators import service


def test_empty_database_is_filled_with_demo_data(demo_app):
    status = queries.data_status(service.engine())
    assert status.origin == "demo"
    assert status.is_demo


@pytest.mark.parametrize("path", ["/", "/om", "/export", "/indikator/N00401", "/kommun/2062"])
def test_routes_answer(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b'<html lang="sv">' in response.data


def test_shell_shows_the_demo_banner(demo_app):
    from app import shell

    layout = str(shell())
    assert "Demodata" in layout
    assert "Källa: Kolada" in layout


def test_the_tab_says_in_swedish_that_the_page_is_working(client):
    # Dash writes update_title into the page's config; the renderer shows it in the tab.
    page = client.get("/").get_data(as_text=True)
    assert '"update_title": "Uppdaterar' in page or '"update_title":"Uppdaterar' in page
    assert "Updating" not in page
