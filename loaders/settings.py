"""Site settings: synonyms a site adds for its own headers, values, categories and sheet names.

Read from `config/synonymes.toml` (or the file named by GPO_SETTINGS_FILE). A
missing file means no extra synonyms; a malformed one is a configuration error
for the administrator, raised once at start, not a data problem.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from domain.text import fold
from domain.vocabulary import VOCABULARIES

DEFAULT_SETTINGS = Path(__file__).resolve().parent.parent / "config" / "synonymes.toml"

_SHEET_KEYS = {"reunions": "meetings", "reunion": "meetings", "problemes": "problems", "probleme": "problems",
               "actions": "actions", "action": "actions", "secteur": "sector", "diagnostic": "diagnostics",
               "diagnostics": "diagnostics", "partenaires": "partners", "partenaire": "partners"}
_VOCAB_KEYS = {
    "statut probleme": "problem_status",
    "statut action": "action_status",
    "statut reunion": "meeting_status",
    "type reunion": "meeting_kind",
    "priorite": "priority",
    "type partenaire": "partner_type",
    "categorie": "category",
    "etape": "problem_stage",
    "resultat": "outcome",
}


@dataclass
class Settings:
    # sheet key -> folded canonical label -> extra header words
    headers: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    # vocabulary name -> code -> extra words
    values: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    # category label -> extra words (new categories allowed)
    categories: dict[str, list[str]] = field(default_factory=dict)
    # sheet key -> extra sheet names
    sheets: dict[str, list[str]] = field(default_factory=dict)


def _code_for(vocab_name: str, label: str) -> str | None:
    vocab = VOCABULARIES[vocab_name]
    return vocab.lookup_table().get(fold(label))


def read_settings(path: Path | str | None = None) -> Settings:
    chosen = Path(path or os.environ.get("GPO_SETTINGS_FILE") or DEFAULT_SETTINGS)
    if not chosen.exists():
        return Settings()
    raw = tomllib.loads(chosen.read_text(encoding="utf-8"))
    out = Settings()
    for sheet_name, mapping in raw.get("entetes", {}).items():
        key = _SHEET_KEYS.get(fold(sheet_name).replace(" ", ""))
        if key is None:
            raise ValueError(f"{chosen}: feuille inconnue dans [entetes.{sheet_name}]")
        out.headers[key] = {fold(label): list(words) for label, words in mapping.items()}
    for vocab_name, mapping in raw.get("valeurs", {}).items():
        name = _VOCAB_KEYS.get(fold(vocab_name))
        if name is None:
            raise ValueError(f"{chosen}: liste inconnue dans [valeurs.{vocab_name}]")
        for label, words in mapping.items():
            code = _code_for(name, label)
            if code is None:
                raise ValueError(f"{chosen}: « {label} » n'est pas une valeur de la liste {vocab_name}")
            out.values.setdefault(name, {}).setdefault(code, []).extend(words)
    for label, words in raw.get("categories", {}).items():
        out.categories[label] = list(words)
    for sheet_name, words in raw.get("feuilles", {}).items():
        key = _SHEET_KEYS.get(fold(sheet_name).replace(" ", ""))
        if key is None:
            raise ValueError(f"{chosen}: feuille inconnue dans [feuilles]")
        out.sheets[key] = list(words)
    return out
