"""A CSV holds one sheet: importing it replaces that sheet and keeps the sector's others.

The CSVs are what an animator has: the tracker's sheets saved by Excel as
« CSV (séparateur : point-virgule) » (Windows-1252, JJ/MM/AAAA, French
headers, title lines or not), built from a workbook written by the project's
own export (`tests/excel_csv.py`). A sector's three CSVs, imported together
or one after the other, from the command line or the Import page, must give
the data its workbook gives.
"""

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from conftest import AS_OF
from domain.reference import default_reference
from domain.tracker_diff import diff_summary
from excel_csv import tracker_as_excel_csvs
from loaders import load
from loaders.tracker_export import write_filled_tracker
from store import tables
from store.database import open_store
from store.imports import DUPLICATE, READY, ImportNotAllowed, Uploader, commit_import, plan_import, plan_imports
from store.queries import current_frames, import_history, import_issues, rejected_rows

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "suivi_gpo_forbach.xlsx"
ADMIN = Uploader("Cne Meyer")
SHEETS = ("meetings", "problems", "actions")
CSV = "text/csv"


def forbach_v2(folder: Path) -> Path:
    """Forbach's tracker a month later: a meeting held, P-01 and its actions deleted, a new problem with its action,
    an action done, a description with « ; », quotes and a line break (Excel quotes it)."""
    frames = {k: f.copy() for k, f in load(SAMPLE, as_of=AS_OF)[0].frames.items()}
    meetings, problems, actions = frames["meetings"], frames["problems"], frames["actions"]
    meetings.loc[meetings.index[-1], "status"] = "held"
    problems = problems[problems["problem_id"] != "P-01"].reset_index(drop=True)
    problems.loc[0, "description"] = 'Regroupements ; voir la "main courante"\nrelancé en novembre'
    new_problem = problems.iloc[[0]].assign(problem_id="P-99", reported_on=pd.Timestamp("2026-11-20"), status="open",
                                            resolved_on=pd.NaT, description="Rodéos route de Spicheren",
                                            stage="scanning", outcome=None)
    frames["problems"] = pd.concat([problems, new_problem], ignore_index=True)
    actions = actions[actions["problem_id"] != "P-01"].reset_index(drop=True)
    open_action = actions.index[actions["status"] == "in_progress"][0]
    actions.loc[open_action, ["status", "done_on"]] = ["done", pd.Timestamp("2026-11-21")]
    new_action = actions.iloc[[0]].assign(action_id="A-99", problem_id="P-99", status="todo", done_on=pd.NaT,
                                          started_on=pd.Timestamp("2026-11-21"), due_on=pd.Timestamp("2026-12-15"))
    frames["actions"] = pd.concat([actions, new_action], ignore_index=True)
    return write_filled_tracker(folder / "suivi_gpo_forbach_v2.xlsx", frames, sector=default_reference().sectors["forbach"])


def workbook_frames(workbook: Path, tmp_path: Path) -> dict[str, pd.DataFrame]:
    """What importing the workbook itself gives, in a store of its own."""
    engine = open_store(f"sqlite:///{tmp_path / 'reference.sqlite'}")
    _import(engine, workbook, accept_vanished=True)
    return current_frames(engine, ["forbach"])


def assert_same_data(stored: dict, expected: dict) -> None:
    for key in SHEETS:
        pd.testing.assert_frame_equal(stored[key].drop(columns=["source_file", "source_row"]),
                                      expected[key].drop(columns=["source_file", "source_row"]), obj=key)


def _plan(engine, path, *, sector="forbach", data=None):
    data = data if data is not None else Path(path).read_bytes()
    result = load(data, filename=Path(path).name, sector=sector, as_of=AS_OF)[0]
    return plan_import(engine, result, data, ADMIN), data


def _import(engine, path, *, accept_vanished=False, sector="forbach", data=None):
    plan, data = _plan(engine, path, sector=sector, data=data)
    if plan.status != READY:
        return plan, None
    return plan, commit_import(engine, plan, data, ADMIN, accept_vanished=accept_vanished, as_of=AS_OF)


@pytest.fixture
def engine(store_engine):  # SQLite and PostgreSQL (tests/conftest.py)
    return store_engine


@pytest.fixture(scope="session")
def forbach_v2_files(tmp_path_factory):
    """Forbach's v2 workbook, its three CSVs with title lines (`csv/`) and with headers on line 1
    (`csv_headers_first/`), and what importing the workbook alone gives: written once per session, tests get copies."""
    folder = tmp_path_factory.mktemp("forbach_v2")
    workbook = forbach_v2(folder)
    names = {key: path.name for key, path in tracker_as_excel_csvs(workbook, folder / "csv", "suivi_gpo_forbach",
                                                                    title_lines=True).items()}
    tracker_as_excel_csvs(workbook, folder / "csv_headers_first", "suivi_gpo_forbach")
    return folder, names, workbook_frames(workbook, folder)


