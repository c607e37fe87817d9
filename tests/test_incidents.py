"""No traceback reaches a user: a page, a fragment or a callback that fails shows a French message with an incident
number, and the server log holds the traceback under that number."""

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

import incidents

ROOT = Path(__file__).resolve().parent.parent
MESSAGE = re.compile(r"^Une erreur inattendue est survenue\. Incident n° (\d{4}-\d\d-\d\d-[0-9A-F]{4}) : "
                     r"communiquez ce numéro à l'administrateur\.$")


@pytest.mark.parametrize("when,token,expected", [
    (dt.datetime(2026, 11, 26, 9, 5), 0x7F3A, "2026-11-26-7F3A"),
    (dt.datetime(2026, 1, 2, 23, 59), 5, "2026-01-02-0005"),
    (dt.datetime(2026, 12, 31), 0xFFFF, "2026-12-31-FFFF"),
    (dt.datetime(2026, 12, 31), 0x10000, "2026-12-31-0000"),  # never more than four digits
])
def test_incident_id(when, token, expected):
    assert incidents.incident_id(when, token) == expected


def test_new_incident_id_is_today_and_random_part_varies():
    ids = {incidents.new_incident_id() for _ in range(50)}
    assert all(i.startswith(f"{dt.date.today():%Y-%m-%d}-") and re.fullmatch(r"[\d-]{10}-[0-9A-F]{4}", i) for i in ids)
    assert len(ids) > 40  # 65,536 values: 50 draws almost never collide more than a few times


def test_user_message_is_french_and_carries_the_number():
    assert MESSAGE.match(incidents.user_message("2026-11-26-7F3A")).group(1) == "2026-11-26-7F3A"


def test_log_text_has_the_number_then_the_traceback():
    def failing_step():
        raise ValueError("colonne absente")

    try:
        failing_step()
    except ValueError as error:
        text = incidents.log_text("2026-11-26-7F3A", "page", error)
    first, *rest = text.splitlines()
    assert first == "Incident n° 2026-11-26-7F3A (page) :"
    assert rest[0] == "Traceback (most recent call last):"
    assert any("in failing_step" in line for line in rest)
    assert rest[-1] == "ValueError: colonne absente"


def shown_incident(app) -> str:
    """The incident number the user reads; asserts the page shows the French message and no exception element."""
    assert not app.exception, "une trace Python est affichée"
    numbers = [m.group(1) for e in app.error if (m := MESSAGE.match(e.value))]
    assert len(numbers) == 1, [e.value for e in app.error]
    return numbers[0]


@pytest.fixture
def served(app, monkeypatch):
    """The app as a running server serves it once a first session has called st.navigation: every page runs inside
    dashboard.py (and its guard). Without this, AppTest resets Streamlit's pages/ folder discovery on each run and a
    switched-to page file runs alone, as only the very first request of a fresh server does (see
    app_state.page_filters)."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def without_folder_discovery(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", without_folder_discovery)
    return app


def logged(caplog, number: str) -> str:
    records = [r.getMessage() for r in caplog.records if r.name == "gpo.incidents" and number in r.getMessage()]
    assert len(records) == 1
    return records[0]


@pytest.mark.incident_expected
def test_page_that_fails_shows_french_message_and_logs_traceback(served, monkeypatch, caplog):
    app = served
    def broken_table(frame):
        raise RuntimeError("panne simulée du tableau")

    monkeypatch.setattr("report_tables.overdue.overdue_table", broken_table)
    app.run()
    app.switch_page("pages/actions_en_retard.py").run()
    number = shown_incident(app)
    assert app.sidebar.header[0].value == "Filtres"  # the page ran inside dashboard.py, as on a server
    assert app.title[0].value == "Actions en retard"  # what was drawn before the failure stays
    record = logged(caplog, number)
    assert record.startswith(f"Incident n° {number} (page) :\nTraceback (most recent call last):")
    assert "in broken_table" in record and "RuntimeError: panne simulée du tableau" in record
    assert "panne simulée" not in " ".join(e.value for e in app.error)  # the exception text stays on the server


@pytest.mark.incident_expected
def test_fragment_that_fails_keeps_the_rest_of_the_page(served, monkeypatch, caplog):
    app = served
    def broken_slides(agenda):
        raise KeyError("diapositive")

    monkeypatch.setattr("briefing.slides.agenda_slides", broken_slides)
    app.query_params["secteur"] = "forbach"
    app.run()
    app.switch_page("pages/mode_reunion.py").run()
    number = shown_incident(app)
    assert [b.label for b in app.get("link_button")] == ["Ouvrir l'écran de réunion"]  # outside the fragment
    assert "(fragment meeting_screen)" in logged(caplog, number)


@pytest.mark.incident_expected
def test_callback_that_fails_is_reported_on_the_next_run(served, monkeypatch, caplog):
    app = served
    import app_state

    def broken_choice(sector_id):
        raise OSError("base indisponible")

    app.run()
    app.switch_page("pages/fiche_secteur.py").run()
    monkeypatch.setattr(app_state, "choose_sector", broken_choice)
    app.selectbox(key="fiche_pick").set_value("forbach").run()
    number = shown_incident(app)
    assert "OSError: base indisponible" in logged(caplog, number)
    app.run()  # shown once, not on every later run
    assert not [e for e in app.error if MESSAGE.match(e.value)]


def test_stop_rerun_and_switch_page_pass_through_the_guard():
    from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

    for control in (StopException(), RerunException(None)):
        with pytest.raises(type(control)):
            with incidents.guard("page"):
                raise control


def test_every_callback_and_fragment_is_guarded():
    """A callback or a fragment tick runs outside the page's guard: each one must carry its own."""
    files = [ROOT / "dashboard.py", *sorted((ROOT / "app_state").glob("*.py")), *sorted((ROOT / "pages").glob("*.py"))]
    callbacks = fragments = 0
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg in ("on_click", "on_change", "on_select", "on_submit"):
                assert ast.unparse(node.value).startswith("incidents.callback("), f"{path.name}: {ast.unparse(node)}"
                callbacks += 1
            if isinstance(node, ast.FunctionDef) and any("fragment" in ast.unparse(d) for d in node.decorator_list):
                # screens refresh through app_state.live_fragment: the sign-in check, then incidents.fragment
                assert [ast.unparse(d) for d in node.decorator_list] == ["app_state.live_fragment(run_every=interval)"], \
                    path.name
                fragments += 1
            if isinstance(node, ast.Call) and ast.unparse(node.func).startswith("st.fragment"):
                assert path == ROOT / "app_state" / "screens.py", f"{path.name}: st.fragment outside app_state.live_fragment"
                wrapped = ast.unparse(node)
                assert wrapped.startswith("st.fragment(run_every=run_every)"), wrapped
    live = ast.unparse(next(n for n in ast.walk(ast.parse((ROOT / "app_state" / "screens.py").read_text(encoding="utf-8")))
                            if isinstance(n, ast.FunctionDef) and n.name == "live_fragment"))
    assert "st.fragment(run_every=run_every)(incidents.fragment(checked))" in live
    assert callbacks >= 15 and fragments == 2


def test_streamlit_shows_no_error_details_of_its_own():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
