"""Opening databases: schema creation by the Alembic revisions, version checks, migration of
databases from before Alembic, WAL."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.orm import Session

from data import migrations
from data.db import SCHEMA_VERSION_KEY, SchemaVersionError, open_database, stored_schema_version
from data.migrations import FIRST_REVISION, head_revision
from data.models import SCHEMA_VERSION, Base, Meta


def test_new_database_gets_schema_and_version(db_url):
    engine = open_database(db_url)
    assert stored_schema_version(engine) == SCHEMA_VERSION
    tables = set(inspect(engine).get_table_names())
    assert {"areas", "kpis", "observations", "etl_runs", "goals", "goal_changes"} <= tables
    assert {"slideshows", "qualitative_assessments"} <= tables


@pytest.mark.sqlite_only
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
    engine = _first_revision_tables(db_url, version=3)
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


@pytest.mark.sqlite_only  # WITHOUT ROWID; other databases keep their table
def test_version_2_database_gets_clustered_observations_keeping_rows(db_url):
    engine = _first_revision_tables(db_url, version=3)
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
    assert rows == [("N00401", "2062", "T", 2020, 3.5, "", 1, "Kolada")]  # source: 0006


# --- Alembic: the revisions in data/migrations create and upgrade the schema ---------------


def _revision(engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(text("SELECT version_num FROM alembic_version")))


def _sqlite_schema(engine, *, constraints_in_any_order: bool = False) -> dict[str, str]:
    """The schema text of every table and index except Alembic's own, as SQLite stores it;
    a table that was rebuilt and renamed keeps its name quoted, which is undone here. A table
    rebuilt in batch mode may list its unnamed constraints in another order."""
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE tbl_name != 'alembic_version'")
        ).all()
    schema = {}
    for name, sql in rows:
        if sql is None:
            continue
        lines = [line.strip().rstrip(",") for line in sql.splitlines()]
        if constraints_in_any_order:
            constraints = re.compile(r"(PRIMARY KEY|CONSTRAINT|FOREIGN KEY|UNIQUE)\b")
            lines = [line for line in lines if not constraints.match(line)] + sorted(
                line for line in lines if constraints.match(line)
            )
        text_ = " ".join(" ".join(lines).split())
        schema[name] = re.sub(r'^CREATE TABLE "(\w+)"', r"CREATE TABLE \1", text_)
    return schema


def _postgresql_schema(engine) -> dict[str, str]:
    """Every table (its columns and constraints) and index except Alembic's own, as
    PostgreSQL's catalogue describes them."""
    with engine.connect() as connection:
        columns = connection.execute(
            text(
                "SELECT table_name, string_agg(column_name || ' ' || data_type || ' ' || "
                "is_nullable || coalesce(' DEFAULT ' || column_default, ''), ', ' "
                "ORDER BY ordinal_position) FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name != 'alembic_version' "
                "GROUP BY table_name"
            )
        ).all()
        constraints = connection.execute(
            text(
                "SELECT conrelid::regclass::text, string_agg(conname || ' ' || "
                "pg_get_constraintdef(oid), ', ' ORDER BY conname) FROM pg_constraint "
                "WHERE connamespace = 'public'::regnamespace GROUP BY conrelid"
            )
        ).all()
        indexes = connection.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                "AND tablename != 'alembic_version'"
            )
        ).all()
    described = dict(constraints)
    schema = {name: f"{text_}; {described.get(name, '')}" for name, text_ in columns}
    return schema | dict(indexes)


def _schema(engine) -> dict[str, str]:
    """The schema as the database itself records it (SQLite's text, PostgreSQL's catalogue)."""
    if engine.dialect.name == "sqlite":
        return _sqlite_schema(engine)
    return _postgresql_schema(engine)


def _schema_differences(engine) -> list:
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def _first_revision_tables(db_url: str, *, version: int | None = None) -> Engine:
    """The tables of the first revision (schema version 3, the last from before Alembic) and
    no ``alembic_version``; with ``version``, that ``schema_version`` in ``meta``. Later
    revisions' tables and columns are not there, as in a database written before them."""
    engine = create_engine(db_url)
    with engine.begin() as connection:
        command.upgrade(migrations.alembic_config(connection), FIRST_REVISION)
        connection.execute(text("DROP TABLE alembic_version"))
        if version is not None:
            connection.execute(
                text("INSERT INTO meta (key, value) VALUES (:key, :value)"),
                {"key": SCHEMA_VERSION_KEY, "value": str(version)},
            )
    return engine


