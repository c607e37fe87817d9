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

from theme import palette
from domain.geography import (
    commune_bounds,
    commune_codes,
    communes_geojson,
    csp_outlines,
    fit_zoom,
    moselle_center,
    moselle_zoom,
    sector_centroids,
    sector_outlines,
)
from domain.reference import Reference

NO_SECTOR_HOVER = "Commune hors zone police (gendarmerie)"
NO_DATA_TEXT = "pas de données"
UIREVISION = "moselle-map"
NARROW_FRAME = 700  # px: below this width the colour bar goes under the map

# The "white-bg" style plus a same-origin glyph URL. Text on a map needs font
# glyphs; plotly's "white-bg" asks fonts.openmaptiles.org for them (a request
# leaving the intranet). Pointed at a path of our own server, the fetch fails
# locally and maplibre draws the labels with the browser's own font instead.
# Used only when sector labels are asked for.
LABEL_STYLE = {
    "version": 8,
    "sources": {},
    "layers": [{"id": "white-bg", "type": "background", "paint": {"background-color": "#FFFFFF"}}],
    "glyphs": "/gpo-map-glyphs/{fontstack}/{range}.pbf",
}


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


def _colorbar(metric_label: str, *, narrow: bool) -> dict:
    common = {
        "thickness": 16,
        "bgcolor": "rgba(255,255,255,0.85)",
        "outlinewidth": 0,
        "tickfont": {"size": palette.FONT["size"]},
        "tickformat": "~f",
        "separatethousands": True,
    }
    if narrow:
        return {
            **common,
            "title": {"text": metric_label, "side": "top", "font": {"size": palette.FONT["size"]}},
            "orientation": "h",
            "len": 0.9,
            "x": 0.5,
            "xanchor": "center",
            "y": 0.0,
            "yanchor": "bottom",
        }
    return {
        **common,
        "title": {"text": metric_label, "side": "right", "font": {"size": palette.FONT["size"]}},
        "len": 0.75,
        "x": 0.99,
        "xanchor": "right",
    }


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
    frame_width: int = 900,
) -> go.Figure:
    """A map of the 725 Moselle communes, each police sector coloured by its value.

    ``values``: one row per sector, columns ``sector_id``, ``value`` (NaN = no
    data) and optionally ``shown`` (the text hover shows for the value).
    ``higher_is_worse`` picks the colour scale (dark red = needs attention).
    ``value_range`` fixes the colour scale's ends (e.g. ``(0, 100)`` for a
    percentage); by default it spans the values. ``hover_lines`` adds French
    lines per sector to the hover. The sector trace carries the sector id in
    ``customdata`` so a click can open the sector's page. ``frame_width`` is
    the approximate width (px) the map is shown at: it sets the zoom with
    ``height``, and below 700 px the colour bar goes under the map.
    ``sector_labels`` writes sector names on the map (then ``map.style`` is
    a white style object instead of "white-bg", see ``LABEL_STYLE``).
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

    def flat(name: str, part: dict, colour: str, **extra) -> go.Choroplethmap:
        """Communes drawn in one plain colour (outside the police zone, or a sector without data)."""
        return go.Choroplethmap(**common, name=name, locations=part["loc"], z=[0] * len(part["loc"]), text=part["text"],
                                colorscale=[[0, colour], [1, colour]], showscale=False, marker=border,
                                selected={"marker": {"opacity": 1}}, unselected={"marker": {"opacity": 1}}, **extra)

    fig = go.Figure()
    fig.add_trace(flat("hors zone police", outside, palette.NO_SECTOR_COLOUR))
    fig.add_trace(flat("pas de données", no_data, palette.NO_DATA_COLOUR, customdata=no_data["sid"]))
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
            colorbar=_colorbar(metric_label, narrow=frame_width < NARROW_FRAME),
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
        fig.add_trace(
            go.Scattermap(
                lon=[points[sid][0] for sid in ids],
                lat=[points[sid][1] for sid in ids],
                mode="text",
                text=[reference.sectors[sid].name for sid in ids],
                textfont={"size": palette.FONT["size"] - 2, "color": palette.BLACK},
                hoverinfo="skip",
                showlegend=False,
                name="noms des secteurs",
            )
        )

    lat, lon = moselle_center()
    narrow = frame_width < NARROW_FRAME
    # The colour bar takes ~80 px at the right, or ~70 px under a narrow map.
    bar_h = 70 if narrow else 0
    zoom = moselle_zoom(width=frame_width - (0 if narrow else 80), height=height - bar_h)
    fig.update_layout(
        map={
            "style": LABEL_STYLE if sector_labels else "white-bg",
            "center": {"lat": lat, "lon": lon},
            "zoom": zoom,
            "domain": {"x": [0, 1], "y": [bar_h / height, 1]},
        },
        height=height,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        clickmode="event+select",
        showlegend=False,
        font=palette.FONT,
        hoverlabel={"font": {"size": palette.HOVER_FONT_SIZE, "color": palette.FONT["color"]}, "bgcolor": "white", "bordercolor": palette.SECTOR_OUTLINE_COLOUR},
        uirevision=UIREVISION,
        paper_bgcolor="white",
    )
    return fig


def sector_map(sector_id: str, reference: Reference, *, height: int = 380, frame_width: int = 480) -> go.Figure:
    """A small map of one sector for its page: its communes in blue among their neighbours.

    Only communes near the sector are drawn (small figure); the sector and
    its CSP are outlined. Offline like ``moselle_map``.
    """
    sector = reference.sectors[sector_id]
    bounds = commune_bounds()
    own = [c for c in sector.communes if c in bounds]
    minx = min(bounds[c][0] for c in own)
    miny = min(bounds[c][1] for c in own)
    maxx = max(bounds[c][2] for c in own)
    maxy = max(bounds[c][3] for c in own)
    margin = max(maxx - minx, maxy - miny) * 0.6 + 0.02
    box = (minx - margin, miny - margin, maxx + margin, maxy + margin)
    near = [
        c for c in commune_codes()
        if c not in own and bounds[c][2] >= box[0] and bounds[c][0] <= box[2] and bounds[c][3] >= box[1] and bounds[c][1] <= box[3]
    ]
    features = _features_by_code()
    csp_names = {c.csp_id: c.name for c in reference.csps.values()}

    def hover(code: str) -> str:
        name = escape(features[code]["properties"].get("nom", code))
        other = reference.sector_of_commune(code)
        if other is None:
            return f"<b>{name}</b><br>{NO_SECTOR_HOVER}"
        s = reference.sectors[other]
        return f"<b>{name}</b><br>Secteur : {escape(s.name)}<br>CSP : {escape(csp_names.get(s.csp_id, s.csp_id))}"

    border = {"line": {"color": palette.COMMUNE_BORDER_COLOUR, "width": 0.8}}
    fig = go.Figure()
    for codes, colour, name in ((near, palette.NO_SECTOR_COLOUR, "communes voisines"), (own, palette.SKY_BLUE, "communes du secteur")):
        fig.add_trace(
            go.Choroplethmap(
                featureidkey="id",
                locations=codes,
                z=[0] * len(codes),
                text=[hover(c) for c in codes],
                hovertemplate="%{text}<extra></extra>",
                colorscale=[[0, colour], [1, colour]],
                showscale=False,
                marker=border,
                name=name,
            )
        )
    for trace, codes in zip(fig.data, (near, own)):
        trace.geojson = {"type": "FeatureCollection", "features": [features[c] for c in codes]}
    fig.add_trace(_lines_trace({sector_id: sector_outlines(reference)[sector_id]}, colour=palette.BLACK, width=2.5, name="contour du secteur"))
    csp_rings = csp_outlines(reference).get(sector.csp_id, [])
    fig.add_trace(_lines_trace({sector.csp_id: csp_rings}, colour=palette.SECTOR_OUTLINE_COLOUR, width=1.2, name="contour de la CSP"))
    fig.update_layout(
        map={
            "style": "white-bg",
            "center": {"lat": (miny + maxy) / 2, "lon": (minx + maxx) / 2},
            "zoom": fit_zoom((minx, miny, maxx, maxy), frame_width, height, padding=0.12),
        },
        height=height,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        showlegend=False,
        font=palette.FONT,
        hoverlabel={"font": {"size": palette.HOVER_FONT_SIZE, "color": palette.FONT["color"]}, "bgcolor": "white"},
        uirevision=f"sector-map-{sector_id}",
        paper_bgcolor="white",
    )
    return fig
