"""The département map (the default reference, Moselle): every commune once, offline style, values per sector, outlines."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from charts.departement_map import NO_DATA_TEXT, NO_SECTOR_HOVER, departement_map
from domain.geography import csp_outlines, geography, sector_centroids, sector_outlines
from domain.reference import default_reference

LON = (5.8, 7.7)
LAT = (48.5, 49.6)


@pytest.fixture(scope="module")
def ref():
    return default_reference()


@pytest.fixture(scope="module")
def values(ref):
    ids = list(ref.sectors)
    vals = [float(i) for i in range(len(ids))]
    vals[ids.index("sarrebourg")] = math.nan
    return pd.DataFrame({"sector_id": ids, "value": vals, "shown": [f"{v:.0f} action(s)" for v in vals]})


@pytest.fixture(scope="module")
def fig(ref, values):
    return departement_map(
        values,
        metric_label="Actions en retard",
        reference=ref,
        hover_lines={"forbach": ["Dernière réunion : 12/11/2026"]},
    )


def _choropleths(fig):
    return [t for t in fig.data if t.type == "choroplethmap"]


def _sector_trace(fig):
    return next(t for t in fig.data if t.type == "choroplethmap" and t.name == "secteurs")


def test_every_commune_drawn_exactly_once(fig):
    codes = [code for t in _choropleths(fig) for code in t.locations]
    expected = {str(f["id"]) for f in geography(default_reference()).geojson["features"]}
    assert len(expected) == 725
    assert len(codes) == 725
    assert set(codes) == expected
    for t in _choropleths(fig):
        assert t.featureidkey == "id"
        assert {str(f["id"]) for f in t.geojson["features"]} == set(t.locations)


def test_offline_style_center_and_zoom(fig):
    assert fig.layout.map.style == "white-bg"
    lat, lon = geography(default_reference()).center()
    assert fig.layout.map.center.lat == pytest.approx(lat)
    assert fig.layout.map.center.lon == pytest.approx(lon)
    assert LAT[0] < lat < LAT[1] and LON[0] < lon < LON[1]
    assert fig.layout.map.zoom == pytest.approx(geography(default_reference()).zoom(height=650, width=820))
    assert 7.5 < fig.layout.map.zoom < 8.8


def test_no_geo_trace_no_tiles_no_url(fig):
    assert all(t.type != "choropleth" for t in fig.data)
    assert all(t.type in ("choroplethmap", "scattermap") for t in fig.data)
    text = fig.to_json()
    assert "mapbox" not in text
    assert "http" not in text


def test_sector_values_per_commune(fig, ref, values):
    trace = _sector_trace(fig)
    by_sector = dict(zip(values["sector_id"], values["value"]))
    assert len(trace.locations) == len(trace.z) == len(trace.customdata)
    for insee, z, sector_id in zip(trace.locations, trace.z, trace.customdata):
        assert ref.sector_of_commune(insee) == sector_id
        assert z == by_sector[sector_id]
    forbach = [z for insee, z in zip(trace.locations, trace.z) if ref.sector_of_commune(insee) == "forbach"]
    assert forbach and set(forbach) == {by_sector["forbach"]}
    assert set(trace.customdata) == set(ref.sectors) - {"sarrebourg"}


def test_colorbar_title_is_metric_label(fig):
    assert _sector_trace(fig).colorbar.title.text == "Actions en retard"


def test_no_data_sector_and_outside_communes(fig, ref):
    no_data = next(t for t in _choropleths(fig) if t.name == "pas de données")
    assert set(no_data.locations) == set(ref.sectors["sarrebourg"].communes)
    assert set(no_data.customdata) == {"sarrebourg"}
    assert all(NO_DATA_TEXT in text for text in no_data.text)
    outside = next(t for t in _choropleths(fig) if t.name == "hors zone police")
    assert all(ref.sector_of_commune(c) is None for c in outside.locations)
    assert all(NO_SECTOR_HOVER in text for text in outside.text)


def test_hover_names_commune_sector_csp_value_and_extra_lines(fig, ref):
    trace = _sector_trace(fig)
    i = list(trace.locations).index("57227")  # Forbach
    text = trace.text[i]
    for part in ("Forbach", ref.sectors["forbach"].name, "CSP : Forbach", "Actions en retard : <b>9 action(s)</b>", "Dernière réunion : 12/11/2026"):
        assert part in text


def _assert_rings_in_moselle(outlines):
    for key, rings in outlines.items():
        assert rings, key
        for ring in rings:
            assert len(ring) >= 4
            for lon, lat in ring:
                assert LON[0] < lon < LON[1] and LAT[0] < lat < LAT[1], key


def test_outlines_for_17_sectors_and_7_csp(ref, fig):
    sectors = sector_outlines(ref)
    csps = csp_outlines(ref)
    assert set(sectors) == set(ref.sectors) and len(sectors) == 17
    assert set(csps) == set(ref.csps) and len(csps) == 7
    _assert_rings_in_moselle(sectors)
    _assert_rings_in_moselle(csps)
    lines = [t for t in fig.data if t.type == "scattermap" and t.mode == "lines"]
    assert {t.name for t in lines} == {"contours secteurs", "contours CSP"}
    assert all(t.hoverinfo == "skip" for t in lines)
    centroids = sector_centroids(ref)
    assert set(centroids) == set(ref.sectors)


def test_outlines_follow_reference_content(ref):
    from dataclasses import replace

    from domain.reference import Reference

    sectors = dict(ref.sectors)
    sectors["forbach"] = replace(sectors["forbach"], communes=("57227", "57660"))
    sectors["stiring"] = replace(sectors["stiring"], communes=("57638", "57659"))
    edited = Reference(ref.csps, sectors, ref.communes)
    assert sector_outlines(edited)["forbach"] != sector_outlines(ref)["forbach"]
    assert sector_outlines(edited)["metz-centre"] == sector_outlines(ref)["metz-centre"]


def test_good_scale_all_nan_and_labels(ref):
    values = pd.DataFrame({"sector_id": list(ref.sectors), "value": [math.nan] * 17})
    fig = departement_map(values, metric_label="Respect de la cadence (%)", reference=ref, higher_is_worse=False, sector_labels=True)
    assert sum(len(t.locations) for t in _choropleths(fig)) == 725
    assert len(_sector_trace(fig).locations) == 0
    labels = [t for t in fig.data if t.type == "scattermap" and t.mode == "text"]
    assert len(labels) == 1 and len(labels[0].text) == 17
    # Labels need glyphs: the style then points them at our own server, never a CDN.
    assert "http" not in json.dumps(fig.layout.map.style.to_plotly_json() if hasattr(fig.layout.map.style, "to_plotly_json") else fig.layout.map.style)
    assert "http" not in fig.to_json()