def _database_from_before_alembic(db_url: str, version: int) -> Engine:
    """A database as a program from before Alembic left it at ``version``: the tables of that
    version, a ``schema_version`` in ``meta`` and no ``alembic_version``."""
    engine = _first_revision_tables(db_url)
    with engine.begin() as connection:
        if version < 3:
            connection.execute(text("DROP TABLE observations"))
            connection.execute(
                text(
                    "CREATE TABLE observations (kpi_id VARCHAR(16) NOT NULL REFERENCES kpis (id), "
                    "area_id VARCHAR(8) NOT NULL REFERENCES areas (id), year INTEGER NOT NULL, "
                    "gender VARCHAR(1) NOT NULL, value FLOAT, status VARCHAR(64) NOT NULL, "
                    "count INTEGER, PRIMARY KEY (kpi_id, area_id, year, gender), "
                    "CONSTRAINT observation_gender CHECK (gender IN ('T', 'K', 'M')))"
                )
            )
            connection.execute(
                text("CREATE INDEX ix_observations_kpi_year ON observations (kpi_id, year)")
            )
            connection.execute(
                text(
                    "CREATE INDEX ix_observations_area_kpi "
                    "ON observations (area_id, kpi_id, year, gender)"
                )
            )
        if version < 2:
            connection.execute(text("DROP TABLE slideshows"))
            connection.execute(text("DROP TABLE qualitative_assessments"))
        connection.execute(
            text("INSERT INTO meta (key, value) VALUES (:key, :value)"),
            {"key": SCHEMA_VERSION_KEY, "value": str(version)},
        )
        connection.execute(
            text(
                "INSERT INTO kpis (id, title, description, unit, is_divided_by_gender, "
                "municipality_type, operating_area, perspective, auspice) "
                "VALUES ('N00401', 't', '', '', false, 'A', '', '', '')"
            )
        )
        connection.execute(text("INSERT INTO areas (id, title, type) VALUES ('2062', 'Mora', 'K')"))
        connection.execute(
            text(
                "INSERT INTO observations (kpi_id, area_id, year, gender, value, status, count) "
                "VALUES ('N00401', '2062', 2020, 'T', 3.5, '', 1)"
            )
        )
    return engine


#: Tables (and their indexes) that revisions after the first rebuild on SQLite.
CHANGED_AFTER_FIRST = frozenset(
    {
        "goals",
        "ix_goals_kpi_id",
        "goal_changes",
        "ix_goal_changes_goal_id",
        "slideshows",
        "qualitative_assessments",
        "ix_qualitative_assessments_area_id",
        "ix_qualitative_assessments_kpi_id",
        "observations",  # 0006: source
        "ix_observations_area_kpi",
        "ix_observations_kpi_year",
    }
)


def _reference_schema(tmp_path, *, constraints_in_any_order: bool = False) -> dict[str, str]:
    """What ``create_all`` writes for the models on SQLite."""
    reference = create_engine(f"sqlite:///{tmp_path / 'reference.sqlite'}")
    Base.metadata.create_all(reference)
    try:
        return _sqlite_schema(reference, constraints_in_any_order=constraints_in_any_order)
    finally:
        reference.dispose()


def test_new_database_is_created_by_the_revisions_up_to_head(db_url):
    engine = open_database(db_url)
    assert "alembic_version" in inspect(engine).get_table_names()
    assert _revision(engine) == [head_revision()]


def test_revisions_create_exactly_the_models(db_url, tmp_path):
    """The guard that data/models.py and data/migrations stay in step: Alembic finds no
    difference, and on SQLite the schema text (check constraints, WITHOUT ROWID, key and
    column order included) is what ``create_all`` writes for the models."""
    engine = open_database(db_url)
    assert _schema_differences(engine) == []
    if engine.dialect.name == "sqlite":
        assert _sqlite_schema(engine) == _reference_schema(tmp_path)


def test_opening_again_changes_nothing(db_url, caplog):
    engine = open_database(db_url)
    schema = _schema(engine)
    engine.dispose()
    with caplog.at_level(logging.INFO):
        again = open_database(db_url)
    assert not [record for record in caplog.records if "upgrade" in record.getMessage().lower()]
    assert _revision(again) == [head_revision()]
    assert _schema(again) == schema


def test_version_3_database_from_before_alembic_is_stamped_keeping_rows(db_url):
    old = _database_from_before_alembic(db_url, 3)
    schema = _schema(old)
    old.dispose()

    engine = open_database(db_url)
    assert _revision(engine) == [head_revision()]  # stamped at the first revision, then upgraded
    assert stored_schema_version(engine) == SCHEMA_VERSION
    # Stamped, not rebuilt: the tables no later revision changes are as they were.
    after = _schema(engine)
    assert {name: after[name] for name in schema if name not in CHANGED_AFTER_FIRST} == {
        name: sql for name, sql in schema.items() if name not in CHANGED_AFTER_FIRST
    }
    assert _schema_differences(engine) == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT title FROM areas")).scalar() == "Mora"
        assert connection.execute(text("SELECT value FROM observations")).scalar() == 3.5


