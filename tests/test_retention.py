"""The retention purge (`python -m store purge`): closed problems and their actions lose their free text after the
retention period, every indicator stays the same, the dry run changes nothing, the purge is journaled; on SQLite and
PostgreSQL. And the decision itself (`domain.retention`), on hand-made histories.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import pandas as pd
import pytest
import sqlalchemy as sa

from domain.indicators.engine import sector_figures
from domain.reference import default_reference
from domain.retention import (PURGED_TEXT, ClosedProblem, EndedDiagnostic, closed_problems, ended_diagnostics,
                              free_text_fields, gone_contacts, months_before)
from store import tables
from store.audit import read_audit
from store.queries import current_frames, import_frames, import_history, raw_file, rejected_rows
from store.retention import apply_purge, plan_purge
from store_content import AS_OF, GONE_CONTACT, REJECTED_TEXT, dump, fill_store

TODAY = dt.date(2030, 6, 1)  # with 36 months: problems closed before 1 June 2027, i.e. all the closed ones here
REF = default_reference()


# --- the decision ----------------------------------------------------------------------------------------------------
def _history(rows: list[tuple]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """rows: (import_id, day imported, ref, status, resolved_on) of one sector's imports."""
    imports = pd.DataFrame(sorted({(i, "s", pd.Timestamp(day)) for i, day, *_ in rows}),
                           columns=["import_id", "sector_id", "imported_at"])
    problems = pd.DataFrame([(i, "s", ref, status, pd.Timestamp(res) if res else pd.NaT)
                             for i, _, ref, status, res in rows if ref],
                            columns=["import_id", "sector_id", "ref_key", "status", "resolved_on"])
    return imports, problems


def test_when_a_problem_counts_as_closed():
    imports, problems = _history([
        (1, "2025-01-10", "RESOLVED", "resolved", "2024-12-20"),
        (1, "2025-01-10", "DROPPED", "open", None),
        (1, "2025-01-10", "REOPENED", "resolved", "2024-12-01"),
        (1, "2025-01-10", "TAKEN-OUT", "open", None),
        (1, "2025-01-10", "OPEN", "in_progress", None),
        (2, "2025-03-05", "RESOLVED", "resolved", "2024-12-20"),
        (2, "2025-03-05", "DROPPED", "dropped", None),
        (2, "2025-03-05", "REOPENED", "resolved", "2024-12-01"),
        (2, "2025-03-05", "OPEN", "in_progress", None),
        (3, "2025-06-30", "RESOLVED", "resolved", "2024-12-20"),
        (3, "2025-06-30", "DROPPED", "dropped", None),
        (3, "2025-06-30", "REOPENED", "open", None),
        (3, "2025-06-30", "OPEN", "in_progress", None),
    ])
    assert closed_problems(imports, problems) == [
        ClosedProblem("s", "DROPPED", dt.date(2025, 3, 5)),  # no date of its own: the first import that showed it dropped
        ClosedProblem("s", "RESOLVED", dt.date(2024, 12, 20)),  # its resolution date
        ClosedProblem("s", "TAKEN-OUT", dt.date(2025, 3, 5)),  # the import that took it out of the tracker
    ]  # reopened and open: not closed
    assert closed_problems(imports, problems.iloc[0:0]) == []


def test_the_retention_period_in_calendar_months():
    assert months_before(dt.date(2030, 6, 1), 36) == dt.date(2027, 6, 1)
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2028, 2, 29), 12) == dt.date(2027, 2, 28)
    assert months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)
    assert free_text_fields("problems") == ("location", "description", "reported_by")
    assert free_text_fields("actions") == ("description", "comment")
    assert free_text_fields("diagnostics") == ("title", "summary")  # the priority problems are references: kept
    assert free_text_fields("partners") == ("contact", "email")


