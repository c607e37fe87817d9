"""An animator uploads a tracker through the real file input; leadership's figures change accordingly."""

from pathlib import Path

import pandas as pd

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
    before = page.locator("[data-testid=stMetric]").filter(has_text="Actions en retard").locator(
        "[data-testid=stMetricValue]").inner_text()
    assert int(before) == expected_before
    tab.open("/import_trackers")
    page.locator("[data-testid=stTextInput] input").first.fill("Cne Meyer")
    page.keyboard.press("Enter")
    page.wait_for_timeout(800)
    page.locator("[data-testid=stSelectbox]").filter(has=page.get_by_text("Secteur des fichiers", exact=True)).click()
    page.get_by_role("option", name="Stiring-Wendel").click()
    page.wait_for_timeout(800)
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(FIXTURE))
    page.wait_for_timeout(4000)
    assert page.get_by_text("Rapport de contrôle").is_visible()
    assert page.get_by_text("n'est pas une date valide", exact=False).count() >= 1 or page.locator(
        "[data-testid=stDataFrame]").count() >= 1
    tab.shot("import_rapport_1920x1080")
    page.get_by_text("Je confirme que ces", exact=False).click()
    page.wait_for_timeout(800)
    page.get_by_role("button", name="Importer 15 ligne(s)").click()
    page.wait_for_timeout(3000)
    assert page.get_by_text("enregistré : row-errors.xlsx, secteur Stiring-Wendel", exact=False).is_visible()
    tab.shot("import_confirme_1920x1080")
    tab.open("/")
    after = page.locator("[data-testid=stMetric]").filter(has_text="Actions en retard").locator(
        "[data-testid=stMetricValue]").inner_text()
    assert int(after) == expected_after
    tab.shot("accueil_apres_import_1920x1080")
    assert not tab.real_errors()
