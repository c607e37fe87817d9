"""Generated trackers (seeded): random layouts of the same content load to the same frames."""

import random

import pandas as pd
import pytest

from conftest import AS_OF, assert_rows_accounted
from domain.tracker_schema import SHEETS
from loaders import load
from tracker_builder import base_tracker, write_xlsx

SYNONYMS = {
    "problems": {"Réf": ["N°", "Numéro", "ID", "RÉFÉRENCE"], "Statut": ["État", "ETAT D'AVANCEMENT", "Avancement"],
                 "Échéance": ["Date limite", "DATE BUTOIR", "Délai"], "Date de résolution": ["Date de clôture", "Clôturé le :"]},
    "actions": {"Partenaire responsable": ["Responsable", "PILOTE", "Porteur"], "Échéance": ["Date limite"],
                "Statut": ["État"]},
    "meetings": {"Statut": ["État"], "Nombre de participants": ["Participants"]},
}


@pytest.mark.parametrize("seed", range(12))
def test_layout_variants_give_identical_frames(seed, tmp_path):
    rng = random.Random(seed)
    tracker = base_tracker(seed=100 + seed, problems=rng.randint(3, 15))
    plain = tmp_path / "plain.xlsx"
    write_xlsx(plain, tracker)
    order = {key: rng.sample([c.label for c in SHEETS[key].columns], len(SHEETS[key].columns)) for key in SHEETS}
    headers = {key: {label: rng.choice(words) for label, words in syns.items() if rng.random() < 0.7}
               for key, syns in SYNONYMS.items()}
    variant = tmp_path / "variant.xlsx"
    write_xlsx(variant, tracker, title_lines=rng.randint(0, 4), headers=headers, column_order=order,
               blank_every=rng.choice([0, 2, 5]), extra_columns={"problems": {"Divers": ["a", "", "b"]}},
               sheet_names={"meetings": rng.choice(["Réunions", "REUNIONS", "réunion"]),
                            "problems": rng.choice(["Problèmes", "problemes", "PROBLÈME"]),
                            "actions": rng.choice(["Actions", "action", "Plan d'actions"])})
    expected = load(plain, sector="stiring", as_of=AS_OF)[0]
    got = load(variant, sector="stiring", as_of=AS_OF)[0]
    assert_rows_accounted(got)
    assert got.ok and expected.ok
    for key in SHEETS:
        left = expected.frames[key].drop(columns=["source_file", "source_row"])
        right = got.frames[key].drop(columns=["source_file", "source_row"])
        pd.testing.assert_frame_equal(left, right)
