"""Choropleth map of the département: every commune coloured by its sector's value, or by its CSP's beyond 60 sectors.

Drawn with plotly's ``choropleth_map`` family on the ``white-bg`` style and our
own GeoJSON: nothing is fetched from the network (no tiles, no world topojson,
no font glyphs). Communes outside every police sector (gendarmerie zone) are
drawn in light grey so the département keeps its shape; sector and CSP
boundaries are drawn as lines on top, from the communes' border network
(``domain.geography.Geography.border_lines``): one line trace per level, each border
once, so the figure's size does not grow with the number of sectors.

The map shows the scope the filters select (the sectors of ``values``): up to
``SECTOR_LIMIT`` sectors, each commune of a chosen sector carries its sector's
value; beyond, sectors are too many to tell apart and each commune carries its
CSP's figure (``csp_values``), with CSP outlines only and a French note inviting
to choose a CSP. Communes of sectors outside the scope are drawn pale, for context.

Builders here are pure: the same values, reference and options give the same
figure, so a page can cache a figure once per input and share it between
sessions. Key it on what ``values`` is computed from (the current import ids,
the reference date and period, the scope's sector ids, the metric) and on the
size options; the reference is read once per process.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache
from html import escape

import pandas as pd
import plotly.graph_objects as go

from domain.formatting import fr_int
from theme import palette
from domain.geography import Geography, fit_zoom, geography, sector_centroids
from domain.reference import Reference

NO_SECTOR_HOVER = "Commune hors zone police (gendarmerie)"
NO_DATA_TEXT = "pas de données"
OUT_OF_SCOPE_HOVER = "Hors du choix des filtres"
UIREVISION = "departement-map"
NARROW_FRAME = 700  # px: below this width the colour bar goes under the map
SECTOR_LIMIT = 60  # beyond this many sectors in scope, the map shows CSPs

# What the page says under the map, per level (see ``map_level``).
MAP_CAPTIONS = {
    "sector": "Survolez une commune pour les chiffres de son secteur ; cliquez pour ouvrir la fiche du secteur. "
              "Traits noirs épais : circonscriptions (CSP) ; traits fins : secteurs ; en gris clair : communes hors "
              "zone police (gendarmerie).",
    "csp": "Trop de secteurs pour les distinguer : chaque commune porte le chiffre de sa CSP. Choisissez une CSP dans "
           "les filtres pour voir ses secteurs. Traits noirs : circonscriptions (CSP) ; en gris clair : communes hors "
           "zone police (gendarmerie).",
}

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


def map_level(scope_size: int) -> str:
    """« sector » when the map can show each chosen sector, « csp » beyond ``SECTOR_LIMIT`` sectors."""
    return "sector" if scope_size <= SECTOR_LIMIT else "csp"


def map_caption(scope_size: int) -> str:
    """The French caption under a map of ``scope_size`` sectors."""
    return MAP_CAPTIONS[map_level(scope_size)]


def _lines_trace(lines: tuple[tuple, tuple], *, colour: str, width: float, name: str) -> go.Scattermap:
    lons, lats = lines
    return go.Scattermap(lon=list(lons), lat=list(lats), mode="lines", line={"color": colour, "width": width},
                         hoverinfo="skip", showlegend=False, name=name)


@lru_cache(maxsize=4)
def _features_by_code(geo: Geography) -> dict[str, dict]:
    """Each commune's feature as the figure carries it: id and geometry only (names go in the hover text)."""
    return {str(f["id"]): {"type": "Feature", "id": str(f["id"]), "geometry": f["geometry"]}
            for f in geo.geojson["features"]}


