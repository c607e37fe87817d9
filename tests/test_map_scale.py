"""The map at national size: commune contours that tile the département, outlines whose size does not grow with the
number of sectors, CSPs instead of sectors beyond 60, and a figure under 600 KB at 17, 170 and 2,000 sectors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from charts.departement_map import MAP_CAPTIONS, OUT_OF_SCOPE_HOVER, SECTOR_LIMIT, departement_map, map_caption, map_level
from domain.geography import geography
from domain.reference import default_reference
from report_tables.sector_ranking import MAP_METRICS, csp_map_values, hover_lines, map_values
from synthetic_reference import cloned_reference, synthetic_metrics

MAX_BYTES = 600_000


@pytest.fixture(scope="module")
def communes():
    return np.array([shapely.geometry.shape(f["geometry"]) for f in geography(default_reference()).geojson["features"]], dtype=object)


@pytest.fixture(scope="module")
def references():
    base = default_reference()
    return {n: cloned_reference(base, n) for n in (17, 61, 170, 2000)}


def home_map(reference, metric="overdue_actions", sector_ids=None):
    """The map as the home page builds it, for the sectors of the filters (all by default)."""
    metrics = synthetic_metrics(reference, sector_ids)
    by_sector = map_level(len(metrics)) == "sector"
    return departement_map(map_values(metrics, metric), metric_label=MAP_METRICS[metric][0], reference=reference,
                       higher_is_worse=MAP_METRICS[metric][2],
                       hover_lines=hover_lines(metrics, metric) if by_sector else None,
                       csp_values=None if by_sector else csp_map_values(metrics, metric, reference),
                       frame_width=1000, height=560), metrics


def choropleths(fig):
    return {t.name: t for t in fig.data if t.type == "choroplethmap"}


def lines(fig):
    return {t.name: t for t in fig.data if t.type == "scattermap" and t.mode == "lines"}


def segments(trace) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The drawn segments of a line trace (None separates lines), endpoints sorted."""
    out, previous = [], None
    for lon, lat in zip(trace.lon, trace.lat):
        point = None if lon is None else (lon, lat)
        if previous is not None and point is not None:
            out.append(tuple(sorted((previous, point))))
        previous = point
    return out


# --- the commune contours ------------------------------------------------------------------------------------------

def test_the_communes_tile_the_departement_without_gap_or_overlap(communes):
    assert len(communes) == 725
    assert shapely.is_valid(communes).all() and not shapely.is_empty(communes).any()
    assert shapely.coverage_is_valid(communes)  # no overlap, neighbours share their border vertex for vertex
    for union in (shapely.coverage_union_all(communes), shapely.union_all(communes)):
        assert union.geom_type == "Polygon"  # one piece
        assert len(union.interiors) == 0  # no hole: no gap between neighbouring communes
    assert shapely.coverage_union_all(communes).area == pytest.approx(shapely.area(communes).sum(), rel=1e-9)


def test_the_border_network_holds_every_commune_border_once(communes):
    network = geography(default_reference()).border_network()
    lengths = shapely.length(network.lines)
    shared, outer = lengths[network.right >= 0].sum(), lengths[network.right < 0].sum()
    assert 2 * shared + outer == pytest.approx(shapely.length(shapely.boundary(communes)).sum(), rel=1e-9)
    border = shapely.boundary(shapely.coverage_union_all(communes))
    assert outer == pytest.approx(border.length, rel=1e-9)  # the outer pieces are the département's border
    assert (network.left != network.right).all()


def test_sector_outlines_are_exact_unions_without_slivers(communes, references):
    ref = references[17]
    index = {c: i for i, c in enumerate(geography(default_reference()).codes)}
    for sector in ref.sectors.values():
        mine = communes[[index[c] for c in sector.communes]]
        union = shapely.coverage_union_all(mine)
        assert union.area == pytest.approx(shapely.area(mine).sum(), rel=1e-9), sector.sector_id


def test_border_lines_separate_labels_and_draw_each_border_once():
    geo = geography(default_reference())
    codes = geo.codes
    half = geo.commune_labels({c: "a" if i % 2 else "b" for i, c in enumerate(codes)})
    lons, lats = geo.border_lines(half)
    assert len(lons) == len(lats) and lons and None in lons
    assert geo.border_lines(geo.commune_labels({})) == ((), ())  # no label, nothing to draw
    with pytest.raises(ValueError):
        geo.border_lines(("a", "b"))


# --- the map at scale ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [17, 170, 2000])
def test_the_map_stays_under_600_kb_with_bounded_traces(references, n):
    fig, _ = home_map(references[n])
    text = fig.to_json()
    assert len(text.encode("utf-8")) < MAX_BYTES
    assert "http" not in text
    assert sum(len(t.locations) for t in choropleths(fig).values()) == 725
    assert len(fig.data) <= 6  # four kinds of communes and at most two outline traces, whatever the sectors
    points = sum(len(t.lon) for t in lines(fig).values())
    assert points < 2_000, points  # from the border network, not one ring set per sector


def test_outline_levels_never_draw_a_border_twice(references):
    fig, _ = home_map(references[17])
    drawn = lines(fig)
    assert set(drawn) == {"contours secteurs", "contours CSP"}
    inner, csp = segments(drawn["contours secteurs"]), segments(drawn["contours CSP"])
    assert len(set(inner)) == len(inner) and len(set(csp)) == len(csp)
    assert not set(inner) & set(csp)


