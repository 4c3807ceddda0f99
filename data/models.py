"""SQLAlchemy 2.x typed models: the one schema used on SQLite and PostgreSQL.

Whenever a table changes, add an Alembic revision that brings a database of the previous
schema up to date: from the project folder, ``python -m data.migrations revision -m "What
changes"`` writes ``data/migrations/versions/NNNN_what_changes.py`` to fill in (add
``--autogenerate`` to have it drafted from these models; see ``data/migrations/__init__.py``).
Bump :data:`SCHEMA_VERSION` by one with each revision as well: it is stored in ``meta``, and
programs from before Alembic read only that number to refuse a newer database. The dashboard
upgrades a database on start; ``tests/unit/test_db.py`` checks that the revisions create
exactly these models.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA_VERSION = 10

#: The source of the values fetched from Kolada (``observations.source``).
SOURCE_KOLADA = "Kolada"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON}


class Meta(Base):
    """Key/value facts about the database itself: schema version, data origin."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Area(Base):
    """A Kolada area: a municipality (type K) or a region / Sweden (type L)."""

    __tablename__ = "areas"

    id: Mapped[str] = mapped_column(String(8), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(1))
    county: Mapped[str | None] = mapped_column(String(2), index=True)

    __table_args__ = (CheckConstraint("type IN ('K', 'L')", name="area_type"),)


class Kpi(Base):
    """A Kolada key figure (KPI) as described by Kolada's catalogue."""

    __tablename__ = "kpis"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(Text, default="")
    is_divided_by_gender: Mapped[bool] = mapped_column(default=False)
    municipality_type: Mapped[str] = mapped_column(String(1), default="A")
    operating_area: Mapped[str] = mapped_column(Text, default="")
    perspective: Mapped[str] = mapped_column(Text, default="")
    auspice: Mapped[str] = mapped_column(String(8), default="")
    publ_period: Mapped[str | None] = mapped_column(String(16))
    publication_date: Mapped[dt.date | None] = mapped_column(Date)
    prel_publication_date: Mapped[dt.date | None] = mapped_column(Date)


class Observation(Base):
    """One value of one KPI for one area, year and gender (T total, K women, M men).

    ``value`` is ``None`` when Kolada publishes the key without a number; ``status`` says why.
    On SQLite the table is clustered on its key (WITHOUT ROWID), in the order the dashboard
    reads series: KPI, area, gender, year.
    """

    __tablename__ = "observations"

    kpi_id: Mapped[str] = mapped_column(ForeignKey("kpis.id"), primary_key=True)
    area_id: Mapped[str] = mapped_column(ForeignKey("areas.id"), primary_key=True)
    gender: Mapped[str] = mapped_column(String(1), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(64), default="")
    count: Mapped[int | None] = mapped_column(Integer)
    #: Where the value comes from: :data:`SOURCE_KOLADA`, or the source named when a file of
    #: own statistics was imported (e.g. "SMHI, Nationella emissionsdatabasen"). Last, as
    #: revision 0006 added it.
    source: Mapped[str] = mapped_column(
        String(200), default=SOURCE_KOLADA, server_default=SOURCE_KOLADA
    )

    __table_args__ = (
        CheckConstraint("gender IN ('T', 'K', 'M')", name="observation_gender"),
        Index("ix_observations_area_kpi", "area_id", "kpi_id", "gender", "year"),
        Index("ix_observations_kpi_year", "kpi_id", "gender", "year"),
        {"sqlite_with_rowid": False},
    )


class OwnIndicator(Base):
    """An indicator Kolada does not carry, declared in the metadata file of an import of own
    statistics (``python -m etl import-csv``); its id begins with ``EGEN_``. The columns are
    the catalogue's (:mod:`indicators.catalogue`) and the source the values come from."""

    __tablename__ = "own_indicators"

    kpi_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    label: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    sdg_goal: Mapped[int] = mapped_column(Integer)
    sdg_target: Mapped[str | None] = mapped_column(String(8))
    dimension: Mapped[str] = mapped_column(String(16))
    direction: Mapped[str] = mapped_column(String(8))
    unit: Mapped[str] = mapped_column(Text)
    decimals: Mapped[int] = mapped_column(Integer)
    natural_limit: Mapped[float | None] = mapped_column(Float)
    is_divided_by_gender: Mapped[bool] = mapped_column(default=False)
    municipality_type: Mapped[str] = mapped_column(String(1), default="A")
    source_name: Mapped[str] = mapped_column(String(200))
    source_url: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class EtlRun(Base):
    """One run of the ETL (refresh or load), successful or not."""

    __tablename__ = "etl_runs"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # refresh | load | demo | import
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(String(16), default="running")  # running|success|failed
    scope: Mapped[dict[str, Any]] = mapped_column(default=dict)
    full: Mapped[bool] = mapped_column(default=False)
    from_date: Mapped[dt.date | None] = mapped_column(Date)
    http_requests: Mapped[int] = mapped_column(Integer, default=0)
    rows_inserted: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    rows_deleted: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("outcome IN ('running', 'success', 'failed')", name="etl_run_outcome"),
    )