def test_when_a_diagnostics_cycle_ends_and_when_a_contact_is_gone():
    imports = pd.DataFrame([(1, "s", pd.Timestamp("2025-01-10")), (2, "s", pd.Timestamp("2025-06-30")),
                            (3, "s", pd.Timestamp("2026-02-01"))], columns=["import_id", "sector_id", "imported_at"])
    diagnostics = pd.DataFrame([(1, "s", "2024-03-01"), (1, "s", "2024-11-01"),
                                (2, "s", "2024-03-01"), (2, "s", "2024-11-01"), (2, "s", "2025-06-01"),
                                (3, "s", "2024-03-01"), (3, "s", "2025-06-01")],  # 01/11/2024 taken out by import 3
                               columns=["import_id", "sector_id", "diagnosed_on"]).astype({"diagnosed_on": "datetime64[us]"})
    assert ended_diagnostics(imports, diagnostics) == [
        EndedDiagnostic("s", dt.date(2024, 3, 1), dt.date(2025, 6, 1)),  # the next diagnostic of the current import
        EndedDiagnostic("s", dt.date(2024, 11, 1), dt.date(2026, 2, 1)),  # the import that took it out
    ]  # 01/06/2025, the latest: its cycle runs
    assert ended_diagnostics(imports, diagnostics.iloc[0:0]) == []
    contacts = pd.DataFrame([(1, "s", "a"), (2, "s", "a"), (3, "s", "a"), (1, "s", "b"), (1, "s", "c"), (2, "s", "c")],
                            columns=["import_id", "sector_id", "contact_key"])
    assert gone_contacts(imports, contacts, dt.date(2026, 1, 1)) == {("s", "b")}  # gone 30/06/2025; c on 01/02/2026
    assert gone_contacts(imports, contacts, dt.date(2026, 2, 2)) == {("s", "b"), ("s", "c")}


# --- the purge in a store --------------------------------------------------------------------------------------------
@pytest.fixture
def filled_store(new_filled_store):
    """(URL, import ids) of a copy of the store `fill_store` filled once per session and engine."""
    return new_filled_store(fill_store)


@pytest.fixture
def store_url(filled_store):  # overrides tests/conftest.py's: every store of this module starts filled
    return filled_store[0]


@pytest.fixture
def filled(store_engine, filled_store):
    return store_engine, filled_store[1]


def _all_imports(engine) -> dict[int, dict[str, pd.DataFrame]]:
    with engine.connect() as conn:
        return {int(i): import_frames(conn, int(i)) for i in import_history(engine)["import_id"]}