def test_the_map_level_changes_beyond_60_sectors():
    assert SECTOR_LIMIT == 60
    assert (map_level(17), map_level(60), map_level(61), map_level(2000)) == ("sector", "sector", "csp", "csp")
    assert map_caption(17) == MAP_CAPTIONS["sector"] and "cliquez pour ouvrir la fiche du secteur" in map_caption(17)
    assert "Choisissez une CSP dans les filtres" in map_caption(61)


def test_beyond_60_sectors_communes_carry_their_csp_figure(references):
    ref = references[170]
    fig, metrics = home_map(ref)
    expected = {}  # overdue actions summed per CSP, computed here by hand
    for row in metrics.itertuples():
        csp_id = ref.sectors[row.sector_id].csp_id
        expected[csp_id] = expected.get(csp_id, 0) + row.overdue_actions
    traces = choropleths(fig)
    assert "secteurs" not in traces
    csp = traces["CSP"]
    assert csp.customdata is None  # a click cannot open a sector page: there is no sector here
    owners = {c: s.sector_id for s in ref.sectors.values() for c in s.communes}  # the last sector listed holds it
    assert len(csp.locations) == len(owners)
    for insee, z, text in zip(csp.locations, csp.z, csp.text):
        csp_id = ref.sectors[owners[insee]].csp_id
        assert z == expected[csp_id]
        assert f"CSP : {ref.csps[csp_id].name}<br>" in text and "Choisissez cette CSP" in text
    assert set(lines(fig)) == {"contours CSP"}  # CSP outlines only
    note = [a.text for a in fig.layout.annotations]
    assert note == ["170 secteurs : carte par CSP. Choisissez une CSP dans les filtres pour voir ses secteurs."]
    assert csp.colorbar.title.text == "Actions en retard"


def test_a_rate_is_aggregated_from_its_counts_not_averaged(references):
    ref = references[170]
    metrics = synthetic_metrics(ref)
    values = csp_map_values(metrics, "compliance", ref).set_index("csp_id")
    by_csp = metrics.assign(csp_id=[ref.sectors[s].csp_id for s in metrics["sector_id"]]).groupby("csp_id")
    met, periods = by_csp["periods_met"].sum(), by_csp["periods"].sum()
    for csp_id in values.index:
        if not periods[csp_id]:  # no elapsed period in the CSP: no rate
            assert np.isnan(values.loc[csp_id, "value"]) and values.loc[csp_id, "shown"] == "–"
            continue
        assert values.loc[csp_id, "value"] == pytest.approx(met[csp_id] / periods[csp_id])
        assert values.loc[csp_id, "shown"].endswith(f"({met[csp_id]}/{periods[csp_id]})")
    per_1000 = csp_map_values(metrics, "overdue_per_1000", ref).set_index("csp_id")
    people = by_csp["population"].sum()
    overdue = by_csp["overdue_actions"].sum()
    assert per_1000.loc["metz", "value"] == pytest.approx(1000 * overdue["metz"] / people["metz"])


def test_without_csp_figures_a_national_map_is_refused(references):
    metrics = synthetic_metrics(references[170])
    with pytest.raises(ValueError, match="csp_values"):
        departement_map(map_values(metrics, "open_problems"), metric_label="Problèmes ouverts", reference=references[170])


def test_a_csp_chosen_in_a_national_reference_shows_its_sectors(references):
    ref = references[2000]
    chosen = [s for s, sector in ref.sectors.items() if sector.csp_id == "forbach-c005"]
    assert 0 < len(chosen) <= SECTOR_LIMIT
    fig, _ = home_map(ref, sector_ids=chosen)
    traces = choropleths(fig)
    # Clones of one sector share its communes: each commune is coloured by the last chosen sector holding it.
    holder = {c: s for s in chosen for c in ref.sectors[s].communes}
    drawn = dict(zip(traces["secteurs"].locations, traces["secteurs"].customdata))
    drawn.update(zip(traces["pas de données"].locations, traces["pas de données"].customdata or ()))
    assert drawn == holder
    assert all(OUT_OF_SCOPE_HOVER in text for text in traces["hors du choix"].text)
    assert sum(len(t.locations) for t in traces.values()) == 725
    assert set(lines(fig)) == {"contours secteurs", "contours CSP"}
    assert len(fig.to_json()) < MAX_BYTES


def test_a_csp_filter_on_moselle_draws_the_other_sectors_pale(references):
    ref = references[17]
    chosen = [s for s, sector in ref.sectors.items() if sector.csp_id == "forbach"]
    fig, _ = home_map(ref, sector_ids=chosen)
    traces = choropleths(fig)
    others = {c for s, sector in ref.sectors.items() if s not in chosen for c in sector.communes}
    assert set(traces["hors du choix"].locations) == others
    assert "Secteur : Marly<br>CSP : Metz<br>" + OUT_OF_SCOPE_HOVER in " ".join(traces["hors du choix"].text)
    assert set(traces["secteurs"].customdata) <= set(chosen)
    values = pd.Series(list(traces["secteurs"].z))
    assert not values.isna().any()


def test_a_sector_page_map_outlines_its_sector_and_the_rest_of_its_csp(references):
    from charts.departement_map import sector_map

    fig = sector_map("montigny", references[2000])
    drawn = lines(fig)
    own, csp = segments(drawn["contour du secteur"]), segments(drawn["contour de la CSP"])
    assert own and csp and not set(own) & set(csp)  # the shared part is drawn once, as the sector's
    assert len(fig.to_json()) < 100_000