@pytest.mark.parametrize("version", [1, 2])
def test_database_from_before_alembic_is_migrated_to_the_models(db_url, tmp_path, version):
    _database_from_before_alembic(db_url, version).dispose()

    engine = open_database(db_url)
    assert _revision(engine) == [head_revision()]
    assert stored_schema_version(engine) == SCHEMA_VERSION
    assert _schema_differences(engine) == []
    if engine.dialect.name == "sqlite":
        assert _sqlite_schema(engine, constraints_in_any_order=True) == _reference_schema(
            tmp_path, constraints_in_any_order=True
        )
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT kpi_id, area_id, gender, year, value, status, count FROM observations")
        ).all()
    assert rows == [("N00401", "2062", "T", 2020, 3.5, "", 1)]


def test_database_from_before_alembic_without_migration_is_refused(db_url):
    _database_from_before_alembic(db_url, 0).dispose()
    with pytest.raises(SchemaVersionError, match="schema version 0 and no migration to 1"):
        open_database(db_url)


def _next_revision(folder, revision_id: str) -> None:
    """A revision after the current head, in a folder of its own: a table gains a column
    (through batch mode, as SQLite needs) and a new table appears."""
    folder.mkdir()
    (folder / f"{revision_id}.py").write_text(
        f'''"""A later revision, for tests."""

import sqlalchemy as sa
from alembic import op

revision = "{revision_id}"
down_revision = "{head_revision()}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("areas") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
    op.create_table("test_notes", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade():
    op.drop_table("test_notes")
    with op.batch_alter_table("areas") as batch:
        batch.drop_column("note")
''',
        encoding="utf-8",
    )


def test_database_at_an_older_revision_is_upgraded_on_start(db_url, tmp_path, monkeypatch):
    engine = open_database(db_url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO areas (id, title, type) VALUES ('2062', 'Mora', 'K')"))
    engine.dispose()

    _next_revision(tmp_path / "later", "9001_test_later")
    monkeypatch.setattr(
        migrations, "VERSION_LOCATIONS", (*migrations.VERSION_LOCATIONS, tmp_path / "later")
    )
    upgraded = open_database(db_url)
    assert _revision(upgraded) == ["9001_test_later"]
    assert "test_notes" in inspect(upgraded).get_table_names()
    with upgraded.connect() as connection:
        assert connection.execute(text("SELECT title, note FROM areas")).one() == ("Mora", None)


def test_database_of_a_newer_program_is_refused_by_its_revision(db_url, tmp_path, monkeypatch):
    later = tmp_path / "later"
    _next_revision(later, "9001_test_later")
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "VERSION_LOCATIONS", (*migrations.VERSION_LOCATIONS, later))
        open_database(db_url).dispose()

    with pytest.raises(
        SchemaVersionError, match="has schema revision 9001_test_later, which this program"
    ):
        open_database(db_url)


def test_unknown_revision_is_refused_with_a_clear_message(db_url):
    engine = open_database(db_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0999_from_elsewhere'"))
    engine.dispose()
    with pytest.raises(SchemaVersionError, match="schema revision 0999_from_elsewhere") as error:
        open_database(db_url)
    assert f"its newest is {head_revision()}" in str(error.value)


def test_revisions_are_one_numbered_line_in_step_with_the_schema_version():
    script = migrations.script_directory()
    revisions = list(reversed(list(script.walk_revisions())))
    assert script.get_heads() == [revisions[-1].revision]
    assert revisions[0].revision == FIRST_REVISION
    for number, revision in enumerate(revisions, start=1):
        assert re.fullmatch(rf"{number:04d}_[a-z0-9_]+", revision.revision)
        assert len(revision.revision) <= migrations.MAX_REVISION_ID_LENGTH
        assert Path(revision.path).name == f"{revision.revision}.py"
    # Each revision after the first bumps SCHEMA_VERSION by one.
    assert len(revisions) == SCHEMA_VERSION - migrations.FIRST_REVISION_SCHEMA_VERSION + 1


def test_next_revision_id_is_numbered_and_fits_alembic_version():
    number = len(list(migrations.script_directory().walk_revisions())) + 1
    assert migrations.next_revision_id("Add notes to goals!") == f"{number:04d}_add_notes_to_goals"
    long = migrations.next_revision_id("Lägg till en mycket lång beskrivning av ändringen")
    assert len(long) <= migrations.MAX_REVISION_ID_LENGTH
    assert re.fullmatch(r"\d{4}_[a-z0-9_]*[a-z0-9]", long)


def test_migrations_run_from_any_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    engine = open_database(f"sqlite:///{tmp_path / 'elsewhere.sqlite'}")
    assert _revision(engine) == [head_revision()]
