"""One declaration of the normalized frames (`domain/tracker_schema.py`), and every frame follows it.

Whatever made a frame (the loader from any format, with or without rejected lines, in this process or in the
isolated reader; the store after imports, or empty; `empty_frames()`), it has the declared columns, in the
declared order, with the declared dtypes, and no missing value where none may be. The store's row tables are
the declaration's, and a store created before this declaration has them too.
"""

import dataclasses
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from conftest import AS_OF, FIXTURES
from domain.tracker_schema import (KIND_DTYPE, OUTPUT_COLUMNS, SHEET_ORDER, SHEETS, Column, Kind,
                                   conformance_problems, empty_frame, empty_frames)
from domain.vocabulary import VOCABULARIES
from loaders import load
from store import tables
from store.database import add_missing_columns, open_store
from store.imports import READY, Uploader, commit_import, plan_import
from store.queries import current_frames, import_frames
from store.tables import row_table

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"
ADMIN = Uploader("Cne Meyer")


def assert_conforms(frame: pd.DataFrame, sheet: str) -> None:
    problems = conformance_problems(frame, sheet)
    assert not problems, f"{sheet}: " + " ; ".join(problems)


def assert_all_conform(frames: dict[str, pd.DataFrame]) -> None:
    assert list(frames) == list(SHEET_ORDER)
    for sheet, frame in frames.items():
        assert_conforms(frame, sheet)


# --- the declaration itself ------------------------------------------------------------------------------------------

def test_every_kind_has_one_dtype_and_one_sql_type():
    assert set(KIND_DTYPE) == set(Kind)
    for kind in Kind:
        column = Column(label="x", field="x", kind=kind, vocabulary="category" if kind is Kind.VOCAB else None)
        assert isinstance(tables.sql_type(column), sa.types.TypeEngine)  # a kind without an SQL type: KeyError
        assert pd.Series([], dtype=column.dtype).dtype == pd.api.types.pandas_dtype(KIND_DTYPE[kind])
    with pytest.raises(ValueError, match="vocabulary"):
        Column(label="Statut", field="status", kind=Kind.VOCAB)


def test_columns_are_unique_and_vocabularies_exist():
    for key, schema in SHEETS.items():
        assert len(set(schema.fields)) == len(schema.fields), key
        assert schema.fields == OUTPUT_COLUMNS[key]
        assert schema.fields[0] == "sector_id" and schema.fields[-2:] == ("source_file", "source_row")
        labels = [c.label for c in schema.columns]
        assert len(set(labels)) == len(labels), key
        for column in schema.frame_columns:
            if column.kind is Kind.VOCAB:
                assert column.vocabulary in VOCABULARIES, column.field


def test_the_store_and_the_loader_share_one_list_of_sheets():
    assert tuple(tables.ROW_TABLES) == SHEET_ORDER == ("meetings", "problems", "actions", "diagnostics", "partners")
    for key, table in tables.ROW_TABLES.items():
        assert [c.name for c in table.columns] == ["import_id", *OUTPUT_COLUMNS[key]]


# --- the check can fail ----------------------------------------------------------------------------------------------

def test_the_check_names_each_difference():
    good = empty_frame("meetings")
    assert conformance_problems(good, "meetings") == []
    assert conformance_problems(good.drop(columns="notes"), "meetings")[0].startswith("columns [")
    swapped = good[["meeting_date", "sector_id", *good.columns[2:]]]
    assert conformance_problems(swapped, "meetings")[0].startswith("columns [")
    wrong = good.astype({"attendees": "int64", "meeting_date": "datetime64[ns]", "notes": "object"})
    assert [p.split(":")[0] for p in conformance_problems(wrong, "meetings")] == ["meeting_date", "attendees", "notes"]
    loaded = load(SAMPLES / "suivi_gpo_forbach.xlsx", as_of=AS_OF)[0].frames["problems"]
    holed = loaded.copy()
    holed.loc[0, "status"] = None
    holed.loc[0, "priority"] = None  # nullable: fine
    assert conformance_problems(holed, "problems") == [
        "status: 1 missing value(s) in a column declared non-null"]


# --- empty frames ----------------------------------------------------------------------------------------------------

