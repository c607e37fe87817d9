"""Page « Mode réunion »: the briefing screen a GPO meets in front of, slide by slide, in the order of the agenda."""

import streamlit as st

import app_state
import navigation
import incidents
from briefing.slides import agenda_slides, slide_html
from domain.safe_text import md_escape

filters = app_state.page_filters(navigation.MODE_REUNION)
reference = app_state.reference()
kiosk = app_state.is_kiosk()
interval = app_state.interval_from_url(30)

if filters.sector_id is None:
    st.title("Mode réunion")
    if kiosk:
        st.error("Indiquez le secteur dans l'adresse de l'écran, par exemple ?secteur=forbach&ecran=1.")
    else:
        st.info("Choisissez le secteur dont le GPO se réunit.", icon=":material/groups:")
        st.selectbox("Secteur", ["", *filters.sector_ids(reference)], key="meeting_pick",
                     format_func=lambda s: reference.sectors[s].name if s else "—",
                     on_change=incidents.callback(lambda: app_state.choose_sector(st.session_state["meeting_pick"])))
    st.stop()

sector = reference.sectors[filters.sector_id]
if not kiosk:
    st.caption(f"Écran de réunion du GPO {md_escape(sector.name)}. Pour le projecteur, ouvrez-le en plein écran "
               "(touche F11 du navigateur) : la page s'affiche sans menu, en grands caractères.")
    screen_url = f"mode_reunion?secteur={sector.sector_id}&ecran=1&embed=true&intervalle={interval}"
    left, right = st.columns(2)
    left.link_button("Ouvrir l'écran de réunion", screen_url, type="primary", width="stretch")
    # The PDF is built only when asked for: a pack that cannot be built costs the file, never this screen.
    pack = app_state.meeting_pack_when_asked(sector.sector_id, filters.as_of, key="meeting_pack", place=right)
    if pack is not None:
        right.download_button("Télécharger le dossier de réunion (PDF)", key="meeting_pack_download", width="stretch",
                              on_click=incidents.callback(app_state.audit), args=("download", "Dossier de réunion (PDF)", sector.sector_id),
                              data=pack, file_name=f"dossier_reunion_{sector.sector_id}_{filters.as_of:%Y-%m-%d}.pdf",
                              mime="application/pdf")


@app_state.live_fragment(run_every=interval)  # checks the sign-in on every tick
def meeting_screen() -> None:
    # The current imports are looked up on every tick: a tracker imported during the meeting shows on the next slide.
    as_of = app_state.kiosk_filters().as_of if kiosk else filters.as_of
    slides = agenda_slides(app_state.agenda_for(sector.sector_id, as_of))
    app_state.slideshow(f"meeting_{sector.sector_id}", len(slides), interval,
                        lambda i: st.html(slide_html(slides[i])))


meeting_screen()

if not kiosk and app_state.may_record(sector.sector_id):  # the animator's own screen, never the projector's
    app_state.record_section(sector, filters.as_of)
