"""What each chart shows, in one or two French sentences computed from the same data: the text a page writes under
the chart, for whoever cannot see it (screen reader, RGAA 1.3) or reads faster than a chart.

Pure: each function takes what its chart's builder takes (or the frame it draws) and says the chart's main facts:
totals, the largest, the extremes, what is left out. Never HTML: pages show them through `md_escape`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from charts.problem_charts import category_counts, csp_rows, month_label
from domain.formatting import fr_date, fr_days, fr_int, rate_with_counts
from domain.indicators.meetings import CadenceSummary
from domain.indicators.problems import SMALL_SAMPLE
from domain.indicators.sector_metrics import ranked
from domain.reference import Reference
from domain.vocabulary import PARTNER_TYPE

LISTED = 3  # the largest values a sentence names


def _names(pairs: list[tuple[str, str]]) -> str:
    """« Forbach (6), Metz (4) et Yutz (3) »."""
    items = [f"{name} ({value})" for name, value in pairs]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def stock_and_flow_summary(monthly: pd.DataFrame) -> str:
    """The « Mois par mois » chart: reported and resolved per month, open at each month's end."""
    if monthly.empty:
        return "Aucun mois à afficher."
    first, last = monthly.iloc[0], monthly.iloc[-1]
    busiest = monthly.loc[monthly["reported"].idxmax()]
    text = (f"De {month_label(first['month_end'])} à {month_label(last['month_end'])} : "
            f"{fr_int(monthly['reported'].sum())} problème(s) signalé(s) et {fr_int(monthly['resolved'].sum())} "
            f"résolu(s). Ouverts en fin de mois : {fr_int(first['open'])} fin {month_label(first['month_end'])}, "
            f"{fr_int(last['open'])} au {fr_date(last['month_end'])}.")
    if int(busiest["reported"]):
        text += f" Le plus de signalements : {month_label(busiest['month_end'])} ({fr_int(busiest['reported'])})."
    return text


def history_summary(history: pd.DataFrame) -> str:
    """The chart of open problems as the trackers of the time said."""
    known = history[history["open"].notna()]
    if known.empty:
        return "Aucun tableau importé sur cette période."
    last = known.iloc[-1]
    low, high = known.loc[known["open"].idxmin()], known.loc[known["open"].idxmax()]
    return (f"Selon les tableaux de l'époque : {fr_int(last['open'])} problème(s) ouvert(s) au "
            f"{fr_date(last['month_end'])} ; au plus {fr_int(high['open'])} ({month_label(high['month_end'])}), "
            f"au moins {fr_int(low['open'])} ({month_label(low['month_end'])}).")


def category_summary(problems: pd.DataFrame, as_of: dt.date, period_start: dt.date) -> str:
    """The « Par catégorie » chart: open and resolved problems per category."""
    table = category_counts(problems, as_of, period_start)
    if table.empty:
        return "Aucun problème ouvert ni résolu sur la période."
    opened = table[table["total_open"] > 0]
    text = (f"{fr_int(table['total_open'].sum())} problème(s) ouvert(s) au {fr_date(as_of)} dans "
            f"{fr_int(len(opened))} catégorie(s)")
    if not opened.empty:
        text += " ; les plus nombreux : " + _names([(str(c), fr_int(n)) for c, n in opened["total_open"].head(LISTED).items()])
    return text + f". {fr_int(table['resolved'].sum())} résolu(s) depuis le {fr_date(period_start)}."


