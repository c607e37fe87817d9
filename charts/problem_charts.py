"""Plotly figures of the « Problèmes » page: pure builders, frames in, figure out (French labels, projector fonts)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from theme import palette
from domain.formatting import fr_date, fr_days, fr_int, rate_with_counts
from domain.indicators.problems import SMALL_SAMPLE, open_problems, resolved_in
from domain.indicators.sector_metrics import ranked

MONTHS_FR = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
SMALL_MARK = " (peu de données)"
NO_TRACKER_MARK = " (aucun tableau)"
OPEN_LABEL, IN_PROGRESS_LABEL, RESOLVED_LABEL = "Ouverts", "En cours", "Résolus sur la période"


def month_label(day: dt.date) -> str:
    """« nov. 2026 »."""
    return f"{MONTHS_FR[day.month - 1]} {day.year}"


def _layout(fig: go.Figure, *, x_title: str = "", y_title: str = "", height: int = 420, legend: bool = True) -> go.Figure:
    fig.update_layout(
        font=palette.FONT,
        separators=",\u202f",  # French decimal comma and thousands separator in ticks and hovers
        height=height,
        margin={"l": 10, "r": 20, "t": 50 if legend else 20, "b": 10},
        hoverlabel={"font": {"size": palette.HOVER_FONT_SIZE}, "bgcolor": "white"},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0, "title": None},
        showlegend=legend,
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    fig.update_xaxes(title_text=x_title, showgrid=False, linecolor="#bbbbbb", automargin=True)
    fig.update_yaxes(title_text=y_title, gridcolor="#e5e5e5", zerolinecolor="#bbbbbb", automargin=True)
    return fig


def _count_ticks(largest: float) -> dict:
    """Axis settings for counts: whole numbers only (no « 0,5 problème » on a small sector)."""
    return {"dtick": 1, "tick0": 0} if largest <= 8 else {"tickformat": ",d"}


def _empty(message: str, height: int = 260) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font={"size": palette.FONT["size"] + 2})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, height=height, legend=False)


def _month_span(month_end: dt.date) -> str:
    return f"du {fr_date(month_end.replace(day=1))} au {fr_date(month_end)}"


def stock_and_flow_chart(monthly: pd.DataFrame) -> go.Figure:
    """Bars: problems reported and resolved each month; line: problems open at the month's end."""
    if monthly.empty:
        return _empty("Aucun mois à afficher.")
    labels = [month_label(d) for d in monthly["month_end"]]
    spans = [_month_span(d) for d in monthly["month_end"]]
    fig = go.Figure()
    fig.add_bar(x=labels, y=monthly["reported"], name="Signalés dans le mois", marker_color=palette.BLUE,
                customdata=spans, hovertemplate="%{x} (%{customdata})<br>Signalés : %{y}<extra></extra>")
    fig.add_bar(x=labels, y=monthly["resolved"], name="Résolus dans le mois",
                marker_color=palette.PROBLEM_STATUS_COLOURS["resolved"],
                customdata=spans, hovertemplate="%{x} (%{customdata})<br>Résolus : %{y}<extra></extra>")
    ends = [fr_date(d) for d in monthly["month_end"]]
    fig.add_scatter(x=labels, y=monthly["open"], name="Ouverts en fin de mois", mode="lines+markers",
                    line={"color": palette.PROBLEM_STATUS_COLOURS["open"], "width": 4},
                    marker={"size": 10, "symbol": "diamond", "line": {"color": palette.BLACK, "width": 1}},
                    customdata=ends, hovertemplate="Ouverts au %{customdata} : %{y}<extra></extra>")
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_yaxes(**_count_ticks(float(monthly[["reported", "resolved", "open"]].to_numpy().max())))
    return _layout(fig, x_title="Mois", y_title="Nombre de problèmes")


