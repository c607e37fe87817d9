"""The retention purge: closed problems and their actions lose their free text once past the retention period.

`plan_purge` says what would be blanked, per sector (`python -m store purge`, a dry run); `apply_purge` blanks it
in one transaction and journals it (`--appliquer`). Which problems, and since when they count as closed:
`domain.retention`. What is blanked:
- the free-text columns (`domain.retention.free_text_fields`) of those problems' rows and of their actions' rows,
  in every import that holds them (older imports hold the same text); a value becomes `PURGED_TEXT`, an empty
  one stays empty. Dates, statuses, categories, priorities, references, communes and partners stay: every
  indicator, today's and the history's, is unchanged;
- the uploaded file itself when it holds nothing else: a file whose imports were all made before the cutoff and
  hold only problems past retention (a workbook holds the same text). Its content is emptied (its name, size,
  SHA-256 and the import records stay); the import history then says the original is no longer kept;
- in those same imports, the free text of the rejected lines kept as typed;
- the title and summary of the diagnostics whose cycle ended before the cutoff, and the name and e-mail of the
  partner contacts the tracker stopped listing before it (`domain.retention`), in every import that holds them.
  (Whether a file is emptied still depends on its problems only: the text of a diagnostic still running stays in
  the rows of every import that holds it, so emptying an old file loses nothing of it.)
- the e-mails sent to partner contacts (`mail_log`) whose last activity (created, last attempt, sent) is before
  the cutoff: the recipient's address and the last error (an SMTP answer may quote the address) become
  `PURGED_TEXT`; the address followed by « (n° id) », the row's number, since the log's key (sector, address,
  kind, period) must stay unique. Sector, kind, period, organisations, counts, status, attempts and dates stay:
  what was sent, when and with what result still counts.
Meetings (their notes) are not purged: the retention concerns problems and their actions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa

from domain.retention import PURGED_TEXT, free_text_fields, gone_contacts, months_before, past_diagnostics, past_retention
from domain.text import fold
from domain.tracker_schema import SHEETS
from loaders.cell_values import ref_key
from store import tables
from store.audit import record
from store.errors import french_errors
from store.imports import lock_imports
from store.mail_tables import mail_log

RETENTION_ENV = "GPO_RETENTION_MOIS"


@dataclass
class PurgePlan:
    """What a purge blanks: row keys per import, files, and the counts per sector shown to the admin."""

    today: dt.date
    months: int
    cutoff: dt.date
    problem_rows: dict[int, list[str]] = field(default_factory=dict)  # import_id -> problem_id as stored
    action_rows: dict[int, list[str]] = field(default_factory=dict)  # import_id -> problem_id of the actions
    diagnostic_rows: dict[int, list[dt.date]] = field(default_factory=dict)  # import_id -> diagnosed_on
    contact_rows: dict[int, list[tuple[str, int]]] = field(default_factory=dict)  # import_id -> (source_file, row)
    files: list[str] = field(default_factory=list)  # sha256 whose content is emptied
    file_imports: list[int] = field(default_factory=list)  # imports of those files (their rejected lines)
    mail_rows: list[int] = field(default_factory=list)  # mail_log ids whose address and error are blanked
    counts: pd.DataFrame = field(default_factory=pd.DataFrame)  # one row per sector with something to blank

    @property
    def empty(self) -> bool:
        return self.counts.empty


COUNT_COLUMNS = ["Secteur", "Problèmes", "Actions", "Fichiers d'origine", "Diagnostics", "Contacts", "Courriels"]


MAILS_BLANKED = "courriel(s) aux partenaires (adresse et erreur)"  # what the summaries say of mail_log rows


def _has_text(table: sa.Table, fields: tuple[str, ...]) -> sa.ColumnElement[bool]:
    """A row still holding free text (not yet purged)."""
    return sa.or_(*(sa.and_(table.c[f].is_not(None), table.c[f] != PURGED_TEXT, table.c[f] != "") for f in fields))


def _frame(conn: sa.Connection, query: sa.Select) -> pd.DataFrame:
    result = conn.execute(query)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def _old_mail(cutoff: dt.date) -> sa.ColumnElement[bool]:
    """A mail_log row last touched before `cutoff` that still holds its address or an error text."""
    before = dt.datetime.combine(cutoff, dt.time())
    c = mail_log.c
    return sa.and_(c.created_at < before, sa.or_(c.last_attempt_at.is_(None), c.last_attempt_at < before),
                   sa.or_(c.sent_at.is_(None), c.sent_at < before),
                   sa.or_(sa.not_(c.email.startswith(PURGED_TEXT, autoescape=True)),
                          _has_text(mail_log, ("last_error",))))


def _purged_address() -> sa.ColumnElement[str]:
    """« [texte effacé …] (n° 12) »: the mark, and the row's number that keeps the log's key unique."""
    return sa.literal(f"{PURGED_TEXT} (n° ", sa.String) + sa.cast(mail_log.c.id, sa.String) + sa.literal(")", sa.String)


def plan_purge(conn: sa.Connection, today: dt.date, months: int) -> PurgePlan:
    """What a purge at `today` with a retention of `months` would blank (nothing is written)."""
    cutoff = months_before(today, months)
    plan = PurgePlan(today, months, cutoff)
    mails = _frame(conn, sa.select(mail_log.c.id, mail_log.c.sector_id).where(_old_mail(cutoff)))
    plan.mail_rows = sorted(int(i) for i in mails["id"])
    mail_count = Counter(mails["sector_id"])
    imp, pr, ac = tables.imports, tables.problems, tables.actions
    di, pa = tables.diagnostics, tables.partners
    imports = _frame(conn, sa.select(imp.c.import_id, imp.c.sector_id, imp.c.imported_at, imp.c.sha256))
    problems = _frame(conn, sa.select(pr.c.import_id, pr.c.sector_id, pr.c.problem_id, pr.c.status, pr.c.resolved_on,
                                      _has_text(pr, free_text_fields("problems")).label("has_text")))
    actions = _frame(conn, sa.select(ac.c.import_id, ac.c.sector_id, ac.c.problem_id, ac.c.action_id,
                                     _has_text(ac, free_text_fields("actions")).label("has_text")))
    diagnostics = _frame(conn, sa.select(di.c.import_id, di.c.sector_id, di.c.diagnosed_on,
                                         _has_text(di, free_text_fields("diagnostics")).label("has_text")))
    contacts = _frame(conn, sa.select(pa.c.import_id, pa.c.sector_id, pa.c.organisation, pa.c.email, pa.c.source_file,
                                      pa.c.source_row, _has_text(pa, free_text_fields("partners")).label("has_text")))
    if imports.empty:
        plan.counts = pd.DataFrame([(s, 0, 0, 0, 0, 0, mail_count[s]) for s in sorted(mail_count)],
                                   columns=COUNT_COLUMNS)
        return plan
    problems["ref_key"] = problems["problem_id"].map(ref_key)
    actions["ref_key"] = actions["problem_id"].map(ref_key)
    purged = past_retention(imports, problems, cutoff)

    def is_purged(frame: pd.DataFrame) -> pd.Series:
        return pd.Series([(s, k) in purged for s, k in zip(frame["sector_id"], frame["ref_key"])], index=frame.index,
                         dtype=bool)

    problems["purged"], actions["purged"] = is_purged(problems), is_purged(actions)
    problems["has_text"], actions["has_text"] = problems["has_text"].astype(bool), actions["has_text"].astype(bool)
    to_blank = problems[problems["purged"] & problems["has_text"]]
    actions_to_blank = actions[actions["purged"] & actions["has_text"]]
    plan.problem_rows = {int(i): sorted(set(g["problem_id"])) for i, g in to_blank.groupby("import_id")}
    plan.action_rows = {int(i): sorted(set(g["problem_id"])) for i, g in actions_to_blank.groupby("import_id")}

    diagnostics["day"] = [pd.Timestamp(d).date() for d in diagnostics["diagnosed_on"]]
    ended = past_diagnostics(imports, diagnostics, cutoff)
    diagnostics["purged"] = pd.Series([(s, d) in ended for s, d in zip(diagnostics["sector_id"], diagnostics["day"])],
                                      index=diagnostics.index, dtype=bool)
    diagnostics_to_blank = diagnostics[diagnostics["purged"] & diagnostics["has_text"].astype(bool)]
    plan.diagnostic_rows = {int(i): sorted(set(g["day"])) for i, g in diagnostics_to_blank.groupby("import_id")}
    contacts["contact_key"] = [f"{fold(o)}\x1f{str(e).lower()}" for o, e in zip(contacts["organisation"], contacts["email"])]
    gone = gone_contacts(imports, contacts, cutoff)
    contacts_to_blank = contacts[pd.Series([(s, k) in gone for s, k in zip(contacts["sector_id"], contacts["contact_key"])],
                                           index=contacts.index, dtype=bool) & contacts["has_text"].astype(bool)]
    plan.contact_rows = {int(i): sorted(zip(g["source_file"], g["source_row"].astype(int)))
                         for i, g in contacts_to_blank.groupby("import_id")}

    # Files: every import of the file made before the cutoff, each holding only problems past retention.
    old = imports["imported_at"].map(lambda t: pd.Timestamp(t).date() < cutoff)
    all_purged = problems.groupby("import_id")["purged"].all()
    imports["done"] = old & imports["import_id"].map(lambda i: bool(all_purged.get(i, True)))
    by_file = imports.groupby("sha256")["done"].all()
    candidates = sorted(sha for sha, done in by_file.items() if done)
    kept = set()
    if candidates:
        raw = tables.raw_files
        kept = set(conn.execute(sa.select(raw.c.sha256).where(raw.c.sha256.in_(candidates),
                                                                sa.func.length(raw.c.content) > 0)).scalars())
    plan.files = sorted(kept)
    plan.file_imports = sorted(int(i) for i in imports.loc[imports["sha256"].isin(kept), "import_id"])

    problem_count = Counter(s for s, _ in set(zip(to_blank["sector_id"], to_blank["ref_key"])))
    action_count = Counter(s for s, _ in set(zip(actions_to_blank["sector_id"], actions_to_blank["action_id"].map(ref_key))))
    file_count = Counter(s for s, _ in set(zip(imports.loc[imports["sha256"].isin(kept), "sector_id"],
                                               imports.loc[imports["sha256"].isin(kept), "sha256"])))
    diagnostic_count = Counter(s for s, _ in set(zip(diagnostics_to_blank["sector_id"], diagnostics_to_blank["day"])))
    contact_count = Counter(s for s, _ in set(zip(contacts_to_blank["sector_id"], contacts_to_blank["contact_key"])))
    sectors = sorted(set(problem_count) | set(action_count) | set(file_count) | set(diagnostic_count) | set(contact_count)
                     | set(mail_count))
    plan.counts = pd.DataFrame([(s, problem_count[s], action_count[s], file_count[s], diagnostic_count[s],
                                 contact_count[s], mail_count[s]) for s in sectors], columns=COUNT_COLUMNS)
    return plan


def _blank(table: sa.Table, fields: tuple[str, ...]) -> dict[str, sa.ColumnElement]:
    """SET each free-text column to the purge mark, leaving an empty one empty."""
    return {f: sa.case((table.c[f].is_(None), None), (table.c[f] == "", ""), else_=sa.literal(PURGED_TEXT))
            for f in fields}


def _purge_rejected_lines(conn: sa.Connection, import_ids: list[int]) -> None:
    """Free text of the rejected lines of these imports (kept as typed, by column label)."""
    labels = {key: {SHEETS[key].column(f).label for f in free_text_fields(key)} for key in SHEETS}
    rr = tables.rejected_rows
    for chunk in range(0, len(import_ids), 500):
        rows = conn.execute(sa.select(rr.c.import_id, rr.c.sheet, rr.c.source_row, rr.c.cells_json).where(
            rr.c.import_id.in_(import_ids[chunk:chunk + 500]))).all()
        for import_id, sheet, source_row, cells_json in rows:
            cells = json.loads(cells_json)
            blanked = {k: (PURGED_TEXT if k in labels.get(sheet, ()) and v not in (None, "") else v) for k, v in cells.items()}
            if blanked != cells:
                conn.execute(rr.update().where(rr.c.import_id == import_id, rr.c.sheet == sheet,
                                               rr.c.source_row == source_row)
                             .values(cells_json=json.dumps(blanked, ensure_ascii=False)))


def apply_purge(engine: sa.Engine, today: dt.date, months: int, *, by: str, now: dt.datetime | None = None) -> PurgePlan:
    """Blank what `plan_purge` names, in one transaction that no import can interleave with; journal it per sector."""
    with french_errors("Purge non effectuée"), engine.begin() as conn:
        lock_imports(conn)
        plan = plan_purge(conn, today, months)
        for key, rows in (("problems", plan.problem_rows), ("actions", plan.action_rows)):
            table = tables.ROW_TABLES[key]
            values = _blank(table, free_text_fields(key))
            for import_id, problem_ids in rows.items():
                for start in range(0, len(problem_ids), 500):
                    conn.execute(table.update().where(table.c.import_id == import_id,
                                                      table.c.problem_id.in_(problem_ids[start:start + 500]))
                                 .values(**values))
        diagnostics = tables.diagnostics
        for import_id, days in plan.diagnostic_rows.items():
            conn.execute(diagnostics.update().where(diagnostics.c.import_id == import_id,
                                                    diagnostics.c.diagnosed_on.in_(days))
                         .values(**_blank(diagnostics, free_text_fields("diagnostics"))))
        partners = tables.partners
        for import_id, lines in plan.contact_rows.items():
            for source_file, source_row in lines:
                conn.execute(partners.update().where(partners.c.import_id == import_id,
                                                     partners.c.source_file == source_file,
                                                     partners.c.source_row == source_row)
                             .values(**_blank(partners, free_text_fields("partners"))))
        for start in range(0, len(plan.mail_rows), 500):
            conn.execute(mail_log.update().where(mail_log.c.id.in_(plan.mail_rows[start:start + 500]))
                         .values(email=_purged_address(), **_blank(mail_log, ("last_error",))))
        if plan.files:
            raw = tables.raw_files
            conn.execute(raw.update().where(raw.c.sha256.in_(plan.files)).values(content=b""))
            _purge_rejected_lines(conn, plan.file_imports)
        at = now or dt.datetime.now().replace(microsecond=0)
        for line in plan.counts.itertuples(index=False):
            cycle = "".join(part for part, count in ((f", {line[4]} diagnostic(s) d'un cycle terminé", line[4]),
                                                     (f", {line[5]} contact(s) retiré(s) du tableau", line[5]),
                                                     (f", {line[6]} {MAILS_BLANKED}", line[6])) if count)
            record(conn, by, "purge", f"Purge des textes libres (conservation {months} mois, problèmes clos avant le "
                   f"{plan.cutoff:%d/%m/%Y}) : {line[1]} problème(s), {line[2]} action(s), {line[3]} fichier(s) "
                   f"d'origine{cycle} effacé(s).", sector_id=line[0], at=at)
        if plan.empty:
            record(conn, by, "purge", f"Purge des textes libres (conservation {months} mois, problèmes clos avant le "
                   f"{plan.cutoff:%d/%m/%Y}) : rien à effacer.", at=at)
    return plan