def _copied(files, tmp_path: Path, csv_folder: str) -> dict[str, Path]:
    """The workbook and one folder of CSVs copied into this test's tmp_path: {sheet: CSV path}."""
    folder, names, _ = files
    shutil.copy(folder / "suivi_gpo_forbach_v2.xlsx", tmp_path)
    shutil.copytree(folder / csv_folder, tmp_path / "csv")
    return {key: tmp_path / "csv" / name for key, name in names.items()}


@pytest.fixture
def csvs(tmp_path, forbach_v2_files):
    return _copied(forbach_v2_files, tmp_path, "csv")


@pytest.fixture
def workbook_data(forbach_v2_files):
    """What importing Forbach's v2 workbook itself gives (`workbook_frames`), in a store of its own."""
    return {key: frame.copy() for key, frame in forbach_v2_files[2].items()}


def test_the_csvs_are_written_as_excel_writes_them(csvs):
    raw = csvs["problems"].read_bytes()
    assert raw.startswith("Suivi du GPO – Problèmes;;;;;;;;;;;;;\r\nMis à jour le 20/11/2026;;;;;;;;;;;;;\r\n"
                          ";;;;;;;;;;;;;\r\nRéf;Date de signalement;".encode("cp1252"))  # 14 columns, Étape… included
    assert b'"Regroupements ; voir la ""main courante""\nrelanc\xe9 en novembre"' in raw  # cp1252 é, quoted as Excel does
    assert b";20/11/2026;" in raw


def test_a_problems_csv_replaces_the_problems_and_keeps_meetings_and_actions(engine, csvs):
    _, first = _import(engine, SAMPLE)
    before = current_frames(engine, ["forbach"])
    plan, _ = _plan(engine, csvs["problems"])  # P-01 vanishes
    assert plan.status == READY and plan.kept_sheets == ("meetings", "actions", "diagnostics", "partners")
    assert plan.scope_message == ("Ce fichier CSV ne contient que la feuille « Problèmes » : elle remplace celle des données "
                                  "actuelles du secteur ; les feuilles « Réunions », « Actions », « Diagnostic » et "
                                  "« Partenaires » restent inchangées.")
    assert diff_summary(plan.diff).to_dict("records") == [{"Feuille": "Problèmes", "Nouvelles lignes": 1,
                                                           "Changements de statut": 0, "Autres modifications": 1,
                                                           "Lignes disparues": 1}]
    # The sector's still point at P-01, which this file deletes: said, not hidden.
    warning = next(i for i in plan.result.issues if i.code == "actions_without_problem")
    assert warning.message.startswith("Feuille « Actions » : 2 action(s) actuelle(s) du secteur se rapportent à des "
                                      "problèmes absents de ce fichier (P-01)")
    import_id = commit_import(engine, plan, csvs["problems"].read_bytes(), ADMIN, accept_vanished=True, as_of=AS_OF)
    after = current_frames(engine, ["forbach"])
    for key in ("meetings", "actions", "diagnostics", "partners"):  # the same rows, source_file and source_row included
        pd.testing.assert_frame_equal(after[key], before[key], obj=key)
    assert set(after["problems"]["source_file"]) == {"suivi_gpo_forbach_problemes.csv"}
    assert after["problems"]["problem_id"].tolist()[-1] == "P-99" and "P-01" not in after["problems"]["problem_id"].tolist()
    line = import_history(engine).set_index("import_id").loc[import_id]
    assert (line["meetings_accepted"], line["problems_read"], line["problems_accepted"], line["actions_accepted"]) == (
        len(before["meetings"]), 16, 16, len(before["actions"]))
    codes = [i.code for i in import_issues(engine, import_id)]
    assert codes[0] == "one_sheet_replaces" and "actions_without_problem" in codes  # the history says it too
    assert first < import_id


def test_first_import_of_a_sector_with_one_csv_leaves_the_other_sheets_empty(engine, csvs):
    plan, import_id = _import(engine, csvs["meetings"])
    assert plan.diff.first_import and list(plan.diff.sheets) == ["meetings"]
    assert plan.scope_message == ("Ce fichier CSV ne contient que la feuille « Réunions » : c'est le premier import de ce "
                                  "secteur, les feuilles « Problèmes » et « Actions » restent vides.")
    frames = current_frames(engine, ["forbach"])
    assert (len(frames["meetings"]), len(frames["problems"]), len(frames["actions"])) == (28, 0, 0)
    assert frames["meetings"]["source_row"].iloc[0] == 5  # two title lines and a blank one above the headers


