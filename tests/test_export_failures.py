"""An export that cannot be built costs the user that file, never the page (issue 10, item 12).

Each page that offers a spreadsheet builds it through `app_state.guarded_export`: a
builder that raises gives a French message with an incident reference (the traceback
goes to the log) and a disabled download button; the rest of the page is there.
"""

from __future__ import annotations

import re

import pytest

INCIDENT = re.compile(r"n'a pas pu être préparé \(incident n° \d{4}-\d{2}-\d{2}-[0-9A-F]{4}\)")
pytestmark = pytest.mark.incident_expected  # each test makes an export fail on purpose


def _broken(*args, **kwargs):
    raise OSError("disque plein")


def test_overdue_actions_page_survives_a_failing_spreadsheet(app, monkeypatch):
    import exports.xlsx

    monkeypatch.setattr(exports.xlsx, "tables_to_xlsx", _broken)
    app.run()
    app.switch_page("pages/actions_en_retard.py").run()
    assert not app.exception and not app.error  # the file is built only when asked
    app.button(key="overdue_file_prepare").click().run()
    assert not app.exception
    message = app.error[0].value.replace("\\", "")
    assert message.startswith("Le fichier des actions en retard") and INCIDENT.search(message), message
    assert len(app.dataframe) == 2  # who owes what, and the detail
    assert not [b for b in app.get("download_button") if b.proto.label == "Télécharger (.xlsx)"]
    assert app.button(key="overdue_file_prepare")  # offered again: the user may retry


def test_import_page_survives_a_failing_template(app, monkeypatch):
    import loaders.template_writer

    monkeypatch.setattr(loaders.template_writer, "template_bytes", _broken)
    app.run()
    app.switch_page("pages/import_trackers.py").run()
    assert not app.exception
    assert INCIDENT.search(app.error[0].value.replace("\\", ""))
    assert app.error[0].value.startswith("Le modèle vierge")
    assert app.file_uploader(key="uploads")  # the page goes on: files can still be dropped