def history_stock_chart(history: pd.DataFrame, reconstructed: pd.DataFrame | None = None) -> go.Figure:
    """Open problems at each month end as the trackers of the time said (see `problem_history`).

    `reconstructed` (the `monthly_stock_and_flow` frame), when given, is drawn
    dashed for comparison: the same stock rebuilt from today's trackers.
    """
    known = history[history["open"].notna()]
    if known.empty:
        return _empty("Aucun tableau importé sur cette période.")
    labels = [month_label(d) for d in known["month_end"]]
    notes = [f"au {fr_date(d)}, d'après {fr_int(n)} tableau(x)" + (f" ; {len(m)} secteur(s) sans tableau" if m else "")
             for d, n, m in zip(known["month_end"], known["sectors_reporting"], known["sectors_missing"])]
    fig = go.Figure()
    fig.add_scatter(x=labels, y=known["open"].astype(int), name="Ouverts selon les tableaux de l'époque",
                    mode="lines+markers", line={"color": palette.PROBLEM_STATUS_COLOURS["open"], "width": 4},
                    marker={"size": 10}, customdata=notes, hovertemplate="Ouverts %{customdata} : %{y}<extra></extra>")
    if reconstructed is not None and not reconstructed.empty:
        fig.add_scatter(x=[month_label(d) for d in reconstructed["month_end"]], y=reconstructed["open"],
                        name="Reconstitué d'après les tableaux actuels", mode="lines",
                        line={"color": palette.BLACK, "width": 2, "dash": "dash"},
                        hovertemplate="Reconstitué d'après les tableaux actuels : %{y}<extra></extra>")
    return _layout(fig, x_title="Fin de mois", y_title="Problèmes ouverts")


def category_counts(problems: pd.DataFrame, as_of: dt.date, period_start: dt.date) -> pd.DataFrame:
    """Per category (index): open, in_progress (open at `as_of`), resolved (in the period), total_open; most open
    first. A problem closed since a past `as_of` was open then; it counts « En cours » (it was being dealt with)."""
    opened = open_problems(problems, as_of)
    waiting = opened[opened["status"] == "open"]["category"].value_counts()
    working = opened[opened["status"] != "open"]["category"].value_counts()
    resolved = resolved_in(problems, period_start, as_of)["category"].value_counts()
    table = pd.DataFrame({"open": waiting, "in_progress": working, "resolved": resolved}).fillna(0).astype(int)
    table["total_open"] = table["open"] + table["in_progress"]
    return table.sort_values(["total_open", "resolved"], ascending=False, kind="stable")


def by_category_chart(problems: pd.DataFrame, as_of: dt.date, period_start: dt.date) -> go.Figure:
    """Per category: open at `as_of` (Ouverts / En cours) and resolved in the period, stacked horizontally."""
    table = category_counts(problems, as_of, period_start)
    if table.empty:
        return _empty("Aucun problème ouvert ni résolu sur la période.")
    # Most open at the top: plotly draws the first category at the bottom
    table = table.sort_values(["total_open", "resolved"], ascending=True)
    fig = go.Figure()
    for column, label, status in [("open", OPEN_LABEL, "open"), ("in_progress", IN_PROGRESS_LABEL, "in_progress"),
                                  ("resolved", RESOLVED_LABEL, "resolved")]:
        values = table[column]
        fig.add_bar(y=table.index.tolist(), x=values, orientation="h", name=label,
                    marker_color=palette.PROBLEM_STATUS_COLOURS[status],
                    text=[fr_int(v) if v else "" for v in values], textposition="inside", insidetextanchor="middle",
                    textfont={"size": palette.FONT["size"], "color": palette.BLACK},
                    hovertemplate=f"%{{y}}<br>{label} : %{{x}}<extra></extra>")
    fig.update_layout(barmode="stack", bargap=0.3, legend={"traceorder": "normal"})
    fig.update_xaxes(**_count_ticks(float((table["total_open"] + table["resolved"]).max())))
    return _layout(fig, x_title=f"Nombre de problèmes (ouverts au {fr_date(as_of)}, résolus depuis le {fr_date(period_start)})",
                   height=max(320, 46 * len(table) + 130))


def _rate_text(resolved: int, during: int) -> str:
    return rate_with_counts(int(resolved), int(during))


