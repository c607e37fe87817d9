"""Figures and tables built once per input and shared by every session (each click reruns a page; a figure of
the same data is not built again).

Keyed by what they are made of (the scope's current imports, the date, the period), never by the frames
themselves: hashing a national frame on every run would cost more than the page. A view of many sectors is keyed by
`digest_of(scope, sectors)`, the scope and sectors passed beside it unhashed (`_scope`, `_sector_ids`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app_state.data import digest_of, summaries_of_scope, metrics_of_scope, readable_of, scope_frames, scope_key
from app_state.resources import reference
from charts.meetings_charts import attendance_chart, meetings_timeline
from charts.departement_map import departement_map, sector_map
from charts.prepared import prepared
from charts import summaries as said
from charts.meetings_charts import timeline_rows
from charts.problem_charts import (age_chart, by_category_chart, by_csp_chart, by_sector_chart, resolution_time_chart,
                                   stock_and_flow_chart)
from domain.indicators.meetings import partner_types_attending
from domain.indicators.problems import (ResolutionStats, monthly_stock_and_flow, open_age_buckets, open_problems,
                                        overdue_problems, resolution_days, resolution_stats, resolved_in)
from domain.vocabulary import PRIORITY, PROBLEM_STATUS
from report_tables.sector_ranking import (CYCLE_SCALE, MAP_METRICS, SMALL_SAMPLES, csp_map_values, hover_lines,
                                          is_categorical, map_label, map_values, ranking_table)
from domain.indicators.cycle import CYCLE_STATUS_LABELS
from theme.palette import CYCLE_STATUS_COLOURS


@dataclass(frozen=True)
class ProblemsView:
    """Everything the Problèmes page shows, for one scope, date and period."""

    problems: int  # in the scope, whatever their status
    open_count: int
    late_count: int
    stats: ResolutionStats
    figures: dict[str, go.Figure]
    summaries: dict[str, str]  # what each figure shows, in French (charts.summaries), written under it
    monthly: pd.DataFrame
    open_table: pd.DataFrame  # the open problems, oldest first (dates as dates: the page formats what it shows)


@st.cache_resource(show_spinner=False, max_entries=16)
def _problems_view(digest: str, _scope: tuple, _sector_ids: tuple[str, ...], as_of: dt.date, period_start: dt.date,
                   chart_start: dt.date) -> ProblemsView:
    scope, sector_ids = _scope, _sector_ids
    problems = scope_frames(list(sector_ids))["problems"]
    metrics = metrics_of_scope(scope, sector_ids, as_of, period_start)
    opened = open_problems(problems, as_of)
    late = overdue_problems(problems, as_of)
    monthly = monthly_stock_and_flow(problems, chart_start, as_of)
    days = resolution_days(resolved_in(problems, period_start, as_of))
    late_keys = pd.MultiIndex.from_frame(late[["sector_id", "problem_id"]])
    names = {s.sector_id: s.name for s in reference().sectors.values()}
    # Where, what, how old and how urgent first: they fit a 1366-pixel screen; deadline, status and reference follow
    table = pd.DataFrame({
        "Secteur": opened["sector_id"].map(names),
        "Catégorie": opened["category"],
        "Lieu": opened["location"],
        "Commune": opened["commune_name"],
        "Âge (j)": (pd.Timestamp(as_of) - opened["reported_on"]).dt.days,
        "Priorité": opened["priority"].map(PRIORITY.labels).fillna("–"),
        "En retard": pd.MultiIndex.from_frame(opened[["sector_id", "problem_id"]]).isin(late_keys),
        "Échéance": opened["due_on"],
        # closed since a past reference date: it was being dealt with then
        "Statut": opened["status"].map(lambda s: PROBLEM_STATUS.labels["open" if s == "open" else "in_progress"]),
        "Signalé le": opened["reported_on"],
        "Réf": opened["problem_id"],
    }).sort_values("Âge (j)", ascending=False, kind="stable").reset_index(drop=True)
    table["En retard"] = table["En retard"].map({True: "Oui", False: "Non"})
    buckets = open_age_buckets(problems, as_of)
    return ProblemsView(
        problems=len(problems), open_count=len(opened), late_count=len(late), stats=resolution_stats(problems, period_start, as_of),
        figures={key: prepared(figure) for key, figure in {
            "stock": stock_and_flow_chart(monthly),
            "category": by_category_chart(problems, as_of, period_start),
            "sector": by_sector_chart(metrics, as_of),
            "csp": by_csp_chart(metrics, as_of),
            "age": age_chart(buckets),
            "time": resolution_time_chart(days),
        }.items()},
        summaries={
            "stock": said.stock_and_flow_summary(monthly),
            "category": said.category_summary(problems, as_of, period_start),
            "sector": said.sector_summary(metrics),
            "csp": said.csp_summary(metrics),
            "age": said.age_summary(buckets),
            "time": said.resolution_time_summary(days),
        },
        monthly=monthly, open_table=table)


def problems_view(sector_ids: list[str], as_of: dt.date, period_start: dt.date, chart_start: dt.date) -> ProblemsView:
    wanted = readable_of(sector_ids)
    scope = scope_key(wanted)
    return _problems_view(digest_of(scope, tuple(wanted)), scope, tuple(wanted), as_of, period_start, chart_start)


@st.cache_resource(show_spinner=False, max_entries=32)
def _map(digest: str, _scope: tuple, _sector_ids: tuple[str, ...], as_of: dt.date, period_start: dt.date, metric: str,
         frame_width: int, height: int, by_sector: bool) -> go.Figure:
    metrics = metrics_of_scope(_scope, _sector_ids, as_of, period_start)
    higher_is_worse = MAP_METRICS[metric][2]
    categories = _categories(metric) if by_sector else None
    return prepared(departement_map(map_values(metrics, metric), metric_label=map_label(metric, by_sector), reference=reference(),
                       higher_is_worse=higher_is_worse, hover_lines=hover_lines(metrics, metric) if by_sector else None,
                       csp_values=None if by_sector else csp_map_values(metrics, metric, reference()),
                       frame_width=frame_width, height=height, categories=categories,
                       percent=MAP_METRICS[metric][3] or (is_categorical(metric) and not by_sector)))


def _categories(metric: str) -> list[tuple[str, str]] | None:
    """(label, colour) of a status metric's categories, least urgent first (the map's colour bar)."""
    if not is_categorical(metric):
        return None
    return [(CYCLE_STATUS_LABELS[code], CYCLE_STATUS_COLOURS[code]) for code in CYCLE_SCALE]


def map_figure(sector_ids: list[str], as_of: dt.date, period_start: dt.date, metric: str, *, frame_width: int,
               height: int, by_sector: bool) -> go.Figure:
    """The map of the readable `sector_ids` coloured by `metric`, built once per input (shared: never change it)."""
    wanted = readable_of(sector_ids)
    scope = scope_key(wanted)
    return _map(digest_of(scope, tuple(wanted)), scope, tuple(wanted), as_of, period_start, metric, frame_width, height,
                by_sector)


def map_summary(sector_ids: list[str], as_of: dt.date, period_start: dt.date, metric: str, *, by_sector: bool,
                table_below: bool = True) -> str:
    """What the map of the same inputs shows, in one French sentence (charts.summaries.map_summary)."""
    wanted = tuple(readable_of(sector_ids))
    scope = scope_key(list(wanted))
    return _map_summary(digest_of(scope, wanted), scope, wanted, as_of, period_start, metric, by_sector, table_below)


# Keyed by `digest_of(scope, sectors)`, the scope and sectors beside it unhashed: see app_state.data.digest_of
@st.cache_resource(show_spinner=False, max_entries=64)
def _ranking(digest: str, _scope: tuple, _sector_ids: tuple[str, ...], as_of: dt.date, period_start: dt.date,
             metric: str) -> pd.DataFrame:
    return ranking_table(metrics_of_scope(_scope, _sector_ids, as_of, period_start), metric)


def ranking_for(sector_ids: list[str], as_of: dt.date, period_start: dt.date, metric: str) -> pd.DataFrame:
    """The map's table (report_tables.sector_ranking.ranking_table) of the readable `sector_ids`, built once per
    input (shared: never change it)."""
    wanted = tuple(readable_of(sector_ids))
    scope = scope_key(list(wanted))
    return _ranking(digest_of(scope, wanted), scope, wanted, as_of, period_start, metric)


@st.cache_resource(show_spinner=False, max_entries=64)
def _map_summary(digest: str, _scope: tuple, _sector_ids: tuple[str, ...], as_of: dt.date, period_start: dt.date,
                 metric: str, by_sector: bool, table_below: bool) -> str:
    metrics = metrics_of_scope(_scope, _sector_ids, as_of, period_start)
    label, _, higher_is_worse, is_rate = MAP_METRICS[metric]
    ref = reference()
    if by_sector and is_categorical(metric):
        return said.category_map_summary(map_values(metrics, metric), {s.sector_id: s.name for s in ref.sectors.values()},
                                         label, [name for name, _ in _categories(metric)], table_below=table_below)
    if is_categorical(metric):  # at CSP level: the share of each CSP's sectors needing action on their cycle
        label, higher_is_worse, is_rate = map_label(metric, by_sector=False), True, True
    if by_sector:
        small = SMALL_SAMPLES.get(metric)  # a rate on fewer than 5 items: coloured, never named among the extremes
        unranked = frozenset(metrics.loc[metrics[small[0]].fillna(True).astype(bool), "sector_id"]) if small \
            else frozenset()
        return said.map_summary(map_values(metrics, metric), {s.sector_id: s.name for s in ref.sectors.values()}, label,
                                higher_is_worse=higher_is_worse, is_rate=is_rate, table_below=table_below,
                                unranked=unranked, unranked_note=small[2] if small else "")
    return said.map_summary(csp_map_values(metrics, metric, ref), {c.csp_id: c.name for c in ref.csps.values()}, label,
                            higher_is_worse=higher_is_worse, is_rate=is_rate, level_word="CSP", table_below=table_below)


@dataclass(frozen=True)
class MeetingsView:
    """The Réunions page's figures for one scope and date: the timeline, and who attended the meetings held."""

    timeline: go.Figure
    held: int  # meetings held in the window
    attendance: go.Figure | None
    timeline_summary: str  # what each figure shows, in French (charts.summaries)
    attendance_summary: str