def _group_sentence(labels: list[str], rows: pd.DataFrame, what: str) -> str:
    """Shared by the sector and CSP charts: the most open problems, then the highest and lowest resolution rates."""
    rows = rows.assign(label=labels)
    total = int(rows["open_problems"].sum())
    text = f"{fr_int(total)} problème(s) ouvert(s) sur {fr_int(len(rows))} {what}"
    most = rows.sort_values("open_problems", ascending=False, kind="stable")
    most = most[most["open_problems"] > 0].head(LISTED)
    if not most.empty:
        text += " ; le plus dans : " + _names([(l, fr_int(n)) for l, n in zip(most["label"], most["open_problems"])])
    rated = rows[~rows["small_sample"].astype(bool) & pd.to_numeric(rows["rate"], errors="coerce").notna()]
    if not rated.empty:
        order = rated.assign(r=pd.to_numeric(rated["rate"])).sort_values("r", ascending=False, kind="stable")
        best, worst = order.iloc[0], order.iloc[-1]
        text += (f". Taux de résolution le plus haut : {best['label']} "
                 f"({rate_with_counts(int(best['resolved']), int(best['open_during']))})")
        if len(order) > 1:
            text += (f", le plus bas : {worst['label']} "
                     f"({rate_with_counts(int(worst['resolved']), int(worst['open_during']))})")
    small = int(rows["small_sample"].astype(bool).sum())
    if small:
        text += f". {fr_int(small)} avec moins de {SMALL_SAMPLE} problèmes sur la période, non classé(s)"
    return text + "."


def sector_summary(metrics: pd.DataFrame) -> str:
    """The « Par secteur » chart (open problems and resolution rate per sector)."""
    if metrics.empty:
        return "Aucun secteur pour ce filtre."
    order = ranked(metrics, "resolution_rate")
    rows = pd.DataFrame({"open_problems": order["open_problems"], "resolved": order["resolved"],
                         "open_during": order["open_during"], "rate": order["resolution_rate"],
                         "small_sample": order["small_sample"]})
    return _group_sentence(order["sector"].tolist(), rows, "secteur(s)")


def csp_summary(metrics: pd.DataFrame) -> str:
    """The « Par circonscription » chart."""
    if metrics.empty:
        return "Aucun secteur pour ce filtre."
    rows = csp_rows(metrics)
    return _group_sentence([f"CSP de {c}" for c in rows["csp"]], rows, "circonscription(s)")


def age_summary(buckets: pd.DataFrame) -> str:
    """The age chart: every bucket's count (the chart's whole content)."""
    total = int(buckets["Problèmes"].sum()) if not buckets.empty else 0
    if not total:
        return "Aucun problème ouvert."
    parts = [f"{fr_int(n)} ouvert(s) depuis {label}" for label, n in zip(buckets["Âge"], buckets["Problèmes"]) if n]
    return f"{fr_int(total)} problème(s) ouvert(s) : " + ", ".join(parts) + "."


def resolution_time_summary(days: pd.Series) -> str:
    """The resolution time histogram, with its median and 80th percentile lines."""
    values = pd.Series(days, dtype="float64").dropna()
    if values.empty:
        return "Aucun problème résolu sur la période."
    median, p80 = round(float(np.median(values)), 1), round(float(np.percentile(values, 80)), 1)
    return (f"{fr_int(len(values))} problème(s) résolu(s) sur la période : la moitié en {fr_days(median)} ou moins, "
            f"80 % en {fr_days(p80)} ou moins ; le plus rapide en {fr_days(values.min())}, "
            f"le plus long en {fr_days(values.max())}.")


def timeline_summary(summaries: dict[str, CadenceSummary], reference: Reference, sector_ids: list[str],
                     drawn: list[str], window_start: dt.date, as_of: dt.date) -> str:
    """The meetings calendar: meetings held, GPO late on their cadence (named), periods without a meeting."""
    present = [summaries[s] for s in sector_ids if s in summaries]
    held = sum(s.held_in_window for s in present)
    missed = sum(len(s.missed_periods) for s in present)
    late = [reference.sectors[s.sector_id].name for s in present if s.late]
    text = (f"{fr_int(len(drawn))} GPO sur {fr_int(len(sector_ids))} dessiné(s) ; du {fr_date(window_start)} au "
            f"{fr_date(as_of)}, {fr_int(held)} réunion(s) tenue(s) et {fr_int(missed)} période(s) de cadence sans "
            "réunion tenue (en vermillon). ")
    if late:
        shown = ", ".join(late[:10]) + (f" et {fr_int(len(late) - 10)} autre(s)" if len(late) > 10 else "")
        return text + f"En retard sur leur cadence : {fr_int(len(late))} GPO ({shown})."
    return text + "Aucun GPO en retard sur sa cadence."


