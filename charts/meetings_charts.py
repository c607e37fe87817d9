"""Meeting charts for the Réunions page: the timeline of every GPO, and who attends.

Pure plotly: frames and cadence summaries in, a figure out. Colours come from
`theme.palette` so a meeting status looks the same on every page; each status
also has its own marker shape, for readers who cannot tell the colours apart.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from domain.formatting import fr_date, fr_int, fr_pct, rate_with_counts
from theme.palette import BLUE, FONT, GREY, HOVER_FONT_SIZE, MEETING_STATUS_COLOURS, VERMILLION
from domain.indicators.meetings import SOCLE, CadenceSummary
from domain.reference import Reference
from domain.vocabulary import MEETING_KIND, MEETING_STATUS, PARTNER_TYPE

# Drawn in this order, so a planned meeting never hides a held one on the same day.
STATUS_ORDER = ("postponed", "cancelled", "planned", "held")
STATUS_SYMBOLS = {"held": "circle", "planned": "circle-open", "cancelled": "x-thin-open", "postponed": "diamond-open"}
MISSED_FILL = "rgba(213, 94, 0, 0.20)"  # VERMILLION, light: a band behind the markers
MISSED_LABEL = "Période sans réunion tenue"
ROW_HEIGHT = 60
MARGINS = dict(l=10, r=20, t=90, b=50)
TITLE_ROOM = 40  # px above the legend for the title saying the timeline leaves GPO out
MAX_ROWS = 40  # beyond this many GPO, the timeline draws the most behind on their cadence
DAY_MS = 24 * 3600 * 1000
DAYS_AFTER_AS_OF = 45  # room for the next planned meetings, right of the reference date
# Streamlit's chart theme shrinks and greys tick labels; a projector needs them full size and dark.
TICK_FONT = dict(size=FONT["size"], color=FONT["color"])
SOCLE_LABELS = dict(zip(SOCLE, ("mairie", "police municipale", "police nationale")))


def _presence(meeting: dict) -> str:
    """« mairie : oui, police municipale : oui, police nationale : non renseigné »."""
    def word(value: object) -> str:
        return "non renseigné" if pd.isna(value) else ("oui" if value else "non")
    return ", ".join(f"{label} : {word(meeting[column])}" for column, label in SOCLE_LABELS.items())


def _meeting_hover(meeting: dict, sector_name: str) -> str:
    lines = [f"<b>{sector_name}</b>", f"{fr_date(meeting['meeting_date'])} · {MEETING_STATUS.labels.get(meeting['status'], '?')}"]
    if pd.notna(meeting["kind"]):
        lines.append(f"Réunion {MEETING_KIND.labels.get(meeting['kind'], meeting['kind']).lower()}")
    if meeting["status"] == "held":
        lines.append("Présents : " + _presence(meeting))
        if pd.notna(meeting["other_partners"]) and str(meeting["other_partners"]).strip():
            lines.append(f"Autres partenaires : {meeting['other_partners']}")
    return "<br>".join(lines)


def _lateness(summary: CadenceSummary | None) -> tuple[int, int, int]:
    """Sort key, most behind first: late GPO, then constituted, then the others; longest since the last meeting and
    most missed periods first."""
    if summary is None:
        return (3, 0, 0)
    rank = 0 if summary.late else 1 if summary.constitution.status == "constituted" else 2
    return (rank, -(summary.days_since_last or 0), -len(summary.missed_periods))


def timeline_rows(summaries: dict[str, CadenceSummary], sector_ids: list[str], max_rows: int = MAX_ROWS) -> list[str]:
    """The sectors the timeline draws: all of them in the given order, or beyond ``max_rows`` the ``max_rows`` most
    behind on their cadence (late first, then the longest since their last held meeting), in that order."""
    if len(sector_ids) <= max_rows:
        return list(sector_ids)
    order = sorted(range(len(sector_ids)), key=lambda i: (*_lateness(summaries.get(sector_ids[i])), i))
    return [sector_ids[i] for i in order[:max_rows]]


def timeline_title(shown: int, total: int) -> str | None:
    """« Les 40 GPO les plus en retard sur 2 000 … » when the timeline leaves sectors out, else None."""
    if shown >= total:
        return None
    return (f"Les {fr_int(shown)} GPO les plus en retard sur leur cadence, sur {fr_int(total)} choisis : "
            "choisissez une CSP ou un secteur pour voir les autres.")


def _base_layout(fig: go.Figure, height: int) -> None:
    fig.update_layout(font=FONT, height=height, plot_bgcolor="white", paper_bgcolor="white",
                      hoverlabel=dict(font=dict(size=HOVER_FONT_SIZE, color=FONT["color"]), bgcolor="white",
                                      bordercolor="#4d4d4d", align="left"), separators=", ")


def meetings_timeline(meetings: pd.DataFrame, summaries: dict[str, CadenceSummary], reference: Reference,
                      sector_ids: list[str], as_of: dt.date, window_start: dt.date, *,
                      max_rows: int = MAX_ROWS) -> go.Figure:
    """One row per GPO (reference order, top to bottom): its meetings by status, its missed cadence periods, `as_of`.

    Beyond ``max_rows`` GPO, only the ``max_rows`` most behind on their cadence are drawn (``timeline_rows``), in
    that order, and the title says how many were chosen: the figure stays a few hundred kilobytes at any scale.
    Pure: key a cached figure on the import ids, ``as_of`` and the scope's sector ids.
    """
    total = len(sector_ids)
    sector_ids = timeline_rows(summaries, sector_ids, max_rows)
    name_of = {s: reference.sectors[s].name for s in sector_ids}
    names = list(name_of.values())
    x_start = window_start - dt.timedelta(days=3)
    x_end = as_of + dt.timedelta(days=DAYS_AFTER_AS_OF)
    traces: list[go.BaseTraceType] = []

    missed = [(name_of[s], first, last) for s in sector_ids if s in summaries for first, last in summaries[s].missed_periods]
    if missed:
        # a period is drawn from its first day 00:00 to the day after its last day, so it covers whole days
        traces.append(go.Bar(
            name=MISSED_LABEL, orientation="h", y=[name for name, _, _ in missed],
            base=[pd.Timestamp(first) for _, first, _ in missed],
            x=[((last - first).days + 1) * DAY_MS for _, first, last in missed],
            marker=dict(color=MISSED_FILL, line=dict(color=VERMILLION, width=1)), width=0.7,
            hovertext=[f"<b>{name}</b><br>{MISSED_LABEL} : du {fr_date(first)} au {fr_date(last)}" for name, first, last in missed],
            hovertemplate="%{hovertext}<extra></extra>", legendrank=5,
        ))

    shown = meetings[meetings["sector_id"].isin(sector_ids) & meetings["meeting_date"].notna()
                     & (meetings["meeting_date"] >= pd.Timestamp(x_start)) & (meetings["meeting_date"] <= pd.Timestamp(x_end))]
    for status in STATUS_ORDER:
        rows = shown[shown["status"] == status]
        if rows.empty:
            continue
        sector_names = [name_of[s] for s in rows["sector_id"]]
        solid = STATUS_SYMBOLS[status] in ("circle",)
        traces.append(go.Scatter(
            name=MEETING_STATUS.labels[status], mode="markers", x=rows["meeting_date"], y=sector_names,
            marker=dict(color=MEETING_STATUS_COLOURS[status], symbol=STATUS_SYMBOLS[status], size=15 if solid else 14,
                        line=dict(width=2.5, color=MEETING_STATUS_COLOURS[status] if not solid else "white")),
            hovertext=[_meeting_hover(m, n) for m, n in zip(rows.to_dict("records"), sector_names)],
            hovertemplate="%{hovertext}<extra></extra>", legendrank=1 + {"held": 0, "planned": 1, "cancelled": 2, "postponed": 3}[status],
        ))

    # Every annotation in one list: adding them one by one re-validates the whole tuple each time (quadratic).
    annotations = []
    for sector_id, name in name_of.items():
        summary = summaries.get(sector_id)
        if summary is None or summary.constitution.status == "constituted":
            continue
        text = ("Constitution programmée le " + fr_date(summary.constitution.on)) if summary.constitution.status == "scheduled" \
            else "Pas encore constitué"
        annotations.append(dict(x=pd.Timestamp(window_start), y=name, text=f"<i>{text}</i>", showarrow=False, xanchor="left",
                                font=dict(color=GREY, size=FONT["size"])))
    annotations.append(dict(x=pd.Timestamp(as_of), y=1, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                            text=f"Date de référence : {fr_date(as_of)}", font=dict(size=FONT["size"] - 1)))

    title = timeline_title(len(sector_ids), total)
    margins = dict(MARGINS, t=MARGINS["t"] + (TITLE_ROOM if title else 0))
    fig = go.Figure(data=traces)
    _base_layout(fig, ROW_HEIGHT * max(len(names), 1) + margins["t"] + margins["b"] + 10)
    fig.update_layout(
        barmode="overlay", margin=margins, hovermode="closest", annotations=annotations,
        shapes=[dict(type="line", x0=pd.Timestamp(as_of), x1=pd.Timestamp(as_of), xref="x", y0=0, y1=1, yref="paper",
                     line=dict(color=FONT["color"], width=2, dash="dash"))],
        legend=dict(orientation="h", yanchor="bottom", y=1.06, xanchor="left", x=0, title_text=""),
        **({"title": dict(text=title, x=0, xanchor="left", y=1, yanchor="top", yref="container", pad=dict(t=8, l=10),
                          font=dict(size=FONT["size"], color=FONT["color"]))} if title else {}),
    )
    fig.update_xaxes(type="date", range=[pd.Timestamp(x_start), pd.Timestamp(x_end)], tickformat="%d/%m/%Y",
                     dtick="M1", tick0=pd.Timestamp(window_start.year, window_start.month, 1), showgrid=True,
                     gridcolor="#e6e6e6", linecolor="#4d4d4d", ticks="outside", tickfont=TICK_FONT)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=names, range=[len(names) - 0.5, -0.5],
                     showgrid=True, gridcolor="#f0f0f0", automargin=True, ticksuffix="  ", fixedrange=True, tickfont=TICK_FONT)
    return fig


def attendance_chart(counts: dict[str, int], held: int) -> go.Figure:
    """Share of held meetings each partner type attended, with « 12/14 » beside each bar (socle first)."""
    codes = [c for c in PARTNER_TYPE.labels if c in ("mairie", "police_municipale", "police_nationale") or counts.get(c)]
    labels = [PARTNER_TYPE.labels[c] for c in codes]
    values = [counts.get(c, 0) for c in codes]
    shares = [100 * v / held if held else 0 for v in values]
    fig = go.Figure(go.Bar(
        orientation="h", y=labels, x=shares, marker_color=BLUE, text=[rate_with_counts(v, held) for v in values],
        textposition="outside", cliponaxis=False, textfont=dict(size=FONT["size"]),
        hovertext=[f"<b>{label}</b><br>présent à {fr_pct(v / held) if held else '–'} des réunions tenues ({v}/{held})"
                   for label, v in zip(labels, values)],
        hovertemplate="%{hovertext}<extra></extra>",
    ))
    _base_layout(fig, 44 * len(codes) + 110)
    fig.update_layout(margin=dict(l=10, r=140, t=20, b=60), showlegend=False, bargap=0.3)
    fig.update_xaxes(range=[0, 100], ticksuffix="\u202f%", dtick=25, showgrid=True, gridcolor="#e6e6e6",
                     title_text="Part des réunions tenues où le partenaire était présent", fixedrange=True, tickfont=TICK_FONT)
    fig.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed", automargin=True,
                     ticksuffix="  ", fixedrange=True, tickfont=TICK_FONT)
    if not held:
        fig.add_annotation(x=50, y=0.5, yref="paper", text="Aucune réunion tenue sur la période", showarrow=False)
    return fig
