"""Page « Écran de direction »: the département on a loop — headline figures, the map, then each GPO."""

import html

import streamlit as st

import app_state
import navigation
import incidents
from briefing.rotation import MAP_SLIDE, headline_slide, sector_slide
from briefing.slides import slide_html
from charts.moselle_map import map_level, moselle_map
from domain.indicators.freshness import freshness
from domain.indicators.sector_metrics import headline
from domain.meeting_agenda import build_agenda
from report_tables.sector_ranking import MAP_METRICS, csp_map_values, hover_lines, map_values

filters = app_state.page_filters(navigation.ECRAN_ROTATION)
reference = app_state.reference()
kiosk = app_state.is_kiosk()
interval = app_state.interval_from_url(20)

if not kiosk:
    st.caption("Écran de direction : chiffres clés, carte, puis chaque GPO, en boucle. Pour un écran de commissariat, "
               "mettez en favori l'adresse plein écran ci-dessous (sans clavier : tout se règle dans l'adresse).")
    query = "&".join(f"{k}={v}" for k, v in {"csp": filters.csp_id, "ecran": "1", "embed": "true",
                                                "intervalle": interval}.items() if v)
    st.link_button("Ouvrir l'écran de direction", f"ecran_rotation?{query}", type="primary")


@app_state.live_fragment(run_every=interval)  # checks the sign-in on every tick
def rotation_screen() -> None:
    frames, last_imports = app_state.current_data()
    current = app_state.kiosk_filters() if kiosk else filters
    as_of = current.as_of
    sector_ids = current.sector_ids(reference)
    scope = "Moselle" if current.csp_id is None else f"CSP de {reference.csps[current.csp_id].name}"
    fresh = freshness(reference, last_imports, as_of)
    slides = [headline_slide(headline(frames, reference, sector_ids, as_of, current.period_start, last_imports), scope, as_of),
              MAP_SLIDE]
    slides += [sector_slide(build_agenda(reference.sectors[s], frames, as_of, reference), fresh[s].stale) for s in sector_ids]

    def render(index: int) -> None:
        slide = slides[index]
        if slide == MAP_SLIDE:
            metrics = app_state.metrics_for(current)
            st.markdown(f"<h2 style='font-size:5vh;margin:0'>Actions en retard par secteur — {html.escape(scope)}</h2>",
                        unsafe_allow_html=True)
            by_sector = map_level(len(metrics)) == "sector"  # beyond 60 sectors the map shows CSPs
            figure = moselle_map(map_values(metrics, "overdue_actions"), metric_label=MAP_METRICS["overdue_actions"][0],
                                 reference=reference,
                                 hover_lines=hover_lines(metrics, "overdue_actions") if by_sector else None,
                                 csp_values=None if by_sector else csp_map_values(metrics, "overdue_actions", reference),
                                 height=540, frame_width=1300)
            st.plotly_chart(figure, width="stretch", key=f"rotation_map_{index}", config={"displayModeBar": False})
        else:
            st.html(slide_html(slide))

    app_state.slideshow("rotation", len(slides), interval, render)


rotation_screen()
