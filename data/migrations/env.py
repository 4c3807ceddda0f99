"""Alembic's environment: run the revisions on the connection that ``data.db`` hands over, or,
from the command line (``python -m data.migrations``), on the configured database."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from data.db import database_url, make_engine
from data.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # Autogenerate writes changes to existing tables as batch operations, which SQLite
        # needs (it cannot alter most of a table in place) and other databases run as ALTER.
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """``--sql``: write the SQL instead of running it."""
    context.configure(
        url=database_url(context.config.get_main_option("sqlalchemy.url")),
        target_metadata=Base.metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(context.config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
