"""The meeting screen and the leadership rotation through AppTest: slides, navigation, kiosk mode."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def slide_text(app) -> str:
    return " ".join(str(h.proto.body) for h in app.get("html"))


def open_screen(app, page, **params):
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    app.switch_page(page).run()
    assert not app.exception


def test_meeting_screen_navigation(app):
    open_screen(app, "pages/mode_reunion.py", secteur="forbach")
    assert "GPO Forbach – Bellevue-Wiesberg" in slide_text(app)
    assert "Réunion du 25/11/2026" in slide_text(app)
    pause = app.button(key="meeting_forbach_pause")
    assert pause.label.startswith("Pause · 1 /")
    assert pause.proto.icon == ":material/pause:"
    app.button(key="meeting_forbach_next").click().run()
    assert "1. Depuis la dernière réunion" in slide_text(app)
    app.button(key="meeting_forbach_next").click().run()
    assert "2. Actions en retard, par partenaire" in slide_text(app)
    assert "Commissariat de Forbach" in slide_text(app)  # the one overdue action of the demo sector
    app.button(key="meeting_forbach_prev").click().run()
    assert "1. Depuis la dernière réunion" in slide_text(app)
    app.button(key="meeting_forbach_pause").click().run()
    assert app.button(key="meeting_forbach_pause").label.startswith("Défilement automatique · 2 /")
    assert app.button(key="meeting_forbach_pause").proto.icon == ":material/play_arrow:"
    for _ in range(10):  # past the last slide, back to the first
        app.button(key="meeting_forbach_next").click().run()
    assert not app.exception


def test_meeting_screen_in_kiosk_mode_has_no_menu(app):
    open_screen(app, "pages/mode_reunion.py", secteur="forbach", ecran="1", intervalle="45")
    assert "GPO Forbach – Bellevue-Wiesberg" in slide_text(app)
    assert not app.sidebar.children or not [w for w in app.selectbox if w.key and w.key.startswith("f_")]
    assert not [b for b in app.get("link_button")]


def test_meeting_screen_without_sector_asks_for_one(app):
    open_screen(app, "pages/mode_reunion.py")
    assert "Choisissez le secteur" in app.info[0].value


def test_rotation_cycles_headline_map_and_each_sector(app):
    open_screen(app, "pages/ecran_rotation.py", csp="forbach", ecran="1")
    assert "Police de sécurité du quotidien — CSP de Forbach" in slide_text(app)
    assert app.button(key="rotation_pause").label.endswith("1 / 5")  # headline, map, 3 sectors
    app.button(key="rotation_next").click().run()
    assert app.get("plotly_chart")  # the map slide
    app.button(key="rotation_next").click().run()
    assert "GPO Forbach – Bellevue-Wiesberg" in slide_text(app)


def test_meeting_pack_offered_beside_the_screen(app):
    open_screen(app, "pages/mode_reunion.py", secteur="forbach")
    assert not app.get("download_button")  # built only when asked for
    app.button(key="meeting_pack_prepare").click().run()
    button = app.get("download_button")[0]
    assert "Télécharger le dossier de réunion (PDF)" in str(button.proto.label)