def test_an_actions_csv_is_checked_against_the_sectors_current_problems(engine, csvs, tmp_path):
    _import(engine, SAMPLE)  # the sector's problems: P-01 … P-16, no P-99
    text = csvs["actions"].read_bytes().replace(b";P-04;", b";p-04;")  # typed differently: the same problem
    plan, import_id = _import(engine, "suivi_gpo_forbach_actions.csv", data=text, accept_vanished=True)
    assert [(i.row, i.column, i.value, i.code) for i in plan.result.issues if i.severity == "error"] == [
        (28, "Réf problème", "P-99", "unknown_current_problem")]
    assert "problems_not_checked" not in {i.code for i in plan.result.issues}  # they were checked
    assert plan.result.counts["actions"].rows_rejected == 1 and plan.has_row_errors
    stored = current_frames(engine, ["forbach"])["actions"]
    assert "A-99" not in stored["action_id"].tolist()
    assert stored.loc[stored["action_id"] == "A-07", "problem_id"].item() == "P-04"  # the problem's own spelling
    kept = rejected_rows(engine, import_id)
    assert kept["source_row"].tolist() == [28] and '"Réf problème": "P-99"' in kept["cells_json"].item()
    assert '"Échéance": "15/12/2026"' in kept["cells_json"].item()

    # Imported before its problems (the wrong order), the CSV is accepted whole once they are there.
    _, problems_import = _import(engine, csvs["problems"], accept_vanished=True)
    again, healed = _import(engine, csvs["actions"], accept_vanished=True)
    assert again.status == READY and not again.has_row_errors and healed > problems_import
    assert "A-99" in current_frames(engine, ["forbach"])["actions"]["action_id"].tolist()


def test_the_same_csv_twice_creates_nothing(engine, csvs):
    _import(engine, SAMPLE)
    _import(engine, csvs["meetings"])
    plan, import_id = _import(engine, csvs["meetings"])
    assert (plan.status, import_id) == (DUPLICATE, None)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(tables.imports)).scalar() == 2


def test_csvs_uploaded_together_are_planned_one_on_top_of_the_other(engine, csvs):
    _import(engine, SAMPLE)
    items = [(load(path, filename=path.name, sector="forbach", as_of=AS_OF)[0], path.read_bytes())
             for path in (csvs["actions"], csvs["problems"], csvs["meetings"])]
    plans = [plan for plan, _ in plan_imports(engine, items, ADMIN)]
    assert [p.file_name for p in plans] == ["suivi_gpo_forbach_reunions.csv", "suivi_gpo_forbach_problemes.csv",
                                            "suivi_gpo_forbach_actions.csv"]
    assert [p.after.file_name if p.after else None for p in plans] == [None, *[p.file_name for p in plans[:2]]]
    assert not plans[2].has_row_errors  # A-99 is checked against the uploaded P-99
    with pytest.raises(ImportNotAllowed, match="Importez d'abord « suivi_gpo_forbach_problemes.csv »"):
        commit_import(engine, plans[2], csvs["actions"].read_bytes(), ADMIN, accept_vanished=True)


@pytest.fixture
def import_cli(loaders_cli):
    """`python -m loaders import ARGS --date 2026-11-25` on the store at `url` (run in this process)."""
    return lambda *args, url: loaders_cli("import", *args, "--date", "2026-11-25", env={"GPO_DATABASE_URL": url})


