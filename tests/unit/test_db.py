"""Opening databases: schema creation, version checks, migration, WAL."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.orm import Session

from data.db import SCHEMA_VERSION_KEY, SchemaVersionError, open_database, stored_schema_version
from data.models import SCHEMA_VERSION, Meta


def test_new_database_gets_schema_and_version(db_url):
    engine = open_database(db_url)
    assert stored_schema_version(engine) == SCHEMA_VERSION
    tables = set(inspect(engine).get_table_names())
    assert {"areas", "kpis", "observations", "etl_runs", "goals", "goal_changes"} <= tables
    assert {"slideshows", "qualitative_assessments"} <= tables


def test_sqlite_runs_in_wal_mode(db_url):
    engine = open_database(db_url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_newer_database_is_refused_with_a_clear_message(db_url):
    engine = open_database(db_url)
    with Session(engine) as session, session.begin():
        session.merge(Meta(key=SCHEMA_VERSION_KEY, value=str(SCHEMA_VERSION + 1)))
    with pytest.raises(SchemaVersionError, match=f"schema version {SCHEMA_VERSION + 1}"):
        open_database(db_url)


def test_foreign_tables_without_version_are_refused(db_url):
    plain = create_engine(db_url)
    with plain.begin() as connection:
        connection.execute(text("CREATE TABLE something (id INTEGER)"))
    with pytest.raises(SchemaVersionError, match="not written by this dashboard"):
        open_database(db_url)


def test_version_1_database_is_migrated_keeping_its_rows(db_url):
    engine = open_database(db_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE slideshows"))
        connection.execute(text("DROP TABLE qualitative_assessments"))
        connection.execute(text("INSERT INTO areas (id, title, type) VALUES ('2062', 'Mora', 'K')"))
        connection.execute(text(f"UPDATE meta SET value = '1' WHERE key = '{SCHEMA_VERSION_KEY}'"))
    engine.dispose()

    migrated = open_database(db_url)
    assert stored_schema_version(migrated) == SCHEMA_VERSION
    assert "slideshows" in inspect(migrated).get_table_names()
    with migrated.connect() as connection:
        assert connection.execute(text("SELECT title FROM areas")).scalar() == "Mora"


def test_version_2_database_gets_clustered_observations_keeping_rows(db_url):
    engine = open_database(db_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE observations"))
        connection.execute(
            text(
                "CREATE TABLE observations (kpi_id VARCHAR(16) NOT NULL, area_id VARCHAR(8) "
                "NOT NULL, year INTEGER NOT NULL, gender VARCHAR(1) NOT NULL, value FLOAT, "
                "status VARCHAR(64) NOT NULL, count INTEGER, "
                "PRIMARY KEY (kpi_id, area_id, year, gender))"
            )
        )
        connection.execute(text("CREATE INDEX ix_observations_kpi_year ON observations (kpi_id)"))
        connection.execute(
            text(
                "INSERT INTO kpis (id, title, description, unit, "
                "is_divided_by_gender, municipality_type, operating_area, "
                "perspective, auspice) VALUES ('N00401', 't', '', '', 0, 'A', "
                "'', '', '')"
            )
        )
        connection.execute(text("INSERT INTO areas (id, title, type) VALUES ('2062', 'Mora', 'K')"))
        connection.execute(
            text("INSERT INTO observations VALUES ('N00401', '2062', 2020, 'T', 3.5, '', 1)")
        )
        connection.execute(text(f"UPDATE meta SET value = '2' WHERE key = '{SCHEMA_VERSION_KEY}'"))
    engine.dispose()

    migrated = open_database(db_url)
    assert stored_schema_version(migrated) == SCHEMA_VERSION
    with migrated.connect() as connection:
        sql = connection.execute(
            text("SELECT sql FROM sqlite_master WHERE name = 'observations'")
        ).scalar()
        rows = connection.execute(text("SELECT * FROM observations")).all()
    assert "WITHOUT ROWID" in sql
    assert rows == [("N00401", "2062", "T", 2020, 3.5, "", 1)]