class Goal(Base):
    """A goal at one level for one indicator, for every area or for named areas.

    Kinds: ``absolute`` (``operator`` ``>=``/``<=`` ``target_value`` by ``target_year``),
    ``relative`` (``relative_change`` from ``base_year``, e.g. -0.7 for −70 %),
    ``band`` (``band_low``–``band_high``) and ``direction`` (``direction`` up/down, no number).
    """

    __tablename__ = "goals"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kpi_id: Mapped[str] = mapped_column(String(16), index=True)
    level: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    operator: Mapped[str | None] = mapped_column(String(2))
    target_value: Mapped[float | None] = mapped_column(Float)
    relative_change: Mapped[float | None] = mapped_column(Float)
    band_low: Mapped[float | None] = mapped_column(Float)
    band_high: Mapped[float | None] = mapped_column(Float)
    direction: Mapped[str | None] = mapped_column(String(8))
    base_year: Mapped[int | None] = mapped_column(Integer)
    target_year: Mapped[int | None] = mapped_column(Integer)
    areas: Mapped[list[str] | None] = mapped_column()  # None = every area
    wording_sv: Mapped[str] = mapped_column(Text)
    source_document: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str] = mapped_column(Text, default="")
    adopted_year: Mapped[int | None] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(16), default="katalog")  # katalog | användare
    #: Raised by one with each change (SQLAlchemy's version counter): a save names the version
    #: its form was opened with, and one made against an older version is refused.
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    #: A second reference beside the primary document (e.g. the news item that reported the
    #: decision); empty when there is none. Last, as revision 0005 added it.
    secondary_source_url: Mapped[str] = mapped_column(Text, default="")
    #: The ids of the higher goals this goal contributes to (local → regional → national →
    #: global: "målkedjan"); ``None`` or empty when it names none. Added by revision 0008.
    contributes_to: Mapped[list[str] | None] = mapped_column()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it
    __table_args__ = (
        CheckConstraint("level IN ('lokal', 'regional', 'nationell', 'global')", name="goal_level"),
        CheckConstraint("kind IN ('absolute', 'relative', 'band', 'direction')", name="goal_kind"),
    )


class GoalChange(Base):
    """The log of changes to goals: when, what, and the user's note."""

    __tablename__ = "goal_changes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    goal_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(16))  # add | change | remove
    before: Mapped[dict[str, Any] | None] = mapped_column()
    after: Mapped[dict[str, Any] | None] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    #: The signed-in editor who made the change (``None``: the command line, or before 0003).
    changed_by: Mapped[str | None] = mapped_column(String(64))


class RecordChange(Base):
    """The log of changes to qualitative assessments and slideshows: when, who, which record,
    and its values before and after (goals have their own log, :class:`GoalChange`, which
    also keeps the editor's note)."""

    __tablename__ = "record_changes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    record_type: Mapped[str] = mapped_column(String(16))  # assessment | slideshow | intervention
    record_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))  # add | change | remove
    before: Mapped[dict[str, Any] | None] = mapped_column()
    after: Mapped[dict[str, Any] | None] = mapped_column()
    #: The signed-in editor who made the change (``None``: the command line).
    changed_by: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        CheckConstraint("action IN ('add', 'change', 'remove')", name="record_change_action"),
        Index("ix_record_changes_record", "record_type", "record_id"),
    )


class Slideshow(Base):
    """A facilitator's saved sequence of dashboard views ("bildspel"), stepped through in
    presentation mode. ``views`` holds each view's path and query string in order."""

    __tablename__ = "slideshows"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    views: Mapped[list[str]] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    #: The signed-in editor who saved it last (``None``: saved before 0003).
    updated_by: Mapped[str | None] = mapped_column(String(64))
    #: Raised by one with each change, as :attr:`Goal.version`.
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it
    #: Ids are never reused (SQLite reuses the largest id after a removal otherwise), so the
    #: change log's entries of a removed slideshow never name a later one.
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 - SQLAlchemy reads it


class QualitativeAssessment(Base):
    """An official's dated qualitative follow-up for an area and an indicator or SDG goal:
    a short text and an optional judgement (bättre / oförändrad / sämre)."""

    __tablename__ = "qualitative_assessments"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    area_id: Mapped[str] = mapped_column(String(8), index=True)
    kpi_id: Mapped[str | None] = mapped_column(String(16), index=True)
    sdg_goal: Mapped[int | None] = mapped_column(Integer)
    assessed_on: Mapped[dt.date] = mapped_column(Date)
    judgement: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    #: The signed-in editor who stored it (``author`` is free text the editor typed).
    created_by: Mapped[str | None] = mapped_column(String(64))
    #: Raised by one with each change, as :attr:`Goal.version`.
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it
    __table_args__ = (
        CheckConstraint(
            "judgement IS NULL OR judgement IN ('bättre', 'oförändrad', 'sämre')",
            name="qualitative_judgement",
        ),
        CheckConstraint(
            "(kpi_id IS NOT NULL) OR (sdg_goal IS NOT NULL)", name="qualitative_subject"
        ),
        # Ids never reused, as for slideshows: the change log names assessments by id.
        {"sqlite_autoincrement": True},
    )


