"""The per-sector figures behind the map, as the French table shown beside it (rates with their counts)."""

from __future__ import annotations

import math

import pandas as pd

from domain.formatting import fr_date, fr_int, fr_number, rate_with_counts
from domain.reference import Reference

# metric key -> (French label, value column, higher is worse, is a rate)
MAP_METRICS = {
    "open_problems": ("Problèmes ouverts", "open_problems", True, False),
    "overdue_actions": ("Actions en retard", "overdue_actions", True, False),
    "compliance": ("Respect de la cadence", "compliance", False, True),
    "open_per_1000": ("Problèmes ouverts pour 1 000 habitants", "open_per_1000", True, False),
    "overdue_per_1000": ("Actions en retard pour 1 000 habitants", "overdue_per_1000", True, False),
}


def shown_value(row: dict, metric: str) -> str:
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
    records = metrics[list(dict.fromkeys(read))].to_dict("records")  # only what shown_value reads
    return pd.DataFrame({
        "sector_id": metrics["sector_id"],
        "value": pd.to_numeric(metrics[column], errors="coerce").astype("float64"),
        "shown": [shown_value(r, metric) for r in records],
    })


def csp_map_values(metrics: pd.DataFrame, metric: str, reference: Reference) -> pd.DataFrame:
    """csp_id, value, shown: the map's metric per CSP over the sectors of ``metrics`` (the map beyond 60 sectors).

    Counts are summed; the cadence rate is the CSP's periods met over its periods; per-1,000 rates are the CSP's
    count over its population. A CSP without a value (no period, no population) gets NaN and « – ».
    """
    csp_ids = [reference.sectors[s].csp_id for s in metrics["sector_id"]]
    columns = ["open_problems", "overdue_actions", "periods", "periods_met", "population"]
    sums = metrics[columns].apply(pd.to_numeric, errors="coerce").fillna(0).groupby(pd.Series(csp_ids, index=metrics.index),
                                                                                     sort=False).sum()
    rows = []
    for csp_id, row in sums.iterrows():
        if metric == "compliance":
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
    """Sectors ordered on the chosen metric, worst first; on a rate, those with < 5 periods are listed last, unranked."""
    label, column, higher_is_worse, is_rate = MAP_METRICS[metric]
    frame = metrics.copy()
    small = frame["cadence_small_sample"] if is_rate else pd.Series(False, index=frame.index)
    ordered = frame[~small].sort_values(column, ascending=not higher_is_worse, na_position="last")
    tail = frame[small]
    rows = []
    for rank, row in enumerate(ordered.to_dict("records"), 1):
        has_value = not pd.isna(row[column])
        rows.append({"Rang": str(rank) if has_value else "", "Secteur": row["sector"], "CSP": row["csp"],
                     label: shown_value(row, metric), "Remarque": _remark(row)})
    for row in tail.to_dict("records"):
        rows.append({"Rang": "", "Secteur": row["sector"], "CSP": row["csp"], label: shown_value(row, metric),
                     "Remarque": "; ".join(filter(None, ["peu de périodes (< 5), non classé", _remark(row)]))})
    return pd.DataFrame(rows, columns=["Rang", "Secteur", label, "Remarque", "CSP"])


def csp_map_table(metrics: pd.DataFrame, metric: str, reference: Reference) -> pd.DataFrame:
    """The map beyond 60 sectors, as a table: one row per CSP coloured, its value as the map's hover says it, and how
    many of its sectors the filters chose (the map's equivalent for who cannot see it)."""
    label = MAP_METRICS[metric][0]
    values = csp_map_values(metrics, metric, reference)
    counts = pd.Series([reference.sectors[s].csp_id for s in metrics["sector_id"]]).value_counts()
    return pd.DataFrame({"CSP": [reference.csps[c].name if c in reference.csps else c for c in values["csp_id"]],
                         label: values["shown"], "Secteurs choisis": [int(counts.get(c, 0)) for c in values["csp_id"]]})


def ranking_widths(metric: str) -> dict[str, int]:
    """Pixel widths: rank, sector, figure (as wide as its header) and remark fit a 1366-pixel screen; the CSP
    (also in the filters) follows."""
    label = MAP_METRICS[metric][0]
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
