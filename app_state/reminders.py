"""The « Relances » page's work: which sectors the user may write to partners for, this week's plan of
reminders (mail.reminders), the SMTP settings from the environment or `st.secrets`, the sending, the history of
what was sent, and each sector's planned meetings as an .ics calendar.

Who may send a sector's reminders is who may import for it (`meeting_record.may_record`): its animators and the
direction. Every read is scoped to those sectors; the pages only show what these functions return.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from app_state.auth import principal, readable
from app_state.meeting_record import may_record
from app_state.resources import reference, store
from domain.partner_digest import DIGEST_KIND, PartnerDigest
from exports.calendar import meeting_screen_url, sector_calendar
from mail.compose import CompteRendu, subject
from mail.compte_rendu_mail import COMPTE_RENDU_KIND, send_compte_rendu
from mail.delivery import RunReport
from mail.reminders import NEW, RETRY, SENT, ReminderPlan, plan_reminders, send_reminders
from mail.settings import MailSettingsError, SmtpSettings, horizon_days, public_address, smtp_settings
from mail.smtp import SmtpTransport
from store.mail_log import mail_history
from store.queries import current_frames

__all__ = ["MailSetup", "calendar_file", "history_columns", "send_compte_rendu_mail", "mail_setup", "period_text",
           "reminder_history", "reminder_plan", "reminder_sectors", "plan_table", "send_plan"]

STATE_LABELS = {NEW: "à envoyer", RETRY: "à renvoyer (échec précédent)", SENT: "déjà envoyée cette semaine"}
KIND_LABELS = {DIGEST_KIND: "Relance de la semaine", COMPTE_RENDU_KIND: "Compte rendu de réunion"}
# What the animator reads first comes first (who, where the message stands, what it lists): the plan's state and the
# history's status stayed off screen, right of long addresses and subjects, even on a 1920-pixel screen.
PLAN_COLUMNS = ["Destinataire", "État", "Actions", "Objet", "Organisation(s)", "Secteur"]
HISTORY_SHOWN = ["Statut", "Envoyé le", "Type", "Période", "Courriel", "Secteur", "Organisations", "Dernière erreur",
                 "Essais", "Actions", "Dont en retard", "Date de référence", "Dernier essai", "Créé le"]


def reminder_sectors() -> list[str]:
    """The sectors the signed-in user may send reminders for (read them and import for them), in reference order."""
    return [s for s in reference().sectors if may_record(s)]


def _mine(sector_ids: list[str]) -> list[str]:
    allowed = set(reminder_sectors())
    return [s for s in sector_ids if s in allowed]


@dataclass(frozen=True)
class MailSetup:
    """The settings of the page: the SMTP server (None with `problem`, a French sentence naming what to set)."""

    smtp: SmtpSettings | None
    problem: str | None
    public_address: str | None
    horizon_days: int


def mail_setup() -> MailSetup:
    """GPO_SMTP_* and the others from the environment, else from `st.secrets` (mail.settings)."""
    problem = None
    try:
        days = horizon_days(secrets=st.secrets)
        address = public_address(secrets=st.secrets)
    except MailSettingsError as exc:
        return MailSetup(None, str(exc), None, 14)
    try:
        settings = smtp_settings(secrets=st.secrets)
    except MailSettingsError as exc:
        settings, problem = None, str(exc)
    return MailSetup(settings, problem, address, days)


def reminder_plan(sector_ids: list[str], as_of: dt.date, days: int) -> ReminderPlan:
    """This week's reminders of `sector_ids` (the user's only), read fresh from the store; writes nothing."""
    wanted = _mine(sector_ids)
    return plan_reminders(store(), current_frames(store(), wanted), as_of, sector_ids=wanted, horizon_days=days)


def _recipient(digest: PartnerDigest) -> str:
    return f"{digest.contact} <{digest.email}>" if digest.contact else digest.email


def plan_table(plan: ReminderPlan) -> pd.DataFrame:
    """One row per message of the plan: to whom, the subject, the actions listed, its state."""
    sectors = reference().sectors
    rows = []
    for planned in plan.messages + plan.in_flight:
        d = planned.digest
        actions = " ; ".join(f"{a.action_id} {a.description}" + (f" (en retard de {a.days_overdue} j)"
                                                                  if a.days_overdue else
                                                                  f" (échéance {a.due_on:%d/%m/%Y})" if a.due_on
                                                                  else "") for a in d.actions)
        state = "en cours d'envoi ailleurs" if planned in plan.in_flight else STATE_LABELS[planned.state]
        rows.append((_recipient(d), state, actions, subject(d, sectors[d.sector_id]), ", ".join(d.organisations),
                     sectors[d.sector_id].name if d.sector_id in sectors else d.sector_id))
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def send_plan(plan: ReminderPlan, settings: SmtpSettings, address: str | None) -> RunReport:
    """Send what `plan` says through the SMTP server, journaled under the signed-in user."""
    with SmtpTransport(settings) as transport:
        return send_reminders(store(), plan, transport, reference(), sender=settings.sender, public_address=address,
                              actor=principal().user_id)


def period_text(kind: str, period: str) -> str:
    """A message's period as the animator says it: « semaine 48 de 2026 » for a reminder, « réunion du 25/11/2026 »
    for a compte rendu (the log keeps « 2026-W48 » and « 2026-11-25 »)."""
    try:
        if kind == DIGEST_KIND:
            year, week = int(period[:4]), int(period[6:])
            return f"semaine {week} de {year}"
        if kind == COMPTE_RENDU_KIND:
            return f"réunion du {dt.date.fromisoformat(period):%d/%m/%Y}"
    except ValueError:
        pass
    return period


def reminder_history(sector_ids: list[str]) -> pd.DataFrame:
    """What was sent (or failed, or cancelled) for `sector_ids` the user may write, newest first, in words: the
    sector's name, the kind and period said in French, the status first (HISTORY_SHOWN)."""
    history = mail_history(store(), _mine(sector_ids))
    sectors = reference().sectors
    history["Période"] = [period_text(kind, period) for kind, period in zip(history["Type"], history["Période"])]
    history["Type"] = history["Type"].map(lambda kind: KIND_LABELS.get(kind, kind))
    history["Secteur"] = history["Secteur"].map(lambda s: sectors[s].name if s in sectors else s)
    return history[HISTORY_SHOWN]


