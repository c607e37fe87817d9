"""domain.partner_contacts: the contacts edited on « Relances » as the sector's next frames, computed by hand."""

from __future__ import annotations

import pandas as pd

from domain.partner_contacts import frames_with_contacts
from domain.tracker_schema import empty_frames


def _frames() -> dict[str, pd.DataFrame]:
    frames = empty_frames()
    frames["actions"] = pd.DataFrame({"sector_id": ["forbach", "stiring"], "action_id": ["A-01", "A-02"],
                                      "description": ["Patrouilles", "Éclairage"]})
    frames["partners"] = pd.DataFrame({
        "sector_id": pd.array(["forbach", "stiring"], dtype=frames["partners"]["sector_id"].dtype),
        "organisation": ["Vivest", "Mairie de Stiring"], "partner_type": ["bailleur", "mairie"],
        "contact": ["M. Bauer", None], "email": ["contact@vivest.example.org", "mairie@stiring.example.org"],
        "opted_out": pd.array([False, False], dtype="boolean"), "source_file": ["a.xlsx", "b.xlsx"],
        "source_row": [2, 2]}).astype(frames["partners"].dtypes.to_dict())
    return frames


EDITED = pd.DataFrame({
    "Organisation": ["Vivest", None, "  Mairie de Forbach ", ""],
    "Type de partenaire": ["Bailleur", None, "Mairie", None],
    "Contact": ["M. Bauer", "", None, "  "],
    "Courriel": ["bauer@vivest.example.org", None, "pas-une-adresse", None],
    "Ne plus écrire": [True, False, None, False],
})


def test_the_partners_sheet_is_replaced_and_empty_rows_left_out():
    frames = _frames()
    out = frames_with_contacts(frames, "forbach", EDITED, source_file="suivi.xlsx")
    partners = out["partners"]
    assert partners["organisation"].tolist() == ["Vivest", "Mairie de Forbach"]
    assert partners["partner_type"].tolist() == ["bailleur", "mairie"]  # codes, not the labels shown
    assert partners["contact"].tolist()[0] == "M. Bauer" and pd.isna(partners["contact"].tolist()[1])
    assert partners["email"].tolist() == ["bauer@vivest.example.org", "pas-une-adresse"]  # the check reports it
    assert partners["opted_out"].tolist() == [True, False]
    assert partners["sector_id"].tolist() == ["forbach", "forbach"]
    assert partners["source_file"].tolist() == ["suivi.xlsx", "suivi.xlsx"]
    assert partners["source_row"].tolist() == [2, 3]
    assert partners.dtypes.to_dict() == frames["partners"].dtypes.to_dict()


def test_other_sheets_are_the_sectors_rows_untouched():
    frames = _frames()
    out = frames_with_contacts(frames, "forbach", EDITED, source_file="suivi.xlsx")
    assert set(out) == set(frames)
    assert out["actions"].to_dict("records") == [{"sector_id": "forbach", "action_id": "A-01",
                                                  "description": "Patrouilles"}]
    for key in ("meetings", "problems", "diagnostics"):
        pd.testing.assert_frame_equal(out[key], frames[key].reset_index(drop=True))
    assert frames["partners"]["organisation"].tolist() == ["Vivest", "Mairie de Stiring"]  # the input is not changed


def test_every_row_deleted_leaves_an_empty_sheet():
    out = frames_with_contacts(_frames(), "forbach", EDITED.iloc[0:0], source_file="suivi.xlsx")
    assert out["partners"].empty and list(out["partners"].columns) == list(_frames()["partners"].columns)