def test_empty_frames_conform():
    frames = empty_frames()
    assert_all_conform(frames)
    assert all(len(frame) == 0 for frame in frames.values())


# --- the loader ------------------------------------------------------------------------------------------------------

LOADED = [
    # (file, sector given, lines accepted in all)
    ("row-errors.xlsx", "forbach", 15),  # lines rejected: the kept ones still conform
    ("formula-without-cached-value.xlsx", "forbach", 23),
    ("text-dates.xlsx", "forbach", 23),
    ("commune-spellings.xlsx", "forbach", 25),
    ("opendocument.ods", "stiring", 25),
    ("old-excel.xls", "stiring", 25),
    ("merged-communes.xls", "forbach", 69),
    ("suivi-reunions.csv", "forbach", 9),  # a one-sheet CSV: the two other sheets are empty frames
    ("problemes-semicolon-cp1252.csv", "forbach", 8),
    ("actions-comma-utf8.csv", "forbach", 8),
    ("multi-sector.xlsx", None, 23),  # one result per sector, and one for the lines of no sector
    ("not-a-spreadsheet.xlsx", "forbach", 0),  # refused: empty frames
    ("empty.xlsx", "forbach", 0),
    ("cycle-sheets.xlsx", "stiring", 31),  # Diagnostic and Partenaires under other names, the cycle's columns
    ("cycle-sheets.ods", "stiring", 31),  # the same saved by LibreOffice
    ("cycle-row-errors.xlsx", "stiring", 26),  # lines of every sheet rejected
]


@pytest.mark.parametrize(("name", "sector", "accepted"), LOADED)
def test_loader_frames_conform(name, sector, accepted):
    results = load(FIXTURES / name, sector=sector, as_of=AS_OF)
    for result in results:
        assert_all_conform(result.frames)
    assert sum(len(frame) for result in results for frame in result.frames.values()) == accepted


def test_sample_trackers_conform():
    paths = sorted(SAMPLES.iterdir())
    assert len(paths) == 17
    rows = 0
    for path in paths:
        for result in load(path, as_of=AS_OF):
            assert_all_conform(result.frames)
            rows += sum(len(frame) for frame in result.frames.values())
    assert rows > 500


def test_frames_read_in_the_isolated_process_conform():
    from loaders.isolated import load_isolated

    results = load_isolated(FIXTURES / "row-errors.xlsx", sector="forbach", as_of=AS_OF)
    assert_all_conform(results[0].frames)
    assert len(results[0].frames["meetings"]) == 9


# --- the store -------------------------------------------------------------------------------------------------------

def _import(engine, path: Path, sector: str | None = None) -> int:
    data = path.read_bytes()
    result = load(data, filename=path.name, sector=sector, as_of=AS_OF)[0]
    plan = plan_import(engine, result, data, ADMIN)
    assert plan.status == READY, plan.message
    return commit_import(engine, plan, data, ADMIN, accept_vanished=True, as_of=AS_OF)


def test_an_empty_store_gives_conforming_frames(store_engine):
    engine = store_engine
    frames = current_frames(engine)
    assert_all_conform(frames)
    assert all(len(frame) == 0 for frame in frames.values())


def test_store_frames_conform_after_imports(store_engine):
    engine = store_engine
    _import(engine, SAMPLES / "suivi_gpo_forbach.xlsx")
    _import(engine, SAMPLES / "suivi_gpo_metz-centre.xlsx")
    rejected_some = _import(engine, FIXTURES / "row-errors.xlsx", sector="stiring")
    one_sheet = _import(engine, FIXTURES / "suivi-reunions.csv", sector="forbach")  # kept problems and actions
    frames = current_frames(engine)
    assert_all_conform(frames)
    assert set(frames["problems"]["sector_id"]) == {"forbach", "metz-centre", "stiring"}
    assert len(frames["problems"].query("sector_id == 'stiring'")) == 3  # of 8 lines, 5 rejected
    with engine.connect() as conn:
        for import_id in (rejected_some, one_sheet):
            assert_all_conform(import_frames(conn, import_id))
    assert_all_conform(current_frames(engine, ["no-such-sector"]))


def test_the_seeded_demo_store_gives_conforming_frames(demo_store):
    frames = current_frames(open_store(demo_store))
    assert_all_conform(frames)
    assert len(frames["actions"]) > 100