def attendance_summary(counts: dict[str, int], held: int) -> str:
    """The attendance chart: each partner type's presence (the chart's whole content)."""
    if not held:
        return "Aucune réunion tenue sur la période."
    codes = [c for c in PARTNER_TYPE.labels if c in ("mairie", "police_municipale", "police_nationale") or counts.get(c)]
    parts = [f"{PARTNER_TYPE.labels[c].lower()} {rate_with_counts(counts.get(c, 0), held)}" for c in codes]
    return f"Présence aux {fr_int(held)} réunion(s) tenue(s) : " + ", ".join(parts) + "."


def map_summary(values: pd.DataFrame, names: dict[str, str], metric_label: str, *, higher_is_worse: bool = True,
                is_rate: bool = False, level_word: str = "secteur", table_below: bool = True,
                unranked: frozenset[str] = frozenset(), unranked_note: str = "") -> str:
    """The map, in one sentence: what it colours, the total (counts), the most needing attention, those without data.

    ``values``: one row per coloured area (``sector_id`` or ``csp_id``, ``value``, ``shown``), as the map takes them;
    ``names`` their display names; ``level_word`` « secteur » or « CSP »; ``table_below``: the page shows the map's
    table under it (the home page; not the rotation's slide), and the sentence says so. ``unranked``: areas whose
    rate rests on too few items (< 5): never named among the extremes, counted apart with ``unranked_note``.
    """
    key = "sector_id" if "sector_id" in values.columns else "csp_id"
    frame = values.assign(value=pd.to_numeric(values["value"], errors="coerce"))
    known = frame[frame["value"].notna()]
    text = f"Carte : {metric_label[:1].lower()}{metric_label[1:]} de {fr_int(len(frame))} {level_word}(s)"
    if not is_rate and not known.empty and "pour 1 000" not in metric_label:
        text += f", {fr_int(known['value'].sum())} au total"
    ranked_ones = known[~known[key].astype(str).isin(unranked)]
    worst = ranked_ones.sort_values("value", ascending=not higher_is_worse, kind="stable").head(LISTED)
    if higher_is_worse:
        worst = worst[worst["value"] > 0]
    if not worst.empty:
        label = "le plus" if higher_is_worse else "le plus bas"
        text += f" ; {label} : " + _names([(names.get(str(k), str(k)), str(s) if isinstance(s, str) and s else
                                              fr_int(v)) for k, v, s in zip(worst[key], worst["value"],
                                                                             worst.get("shown", worst["value"]))])
    apart = int(known[key].astype(str).isin(unranked).sum())
    if apart and unranked_note:
        text += f" ; {fr_int(apart)} {unranked_note}"
    missing = len(frame) - len(known)
    if missing:
        text += f" ; {fr_int(missing)} sans donnée"
    return text + "." + (f" Les chiffres de chaque {level_word} sont dans le tableau sous la carte." if table_below else "")


def category_map_summary(values: pd.DataFrame, names: dict[str, str], metric_label: str, categories: list[str], *,
                         table_below: bool = True) -> str:
    """A map drawn with a category scale (a status per sector), in one sentence: how many sectors in each category,
    the most urgent first, each naming its first sectors.

    ``values``: ``sector_id``, ``value`` (the index of its category in ``categories``, least urgent first).
    """
    frame = values.assign(value=pd.to_numeric(values["value"], errors="coerce"))
    text = f"Carte : {metric_label.lower()} de {fr_int(len(frame))} secteur(s)"
    parts = []
    for index in range(len(categories) - 1, -1, -1):
        ids = frame.loc[frame["value"] == index, "sector_id"].tolist()
        if not ids:
            continue
        part = f"{categories[index].lower()} : {fr_int(len(ids))}"
        if index > 0:  # the least urgent category is counted, not named
            listed = [names.get(str(s), str(s)) for s in ids[:LISTED]]
            more = f" et {fr_int(len(ids) - LISTED)} autre(s)" if len(ids) > LISTED else ""
            part += f" ({', '.join(listed)}{more})"
        parts.append(part)
    if parts:
        text += " ; " + " ; ".join(parts)
    missing = int(frame["value"].isna().sum())
    if missing:
        text += f" ; {fr_int(missing)} sans donnée"
    return text + "." + (" Le détail de chaque secteur est dans le tableau sous la carte." if table_below else "")
