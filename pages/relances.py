"""Page « Relances »: the animator sees and edits his sectors' partner contacts (saved through the upload path),
previews this week's reminders, sends them after confirming, reads what was sent,
and downloads each sector's meetings as an .ics calendar."""

import streamlit as st

import app_state
import incidents
import navigation
from app_state import contacts_form, reminders
from domain.formatting import fr_date
from domain.partner_digest import period_label
from domain.safe_text import md_escape

view = app_state.page_header(navigation.RELANCES, "Relances des partenaires par courriel", stale=False)
reference, filters = view.reference, view.filters
as_of = filters.as_of
mine = reminders.reminder_sectors()
if not mine:
    st.info("Vous n'animez aucun secteur : les relances sont envoyées par les animateurs et la direction.",
            icon=":material/info:")
    st.stop()

names = {s: reference.sectors[s].name for s in mine}
default = [filters.sector_id] if filters.sector_id in names else mine[:1] if len(mine) > 3 else mine
chosen = st.multiselect("Secteurs", list(names), default=default, format_func=names.get, key="reminders_sectors")
if not chosen:
    st.info("Choisissez au moins un secteur.", icon=":material/info:")
    st.stop()

for message in st.session_state.pop("reminders_done", []):
    st.success(md_escape(message), icon=":material/check_circle:")
for message in st.session_state.pop("reminders_failed", []):
    st.error(md_escape(message), icon=":material/error:")

st.subheader("Contacts des partenaires")
for sector_id in chosen:
    if len(chosen) > 1:
        st.markdown(f"**{md_escape(names[sector_id])}**")
    contacts_form.contacts_section(reference.sectors[sector_id], as_of)

setup = reminders.mail_setup()
plan = reminders.reminder_plan(chosen, as_of, setup.horizon_days)
st.subheader(f"Relances de la {md_escape(period_label(plan.period))}")
st.caption(f"Au {md_escape(fr_date(as_of))} : pour chaque contact, ses actions ouvertes (en retard, à échéance d'ici "
           f"{md_escape(str(setup.horizon_days))} jours ou avant la prochaine réunion, et les autres). Une relance part une seule "
           "fois par semaine ; un envoi en échec est renvoyé au prochain envoi de la semaine.")
planned = reminders.plan_table(plan)
if planned.empty:
    st.info("Aucune relance à préparer cette semaine : aucun contact n'a d'action ouverte.", icon=":material/info:")
else:
    app_state.paged_table(planned, "reminders_plan")
for sector in plan.sectors:
    if sector.opted_out:
        st.text(f"{names.get(sector.sector_id, sector.sector_id)} : ne veulent plus de courriels (« Ne plus écrire ») : "
                f"{', '.join(sector.opted_out)}")

to_send = len(plan.to_send)
if setup.smtp is None:
    st.warning("L'envoi des courriels n'est pas configuré : " + md_escape(setup.problem or "") + " Réglez les "
               "variables GPO_SMTP_HOST, GPO_SMTP_PORT, GPO_SMTP_STARTTLS, GPO_SMTP_USER, GPO_SMTP_PASSWORD et "
               "GPO_SMTP_FROM (environnement du service ou .streamlit/secrets.toml), voir le LISEZMOI « Relances "
               "par courriel ».", icon=":material/settings:")
elif to_send == 0:
    st.info("Rien à envoyer : toutes les relances de la semaine sont déjà parties.", icon=":material/check_circle:")
else:
    st.text(f"Serveur de messagerie : {setup.smtp.describe()}")
    confirmed = st.checkbox(f"Je confirme l'envoi de {md_escape(str(to_send))} courriel(s) aux partenaires", key="reminders_confirm")
    if st.button(f"Envoyer {md_escape(str(to_send))} relance(s)", key="reminders_send", type="primary", disabled=not confirmed):
        with st.spinner("Envoi des courriels…"):
            report = reminders.send_plan(plan, setup.smtp, setup.public_address)
        st.session_state["reminders_done"] = [f"{report.count('sent')} relance(s) envoyée(s)."]
        st.session_state["reminders_failed"] = [o.detail for o in report.failed] + (
            [f"{len(report.failed)} courriel(s) non envoyé(s) : gardés, renvoyés au prochain envoi de la "
             "semaine."] if report.failed else [])
        st.session_state.pop("reminders_confirm", None)
        st.rerun()

st.subheader("Courriels envoyés")
history = reminders.reminder_history(chosen)
if history.empty:
    st.info("Aucun courriel envoyé pour ces secteurs.", icon=":material/info:")
else:
    app_state.paged_table(history, "reminders_history", column_config=reminders.history_columns())

st.subheader("Calendrier des réunions")
st.caption("Les réunions prévues du secteur, à importer dans un agenda (Outlook, Thunderbird, téléphone).")
for sector_id in chosen:
    data = app_state.guarded_export("Le calendrier", lambda s=sector_id: reminders.calendar_file(s, as_of))
    st.download_button(f"Calendrier de {md_escape(names[sector_id])} (.ics)", data=data or b"", disabled=data is None,
                       file_name=f"reunions_gpo_{sector_id}.ics", mime="text/calendar",
                       key=f"reminders_ics_{sector_id}", on_click=incidents.callback(app_state.audit),
                       args=("download", "Calendrier des réunions (.ics)", sector_id))