def history_columns() -> dict:
    """How the history's dates are written: JJ/MM/AAAA, and the hour for the moments."""
    moment = st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm")
    return {"Envoyé le": moment, "Dernier essai": moment, "Créé le": moment,
            "Date de référence": st.column_config.DateColumn(format="DD/MM/YYYY")}


def calendar_file(sector_id: str, as_of: dt.date) -> bytes | None:
    """The sector's meetings from `as_of` as an .ics file; None for a sector the user may not read."""
    allowed = readable()
    ref = reference()
    if (allowed is not None and sector_id not in allowed) or sector_id not in ref.sectors:
        return None
    try:
        address = public_address(secrets=st.secrets)
    except MailSettingsError:
        address = None
    sector = ref.sectors[sector_id]
    csp = ref.csps.get(sector.csp_id)
    meetings = current_frames(store(), [sector_id])["meetings"]
    return sector_calendar(sector, meetings, as_of, department_code=ref.departement.code,
                           screen_url=meeting_screen_url(address, sector_id) if address else None,
                           stamp=dt.datetime.now().replace(microsecond=0), csp_name=csp.name if csp else None)


def send_compte_rendu_mail(sector_id: str, meeting_date: dt.date, pdf: bytes, settings: SmtpSettings,
                           address: str | None) -> RunReport:
    """The saved meeting's compte rendu to each contact of the sector (once per meeting), journaled under the
    signed-in user; refused (nothing sent) for a sector the user may not record."""
    if not may_record(sector_id):
        return RunReport(())
    frames = current_frames(store(), [sector_id])
    with SmtpTransport(settings) as transport:
        return send_compte_rendu(store(), frames, sector_id, CompteRendu(meeting_date, pdf), transport, reference(),
                                 sender=settings.sender, public_address=address, actor=principal().user_id)
