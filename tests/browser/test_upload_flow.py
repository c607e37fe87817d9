"""An animator uploads a tracker through the real file input; leadership's figures change accordingly."""

from pathlib import Path

import pandas as pd
from playwright.sync_api import expect

from loaders import load

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "row-errors.xlsx"


def overdue_actions(frames: list[pd.DataFrame]) -> int:
    actions = pd.concat(frames)
    late = actions["status"].isin(["todo", "in_progress"]) & (actions["due_on"] < pd.Timestamp("2026-11-25"))
    return int(late.sum())


def expected_overdue() -> tuple[int, int]:
    """Overdue actions at the demo date: before, and with Stiring-Wendel's tracker replaced by the uploaded one."""
    samples = [r for p in sorted((ROOT / "sample_data").iterdir()) for r in load(p)]
    before = overdue_actions([r.frames["actions"] for r in samples])
    uploaded = load(FIXTURE, sector="stiring")[0].frames["actions"]
    after = overdue_actions([r.frames["actions"] for r in samples if r.sector_id != "stiring"] + [uploaded])
    return before, after


def test_upload_report_confirm_and_home_figures(visit):
    tab = visit("1920x1080")
    tab.open("/")
    page = tab.page
    expected_before, expected_after = expected_overdue()
    assert expected_before != expected_after  # the upload must change what the director reads
    overdue = page.locator("[data-testid=stMetric]").filter(has_text="Actions en retard").locator(
        "[data-testid=stMetricValue]")
    assert int(overdue.inner_text()) == expected_before
    tab.open("/import_trackers")
    name = page.locator("[data-testid=stTextInput] input").first
    name.fill("Cne Meyer")
    page.keyboard.press("Enter")
    sector = page.locator("[data-testid=stSelectbox]").filter(has=page.get_by_text("Secteur des fichiers", exact=True))
    sector.click()
    page.get_by_role("option", name="Stiring-Wendel").click()
    expect(sector.get_by_role("combobox")).to_have_value("Stiring-Wendel")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(FIXTURE))
    expect(page.get_by_text("Rapport de contrôle")).to_be_visible()  # the file has been read and checked
    tab.wait_idle()
    assert page.get_by_text("n'est pas une date valide", exact=False).count() >= 1 or page.locator(
        "[data-testid=stDataFrame]").count() >= 1
    tab.shot("import_rapport_1920x1080")
    page.get_by_text("Je confirme que ces", exact=False).click()
    button = page.get_by_role("button", name="Importer 15 ligne(s)")
    expect(button).to_be_enabled()  # the confirmation and the name have reached the server
    button.click()
    expect(page.get_by_text("enregistré : row-errors.xlsx, secteur Stiring-Wendel", exact=False)).to_be_visible()
    tab.wait_idle()
    tab.shot("import_confirme_1920x1080")
    tab.open("/")
    assert int(overdue.inner_text()) == expected_after
    tab.shot("accueil_apres_import_1920x1080")
    assert not tab.real_errors()