@st.cache_resource(show_spinner=False, max_entries=16)
def _meetings_view(digest: str, _scope: tuple, _sector_ids: tuple[str, ...], as_of: dt.date, period_start: dt.date,
                   window_start: dt.date) -> MeetingsView:
    scope, sector_ids = _scope, _sector_ids
    meetings = scope_frames(list(sector_ids))["meetings"]
    summaries = summaries_of_scope(scope, as_of, period_start)
    timeline = meetings_timeline(meetings, {s: summaries[s] for s in sector_ids}, reference(), list(sector_ids), as_of,
                                 window_start)
    window = meetings[(meetings["meeting_date"] >= pd.Timestamp(window_start))
                      & (meetings["meeting_date"] <= pd.Timestamp(as_of))]
    held = int((window["status"] == "held").sum())
    attending = partner_types_attending(window)
    scope = {s: summaries[s] for s in sector_ids}
    return MeetingsView(prepared(timeline), held, prepared(attendance_chart(attending, held)) if held else None,
                        said.timeline_summary(scope, reference(), list(sector_ids), timeline_rows(scope, list(sector_ids)),
                                              window_start, as_of),
                        said.attendance_summary(attending, held))


def meetings_view(sector_ids: list[str], as_of: dt.date, period_start: dt.date, window_start: dt.date) -> MeetingsView:
    wanted = readable_of(sector_ids)
    scope = scope_key(wanted)
    return _meetings_view(digest_of(scope, tuple(wanted)), scope, tuple(wanted), as_of, period_start, window_start)


@st.cache_resource(show_spinner=False, max_entries=64)
def sector_map_figure(sector_id: str) -> go.Figure:
    """The small map of one sector (its communes among their neighbours), built once (shared: never change it)."""
    return prepared(sector_map(sector_id, reference()))