class User(Base):
    """An editor's account: a unique name and a password hash (Werkzeug's salted scrypt or
    pbkdf2). Participants have no account: they read."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SignInFailure(Base):
    """A failed sign-in: the name tried (case-folded) and the client address. Recent failures
    are counted to slow down password guessing; they hold across workers and servers because
    they are stored here, and old ones are deleted as new ones come."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        Index("ix_sign_in_failures_address", "address", "failed_at"),
        Index("ix_sign_in_failures_name", "name", "address", "failed_at"),
    )


# --- similar municipalities -------------------------------------------------------------------

#: Kinds of municipality groups kept: RKA's similar municipalities ("Liknande kommuner,
#: övergripande, <kommun>, <år>", one per municipality), SKR's municipality groups
#: (kommungruppsindelning) and a county's municipalities (G33627 for Dalarna).
GROUP_SIMILAR, GROUP_SKR, GROUP_COUNTY = "liknande", "kommungrupp", "län"


class AreaGroup(Base):
    """A Kolada municipality group (id ``G…``). ``made_for`` is the municipality a group of
    similar municipalities was made for — not one of its members: the lists are one-way."""

    __tablename__ = "area_groups"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    made_for: Mapped[str | None] = mapped_column(String(8), index=True)
    year: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("kind IN ('liknande', 'kommungrupp', 'län')", name="area_group_kind"),
    )


class AreaGroupMember(Base):
    """One member of a municipality group, with its name as Kolada gives it (members outside
    the stored areas have no row in ``areas``)."""

    __tablename__ = "area_group_members"

    group_id: Mapped[str] = mapped_column(
        ForeignKey("area_groups.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    member_title: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)


class GroupMean(Base):
    """A group's value of one KPI, year and gender as Kolada serves it for a group id: the
    unweighted mean of the members that reported, ``count`` of them."""

    __tablename__ = "group_means"

    kpi_id: Mapped[str] = mapped_column(ForeignKey("kpis.id"), primary_key=True)
    group_id: Mapped[str] = mapped_column(
        ForeignKey("area_groups.id", ondelete="CASCADE"), primary_key=True
    )
    gender: Mapped[str] = mapped_column(String(1), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)
    count: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(64), default="")

    __table_args__ = (
        CheckConstraint("gender IN ('T', 'K', 'M')", name="group_mean_gender"),
        Index("ix_group_means_group_kpi", "group_id", "kpi_id", "gender", "year"),
    )


# --- insatser ---------------------------------------------------------------------------------

#: An intervention's status, in the words users use.
INTERVENTION_STATUSES: tuple[str, ...] = ("planerad", "pågår", "genomförd", "avbruten")


class Intervention(Base):
    """An intervention ("insats") of a municipality or Region Dalarna, and what it is for."""

    __tablename__ = "interventions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(Text)
    area_id: Mapped[str] = mapped_column(String(8), index=True)
    responsible: Mapped[str] = mapped_column(Text, default="")
    decision_reference: Mapped[str] = mapped_column(Text, default="")
    decision_url: Mapped[str] = mapped_column(Text, default="")
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    #: The signed-in editor who saved it last (``None``: the command line).
    updated_by: Mapped[str | None] = mapped_column(String(64))
    #: Raised by one with each change, as :attr:`Goal.version`.
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it
    __table_args__ = (
        CheckConstraint(
            "status IN ('planerad', 'pågår', 'genomförd', 'avbruten')",
            name="intervention_status",
        ),
        CheckConstraint("end_year IS NULL OR end_year >= start_year", name="intervention_years"),
        # Ids never reused, as for slideshows: the change log names interventions by id.
        {"sqlite_autoincrement": True},
    )


class InterventionIndicator(Base):
    """An indicator an intervention is meant to move: the desired direction (``up`` or
    ``down``) and, where stated, the expected change by a year — ``expected_change`` in the
    indicator's unit, or relative (``expected_relative`` true: −0.1 for −10 %)."""

    __tablename__ = "intervention_indicators"

    intervention_id: Mapped[int] = mapped_column(
        ForeignKey("interventions.id", ondelete="CASCADE"), primary_key=True
    )
    kpi_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    direction: Mapped[str] = mapped_column(String(8))
    expected_change: Mapped[float | None] = mapped_column(Float)
    expected_relative: Mapped[bool] = mapped_column(default=False)
    expected_year: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("direction IN ('up', 'down')", name="intervention_direction"),
    )


class InterventionGoal(Base):
    """A goal an intervention serves."""

    __tablename__ = "intervention_goals"

    intervention_id: Mapped[int] = mapped_column(
        ForeignKey("interventions.id", ondelete="CASCADE"), primary_key=True
    )
    goal_id: Mapped[str] = mapped_column(String(64), primary_key=True)
