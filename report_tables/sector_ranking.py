"""The per-sector figures behind the map, as the French table shown beside it (rates with their counts)."""

from __future__ import annotations

import math

import pandas as pd

from domain.formatting import fr_date, fr_int, fr_number, rate_with_counts
from domain.indicators.cycle import DUE_SOON, NO_DIAGNOSTIC, ON_TIME, OVERDUE
from domain.reference import Reference

# metric key -> (French label, value column, higher is worse, is a rate)
MAP_METRICS = {
    "open_problems": ("Problèmes ouverts", "open_problems", True, False),
    "overdue_actions": ("Actions en retard", "overdue_actions", True, False),
    "compliance": ("Respect de la cadence", "compliance", False, True),
    "open_per_1000": ("Problèmes ouverts pour 1 000 habitants", "open_per_1000", True, False),
    "overdue_per_1000": ("Actions en retard pour 1 000 habitants", "overdue_per_1000", True, False),
    # the cycle (domain.indicators.cycle_figures, beside the metrics): an ordinal status, then the ministry's ratio
    "cycle_status": ("État du cycle", "cycle_status", True, False),
    "psq": ("Ratio PSQ (résolus ÷ identifiés)", "psq_ratio", False, True),
}
# The cycle status on the map: an ordinal scale, its codes from the least to the most urgent (the colour bar's order,
# bottom to top). A sector without diagnostic is never drawn or ranked as on time.
CYCLE_SCALE = (ON_TIME, DUE_SOON, NO_DIAGNOSTIC, OVERDUE)
CYCLE_RANK = {code: i for i, code in enumerate(CYCLE_SCALE)}
# At CSP level (beyond 60 sectors) a CSP holds sectors of every status: it is coloured by the share of its sectors
# that need action on their cycle.
CYCLE_CSP_LABEL = "Secteurs sans diagnostic ou au bilan en retard"
# A rate's small-sample column, how the ranking says a sector is not ranked, and how the map's sentence counts them
SMALL_SAMPLES = {"compliance": ("cadence_small_sample", "peu de périodes (< 5), non classé",
                                "avec moins de 5 périodes, non classé(s)"),
                 "psq": ("psq_small_sample", "moins de 5 problèmes identifiés, non classé",
                         "avec moins de 5 problèmes identifiés, non classé(s)")}


def is_categorical(metric: str) -> bool:
    """Whether the map draws `metric` with a category scale (one colour per status) rather than a colour ramp."""
    return metric == "cycle_status"


def map_label(metric: str, by_sector: bool = True) -> str:
    """The map's name for `metric` (its colour bar's title): at CSP level the cycle is a share of sectors."""
    return CYCLE_CSP_LABEL if metric == "cycle_status" and not by_sector else MAP_METRICS[metric][0]


def cycle_shown(row: dict) -> str:
    """« Bilan en retard (dû le 05/10/2026, dépassé de 51 j) », « Aucun diagnostic »…"""
    status = row.get("cycle_status") or NO_DIAGNOSTIC
    label = row.get("cycle_status_label") or "Aucun diagnostic"
    if status == NO_DIAGNOSTIC or _missing(row.get("bilan_due_on")):
        return label
    due = fr_date(row["bilan_due_on"])
    if status == OVERDUE:
        return f"{label} (dû le {due}, dépassé de {fr_int(-int(row['days_until_due']))} j)"
    return f"{label} (le {due})"


def last_diagnostic_shown(row: dict) -> str:
    """« 05/10/2025 (416 j) », or « – » without diagnostic."""
    if _missing(row.get("last_diagnosed_on")):
        return "–"
    return f"{fr_date(row['last_diagnosed_on'])} ({fr_int(row['diagnostic_age_days'])} j)"


def _missing(value: object) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def shown_value(row: dict, metric: str) -> str:
    if metric == "cycle_status":
        return cycle_shown(row)
    if metric == "psq":
        identified = int(row["psq_identified"])
        return rate_with_counts(int(row["psq_resolved"]), identified) if identified else "aucun problème identifié"
    if metric == "compliance":
        if not row["periods"]:
            return "non constitué" if row["constitution"] != "constituted" else "–"
        return rate_with_counts(row["periods_met"], row["periods"])
    if metric.endswith("per_1000"):
        value = row[MAP_METRICS[metric][1]]
        count = row["open_problems" if metric.startswith("open") else "overdue_actions"]
        return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{fr_number(value, 2)} ({fr_int(count)})"
    return fr_int(row[MAP_METRICS[metric][1]])