def _colorbar(metric_label: str, *, narrow: bool, percent: bool = False) -> dict:
    common = {
        "thickness": 16,
        "bgcolor": "rgba(255,255,255,0.85)",
        "outlinewidth": 0,
        "tickfont": {"size": palette.FONT["size"]},
        "tickformat": ".0%" if percent else "~f",
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


def _category_scale(colours: list[str]) -> list[list]:
    """A colour scale of flat steps, one per category: value i (0…k-1) drawn in colours[i] with zmin=-0.5,
    zmax=k-0.5 (plotly interpolates between stops: each step is bounded by two stops of the same colour)."""
    k = len(colours)
    scale = []
    for i, colour in enumerate(colours):
        scale += [[i / k, colour], [(i + 1) / k, colour]]
    return scale


def _category_bar(metric_label: str, labels: list[str], *, narrow: bool) -> dict:
    """The colour bar of a category scale: one labelled step per category instead of numbers."""
    return {**_colorbar(metric_label, narrow=narrow), "tickmode": "array", "tickvals": list(range(len(labels))),
            "ticktext": labels, "ticks": "", "tickformat": ""}


def _shown(value: float, shown: object) -> str:
    if math.isnan(value):
        return NO_DATA_TEXT
    if shown is not None and not (isinstance(shown, float) and math.isnan(shown)) and str(shown).strip():
        return str(shown)
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


def _by_id(frame: pd.DataFrame | None, key: str) -> dict[str, tuple[float, object]]:
    """id -> (value, shown) from a frame with ``key``, ``value`` and optionally ``shown``."""
    if frame is None:
        return {}
    values = pd.to_numeric(frame["value"], errors="coerce").astype("float64").tolist()
    shown = frame["shown"].tolist() if "shown" in frame.columns else [None] * len(values)
    return {str(k): (v, s) for k, v, s in zip(frame[key].tolist(), values, shown)}


def _hover(lines: Iterable[str]) -> str:
    return "<br>".join(lines)


def _owners(reference: Reference, scope: list[str]) -> dict[str, str]:
    """Commune -> sector: the chosen sector holding it, else the reference's sector (drawn as context)."""
    owner = {c: sid for c in geography(reference).codes if (sid := reference.sector_of_commune(c)) is not None}
    for sector_id in scope:
        for insee in reference.sectors[sector_id].communes:
            owner[insee] = sector_id
    return owner


def departement_map(
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
    csp_values: pd.DataFrame | None = None,
    categories: list[tuple[str, str]] | None = None,
    percent: bool = False,
) -> go.Figure:
    """A map of the département's communes (``reference``'s contours), each chosen sector (or, beyond 60, each CSP) coloured by its value.

    ``values``: one row per sector of the scope, columns ``sector_id``, ``value``
    (NaN = no data) and optionally ``shown`` (the text hover shows for the
    value). Beyond ``SECTOR_LIMIT`` sectors, ``csp_values`` (``csp_id``,
    ``value``, ``shown``: the same metric per CSP over the scope, see
    ``report_tables.sector_ranking.csp_map_values``) colours the communes
    instead, and is required. ``higher_is_worse`` picks the colour scale (dark
    red = needs attention). ``value_range`` fixes the colour scale's ends (e.g.
    ``(0, 100)`` for a percentage); by default it spans the values.
    ``hover_lines`` adds French lines per sector to the hover. The sector trace
    carries the sector id in ``customdata`` so a click can open the sector's
    page (not at CSP level). ``frame_width`` is the approximate width (px) the
    map is shown at: it sets the zoom with ``height``, and below 700 px the
    colour bar goes under the map. ``sector_labels`` writes sector names on the
    map (then ``map.style`` is a white style object instead of "white-bg", see
    ``LABEL_STYLE``).
    """
    hover_lines = hover_lines or {}
    scope = [str(s) for s in values["sector_id"].tolist() if str(s) in reference.sectors]
    level = map_level(len(scope))
    if level == "csp" and csp_values is None:
        raise ValueError(f"more than {SECTOR_LIMIT} sectors: the map needs csp_values")
    in_scope = set(scope)
    by_sector = _by_id(values, "sector_id")
    by_csp = _by_id(csp_values, "csp_id")
    sectors_per_csp: dict[str, int] = {}
    for sector_id in scope:
        csp_id = reference.sectors[sector_id].csp_id
        sectors_per_csp[csp_id] = sectors_per_csp.get(csp_id, 0) + 1
    geo = geography(reference)
    owner = _owners(reference, scope)
    names = geo.names

    def csp_name(csp_id: str) -> str:
        return reference.csps[csp_id].name if csp_id in reference.csps else csp_id

    valued: dict[str, list] = {"loc": [], "z": [], "id": [], "text": []}
    no_data: dict[str, list] = {"loc": [], "id": [], "text": []}
    other: dict[str, list] = {"loc": [], "text": []}
    outside: dict[str, list] = {"loc": [], "text": []}
    for insee in geo.codes:
        name = f"<b>{escape(names[insee])}</b>"
        sector_id = owner.get(insee)
        if sector_id is None or sector_id not in reference.sectors:
            outside["loc"].append(insee)
            outside["text"].append(f"{name}<br>{NO_SECTOR_HOVER}")
            continue
        sector = reference.sectors[sector_id]
        csp = f"CSP : {escape(csp_name(sector.csp_id))}"
        if sector_id not in in_scope:
            other["loc"].append(insee)
            lines = [name, csp] if level == "csp" else [name, f"Secteur : {escape(sector.name)}", csp]
            other["text"].append(_hover([*lines, OUT_OF_SCOPE_HOVER]))
            continue
        if level == "sector":
            key, (value, shown) = sector_id, by_sector.get(sector_id, (math.nan, None))
            lines = [name, f"Secteur : {escape(sector.name)}", csp,
                     f"{escape(metric_label)} : <b>{escape(_shown(value, shown))}</b>",
                     *(escape(line) for line in hover_lines.get(sector_id, ()))]
        else:
            key, (value, shown) = sector.csp_id, by_csp.get(sector.csp_id, (math.nan, None))
            lines = [name, csp, f"{escape(metric_label)} : <b>{escape(_shown(value, shown))}</b>",
                     f"{fr_int(sectors_per_csp[sector.csp_id])} secteur(s) dans le choix",
                     "<i>Choisissez cette CSP dans les filtres pour voir ses secteurs</i>"]
        part = no_data if math.isnan(value) else valued
        part["loc"].append(insee)
        part["id"].append(key)
        part["text"].append(_hover(lines))
        if part is valued:
            valued["z"].append(value)

    border = {"line": {"color": palette.COMMUNE_BORDER_COLOUR, "width": 0.6}}
    common = {"featureidkey": "id", "hovertemplate": "%{text}<extra></extra>"}
    clickable = level == "sector"

    categorical = bool(categories) and level == "sector"
    if categorical:
        zmin, zmax = -0.5, len(categories) - 0.5
    elif value_range is not None:
        zmin, zmax = float(value_range[0]), float(value_range[1])
    elif valued["z"]:
        zmin, zmax = min(valued["z"]), max(valued["z"])
    else:
        zmin, zmax = 0.0, 1.0
    if zmax <= zmin:
        zmax = zmin + 1.0

    def flat(name: str, part: dict, colour: str, **extra) -> go.Choroplethmap:
        """Communes drawn in one plain colour (outside the police zone, outside the scope, or without data)."""
        return go.Choroplethmap(**common, name=name, locations=part["loc"], z=[0] * len(part["loc"]), text=part["text"],
                                colorscale=[[0, colour], [1, colour]], showscale=False, marker=border,
                                selected={"marker": {"opacity": 1}}, unselected={"marker": {"opacity": 1}}, **extra)

    traces = [
        flat("hors zone police", outside, palette.NO_SECTOR_COLOUR),
        flat("hors du choix", other, palette.OUT_OF_SCOPE_COLOUR),
        flat("pas de données", no_data, palette.NO_DATA_COLOUR, **({"customdata": no_data["id"]} if clickable else {})),
        go.Choroplethmap(
            **common,
            name="secteurs" if level == "sector" else "CSP",
            locations=valued["loc"],
            z=valued["z"],
            text=valued["text"],
            colorscale=(_category_scale([c for _, c in categories]) if categorical
                        else palette.SEQUENTIAL_BAD if higher_is_worse else palette.SEQUENTIAL_GOOD),
            zmin=zmin,
            zmax=zmax,
            showscale=bool(valued["z"]),
            colorbar=(_category_bar(metric_label, [label for label, _ in categories], narrow=frame_width < NARROW_FRAME)
                      if categorical else _colorbar(metric_label, narrow=frame_width < NARROW_FRAME, percent=percent)),
            marker={**border, "opacity": 1},
            selected={"marker": {"opacity": 1}},
            unselected={"marker": {"opacity": 1}},
            **({"customdata": valued["id"]} if clickable else {}),
        ),
    ]
    fig = go.Figure()
    for trace in traces:
        fig.add_trace(trace)
    # Each choropleth trace gets only its own communes' features, so the
    # figure carries every polygon once. Assigned after add_trace: plotly
    # deep-copies trace properties on add_trace (~40 ms per GeoJSON copy) but
    # not on attribute assignment; the features are shared, read-only.
    features = _features_by_code(geo)
    for trace in fig.data:
        trace.geojson = {"type": "FeatureCollection", "features": [features[c] for c in trace.locations]}

    csp_labels = geo.commune_labels({c: reference.sectors[s].csp_id for c, s in owner.items() if s in reference.sectors})
    if level == "sector":
        sector_labels_by_commune = geo.commune_labels(owner)
        fig.add_trace(_lines_trace(geo.border_lines(sector_labels_by_commune, csp_labels),
                                   colour=palette.SECTOR_OUTLINE_COLOUR, width=1.5, name="contours secteurs"))
    fig.add_trace(_lines_trace(geo.border_lines(csp_labels), colour=palette.CSP_OUTLINE_COLOUR, width=3 if level == "sector"
                               else 2, name="contours CSP"))

    if sector_labels and level == "sector":
        points = sector_centroids(reference)
        ids = [sid for sid in scope if sid in points]
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

    lat, lon = geo.center()  # centre and zoom from the reference's contours
    narrow = frame_width < NARROW_FRAME
    # The colour bar takes ~80 px at the right, or ~70 px under a narrow map.
    bar_h = 70 if narrow else 0
    zoom = geo.zoom(width=frame_width - (0 if narrow else 80), height=height - bar_h)
    annotations = []
    if level == "csp":
        annotations.append({
            "text": f"{fr_int(len(scope))} secteurs : carte par CSP. Choisissez une CSP dans les filtres pour voir "
                    "ses secteurs.",
            "x": 0.01, "y": 0.99, "xref": "paper", "yref": "paper", "xanchor": "left", "yanchor": "top",
            "showarrow": False, "align": "left", "bgcolor": "rgba(255,255,255,0.85)",
            "font": {"size": palette.FONT["size"], "color": palette.FONT["color"]},
        })
    fig.update_layout(
        map={
            "style": LABEL_STYLE if sector_labels and level == "sector" else "white-bg",
            "center": {"lat": lat, "lon": lon},
            "zoom": zoom,
            "domain": {"x": [0, 1], "y": [bar_h / height, 1]},
        },
        annotations=annotations,
        height=height,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        clickmode="event+select",
        showlegend=False,
        font=palette.FONT,
        hoverlabel={"font": {"size": palette.HOVER_FONT_SIZE, "color": palette.FONT["color"]}, "bgcolor": "white",
                    "bordercolor": palette.SECTOR_OUTLINE_COLOUR},
        uirevision=UIREVISION,
        paper_bgcolor="white",
        separators=",\u202f",  # French decimal comma and thousands separator on the colour bar
    )
    return fig


def sector_map(sector_id: str, reference: Reference, *, height: int = 380, frame_width: int = 480) -> go.Figure:
    """A small map of one sector for its page: its communes in blue among their neighbours.

    Only communes near the sector are drawn (small figure); the sector and
    its CSP are outlined. Offline like ``departement_map``; pure (key: the sector
    id and the size options).
    """
    sector = reference.sectors[sector_id]
    geo = geography(reference)
    bounds = geo.commune_bounds()
    own = [c for c in sector.communes if c in bounds]
    minx = min(bounds[c][0] for c in own)
    miny = min(bounds[c][1] for c in own)
    maxx = max(bounds[c][2] for c in own)
    maxy = max(bounds[c][3] for c in own)
    margin = max(maxx - minx, maxy - miny) * 0.6 + 0.02
    box = (minx - margin, miny - margin, maxx + margin, maxy + margin)
    near = [
        c for c in geo.codes
        if c not in own and bounds[c][2] >= box[0] and bounds[c][0] <= box[2] and bounds[c][3] >= box[1] and bounds[c][1] <= box[3]
    ]
    features = _features_by_code(geo)
    names = geo.names
    csp_names = {c.csp_id: c.name for c in reference.csps.values()}

    def hover(code: str) -> str:
        name = escape(names[code])
        other = reference.sector_of_commune(code)
        if other is None or other not in reference.sectors:
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
    csp_communes = {c for s in reference.sectors.values() if s.csp_id == sector.csp_id for c in s.communes}
    own_labels = geo.commune_labels({c: sector_id for c in own})
    fig.add_trace(_lines_trace(geo.border_lines(own_labels), colour=palette.BLACK, width=2.5, name="contour du secteur"))
    # The CSP's border where it is not the sector's own (that one is drawn above, thicker).
    fig.add_trace(_lines_trace(geo.border_lines(geo.commune_labels({c: sector.csp_id for c in csp_communes}), own_labels),
                               colour=palette.SECTOR_OUTLINE_COLOUR, width=1.2, name="contour de la CSP"))
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