# --- the store's row tables ------------------------------------------------------------------------------------------

V3_ROW_TABLES = FIXTURES / "store-v3-row-tables.sql"


def _row_tables(url: str) -> dict[str, dict]:
    """What a store holds for each row table: columns (type, nullability), foreign keys and indexes."""
    engine = sa.create_engine(url)
    inspector = sa.inspect(engine)
    held = {key: {"columns": {c["name"]: (str(c["type"]), c["nullable"]) for c in inspector.get_columns(key)},
                  "foreign_keys": sorted((tuple(fk["constrained_columns"]), fk["referred_table"])
                                         for fk in inspector.get_foreign_keys(key)),
                  "indexes": sorted((ix["name"], tuple(ix["column_names"])) for ix in inspector.get_indexes(key))}
            for key in SHEET_ORDER}
    engine.dispose()
    return held


def test_a_new_store_has_the_declared_row_tables(new_store_url):
    url = new_store_url(migrated=False)
    engine = open_store(url)
    dialect = engine.dialect
    engine.dispose()
    held = _row_tables(url)
    for key, schema in SHEETS.items():
        assert list(held[key]["columns"]) == ["import_id", *schema.fields]
        for column in schema.frame_columns:
            expected = (str(tables.sql_type(column).compile(dialect=dialect)), column.nullable)
            assert held[key]["columns"][column.field] == expected, (key, column.field)
    assert held["problems"]["columns"]["commune_insee"] == ("VARCHAR(5)", True)
    assert held["meetings"]["columns"]["attendees"] == ("INTEGER", True)
    assert held["actions"]["columns"]["due_on"] == ("DATE", False)


def test_a_store_created_before_the_declaration_is_migrated_to_the_same_row_tables(tmp_path):
    """`store-v3-row-tables.sql` is what the hand-written tables of migrations 1-3 created (no SQL changed with the
    declaration, so no migration was added). Such a store, once migrated, must hold exactly the tables a new store
    gets from the declaration: a column declared later needs a migration that adds it to existing stores (and does
    nothing where migration 1, which creates the tables as declared, already did)."""
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as conn:
        conn.executescript(V3_ROW_TABLES.read_text(encoding="utf-8"))
    open_store(f"sqlite:///{old}").dispose()
    new_url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    open_store(new_url).dispose()
    assert _row_tables(f"sqlite:///{old}") == _row_tables(new_url)



def test_a_column_declared_later_reaches_an_existing_store(store_engine):
    """What a later optional Problèmes column needs (as Étape, Résultat and Chef de file got in migration 4):
    declared columns, and one migration step that adds them where a store lacks them
    (`store.database.add_missing_columns`)."""
    problems = SHEETS["problems"]
    later = dataclasses.replace(problems, frame_columns=(
        *problems.frame_columns[:-2],
        Column(label="Étape suivante", field="next_step", kind=Kind.TEXT, length=40),
        Column(label="Co-pilote", field="co_lead", kind=Kind.PARTNER),
        *problems.frame_columns[-2:]))
    engine = store_engine
    _import(engine, SAMPLES / "suivi_gpo_forbach.xlsx")
    with engine.begin() as conn:
        assert add_missing_columns(conn, row_table(later, sa.MetaData())) == ["next_step", "co_lead"]
        assert add_missing_columns(conn, row_table(later, sa.MetaData())) == []  # a store that has them
        held = {c["name"]: (str(c["type"]), c["nullable"]) for c in sa.inspect(conn).get_columns("problems")}
        stored = conn.execute(sa.text("SELECT problem_id, next_step, co_lead FROM problems")).fetchall()
    assert (held["next_step"], held["co_lead"]) == (("VARCHAR(40)", True), ("TEXT", True))
    assert len(stored) == 16 and {(step, lead) for _, step, lead in stored} == {(None, None)}
    assert_all_conform(current_frames(engine))  # the frames keep the columns declared today
    required = dataclasses.replace(problems, frame_columns=(
        *problems.frame_columns, Column(label="Gravité constatée", field="severity", kind=Kind.TEXT, nullable=False)))
    with engine.begin() as conn, pytest.raises(ValueError, match="must be nullable"):
        add_missing_columns(conn, row_table(required, sa.MetaData()))
