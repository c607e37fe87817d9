"""A store with rows in every table, written the way the application writes them; and every table read back.

`fill_store` imports real trackers through the import path (a sector's two versions, one problem taken out in the
second; a sector whose problems are all closed, with a rejected line kept as typed), creates accounts, a screen
token, and journal lines (a refused login, an export). `dump` reads every table of the store, rows sorted, to
compare two stores table by table (the backup round trip, the purge's dry run).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from domain.access import ADMIN, ECRAN
from domain.reference import default_reference
from loaders import load
from loaders.tracker_export import write_filled_tracker
from store.accounts import authenticate, create_account
from store.audit import record
from store.backup import STORE_TABLES
from store.imports import READY, Uploader, commit_import, plan_import
from store.screen_tokens import create_screen_token

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"
AS_OF = dt.date(2026, 11, 25)
FIRST, SECOND = dt.datetime(2026, 11, 1, 9), dt.datetime(2026, 11, 20, 9)
UPLOADER = Uploader("Cne Meyer")
PASSWORD = "Mirabelle-de-Metz-57"
REJECTED_TEXT = "Signalement de M. Jean Dupont, 3 rue des Lilas"  # a rejected line's free text


def _frames(name: str) -> dict[str, pd.DataFrame]:
    return {k: f.copy() for k, f in load(SAMPLES / name, as_of=AS_OF)[0].frames.items()}


GONE_CONTACT = "securite@mairie-de-forbach.example.org"  # a contact of Forbach's mayor's office who left


def forbach_without_p01(folder: Path) -> Path:
    """Forbach's tracker once the animator took P-01 (resolved) and its actions out, and the contact who left."""
    frames = _frames("suivi_gpo_forbach.xlsx")
    frames["problems"] = frames["problems"][frames["problems"]["problem_id"] != "P-01"].reset_index(drop=True)
    frames["actions"] = frames["actions"][frames["actions"]["problem_id"] != "P-01"].reset_index(drop=True)
    frames["partners"] = frames["partners"][frames["partners"]["email"] != GONE_CONTACT].reset_index(drop=True)
    return write_filled_tracker(folder / "suivi_gpo_forbach_v2.xlsx", frames, sector=default_reference().sectors["forbach"])


def marly_all_closed(folder: Path) -> Path:
    """Marly's tracker with every problem closed (resolved with a date and an outcome, the last one dropped), every
    action done, and one more problem line the loader rejects (unknown status) whose description names a person."""
    frames = _frames("suivi_gpo_marly.xlsx")
    problems, actions = frames["problems"], frames["actions"]
    problems["status"] = "resolved"
    problems["stage"], problems["outcome"] = "assessment", "reduced"
    problems["resolved_on"] = (problems["reported_on"] + pd.Timedelta(days=20)).clip(upper=pd.Timestamp(AS_OF))
    problems.loc[problems.index[-1], ["status", "resolved_on"]] = ["dropped", pd.NaT]
    actions["status"] = "done"
    actions["done_on"] = actions["due_on"].clip(upper=pd.Timestamp(AS_OF))
    rejected = problems.iloc[[0]].assign(problem_id="P-99", status="Peut-être", description=REJECTED_TEXT)
    frames["problems"] = pd.concat([problems, rejected], ignore_index=True)
    return write_filled_tracker(folder / "suivi_gpo_marly_clos.xlsx", frames, sector=default_reference().sectors["marly"])


def import_file(engine: sa.Engine, path: Path, when: dt.datetime, sector: str | None = None) -> int:
    data = path.read_bytes()
    result = load(data, filename=path.name, sector=sector, as_of=AS_OF)[0]
    plan = plan_import(engine, result, data, UPLOADER)
    assert plan.status == READY, plan.message
    return commit_import(engine, plan, data, UPLOADER, accept_vanished=True, as_of=AS_OF, now=when)


def fill_store(engine: sa.Engine, folder: Path) -> dict[str, int]:
    """Rows in every table; returns the import ids by name."""
    ids = {
        "forbach_1": import_file(engine, SAMPLES / "suivi_gpo_forbach.xlsx", FIRST),
        "marly": import_file(engine, marly_all_closed(folder), FIRST),
        "stiring": import_file(engine, SAMPLES / "suivi_gpo_stiring.xlsx", FIRST),
        "forbach_2": import_file(engine, forbach_without_p01(folder), SECOND),
    }
    create_account(engine, "admin.gpo", "Administrateur", ADMIN, PASSWORD, by="installation", now=FIRST)
    create_account(engine, "ecran.forbach", "Écran de Forbach", ECRAN, PASSWORD, by="admin.gpo", now=FIRST)
    create_screen_token(engine, "ecran.forbach", by="admin.gpo", now=FIRST)
    authenticate(engine, "admin.gpo", "pas le bon mot de passe", now=SECOND)
    record(engine, "admin.gpo", "export", "Export pour l'évaluation", at=SECOND)
    return ids


def _plain(value: object) -> object:
    return bytes(value) if isinstance(value, memoryview) else value


def dump(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row of every store table, sorted (None first), values as Python gives them."""
    tables = {}
    with engine.connect() as conn:
        for table in STORE_TABLES:
            rows = [tuple(_plain(v) for v in row) for row in conn.execute(sa.select(table))]
            tables[table.name] = sorted(rows, key=lambda row: [(v is not None, str(v)) for v in row])
    return tables