def _group_chart(rows: pd.DataFrame, as_of: dt.date | None = None) -> go.Figure:
    """Two panels sharing the row labels: open problems (left), resolution rate with its counts (right).

    `rows` has label, open_problems, overdue_problems, resolved, open_during, rate, small_sample;
    its order is kept from top to bottom. Small samples are grey and hatched.
    """
    rows = rows.iloc[::-1]  # plotly draws the first row at the bottom
    labels = rows["label"].tolist()
    small = rows["small_sample"].astype(bool).tolist()
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04, column_widths=[0.45, 0.55],
                        subplot_titles=("Problèmes ouverts" + (f" au {fr_date(as_of)}" if as_of else ""),
                                        "Taux de résolution sur la période"))
    open_colour = palette.PROBLEM_STATUS_COLOURS["open"]
    fig.add_bar(y=labels, x=rows["open_problems"], orientation="h", name="Problèmes ouverts", showlegend=False,
                marker={"color": open_colour},
                text=[fr_int(v) for v in rows["open_problems"]], textposition="outside", cliponaxis=False,
                customdata=[fr_int(v) for v in rows["overdue_problems"]],
                hovertemplate="%{y}<br>Problèmes ouverts : %{x}<br>dont en retard : %{customdata}<extra></extra>",
                row=1, col=1)
    rate = pd.to_numeric(rows["rate"], errors="coerce").fillna(0) * 100
    texts = [_rate_text(r, d) for r, d in zip(rows["resolved"], rows["open_during"])]
    fig.add_bar(y=labels, x=rate, orientation="h", name="Taux de résolution", showlegend=False,
                marker={"color": [palette.GREY if s else palette.PROBLEM_STATUS_COLOURS["resolved"] for s in small],
                        "pattern": {"shape": ["/" if s else "" for s in small], "fgcolor": palette.BLACK, "solidity": 0.25}},
                text=texts, textposition="outside", cliponaxis=False, customdata=texts,
                hovertemplate="%{y}<br>Taux de résolution : %{customdata}<extra></extra>", row=1, col=2)
    _layout(fig, height=max(300, 44 * len(rows) + 170), legend=False)
    fig.update_layout(margin={"t": 60})
    fig.update_xaxes(title_text="Nombre de problèmes", row=1, col=1,
                     range=[0, max(1, float(rows["open_problems"].max())) * 1.25],
                     **_count_ticks(float(rows["open_problems"].max()) * 1.25))
    fig.update_xaxes(title_text="Résolus ÷ ouverts pendant la période", row=1, col=2, range=[0, 160],
                     tickvals=[0, 25, 50, 75, 100], ticktext=["0 %", "25 %", "50 %", "75 %", "100 %"])
    fig.update_annotations(font={"size": palette.FONT["size"] + 1})
    return fig


def _with_marks(labels: pd.Series, small: pd.Series, no_tracker: pd.Series | None = None) -> list[str]:
    out = []
    for i, (label, is_small) in enumerate(zip(labels, small)):
        if no_tracker is not None and bool(no_tracker.iloc[i]):
            out.append(label + NO_TRACKER_MARK)
        else:
            out.append(label + (SMALL_MARK if is_small else ""))
    return out


def by_sector_chart(metrics: pd.DataFrame, as_of: dt.date | None = None) -> go.Figure:
    """Open problems and resolution rate per sector (`sector_metrics` rows), in `ranked` order.

    Sectors with fewer than 5 problems open during the period are marked
    « (peu de données) », drawn grey and hatched, and listed after the ranked ones.
    """
    if metrics.empty:
        return _empty("Aucun secteur pour ce filtre.")
    order = ranked(metrics, "resolution_rate")
    no_tracker = order["last_import"].isna() if "last_import" in order else None
    rows = pd.DataFrame({
        "label": _with_marks(order["sector"], order["small_sample"], no_tracker),
        "open_problems": order["open_problems"], "overdue_problems": order["overdue_problems"],
        "resolved": order["resolved"], "open_during": order["open_during"], "rate": order["resolution_rate"],
        "small_sample": order["small_sample"],
    })
    return _group_chart(rows, as_of)


