"""Page « Écran de direction »: the département on a loop — headline figures, the map, then each GPO."""

import html

import streamlit as st

import app_state
import navigation
from briefing.rotation import MAP_SLIDE, headline_slide, sector_slide
from briefing.slides import slide_html
from charts.departement_map import map_level
from domain.indicators.freshness import freshness
from domain.safe_text import md_escape

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
    current = app_state.kiosk_filters() if kiosk else filters
    as_of = current.as_of
    sector_ids = current.sector_ids(reference)
    scope = current.area_label(reference)
    # (kind, sector): each slide is built when it is shown, not all of them at every tick
    slides = [("headline", None), (MAP_SLIDE, None), *(("sector", s) for s in sector_ids)]

    def render(index: int) -> None:
        kind, sector_id = slides[index]
        if kind == "headline":
            st.html(slide_html(headline_slide(app_state.headline_for(current), scope, as_of)))
        elif kind == MAP_SLIDE:
            metrics = app_state.metrics_for(current)
            st.markdown(f"<h2 style='font-size:5vh;margin:0'>Actions en retard par secteur — {html.escape(scope)}</h2>",
                        unsafe_allow_html=True)
            by_sector = map_level(len(metrics)) == "sector"  # beyond 60 sectors the map shows CSPs
            figure = app_state.map_figure(sector_ids, as_of, current.period_start, "overdue_actions", frame_width=1300,
                                          height=540, by_sector=by_sector)
            st.plotly_chart(figure, width="stretch", key=f"rotation_map_{index}", config={"displayModeBar": False})
            st.caption(md_escape(app_state.map_summary(sector_ids, as_of, current.period_start, "overdue_actions",
                                                       by_sector=by_sector, table_below=False)))
        else:
            stale = freshness(reference, app_state.last_imports(), as_of)[sector_id].stale
            st.html(slide_html(sector_slide(app_state.agenda_for(sector_id, as_of), stale)))

    app_state.slideshow("rotation", len(slides), interval, render)


rotation_screen()
