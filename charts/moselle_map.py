"""Choropleth map of Moselle: every commune coloured by its police sector's value.

Drawn with plotly's ``choropleth_map`` family on the ``white-bg`` style and our
own GeoJSON: nothing is fetched from the network (no tiles, no world topojson,
no font glyphs). Communes outside every police sector (gendarmerie zone) are
drawn in light grey so the département keeps its shape; sector and CSP
boundaries are drawn as lines on top.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache
from html import escape

import pandas as pd
import plotly.graph_objects as go

from charts import palette
from domain.geography import (
    commune_codes,
    communes_geojson,
    csp_outlines,
    moselle_center,
    moselle_zoom,
    sector_centroids,
    sector_outlines,
)
from domain.reference import Reference

NO_SECTOR_HOVER = "Commune hors zone police (gendarmerie)"
NO_DATA_TEXT = "pas de données"
UIREVISION = "moselle-map"


def _lines_trace(rings_by_key: dict[str, list[list[tuple[float, float]]]], *, colour: str, width: float, name: str) -> go.Scattermap:
    lons: list[float | None] = []
    lats: list[float | None] = []
    for rings in rings_by_key.values():
        for ring in rings:
            lons.extend(x for x, _ in ring)
            lats.extend(y for _, y in ring)
            lons.append(None)
            lats.append(None)
    return go.Scattermap(
        lon=lons,
        lat=lats,
        mode="lines",
        line={"color": colour, "width": width},
        hoverinfo="skip",
        showlegend=False,
        name=name,
    )


@lru_cache(maxsize=1)
def _features_by_code() -> dict[str, dict]:
    return {str(f["id"]): f for f in communes_geojson()["features"]}


def _shown(value: float, shown: object) -> str:
    if shown is not None and not (isinstance(shown, float) and math.isnan(shown)) and str(shown).strip():
        return str(shown)
    if value is None or math.isnan(value):
        return NO_DATA_TEXT
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


def _hover(commune: str, sector: str, csp: str, metric_label: str, shown: str, extra: Iterable[str]) -> str:
    lines = [
        f"<b>{escape(commune)}</b>",
        f"Secteur : {escape(sector)}",
        f"CSP : {escape(csp)}",
        f"{escape(metric_label)} : <b>{escape(shown)}</b>",
        *(escape(line) for line in extra),
    ]
    return "<br>".join(lines)


def moselle_map(
    values: pd.DataFrame,
    *,
    metric_label: str,
    reference: Reference,
    higher_is_worse: bool = True,
    hover_lines: dict[str, list[str]] | None = None,
    height: int = 650,
    value_range: tuple[float, float] | None = None,
    sector_labels: bool = False,
) -> go.Figure:
    """A map of the 725 Moselle communes, each police sector coloured by its value.

    ``values``: one row per sector, columns ``sector_id``, ``value`` (NaN = no
    data) and optionally ``shown`` (the text hover shows for the value).
    ``higher_is_worse`` picks the colour scale (dark red = needs attention).
    ``value_range`` fixes the colour scale's ends (e.g. ``(0, 100)`` for a
    percentage); by default it spans the values. ``hover_lines`` adds French
    lines per sector to the hover. The sector trace carries the sector id in
    ``customdata`` so a click can open the sector's page.
    """
    hover_lines = hover_lines or {}
    by_sector: dict[str, tuple[float, object]] = {}
    has_shown = "shown" in values.columns
    for row in values.itertuples(index=False):
        raw = getattr(row, "value")
        value = float(raw) if raw is not None and not pd.isna(raw) else math.nan
        by_sector[str(getattr(row, "sector_id"))] = (value, getattr(row, "shown") if has_shown else None)

    csp_names = {c.csp_id: c.name for c in reference.csps.values()}
    features = _features_by_code()

    valued: dict[str, list] = {"loc": [], "z": [], "sid": [], "text": []}
    no_data: dict[str, list] = {"loc": [], "sid": [], "text": []}
    outside: dict[str, list] = {"loc": [], "text": []}
    for insee in commune_codes():
        name = features[insee]["properties"].get("nom", insee)
        sector_id = reference.sector_of_commune(insee)
        if sector_id is None or sector_id not in reference.sectors:
            outside["loc"].append(insee)
            outside["text"].append(f"<b>{escape(name)}</b><br>{NO_SECTOR_HOVER}")
            continue
        sector = reference.sectors[sector_id]
        value, shown = by_sector.get(sector_id, (math.nan, None))
        text = _hover(
            name,
            sector.name,
            csp_names.get(sector.csp_id, sector.csp_id),
            metric_label,
            _shown(value, shown) if not math.isnan(value) else NO_DATA_TEXT,
            hover_lines.get(sector_id, ()),
        )
        if math.isnan(value):
            no_data["loc"].append(insee)
            no_data["sid"].append(sector_id)
            no_data["text"].append(text)
        else:
            valued["loc"].append(insee)
            valued["z"].append(value)
            valued["sid"].append(sector_id)
            valued["text"].append(text)

    border = {"line": {"color": palette.COMMUNE_BORDER_COLOUR, "width": 0.6}}
    common = {"featureidkey": "id", "hovertemplate": "%{text}<extra></extra>"}

    if value_range is not None:
        zmin, zmax = float(value_range[0]), float(value_range[1])
    elif valued["z"]:
        zmin, zmax = min(valued["z"]), max(valued["z"])
    else:
        zmin, zmax = 0.0, 1.0
    if zmax <= zmin:
        zmax = zmin + 1.0

    fig = go.Figure()
    fig.add_trace(
        go.Choroplethmap(
            **common,
            name="hors zone police",
            locations=outside["loc"],
            z=[0] * len(outside["loc"]),
            text=outside["text"],
            colorscale=[[0, palette.NO_SECTOR_COLOUR], [1, palette.NO_SECTOR_COLOUR]],
            showscale=False,
            marker=border,
            selected={"marker": {"opacity": 1}},
            unselected={"marker": {"opacity": 1}},
        )
    )
    fig.add_trace(
        go.Choroplethmap(
            **common,
            name="pas de données",
            locations=no_data["loc"],
            z=[0] * len(no_data["loc"]),
            customdata=no_data["sid"],
            text=no_data["text"],
            colorscale=[[0, palette.NO_DATA_COLOUR], [1, palette.NO_DATA_COLOUR]],
            showscale=False,
            marker=border,
            selected={"marker": {"opacity": 1}},
            unselected={"marker": {"opacity": 1}},
        )
    )
    fig.add_trace(
        go.Choroplethmap(
            **common,
            name="secteurs",
            locations=valued["loc"],
            z=valued["z"],
            customdata=valued["sid"],
            text=valued["text"],
            colorscale=palette.SEQUENTIAL_BAD if higher_is_worse else palette.SEQUENTIAL_GOOD,
            zmin=zmin,
            zmax=zmax,
            showscale=bool(valued["z"]),
            colorbar={
                "title": {"text": metric_label, "side": "right", "font": {"size": palette.FONT["size"]}},
                "thickness": 18,
                "len": 0.75,
                "x": 0.99,
                "xanchor": "right",
                "bgcolor": "rgba(255,255,255,0.85)",
                "outlinewidth": 0,
                "tickfont": {"size": palette.FONT["size"]},
                "tickformat": "~f",
                "separatethousands": True,
            },
            marker={**border, "opacity": 1},
            selected={"marker": {"opacity": 1}},
            unselected={"marker": {"opacity": 1}},
        )
    )
    # Each choropleth trace gets only its own communes' features, so the
    # figure carries every polygon once. Assigned after add_trace: plotly
    # deep-copies trace properties on add_trace (~40 ms per GeoJSON copy) but
    # not on attribute assignment; the features are shared, read-only.
    for trace, codes in zip(fig.data, (outside["loc"], no_data["loc"], valued["loc"])):
        trace.geojson = {"type": "FeatureCollection", "features": [features[c] for c in codes]}

    fig.add_trace(_lines_trace(sector_outlines(reference), colour=palette.SECTOR_OUTLINE_COLOUR, width=1.5, name="contours secteurs"))
    fig.add_trace(_lines_trace(csp_outlines(reference), colour=palette.CSP_OUTLINE_COLOUR, width=3, name="contours CSP"))

    if sector_labels:
        points = sector_centroids(reference)
        ids = [sid for sid in reference.sectors if sid in points]
        # Text on the map would need font glyphs from a CDN (maplibre): a dot
        # with the sector name in its hover stays offline.
        fig.add_trace(
            go.Scattermap(
                lon=[points[sid][0] for sid in ids],
                lat=[points[sid][1] for sid in ids],
                mode="markers",
                marker={"size": 7, "color": palette.SECTOR_OUTLINE_COLOUR},
                customdata=ids,
                text=[escape(reference.sectors[sid].name) for sid in ids],
                hovertemplate="<b>%{text}</b><extra></extra>",
                showlegend=False,
                name="secteurs (noms)",
            )
        )

    lat, lon = moselle_center()
    fig.update_layout(
        map={"style": "white-bg", "center": {"lat": lat, "lon": lon}, "zoom": moselle_zoom(height=height)},
        height=height,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        clickmode="event+select",
        showlegend=False,
        font=palette.FONT,
        hoverlabel={"font": {"size": palette.HOVER_FONT_SIZE}, "bgcolor": "white", "bordercolor": palette.SECTOR_OUTLINE_COLOUR},
        uirevision=UIREVISION,
        paper_bgcolor="white",
    )
    return fig