def csp_rows(metrics: pd.DataFrame) -> pd.DataFrame:
    """`sector_metrics` summed per CSP (each problem belongs to one sector, so counts and rates add up)."""
    grouped = metrics.groupby("csp", sort=False)[["open_problems", "overdue_problems", "resolved", "open_during"]].sum()
    grouped["rate"] = [r / d if d else None for r, d in zip(grouped["resolved"], grouped["open_during"])]
    grouped["small_sample"] = grouped["open_during"] < SMALL_SAMPLE
    grouped["sectors"] = metrics.groupby("csp", sort=False).size()
    ok = grouped[~grouped["small_sample"]].sort_values("rate", ascending=False)
    return pd.concat([ok, grouped[grouped["small_sample"]]]).reset_index()


def by_csp_chart(metrics: pd.DataFrame, as_of: dt.date | None = None) -> go.Figure:
    """The same two panels per circonscription (CSP)."""
    if metrics.empty:
        return _empty("Aucun secteur pour ce filtre.")
    rows = csp_rows(metrics)
    rows["label"] = _with_marks("CSP de " + rows["csp"] + " (" + rows["sectors"].astype(str) + " sect.)",
                                rows["small_sample"])
    return _group_chart(rows, as_of)


def age_chart(buckets: pd.DataFrame) -> go.Figure:
    """Open problems by age bucket (`open_age_buckets`): the older, the darker."""
    if buckets.empty or int(buckets["Problèmes"].sum()) == 0:
        return _empty("Aucun problème ouvert.")
    shades = [colour for _, colour in palette.SEQUENTIAL_BAD]
    colours = [shades[min(i, len(shades) - 1)] for i in range(len(buckets))]
    fig = go.Figure()
    fig.add_bar(x=buckets["Âge"], y=buckets["Problèmes"], marker={"color": colours, "line": {"color": "#555555", "width": 1}},
                text=[fr_int(v) for v in buckets["Problèmes"]], textposition="outside", cliponaxis=False,
                name="Problèmes ouverts", hovertemplate="Ouverts depuis %{x} : %{y}<extra></extra>")
    fig.update_yaxes(range=[0, max(1, int(buckets["Problèmes"].max())) * 1.2], **_count_ticks(float(buckets["Problèmes"].max())))
    return _layout(fig, x_title="Ancienneté (depuis le signalement)", y_title="Problèmes ouverts", legend=False, height=400)


def _bin_width(longest: float) -> int:
    return 7 if longest <= 120 else 14 if longest <= 240 else 30


def resolution_time_chart(days: pd.Series) -> go.Figure:
    """Histogram of resolution times, with the median and the 80th percentile as labelled vertical lines."""
    values = pd.Series(days, dtype="float64").dropna()
    if values.empty:
        return _empty("Aucun problème résolu sur la période.")
    # Same numbers as `resolution_stats` (rounded to a tenth of a day)
    median, p80 = round(float(np.median(values)), 1), round(float(np.percentile(values, 80)), 1)
    width = _bin_width(values.max())
    edges = np.arange(0, values.max() + width + 1, width)
    counts, _ = np.histogram(values, bins=edges)
    spans = [f"de {fr_int(a)} à {fr_int(b - 1)} j" for a, b in zip(edges[:-1], edges[1:])]
    fig = go.Figure()
    fig.add_bar(x=edges[:-1] + width / 2, y=counts, width=width * 0.95, name="Problèmes résolus",
                marker_color=palette.PROBLEM_STATUS_COLOURS["resolved"], customdata=spans,
                hovertemplate="Résolus en %{customdata} : %{y}<extra></extra>")
    top = int(counts.max())
    for x, label, dash, y in [(median, f"médiane : {fr_days(median)}", "solid", 1.0),
                              (p80, f"80 % : {fr_days(p80)}", "dash", 0.88)]:
        fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", line={"color": palette.BLACK, "width": 3, "dash": dash},
                      name=label)
        fig.add_annotation(x=x, y=y, yref="paper", text=label, showarrow=False, xanchor="left", xshift=6,
                           font={"size": palette.FONT["size"], "color": palette.BLACK}, bgcolor="rgba(255,255,255,0.85)")
    fig.update_yaxes(range=[0, top * 1.3 + 1], **_count_ticks(top * 1.3 + 1))
    fig.update_xaxes(rangemode="tozero")
    return _layout(fig, x_title="Délai de résolution (jours)",
                   y_title="Problèmes résolus", legend=False, height=400)
