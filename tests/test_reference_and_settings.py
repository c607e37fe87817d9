"""Reference data (CSP, sectors, communes, map contours) and the site's own synonyms."""

import json
from pathlib import Path

from conftest import AS_OF, FIXTURES, issue_tuples
from domain.reference import REFERENCE_DIR, default_reference
from loaders import load
from loaders.settings import read_settings


def test_moselle_communes_and_contours():
    reference = default_reference()
    assert len(reference.communes) == 725
    assert all(code.startswith("57") for code in reference.communes)
    assert 1_000_000 < sum(c.population for c in reference.communes.values()) < 1_100_000
    geo = json.loads((REFERENCE_DIR / "communes.geojson").read_text(encoding="utf-8"))
    assert len(geo["features"]) == 725
    assert {f["id"] for f in geo["features"]} == set(reference.communes)
    assert (REFERENCE_DIR / "communes.geojson").stat().st_size < 600_000


def test_seven_csp_seventeen_sectors():
    reference = default_reference()
    assert len(reference.csps) == 7 and len(reference.sectors) == 17
    forbach = reference.sectors["forbach"]
    assert (forbach.qrr, forbach.reinforcements, forbach.csp_id) == (True, 9, "forbach")
    assert reference.match_csp("Freming-Merlebach").csp_id == "freyming-merlebach"
    assert sum(1 for s in reference.sectors.values() if s.constituted_on is None) >= 1
    communes = [c for s in reference.sectors.values() for c in s.communes]
    assert len(communes) == len(set(communes)) and set(communes) <= set(reference.communes)


def test_commune_matching():
    reference = default_reference()
    assert reference.match_commune("ST AVOLD").name == "Saint-Avold"
    assert reference.match_commune("montigny les metz").insee == "57480"
    assert reference.match_commune("Metz - Borny").name == "Metz"
    assert reference.match_commune("57227").name == "Forbach"
    assert reference.match_commune("Paris") is None


def test_site_synonyms_from_settings_file(tmp_path):
    settings_file = tmp_path / "synonymes.toml"
    settings_file.write_text(
        '[entetes.problemes]\n"Catégorie" = ["Thématique GPO"]\n'
        '[valeurs.statut_probleme]\n"Résolu" = ["Soldé"]\n'
        '[categories]\n"Mendicité agressive" = ["mendicité"]\n', encoding="utf-8")
    settings = read_settings(settings_file)
    csv_text = ("Réf;Date de signalement;Commune;Thématique GPO;Statut;Date de résolution\n"
                "P-1;12/03/2026;Spicheren;mendicité;Soldé;20/03/2026\n"
                "P-2;12/03/2026;Spicheren;Vols;Soldé;20/03/2026\n")
    result = load(csv_text.encode("utf-8"), filename="problemes.csv", sector="stiring", as_of=AS_OF, settings=settings)[0]
    assert issue_tuples(result) == []
    assert result.frames["problems"]["status"].tolist() == ["resolved", "resolved"]
    assert result.frames["problems"]["category"].tolist() == ["Mendicité agressive", "Vols"]
    plain = load(csv_text.encode("utf-8"), filename="problemes.csv", sector="stiring", as_of=AS_OF)[0]
    assert not plain.ok  # without the site's file, the header and the words are unknown