def test_cli_three_csvs_together_give_the_workbooks_data(store_url, csvs, import_cli, workbook_data):
    url = store_url
    done = import_cli(str(csvs["actions"]), str(csvs["meetings"]), str(csvs["problems"]), "--secteur", "forbach", url=url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.index("suivi_gpo_forbach_reunions.csv") < done.stdout.index("suivi_gpo_forbach_problemes.csv") \
        < done.stdout.index("suivi_gpo_forbach_actions.csv")
    assert ("[Information] Ce fichier CSV ne contient que la feuille « Réunions » : c'est le premier import de ce secteur, "
            "les feuilles « Problèmes » et « Actions » restent vides.") in done.stdout
    assert ("[Information] Ce fichier CSV ne contient que la feuille « Actions » : elle remplace celle des données "
            "actuelles du secteur ; les feuilles « Réunions » et « Problèmes » restent inchangées.") in done.stdout
    assert done.stdout.count("→ Importé") == 3
    assert_same_data(current_frames(open_store(url), ["forbach"]), workbook_data)


def test_cli_three_csvs_one_after_the_other_give_the_workbooks_data(store_url, tmp_path, import_cli, forbach_v2_files,
                                                                   workbook_data):
    csvs = _copied(forbach_v2_files, tmp_path, "csv_headers_first")  # headers on line 1
    assert csvs["meetings"].read_bytes().startswith("Date;Type;Statut;Mairie;".encode("cp1252"))
    url = store_url
    assert import_cli(str(SAMPLE), url=url).returncode == 0
    for key in SHEETS:  # the sector name comes from the file names
        done = import_cli(str(csvs[key]), "--yes", url=url)
        assert done.returncode == 0 and "→ Importé" in done.stdout, done.stdout + done.stderr
    assert_same_data(current_frames(open_store(url), ["forbach"]), workbook_data)


def _import_ready_files_in_order(app, count):
    """Click each file's import button in the order shown, confirming the vanishing rows; `count` imports."""
    for _ in range(count):
        for box in [c for c in app.checkbox if c.key.startswith("vanish_") and not c.value]:
            box.check().run()
        next(b for b in app.button if b.key.startswith("import_") and not b.disabled).click().run()
        assert not app.exception


def test_import_page_three_csvs_together_give_the_workbooks_data(app, csvs, demo_store, workbook_data):
    app.run()
    app.switch_page("pages/import_trackers.py").run()
    app.text_input(key="uploader_name").input("Cne Meyer").run()
    app.file_uploader(key="uploads").set_value(
        [(csvs[k].name, csvs[k].read_bytes(), CSV) for k in ("problems", "actions", "meetings")]).run()
    headings = [m.value for m in app.markdown if m.value.startswith("#### ")]
    assert headings == [f"#### suivi_gpo_forbach_{s}.csv — Forbach – Bellevue-Wiesberg" for s in ("reunions", "problemes", "actions")]
    infos = [i.value for i in app.info]
    assert ("Ce fichier CSV ne contient que la feuille « Problèmes » : elle remplace celle des données actuelles du "
            "secteur ; les feuilles « Réunions », « Actions », « Diagnostic » et « Partenaires » restent "
            "inchangées.") in infos  # the demo store's Forbach has a diagnostic and partner contacts
    buttons = [b for b in app.button if b.key.startswith("import_")]
    assert [b.disabled for b in buttons] == [False, True, True]  # one after the other, in this order
    assert sum("Importez d'abord le fichier précédent, ci-dessus" in c.value for c in app.caption) == 2
    assert sum(m.value == "**Ce qui change une fois le fichier précédent importé**" for m in app.markdown) == 2
    assert not [r for r in app.radio if r.key.startswith("rows_")]  # A-99 checked against the uploaded P-99
    _import_ready_files_in_order(app, 3)
    assert "suivi_gpo_forbach_actions.csv, secteur Forbach – Bellevue-Wiesberg" in app.success[0].value
    assert sum("déjà la version importée" in i.value for i in app.info) == 3  # nothing left to do
    history = import_history(open_store(demo_store), ["forbach"])
    assert history["file_name"].tolist()[:3] == ["suivi_gpo_forbach_actions.csv", "suivi_gpo_forbach_problemes.csv",
                                                "suivi_gpo_forbach_reunions.csv"]
    assert_same_data(current_frames(open_store(demo_store), ["forbach"]), workbook_data)


def test_import_page_one_csv_after_the_other_gives_the_workbooks_data(app, csvs, demo_store, workbook_data):
    app.run()
    app.switch_page("pages/import_trackers.py").run()
    app.text_input(key="uploader_name").input("Cne Meyer").run()
    for key in SHEETS:
        app.file_uploader(key="uploads").set_value((csvs[key].name, csvs[key].read_bytes(), CSV)).run()
        _import_ready_files_in_order(app, 1)
    history = import_history(open_store(demo_store), ["forbach"])
    assert history["file_name"].tolist()[:3] == ["suivi_gpo_forbach_actions.csv", "suivi_gpo_forbach_problemes.csv",
                                                "suivi_gpo_forbach_reunions.csv"]
    assert_same_data(current_frames(open_store(demo_store), ["forbach"]), workbook_data)


def test_one_csv_validated_alone_still_says_its_problems_are_not_checked(csvs):
    result = load(csvs["actions"], sector="forbach", as_of=AS_OF)[0]
    assert list(result.counts) == ["actions"] and result.ok
    assert "problems_not_checked" in {i.code for i in result.issues}