def map_values(metrics: pd.DataFrame, metric: str) -> pd.DataFrame:
    """sector_id, value (NaN = no data), shown (text with counts) for the map."""
    column = MAP_METRICS[metric][1]
    read = ["periods", "periods_met", "constitution", "open_problems", "overdue_actions", column]
    if metric == "cycle_status":
        read += ["cycle_status_label", "bilan_due_on", "days_until_due"]
    elif metric == "psq":
        read += ["psq_identified", "psq_resolved"]
    records = metrics[list(dict.fromkeys(read))].to_dict("records")  # only what shown_value reads
    if metric == "cycle_status":  # the status's place on the ordinal scale
        value = metrics[column].map(CYCLE_RANK).astype("float64")
    else:
        value = pd.to_numeric(metrics[column], errors="coerce").astype("float64")
    return pd.DataFrame({
        "sector_id": metrics["sector_id"],
        "value": value.to_numpy(),
        "shown": [shown_value(r, metric) for r in records],
    })


def csp_map_values(metrics: pd.DataFrame, metric: str, reference: Reference) -> pd.DataFrame:
    """csp_id, value, shown: the map's metric per CSP over the sectors of ``metrics`` (the map beyond 60 sectors).

    Counts are summed; the cadence rate is the CSP's periods met over its periods; per-1,000 rates are the CSP's
    count over its population. A CSP without a value (no period, no population) gets NaN and « – ».
    """
    csp_ids = [reference.sectors[s].csp_id for s in metrics["sector_id"]]
    columns = ["open_problems", "overdue_actions", "periods", "periods_met", "population"]
    counted = metrics[columns].apply(pd.to_numeric, errors="coerce").fillna(0)
    if metric == "cycle_status":  # sectors that need action on their cycle, and all sectors, per CSP
        counted = counted.assign(cycle_late=metrics["cycle_status"].isin([OVERDUE, NO_DIAGNOSTIC]).astype("int64"),
                                 sectors=1)
    elif metric == "psq":
        counted = counted.assign(psq_identified=pd.to_numeric(metrics["psq_identified"]).fillna(0),
                                 psq_resolved=pd.to_numeric(metrics["psq_resolved"]).fillna(0))
    sums = counted.groupby(pd.Series(csp_ids, index=metrics.index), sort=False).sum()
    rows = []
    for csp_id, row in sums.iterrows():
        if metric == "cycle_status":
            value = row["cycle_late"] / row["sectors"]
            shown = f"{fr_int(row['cycle_late'])} secteur(s) sur {fr_int(row['sectors'])}"
        elif metric == "psq":
            value = row["psq_resolved"] / row["psq_identified"] if row["psq_identified"] else math.nan
            shown = rate_with_counts(int(row["psq_resolved"]), int(row["psq_identified"])) if row["psq_identified"] \
                else "–"
        elif metric == "compliance":
            value = row["periods_met"] / row["periods"] if row["periods"] else math.nan
            shown = rate_with_counts(int(row["periods_met"]), int(row["periods"])) if row["periods"] else "–"
        elif metric.endswith("per_1000"):
            count = row["open_problems" if metric.startswith("open") else "overdue_actions"]
            value = 1000 * count / row["population"] if row["population"] else math.nan
            shown = "–" if math.isnan(value) else f"{fr_number(value, 2)} ({fr_int(count)})"
        else:
            value = float(row[MAP_METRICS[metric][1]])
            shown = fr_int(value)
        rows.append({"csp_id": csp_id, "value": value, "shown": shown})
    return pd.DataFrame(rows, columns=["csp_id", "value", "shown"]).astype({"value": "float64"})


def hover_lines(metrics: pd.DataFrame, shown_metric: str | None = None) -> dict[str, list[str]]:
    """The sector's other figures under the hovered commune (the map's own metric is already shown)."""
    lines = {}
    for row in metrics.to_dict("records"):
        text = [line for metric, line in (
            ("open_problems", f"Problèmes ouverts : {fr_int(row['open_problems'])}"),
            ("overdue_actions", f"Actions en retard : {fr_int(row['overdue_actions'])}"),
            ("compliance", f"Respect de la cadence : {shown_value(row, 'compliance')}"),
            *((("cycle_status", f"État du cycle : {cycle_shown(row)}"),) if "cycle_status" in row else ()),
        ) if metric != shown_metric]
        if row["late"]:
            text.append("GPO en retard sur sa cadence")
        if row["last_import"] is None:
            text.append("Aucun tableau importé")
        else:
            text.append(f"Dernier import : {fr_date(row['last_import'])}" + (" (données anciennes)" if row["stale"] else ""))
        lines[row["sector_id"]] = text
    return lines