def _without_text(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {key: frame.drop(columns=list(free_text_fields(key))) for key, frame in frames.items()}


def _figures(engine) -> pd.DataFrame:
    frames = current_frames(engine)
    latest = import_history(engine).groupby("sector_id")["imported_at"].max()
    last = {sector: pd.Timestamp(moment).to_pydatetime() for sector, moment in latest.items()}
    return sector_figures(frames, REF, list(REF.sectors), AS_OF, dt.date(2026, 1, 1), last).table


def test_the_dry_run_lists_per_sector_and_changes_nothing(filled):
    engine, _ = filled
    before = dump(engine)
    with engine.connect() as conn:
        plan = plan_purge(conn, TODAY, 36)
    assert plan.cutoff == dt.date(2027, 6, 1)
    # forbach: its 11 resolved problems (P-01 taken out included) and their actions; marly: every problem and its
    # file; stiring: its resolved ones
    counts = plan.counts.set_index("Secteur")
    assert list(counts.index) == ["forbach", "marly", "stiring"]
    assert counts.loc["marly", "Fichiers d'origine"] == 1 and counts.loc["forbach", "Fichiers d'origine"] == 0
    assert counts.loc["forbach", "Problèmes"] == 11
    with engine.connect() as conn:
        nothing = plan_purge(conn, AS_OF, 36)  # today: nothing has been closed for three years
    assert nothing.empty
    assert dump(engine) == before


def test_the_purge_blanks_the_free_text_and_keeps_every_figure(filled, store_engine_name):
    engine, ids = filled
    imports_before, figures_before = _all_imports(engine), _figures(engine)
    marly_sha = import_history(engine).set_index("import_id").loc[ids["marly"], "sha256"]
    forbach_sha = import_history(engine).set_index("import_id").loc[ids["forbach_1"], "sha256"]
    plan = apply_purge(engine, TODAY, 36, by="admin (test)", now=dt.datetime(2030, 6, 1, 2, 0))
    after = _all_imports(engine)

    # every import, the older ones too: the same rows, the same values outside the free text
    assert after.keys() == imports_before.keys()
    for import_id, frames in after.items():
        for key, frame in _without_text(frames).items():
            pd.testing.assert_frame_equal(frame, _without_text(imports_before[import_id])[key], obj=f"{import_id} {key}")
    pd.testing.assert_frame_equal(_figures(engine), figures_before)

    # closed problems and their actions: text gone; open ones untouched
    for import_id, frames in after.items():
        problems, old = frames["problems"], imports_before[import_id]["problems"]
        closed = problems["status"].isin(["resolved", "dropped"])
        for column in free_text_fields("problems"):
            assert set(problems.loc[closed, column].dropna()) <= {PURGED_TEXT}, (import_id, column)
            assert problems.loc[~closed, column].equals(old.loc[~closed, column])
        assert (problems.loc[closed, "description"] == PURGED_TEXT).all()
        actions, old_actions = frames["actions"], imports_before[import_id]["actions"]
        of_closed = actions["problem_id"].isin(set(problems.loc[closed, "problem_id"]))
        assert (actions.loc[of_closed, "description"] == PURGED_TEXT).all()
        assert actions.loc[~of_closed, "description"].equals(old_actions.loc[~of_closed, "description"])
    first = after[ids["forbach_1"]]["problems"].set_index("problem_id")
    assert first.loc["P-01", "description"] == PURGED_TEXT  # taken out by the second import: closed too

    # marly's file held only closed problems: its content is gone, its record stays; forbach's file is kept
    assert raw_file(engine, marly_sha) is None and raw_file(engine, forbach_sha) is not None
    assert len(import_history(engine)) == 4
    kept = rejected_rows(engine, ids["marly"])
    cells = json.loads(kept["cells_json"].item())
    assert cells["Description"] == PURGED_TEXT and cells["Réf"] == "P-99"
    with engine.connect() as conn:
        kept_as_typed = conn.execute(sa.select(tables.rejected_rows.c.cells_json)).scalars().all()
    assert not [text for text in kept_as_typed if REJECTED_TEXT in text]

    # journaled: who, when, how many, per sector
    journal = read_audit(engine, event="purge")
    assert sorted(journal["Secteur"]) == ["forbach", "marly", "stiring"]
    line = journal.set_index("Secteur").loc["marly"]
    assert (line["Utilisateur"], line["Date"]) == ("admin (test)", pd.Timestamp("2030-06-01 02:00"))
    counts = plan.counts.set_index("Secteur").loc["marly"]
    assert line["Détail"] == (f"Purge des textes libres (conservation 36 mois, problèmes clos avant le 01/06/2027) : "
                              f"{counts['Problèmes']} problème(s), {counts['Actions']} action(s), 1 fichier(s) "
                              "d'origine effacé(s).")

    # a second purge finds nothing left, and says so in the journal
    again = apply_purge(engine, TODAY, 36, by="admin (test)", now=dt.datetime(2030, 7, 1, 2, 0))
    assert again.empty
    assert read_audit(engine, event="purge").iloc[0]["Détail"].endswith(": rien à effacer.")


@pytest.fixture
def store_cli(monkeypatch, capsys):
    from cli.admin import main

    def run(url, *args, env=None):
        monkeypatch.setenv("GPO_DATABASE_URL", url)
        monkeypatch.delenv("GPO_RETENTION_MOIS", raising=False)
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return run


def test_the_purge_command(filled, store_url, store_cli):
    engine, _ = filled
    before = dump(engine)
    dry = store_cli(store_url, "purge", "--date", "2030-06-01")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("Conservation : 36 mois ; problèmes clos (résolus, abandonnés ou retirés du tableau) "
                                 "avant le 01/06/2027.\n")
    assert "Secteur  Problèmes  Actions  Fichiers d'origine" in dry.stdout and "marly" in dry.stdout
    assert dry.stdout.rstrip().endswith("Simulation : rien n'est effacé. Relancez avec --appliquer pour effacer.")
    assert dump(engine) == before
    # the retention from the environment; --mois wins over it
    assert "avant le 01/06/2029" in store_cli(store_url, "purge", "--date", "2030-06-01",
                                              env={"GPO_RETENTION_MOIS": "12"}).stdout
    assert "Rien à effacer." in store_cli(store_url, "purge", "--date", "2030-06-01", "--mois", "120",
                                          env={"GPO_RETENTION_MOIS": "12"}).stdout
    wrong = store_cli(store_url, "purge", env={"GPO_RETENTION_MOIS": "trois ans"})
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == ("Erreur : GPO_RETENTION_MOIS : durée invalide « trois ans » (attendu : un nombre "
                                    "entier de mois, 1 ou plus).")
    assert store_cli(store_url, "purge", "--mois", "0").returncode == 2
    assert dump(engine) == before
    done = store_cli(store_url, "purge", "--date", "2030-06-01", "--appliquer")
    assert done.returncode == 0, done.stderr
    assert "Textes effacés et purge inscrite au journal." in done.stdout
    assert "(ligne de commande)" in read_audit(engine, event="purge").iloc[0]["Utilisateur"]
    assert current_frames(engine, ["marly"])["problems"]["description"].eq(PURGED_TEXT).all()


def test_a_problem_closed_recently_keeps_its_text(filled):
    engine, ids = filled
    resolved = current_frames(engine, ["forbach"])["problems"].query("status == 'resolved'")
    latest = resolved["resolved_on"].max().date()  # the last resolution in Forbach's tracker
    today = dt.date(latest.year + 3, latest.month, latest.day)  # exactly 36 months later: not yet past
    apply_purge(engine, today, 36, by="admin (test)")
    problems = current_frames(engine, ["forbach"])["problems"].set_index("problem_id")
    last = resolved.loc[resolved["resolved_on"] == resolved["resolved_on"].max(), "problem_id"].iloc[0]
    assert problems.loc[last, "description"] != PURGED_TEXT
    assert (problems.loc[problems["resolved_on"] < pd.Timestamp(latest), "description"] == PURGED_TEXT).any()


def test_running_servers_show_the_purged_text_without_a_restart(app, demo_store, tmp_path):
    """The pages' caches are keyed by the current imports; a purge changes rows in place, so it bumps the store's
    generation (`store.queries.rows_generation`) that every key carries: the overdue actions of a sector whose
    problems are all resolved show their purge mark at the next run (within the second the import state is kept),
    with the same delays."""
    from domain.reference import default_reference as reference_of
    from loaders.tracker_export import write_filled_tracker
    from store.database import open_store
    from store.queries import rows_generation
    from store_content import import_file
    from store_content import _frames as sample_frames

    frames = sample_frames("suivi_gpo_marly.xlsx")  # every problem resolved, their actions left as they were
    problems = frames["problems"]
    problems["status"] = "resolved"
    problems["resolved_on"] = (problems["reported_on"] + pd.Timedelta(days=20)).clip(upper=pd.Timestamp(AS_OF))
    path = write_filled_tracker(tmp_path / "suivi_gpo_marly.xlsx", frames, sector=reference_of().sectors["marly"])
    engine = open_store(demo_store)
    import_file(engine, path, dt.datetime(2026, 11, 25, 8))

    def marly_overdue():
        app.switch_page("pages/actions_en_retard.py").run()
        assert not app.exception
        table = next(t.value for t in app.dataframe if "Action" in t.value.columns)
        return table[table["Secteur"] == "Marly"].reset_index(drop=True)

    app.run()
    before = marly_overdue()
    assert len(before) and not (before["Action"] == PURGED_TEXT).any()
    assert rows_generation(engine) == 0
    apply_purge(engine, TODAY, 36, by="admin (test)")
    assert rows_generation(engine) > 0
    deadline = dt.datetime.now() + dt.timedelta(seconds=60)
    while not (after := marly_overdue())["Action"].eq(PURGED_TEXT).all():
        assert dt.datetime.now() < deadline, after["Action"].tolist()
    pd.testing.assert_frame_equal(after.drop(columns=["Action"]), before.drop(columns=["Action"]))
    # Marly's files held only problems now closed for years: the history says its original is no longer kept
    marly = import_history(engine).query("sector_id == 'marly'")["import_id"].max()
    app.switch_page("pages/import_history.py").run()
    app.selectbox(key="history_import").set_value(int(marly)).run()
    assert not app.exception
    assert [c.value for c in app.caption if "plus conservé" in c.value] == [
        "Le fichier d'origine n'est plus conservé : la durée de conservation des textes de ses problèmes, tous clos, "
        "est dépassée."]
    assert not [b for b in app.get("download_button") if b.proto.label == "Télécharger le fichier d'origine"]
    engine.dispose()


def test_the_purge_blanks_ended_diagnostics_and_contacts_taken_out(filled):
    """Forbach's first diagnostic (14/10/2025) ended when the second began (26/09/2026); its contact who left was
    taken out by the second import (20/11/2026): both before the cutoff of 01/06/2027. Stiring's first diagnostic too."""
    engine, ids = filled
    with engine.connect() as conn:
        plan = plan_purge(conn, TODAY, 36)
    counts = plan.counts.set_index("Secteur")
    assert counts.loc["forbach", ["Diagnostics", "Contacts"]].tolist() == [1, 1]
    assert counts.loc["stiring", ["Diagnostics", "Contacts"]].tolist() == [1, 0]
    assert counts.loc["marly", ["Diagnostics", "Contacts"]].tolist() == [0, 0]  # its only diagnostic still runs
    apply_purge(engine, TODAY, 36, by="admin (test)", now=dt.datetime(2030, 6, 1, 2, 0))
    with engine.connect() as conn:
        for import_id in (ids["forbach_1"], ids["forbach_2"]):
            frames = import_frames(conn, import_id)
            diagnostics = frames["diagnostics"].set_index("diagnosed_on")
            ended, running = diagnostics.loc[pd.Timestamp("2025-10-14")], diagnostics.loc[pd.Timestamp("2026-09-26")]
            assert (ended["title"], ended["summary"]) == (PURGED_TEXT, PURGED_TEXT)
            assert (ended["priority_problem_ids"], ended["shared_on"]) == ("P-01", pd.Timestamp("2025-11-03"))
            assert running["title"] == "Diagnostic local de sécurité 2026" and running["summary"] != PURGED_TEXT
        old_contacts = import_frames(conn, ids["forbach_1"])["partners"]
        current_contacts = import_frames(conn, ids["forbach_2"])["partners"]
    left = old_contacts[old_contacts["contact"] == PURGED_TEXT]
    assert left[["organisation", "email"]].values.tolist() == [["Mairie de Forbach", PURGED_TEXT]]
    assert GONE_CONTACT not in set(old_contacts["email"]) and len(old_contacts) == 8
    assert not current_contacts["email"].eq(PURGED_TEXT).any() and len(current_contacts) == 7
    line = read_audit(engine, event="purge").set_index("Secteur").loc["forbach", "Détail"]
    assert line.endswith(", 1 diagnostic(s) d'un cycle terminé, 1 contact(s) retiré(s) du tableau, 1 courriel(s) aux "
                         "partenaires (adresse et erreur) effacé(s).")  # the reminder claimed in 2026 (store_content)


# --- the e-mails sent to partners (mail_log) -------------------------------------------------------------------------
def _mail(engine, sector: str, email: str, kind: str, period: str, at: dt.datetime, *, error: str | None = None,
          retried_at: dt.datetime | None = None):
    """A message as the mail layer records it: claimed, then refused (`error`) or sent; refused then sent again at
    `retried_at` when both are given."""
    from store.mail_log import MailContent, claim, mark_failed, mark_sent

    content = MailContent(sector, email, kind, period, at.date(), ("Sainte-Barbe Habitat",), 2, 1, "a" * 64)
    row = claim(engine, content, at, None)
    if error is not None:
        row = mark_failed(engine, row, error, at, actor="gpo (cron)", detail=f"Relance à {email} : échec")
        if retried_at is None:
            return row
        row = claim(engine, content, retried_at, row)
        at = retried_at
    return mark_sent(engine, row, at, actor="gpo (cron)", detail=f"Relance à {email} : envoyée")


def _mail_rows(engine) -> dict[int, dict]:
    from store.mail_tables import mail_log

    with engine.connect() as conn:
        return {r["id"]: dict(r) for r in conn.execute(sa.select(mail_log)).mappings()}


REFUSED = "Adresse refusée par le serveur de messagerie (l.durand@sbh.example : 550 5.1.1 Utilisateur inconnu)."


def test_the_purge_blanks_the_address_and_error_of_old_mail_and_keeps_the_rest(filled, store_url, store_cli):
    """Cutoff 01/06/2027: two messages of the same week to two contacts of a sector (the log's key then needs the row
    number), a refused one, a compte rendu the evening before the cutoff: blanked; a message first refused before the
    cutoff but sent after it, and a later one: untouched. (The store also holds a reminder claimed in 2026.)"""
    engine, _ = filled
    old_sent = _mail(engine, "forbach", "weber@forbach.example", "relance", "2027-W10", dt.datetime(2027, 3, 8, 7))
    old_same_week = _mail(engine, "forbach", "l.durand@sbh.example", "relance", "2027-W10", dt.datetime(2027, 3, 8, 7),
                          error=REFUSED)
    eve = _mail(engine, "marly", "accueil@marly.example", "compte_rendu", "2027-05-31", dt.datetime(2027, 5, 31, 23, 59))
    retried = _mail(engine, "stiring", "roth@forbus.example", "relance", "2027-W22", dt.datetime(2027, 5, 31, 7),
                    error=REFUSED, retried_at=dt.datetime(2027, 6, 1, 7))
    recent = _mail(engine, "forbach", "weber@forbach.example", "relance", "2029-W02", dt.datetime(2029, 1, 8, 7),
                   error=REFUSED)
    before = _mail_rows(engine)
    old_ids = {r["id"] for r in before.values() if r["created_at"] < dt.datetime(2027, 1, 1)}  # the 2026 claim
    blanked = old_ids | {old_sent.id, old_same_week.id, eve.id}

    # the dry run counts them per sector and changes nothing
    dump_before = dump(engine)
    with engine.connect() as conn:
        plan = plan_purge(conn, TODAY, 36)
    assert sorted(plan.mail_rows) == sorted(blanked)
    assert plan.counts.set_index("Secteur")["Courriels"].to_dict() == {"forbach": 3, "marly": 1, "stiring": 0}
    dry = store_cli(store_url, "purge", "--date", "2030-06-01")
    assert dry.returncode == 0, dry.stderr
    assert "Courriels" in dry.stdout.splitlines()[1]  # the table's heading
    assert ", 4 courriel(s) aux partenaires (adresse et erreur) à effacer." in dry.stdout
    assert ("Courriels aux partenaires dont le dernier essai est antérieur au 01/06/2027 : l'adresse du destinataire "
            "et le texte d'erreur sont effacés ; secteur, type, période, statut et dates restent pour les "
            "statistiques.") in dry.stdout
    assert dump(engine) == dump_before

    apply_purge(engine, TODAY, 36, by="admin (test)", now=dt.datetime(2030, 6, 1, 2, 0))
    after = _mail_rows(engine)
    assert after.keys() == before.keys()  # no row deleted
    for row_id, row in after.items():
        old = before[row_id]
        if row_id not in blanked:
            assert row == old, row_id
            continue
        assert row["email"] == f"{PURGED_TEXT} (n° {row_id})"
        assert row["last_error"] == (PURGED_TEXT if old["last_error"] else old["last_error"])
        kept = ["sector_id", "kind", "period", "as_of", "organisations", "action_count", "overdue_count", "status",
                "attempts", "created_at", "last_attempt_at", "sent_at", "content_sha256"]
        assert {k: row[k] for k in kept} == {k: old[k] for k in kept}
    assert (after[old_same_week.id]["status"], after[old_same_week.id]["last_error"]) == ("failed", PURGED_TEXT)
    assert after[retried.id]["email"] == "roth@forbus.example" and after[recent.id]["last_error"] == REFUSED
    assert not [r for r in after.values() if "l.durand@sbh.example" in f"{r['email']} {r['last_error']}"
                and r["id"] in blanked]
    line = read_audit(engine, event="purge").set_index("Secteur").loc["forbach", "Détail"]
    assert line.endswith(", 3 courriel(s) aux partenaires (adresse et erreur) effacé(s).")

    # a second purge changes nothing
    dump_after = dump(engine)
    with engine.connect() as conn:
        assert plan_purge(conn, TODAY, 36).mail_rows == []
    again = apply_purge(engine, TODAY, 36, by="admin (test)", now=dt.datetime(2030, 7, 1, 2, 0))
    assert again.empty
    dump_again = dump(engine)
    assert {k: v for k, v in dump_again.items() if k != "audit_log"} == \
        {k: v for k, v in dump_after.items() if k != "audit_log"}
