"""What a new version of a sector's tracker changes against the previous import.

Pure: frames in, a `TrackerDiff` out. Rows are matched by their key (Réf of a
problem or an action, date of a meeting or a diagnostic, organisation and
e-mail of a partner contact). A row that disappears is listed on its own: a
vanished row is how data gets lost, so the user is asked about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from domain.text import fold
from domain.tracker_schema import SHEETS
from domain.vocabulary import ACTION_STATUS, MEETING_STATUS, PROBLEM_STATUS

# The column that names a row in the tables shown (a partner contact is keyed by its organisation and e-mail).
KEYS = {"meetings": "meeting_date", "problems": "problem_id", "actions": "action_id", "diagnostics": "diagnosed_on",
        "partners": "email"}
_DATE_KEYED = ("meetings", "diagnostics")
_STATUS_LABELS = {"meetings": MEETING_STATUS.labels, "problems": PROBLEM_STATUS.labels, "actions": ACTION_STATUS.labels}
SHEET_TITLES = {key: schema.label for key, schema in SHEETS.items()}
_PLURAL_TITLES = {**SHEET_TITLES, "diagnostics": "Diagnostics"}  # « Diagnostics qui disparaîtraient »


@dataclass
class SheetDiff:
    added: pd.DataFrame
    vanished: pd.DataFrame
    status_changed: pd.DataFrame  # key, status_before, status_after
    changed_other: int = 0  # rows whose other fields changed (same key, same status)


@dataclass
class TrackerDiff:
    first_import: bool
    sheets: dict[str, SheetDiff] = field(default_factory=dict)

    @property
    def vanished_count(self) -> int:
        return sum(len(s.vanished) for s in self.sheets.values())

    @property
    def has_changes(self) -> bool:
        return any(len(s.added) or len(s.vanished) or len(s.status_changed) or s.changed_other for s in self.sheets.values())


def _key(frame: pd.DataFrame, sheet: str) -> pd.Series:
    column = frame[KEYS[sheet]]
    if sheet in _DATE_KEYED:
        return pd.to_datetime(column).dt.strftime("%Y-%m-%d").astype("object")
    if sheet == "partners":  # sector + fold(organisation) + lower(e-mail): the contract's key (the sector is the diff's)
        return pd.Series([f"{fold(org)}\x1f{str(email).lower()}" for org, email in
                          zip(frame["organisation"].astype("object"), column.astype("object"))], index=frame.index,
                         dtype="object")
    return column.astype("object").map(lambda ref: "".join(str(ref).split()).upper())


_COMPARED = {
    "meetings": ["kind", "mayor_present", "municipal_police_present", "national_police_present", "other_partners", "attendees", "notes"],
    "problems": ["reported_on", "commune_insee", "location", "category", "description", "reported_by", "priority", "due_on",
                 "resolved_on", "stage", "outcome", "lead_partner"],
    "actions": ["problem_id", "description", "partner", "partner_type", "started_on", "due_on", "done_on", "comment"],
    "diagnostics": ["title", "shared_on", "priority_problem_ids", "summary"],
    "partners": ["organisation", "partner_type", "contact", "email", "opted_out"],
}


def diff_trackers(previous: dict[str, pd.DataFrame] | None, current: dict[str, pd.DataFrame],
                  sheets: tuple[str, ...] | None = None) -> TrackerDiff:
    """Compare a sector's previous frames (None: first import) with the new ones.

    `sheets` limits the comparison to the sheets a file carries (a CSV holds
    one; the others are kept as they are and have nothing to compare).
    """
    result = TrackerDiff(first_import=previous is None)
    for sheet in (KEYS if sheets is None else [key for key in KEYS if key in sheets]):
        new = current[sheet]
        old = previous[sheet] if previous is not None else new.iloc[0:0]
        new_keyed = new.assign(_key=_key(new, sheet)).drop_duplicates("_key").set_index("_key")
        old_keyed = old.assign(_key=_key(old, sheet)).drop_duplicates("_key").set_index("_key")
        added = new_keyed.loc[~new_keyed.index.isin(old_keyed.index)]
        vanished = old_keyed.loc[~old_keyed.index.isin(new_keyed.index)]
        both = new_keyed.index.intersection(old_keyed.index)
        before, after = old_keyed.loc[both], new_keyed.loc[both]
        if "status" in new:
            moved = before["status"].astype("object") != after["status"].astype("object")
        else:  # a sheet without a status (diagnostics, partners): every change is an « other » one
            moved = pd.Series(False, index=both, dtype=bool)
        status_changed = pd.DataFrame({
            "key": [after.loc[k, KEYS[sheet]] for k in both[moved.to_numpy()]],
            "status_before": before.loc[moved, "status"].astype("object").tolist() if moved.any() else [],
            "status_after": after.loc[moved, "status"].astype("object").tolist() if moved.any() else [],
        })
        same = both[~moved.to_numpy()]
        changed = pd.Series(False, index=same, dtype=bool)  # rows with any other field changed, each counted once
        for column in _COMPARED[sheet]:
            if column in before and column in after:
                b = before.loc[same, column].astype("object")
                a = after.loc[same, column].astype("object")
                differs = ~((b == a) | (b.isna() & a.isna()))
                changed |= differs.fillna(True).astype(bool)
        other = int(changed.sum())
        result.sheets[sheet] = SheetDiff(added.reset_index(drop=True), vanished.reset_index(drop=True), status_changed, other)
    return result


def _label(sheet: str, code: object) -> str:
    return _STATUS_LABELS[sheet].get(str(code), str(code)) if pd.notna(code) else ""


def _describe(sheet: str, frame: pd.DataFrame) -> pd.DataFrame:
    if sheet == "meetings":
        return pd.DataFrame({"Date": pd.to_datetime(frame["meeting_date"]).dt.strftime("%d/%m/%Y"),
                             "Statut": [_label(sheet, s) for s in frame["status"]]})
    if sheet == "problems":
        return pd.DataFrame({"Réf": frame["problem_id"].astype("object"), "Catégorie": frame["category"].astype("object"),
                             "Commune": frame["commune_name"].astype("object"),
                             "Statut": [_label(sheet, s) for s in frame["status"]]})
    if sheet == "diagnostics":
        return pd.DataFrame({"Date du diagnostic": pd.to_datetime(frame["diagnosed_on"]).dt.strftime("%d/%m/%Y"),
                             "Titre": frame["title"].astype("object"),
                             "Problèmes prioritaires": frame["priority_problem_ids"].astype("object")})
    if sheet == "partners":
        return pd.DataFrame({"Organisation": frame["organisation"].astype("object"),
                             "Contact": frame["contact"].astype("object"), "Courriel": frame["email"].astype("object")})
    return pd.DataFrame({"Réf action": frame["action_id"].astype("object"), "Réf problème": frame["problem_id"].astype("object"),
                         "Partenaire": frame["partner"].astype("object"), "Statut": [_label(sheet, s) for s in frame["status"]]})


def diff_summary(diff: TrackerDiff) -> pd.DataFrame:
    """One line per sheet, in French: what is new, what changed status, what would vanish."""
    rows = []
    for sheet, part in diff.sheets.items():
        rows.append({"Feuille": SHEET_TITLES[sheet], "Nouvelles lignes": len(part.added),
                     "Changements de statut": len(part.status_changed), "Autres modifications": part.changed_other,
                     "Lignes disparues": len(part.vanished)})
    return pd.DataFrame(rows)


def diff_details(diff: TrackerDiff) -> dict[str, pd.DataFrame]:
    """French tables to show under the summary, keyed by their title; empty ones left out."""
    tables: dict[str, pd.DataFrame] = {}
    for sheet, part in diff.sheets.items():
        title = _PLURAL_TITLES[sheet].lower()
        if len(part.vanished):
            tables[f"{_PLURAL_TITLES[sheet]} qui disparaîtraient"] = _describe(sheet, part.vanished)
        if len(part.added) and not diff.first_import:
            tables[f"Nouvelles lignes : {title}"] = _describe(sheet, part.added)
        if len(part.status_changed):
            changed = part.status_changed
            key = changed["key"]
            shown = key.map(lambda d: d.strftime("%d/%m/%Y")) if sheet == "meetings" else key
            tables[f"Changements de statut : {title}"] = pd.DataFrame({
                "Réf" if sheet != "meetings" else "Date": shown,
                "Avant": [_label(sheet, s) for s in changed["status_before"]],
                "Après": [_label(sheet, s) for s in changed["status_after"]]})
    return tables