def ranking_table(metrics: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Sectors ordered on the chosen metric, worst first; on a rate, those with < 5 items are listed last, unranked.

    The cycle status is ranked by urgency: bilans overdue (the longest overdue first), sectors without diagnostic
    (unranked: no date to compare, never on time), bilans due within 60 days, then the others (soonest due first);
    its table gives the due date, and its remark the last diagnostic's date and age."""
    if metric == "cycle_status":
        return _cycle_ranking(metrics)
    label, column, higher_is_worse, is_rate = MAP_METRICS[metric]
    frame = metrics.copy()
    small_column, small_note, _ = SMALL_SAMPLES.get(metric, (None, "", ""))
    small = frame[small_column].fillna(True).astype(bool) if is_rate and small_column else \
        pd.Series(False, index=frame.index)
    ordered = frame[~small].sort_values(column, ascending=not higher_is_worse, na_position="last")
    tail = frame[small]
    rows = []
    for rank, row in enumerate(ordered.to_dict("records"), 1):
        has_value = not pd.isna(row[column])
        rows.append({"Rang": str(rank) if has_value else "", "Secteur": row["sector"], "CSP": row["csp"],
                     label: shown_value(row, metric), "Remarque": _remark(row)})
    for row in tail.to_dict("records"):
        rows.append({"Rang": "", "Secteur": row["sector"], "CSP": row["csp"], label: shown_value(row, metric),
                     "Remarque": "; ".join(filter(None, [small_note, _remark(row)]))})
    return pd.DataFrame(rows, columns=["Rang", "Secteur", label, "Remarque", "CSP"])


def due_shown(row: dict) -> str:
    """« 04/11/2026, dépassé de 21 j », « 16/02/2027, dans 83 j », « – » without diagnostic."""
    if _missing(row.get("bilan_due_on")):
        return "–"
    until = int(row["days_until_due"])
    when = "aujourd’hui" if until == 0 else f"dans {fr_int(until)} j" if until > 0 else f"dépassé de {fr_int(-until)} j"
    return f"{fr_date(row['bilan_due_on'])}, {when}"


CYCLE_RANKING_COLUMNS = ("Rang", "Secteur", "État du cycle", "Bilan dû le", "Remarque", "CSP")


def _cycle_ranking(metrics: pd.DataFrame) -> pd.DataFrame:
    urgency = {OVERDUE: 0, NO_DIAGNOSTIC: 1, DUE_SOON: 2, ON_TIME: 3}
    frame = metrics.assign(_urgency=metrics["cycle_status"].map(urgency).fillna(1),
                           _until=pd.to_numeric(metrics["days_until_due"], errors="coerce"))
    frame = frame.sort_values(["_urgency", "_until"], kind="stable", na_position="last")
    rows, rank = [], 0
    for row in frame.to_dict("records"):
        dated = row["cycle_status"] != NO_DIAGNOSTIC
        rank += dated
        diagnostic = f"diagnostic du {last_diagnostic_shown(row)}" if dated else ""
        rows.append({"Rang": str(rank) if dated else "", "Secteur": row["sector"],
                     "État du cycle": row["cycle_status_label"], "Bilan dû le": due_shown(row),
                     "Remarque": "; ".join(filter(None, [diagnostic, _remark(row)])), "CSP": row["csp"]})
    return pd.DataFrame(rows, columns=list(CYCLE_RANKING_COLUMNS))


def csp_map_table(metrics: pd.DataFrame, metric: str, reference: Reference) -> pd.DataFrame:
    """The map beyond 60 sectors, as a table: one row per CSP coloured, its value as the map's hover says it, and how
    many of its sectors the filters chose (the map's equivalent for who cannot see it)."""
    label = map_label(metric, by_sector=False)
    values = csp_map_values(metrics, metric, reference)
    counts = pd.Series([reference.sectors[s].csp_id for s in metrics["sector_id"]]).value_counts()
    return pd.DataFrame({"CSP": [reference.csps[c].name if c in reference.csps else c for c in values["csp_id"]],
                         label: values["shown"], "Secteurs choisis": [int(counts.get(c, 0)) for c in values["csp_id"]]})


def ranking_widths(metric: str) -> dict[str, int]:
    """Pixel widths: rank, sector, figure (as wide as its header) and remark fit a 1366-pixel screen; the CSP
    (also in the filters) follows."""
    label = MAP_METRICS[metric][0]
    if metric == "cycle_status":  # status and due date; the remark starts with the last diagnostic's date and age
        return {"Rang": 55, "Secteur": 220, label: 165, "Bilan dû le": 180, "Remarque": 280, "CSP": 150}
    return {"Rang": 55, "Secteur": 220, label: max(110, 8 * len(label) + 24), "Remarque": 300, "CSP": 150}


def _remark(row: dict) -> str:
    notes = []
    if row["constitution"] == "scheduled":
        notes.append("constitution programmée")
    elif row["constitution"] == "not_yet":
        notes.append("pas encore constitué")
    if row["late"]:
        notes.append("en retard sur sa cadence")
    if row["stale"]:
        notes.append("données anciennes" if row["last_import"] else "aucun import")
    return "; ".join(notes)
