"""« Compte rendu de la réunion » on the meeting page: the animator records who came, the decisions and the next
meeting; « Enregistrer » writes the sector's next tracker and shows the same report, changes and confirmation as
the Import page; once confirmed, the updated tracker and the compte rendu (PDF) are offered for download.

The widgets only gather a `MeetingRecord` (domain.meeting_record); the work is in `app_state.meeting_record`.
Every key starts with `cr_<sector>_`: two sectors' records never mix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

import incidents
from app_state.auth import audit
from app_state.config import auth_mode
from app_state.data import current_import_now
from app_state.downloads import guarded_export
from app_state.import_review import rejected_rows_notice, review_new_version
from app_state.meeting_record import RecordDraft, compte_rendu_bytes, draft_record, plan_draft, record_frames
from app_state.reminders import mail_setup, send_compte_rendu_mail
from app_state.resources import reference
from app_state.uploads import signed_in_name
from domain.formatting import fr_date, fr_int
from domain.meeting_record import (ActionChange, Attendance, MeetingRecord, NewAction, NewProblem, ProblemChange,
                                   clean_text, default_next_meeting, own_rows, record_problems, sector_partners)
from domain.record_application import next_refs
from domain.reference import Sector
from domain.safe_text import md_escape, visible_text
from domain.vocabulary import (ACTION_STATUS, CATEGORY, MEETING_KIND, OPEN_ACTION_STATUSES, OPEN_PROBLEM_STATUSES,
                               CLOSED_PROBLEM_STATUSES, OUTCOME, PARTNER_TYPE, PRIORITY, PROBLEM_STATUS)

DATE_FORMAT = "DD/MM/YYYY"
CONFIRM_LABEL = "Confirmer l'enregistrement ({rows} ligne(s))"


class _Keys:
    def __init__(self, sector_id: str):
        self.prefix = f"cr_{sector_id}_"

    def __call__(self, name: str) -> str:
        return self.prefix + name


@dataclass
class SavedRecord:
    import_id: int
    draft: RecordDraft
    pdf: bytes | None = None


def _short(text: object, limit: int = 60) -> str:
    text = " ".join(visible_text(text).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _decisions(k: _Keys) -> list:
    return st.session_state.setdefault(k("decisions"), [])


# --- adding and removing decisions (widget callbacks) -------------------------------------------------------------------
def _add_problem(k: _Keys) -> None:
    s = st.session_state
    if not s.get(k("p_commune")) or not s.get(k("p_category")):
        s[k("form_error")] = ("problem", "Indiquez la commune et la catégorie du problème.")
        return
    _decisions(k).append(NewProblem(commune=s[k("p_commune")], category=s[k("p_category")],
                                    description=clean_text(s.get(k("p_description"))),
                                    priority=s.get(k("p_priority")) or None, due_on=s.get(k("p_due")),
                                    location=clean_text(s.get(k("p_location")))))
    s.pop(k("form_error"), None)
    s[k("p_description")], s[k("p_location")], s[k("p_due")] = "", "", None


def _add_action(k: _Keys) -> None:
    s = st.session_state
    partner = clean_text(s.get(k("a_new_partner"))) or s.get(k("a_partner")) or ""
    missing = [label for label, value in (("le problème", s.get(k("a_problem"))),
                                          ("l'action", clean_text(s.get(k("a_description")))),
                                          ("le partenaire responsable", partner), ("l'échéance", s.get(k("a_due"))))
               if value is None or value == ""]
    if missing:
        s[k("form_error")] = ("action", f"Indiquez {', '.join(missing)}.")
        return
    _decisions(k).append(NewAction(problem=s[k("a_problem")], description=clean_text(s[k("a_description")]),
                                   partner=partner, due_on=s[k("a_due")], partner_type=s.get(k("a_type")) or None))
    s.pop(k("form_error"), None)
    s[k("a_description")], s[k("a_new_partner")], s[k("a_due")] = "", "", None


def _add_problem_change(k: _Keys) -> None:
    s = st.session_state
    if not s.get(k("ps_problem")):
        s[k("form_error")] = ("problem_status", "Choisissez le problème.")
        return
    decisions = [d for d in _decisions(k) if not (isinstance(d, ProblemChange) and d.problem_id == s[k("ps_problem")])]
    status = s[k("ps_status")]
    outcome = s.get(k("ps_outcome")) if status in CLOSED_PROBLEM_STATUSES else None
    decisions.append(ProblemChange(s[k("ps_problem")], status, s.get(k("ps_date")) if status == "resolved" else None,
                                   outcome or None))
    s[k("decisions")] = decisions
    s.pop(k("form_error"), None)
    s[k("ps_date")] = None


def _add_action_change(k: _Keys) -> None:
    s = st.session_state
    if not s.get(k("as_action")):
        s[k("form_error")] = ("action_status", "Choisissez l'action.")
        return
    decisions = [d for d in _decisions(k) if not (isinstance(d, ActionChange) and d.action_id == s[k("as_action")])]
    status = s[k("as_status")]
    decisions.append(ActionChange(s[k("as_action")], status, s.get(k("as_date")) if status == "done" else None))
    s[k("decisions")] = decisions
    s.pop(k("form_error"), None)
    s[k("as_date")] = None


def _remove(k: _Keys, index: int) -> None:
    """Take decision `index` out; a new problem takes its new actions with it (the others keep their problem)."""
    decisions = _decisions(k)
    removed = decisions.pop(index)
    if isinstance(removed, NewProblem):
        number = sum(isinstance(d, NewProblem) for d in decisions[:index]) + 1
        kept = []
        for d in decisions:
            if isinstance(d, NewAction) and isinstance(d.problem, int):
                if d.problem == number:
                    continue
                if d.problem > number:
                    d = NewAction(d.problem - 1, d.description, d.partner, d.due_on, d.partner_type)
            kept.append(d)
        st.session_state[k("decisions")] = kept


# --- the form ---------------------------------------------------------------------------------------------------------
def _form_error(k: _Keys, which: str) -> None:
    error = st.session_state.get(k("form_error"))
    if error and error[0] == which:
        st.error(md_escape(error[1]))


def _problem_label(problems: pd.DataFrame, new_refs: list[str], new_problems: list[NewProblem]):
    by_ref = {r.problem_id: r for r in problems.itertuples()}

    def label(value) -> str:
        if isinstance(value, int):
            problem = new_problems[value - 1]
            return f"{new_refs[value - 1]} (nouveau) — {_short(problem.category, 40)} — {_short(problem.description)}"
        row = by_ref.get(value)
        if row is None:
            return str(value)
        return f"{_short(value, 20)} — {_short(row.category, 40)} — {_short(row.description)}"

    return label


def _attendance(k: _Keys, frames: dict, sector_id: str) -> Attendance:
    st.markdown("**Présents**")
    left, middle, right = st.columns(3)
    mayor = left.checkbox("Mairie", key=k("mayor"))
    municipal = middle.checkbox("Police municipale", key=k("municipal_police"))
    national = right.checkbox("Police nationale", key=k("national_police"))
    known = st.multiselect("Autres partenaires présents", sector_partners(frames, sector_id), key=k("partners"),
                           placeholder="Choisissez les partenaires présents")
    others = st.text_input("Autres présents, non listés (séparés par des virgules)", key=k("other_partners"),
                           max_chars=500)
    left, right = st.columns([1, 3])
    attendees = left.number_input("Nombre de participants", min_value=0, max_value=999, value=None, step=1,
                                  key=k("attendees"))
    notes = right.text_area("Observations", key=k("notes"), max_chars=2000, height=68)
    typed = [clean_text(p) for p in others.replace(";", ",").split(",")]
    return Attendance(mayor, municipal, national, tuple(known) + tuple(p for p in typed if p),
                      int(attendees) if attendees is not None else None, clean_text(notes))


def _decision_forms(k: _Keys, frames: dict, sector: Sector, held_on: dt.date) -> None:
    own = own_rows(frames, sector.sector_id)
    problems, actions = own["problems"], own["actions"]
    decisions = _decisions(k)
    new_problems = [d for d in decisions if isinstance(d, NewProblem)]
    new_refs = next_refs(problems["problem_id"].tolist(), len(new_problems), "P-")
    st.markdown("**Décisions**")
    add_problem, add_action, problem_status, action_status = st.tabs(
        ["Nouveau problème", "Nouvelle action", "Statut d'un problème", "Action réalisée ou autre statut"])

    with add_problem, st.form(k("problem_form"), border=False):
        ref = reference()
        communes = [ref.communes[c].name for c in sector.communes if c in ref.communes]
        left, right = st.columns(2)
        left.selectbox("Commune", communes, key=k("p_commune"))
        right.text_input("Lieu", key=k("p_location"), max_chars=200)
        categories = list(dict.fromkeys([*CATEGORY.labels, *problems["category"].dropna().tolist()]))
        left.selectbox("Catégorie", categories, index=None, key=k("p_category"), placeholder="Choisissez")
        right.selectbox("Priorité", ["", *PRIORITY.labels], key=k("p_priority"),
                        format_func=lambda code: PRIORITY.labels.get(code, "Non précisée"))
        st.text_area("Description", key=k("p_description"), max_chars=1000, height=68)
        st.date_input("Échéance (facultative)", value=None, key=k("p_due"), format=DATE_FORMAT, min_value=held_on)
        _form_error(k, "problem")
        st.form_submit_button("Ajouter ce problème", key=k("p_add"), icon=":material/add:",
                              on_click=incidents.callback(_add_problem), args=(k,))

    with add_action, st.form(k("action_form"), border=False):
        open_first = pd.concat([problems[problems["status"].isin(OPEN_PROBLEM_STATUSES)],
                                problems[~problems["status"].isin(OPEN_PROBLEM_STATUSES)]])
        options = [*range(1, len(new_problems) + 1), *open_first["problem_id"].tolist()]
        st.selectbox("Problème traité", options, index=None, key=k("a_problem"), placeholder="Choisissez le problème",
                     format_func=_problem_label(problems, new_refs, new_problems))
        st.text_input("Action", key=k("a_description"), max_chars=1000)
        left, right = st.columns(2)
        partners = sorted(set(actions["partner"].dropna().tolist()) | set(sector_partners(frames, sector.sector_id)))
        left.selectbox("Partenaire responsable", partners, index=None, key=k("a_partner"),
                       placeholder="Choisissez le partenaire")
        right.text_input("ou un autre partenaire", key=k("a_new_partner"), max_chars=200)
        left.selectbox("Type de partenaire", ["", *PARTNER_TYPE.labels], key=k("a_type"),
                       format_func=lambda code: PARTNER_TYPE.labels.get(code, "Déduit du nom"))
        right.date_input("Échéance", value=None, key=k("a_due"), format=DATE_FORMAT, min_value=held_on)
        _form_error(k, "action")
        st.form_submit_button("Ajouter cette action", key=k("a_add"), icon=":material/add:",
                              on_click=incidents.callback(_add_action), args=(k,))

    with problem_status, st.form(k("problem_status_form"), border=False):
        open_refs = problems[problems["status"].isin(OPEN_PROBLEM_STATUSES)]["problem_id"].tolist()
        others = problems[~problems["status"].isin(OPEN_PROBLEM_STATUSES)]["problem_id"].tolist()
        label = _problem_label(problems, new_refs, new_problems)
        status_of = dict(zip(problems["problem_id"], problems["status"]))
        st.selectbox("Problème", [*open_refs, *others], index=None, key=k("ps_problem"), placeholder="Choisissez le problème",
                     format_func=lambda ref: f"{label(ref)} ({PROBLEM_STATUS.labels.get(status_of.get(ref), '?')})")
        left, right = st.columns(2)
        left.selectbox("Nouveau statut", list(PROBLEM_STATUS.labels), index=list(PROBLEM_STATUS.labels).index("resolved"),
                       key=k("ps_status"), format_func=PROBLEM_STATUS.labels.get)
        right.date_input("Date de résolution (sinon celle de la réunion)", value=None, key=k("ps_date"),
                         format=DATE_FORMAT)
        st.selectbox("Résultat obtenu (problème résolu ou abandonné)", ["", *OUTCOME.labels], key=k("ps_outcome"),
                     format_func=lambda code: OUTCOME.labels.get(code, "—"),
                     help="Ce que l'action du GPO a changé : la colonne « Résultat » du tableau de suivi.")
        _form_error(k, "problem_status")
        st.form_submit_button("Changer le statut", key=k("ps_add"), icon=":material/edit:",
                              on_click=incidents.callback(_add_problem_change), args=(k,))

    with action_status, st.form(k("action_status_form"), border=False):
        opened = actions[actions["status"].isin(OPEN_ACTION_STATUSES)].sort_values("due_on", kind="stable")
        closed = actions[~actions["status"].isin(OPEN_ACTION_STATUSES)]
        by_ref = {r.action_id: r for r in actions.itertuples()}
        st.selectbox("Action", [*opened["action_id"].tolist(), *closed["action_id"].tolist()], index=None,
                     key=k("as_action"), placeholder="Choisissez l'action",
                     format_func=lambda ref: (f"{_short(ref, 20)} — {_short(by_ref[ref].description)} — "
                                              f"{_short(by_ref[ref].partner, 40)} (échéance {fr_date(by_ref[ref].due_on)}, "
                                              f"{ACTION_STATUS.labels.get(by_ref[ref].status, '?')})"))
        left, right = st.columns(2)
        left.selectbox("Nouveau statut", list(ACTION_STATUS.labels), index=list(ACTION_STATUS.labels).index("done"),
                       key=k("as_status"), format_func=ACTION_STATUS.labels.get)
        right.date_input("Date de réalisation (sinon celle de la réunion)", value=None, key=k("as_date"),
                         format=DATE_FORMAT)
        _form_error(k, "action_status")
        st.form_submit_button("Changer le statut", key=k("as_add"), icon=":material/edit:",
                              on_click=incidents.callback(_add_action_change), args=(k,))


def _describe(decision, new_refs: list[str], number: int) -> str:
    if isinstance(decision, NewProblem):
        due = f", échéance {fr_date(decision.due_on)}" if decision.due_on else ""
        priority = f", priorité {PRIORITY.labels[decision.priority].lower()}" if decision.priority in PRIORITY.labels else ""
        return (f"Nouveau problème {new_refs[number - 1]} : {decision.category}, {decision.commune}"
                f"{' (' + decision.location + ')' if decision.location else ''} — {decision.description}{priority}{due}")
    if isinstance(decision, NewAction):
        problem = f"{new_refs[decision.problem - 1]} (nouveau)" if isinstance(decision.problem, int) else decision.problem
        return (f"Nouvelle action pour {problem} : {decision.description} — {decision.partner}, échéance "
                f"{fr_date(decision.due_on)}")
    if isinstance(decision, ProblemChange):
        on = f" le {fr_date(decision.resolved_on)}" if decision.resolved_on else ""
        outcome = f", résultat : {OUTCOME.labels[decision.outcome].lower()}" if decision.outcome in OUTCOME.labels else ""
        return f"Problème {decision.problem_id} : {PROBLEM_STATUS.labels[decision.status].lower()}{on}{outcome}"
    on = f" le {fr_date(decision.done_on)}" if decision.done_on else ""
    return f"Action {decision.action_id} : {ACTION_STATUS.labels[decision.status].lower()}{on}"


def _decision_list(k: _Keys, frames: dict, sector_id: str) -> None:
    decisions = _decisions(k)
    if not decisions:
        st.caption("Aucune décision ajoutée pour l'instant : ajoutez-les ci-dessus, une par une.")
        return
    problems = own_rows(frames, sector_id)["problems"]
    new_refs = next_refs(problems["problem_id"].tolist(), sum(isinstance(d, NewProblem) for d in decisions), "P-")
    number = 0
    for index, decision in enumerate(decisions):
        number += isinstance(decision, NewProblem)
        left, right = st.columns([6, 1], vertical_alignment="center")
        left.markdown(md_escape(_describe(decision, new_refs, number)))
        right.button("Retirer", key=k(f"remove_{index}"), icon=":material/delete:",
                     on_click=incidents.callback(_remove), args=(k, index))


def _record(k: _Keys, sector_id: str, held_on: dt.date, kind: str, attendance: Attendance,
            next_meeting: dt.date | None) -> MeetingRecord:
    decisions = _decisions(k)

    def of(kind_of):
        return tuple(d for d in decisions if isinstance(d, kind_of))

    return MeetingRecord(sector_id, held_on, attendance, of(NewProblem), of(NewAction), of(ProblemChange),
                         of(ActionChange), next_meeting, kind)


# --- after saving ---------------------------------------------------------------------------------------------------
def _saved_panel(k: _Keys, sector_id: str) -> None:
    saved: SavedRecord | None = st.session_state.get(k("saved"))
    if saved is None:
        return
    record = saved.draft.record
    st.success(f"Compte rendu de la réunion du {fr_date(record.held_on)} enregistré : import n° {fr_int(saved.import_id)} "
               f"({md_escape(saved.draft.file_name)}).", icon=":material/check_circle:")
    if saved.pdf is None:
        saved.pdf = guarded_export("Le compte rendu (PDF)", lambda: compte_rendu_bytes(saved.draft, dt.date.today()))
    left, right = st.columns(2)
    left.download_button("Télécharger le tableau de suivi à jour (.xlsx)", data=saved.draft.data,
                         file_name=saved.draft.file_name, key=k("tracker_download"), width="stretch",
                         on_click=incidents.callback(audit), args=("download", "Tableau de suivi à jour", sector_id),
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    right.download_button("Télécharger le compte rendu (PDF)", data=saved.pdf or b"", disabled=saved.pdf is None,
                          file_name=f"compte_rendu_{sector_id}_{record.held_on:%Y-%m-%d}.pdf", key=k("pdf_download"),
                          width="stretch", on_click=incidents.callback(audit),
                          args=("download", "Compte rendu de réunion (PDF)", sector_id), mime="application/pdf")
    if saved.pdf is not None:
        _mail_compte_rendu(k, sector_id, record.held_on, saved.pdf)


def _mail_compte_rendu(k: _Keys, sector_id: str, held_on: dt.date, pdf: bytes) -> None:
    """« Envoyer le compte rendu aux partenaires »: each contact of the sector gets it once (mail.compte_rendu_mail)."""
    for message in st.session_state.pop(k("mail_done"), []):
        st.success(md_escape(message), icon=":material/forward_to_inbox:")
    for message in st.session_state.pop(k("mail_failed"), []):
        st.error(md_escape(message), icon=":material/error:")
    setup = mail_setup()
    if setup.smtp is None:
        st.info("Envoi du compte rendu aux partenaires impossible : l'envoi des courriels n'est pas configuré. "
                + md_escape(setup.problem or "") + " Voir le LISEZMOI « Relances par courriel ».",
                icon=":material/settings:")
        return
    if st.button("Envoyer le compte rendu aux partenaires", key=k("send_mail"), icon=":material/forward_to_inbox:"):
        with st.spinner("Envoi des courriels…"):
            report = send_compte_rendu_mail(sector_id, held_on, pdf, setup.smtp, setup.public_address)
        cancelled = report.count("cancelled")
        st.session_state[k("mail_done")] = [
            f"Compte rendu envoyé à {report.count('sent')} contact(s) ; déjà envoyé à {report.count('skipped')} "
            "contact(s) pour cette réunion." + (f" Envoi en échec annulé pour {cancelled} contact(s) qui ne veulent "
                                                "plus de courriels ou ne sont plus dans la feuille « Partenaires »."
                                                if cancelled else "")]
        st.session_state[k("mail_failed")] = [o.detail for o in report.failed]
        st.rerun()


def _after_commit(k: _Keys, import_id: int, draft: RecordDraft) -> None:
    """Keep what was saved for its downloads; start the next record afresh (its decisions are in the tracker now)."""
    pdf = guarded_export("Le compte rendu (PDF)", lambda: compte_rendu_bytes(draft, dt.date.today()))
    for key in [key for key in st.session_state if str(key).startswith(k.prefix)]:
        del st.session_state[key]
    st.session_state[k("saved")] = SavedRecord(import_id, draft, pdf)


# --- the section ------------------------------------------------------------------------------------------------------
def record_section(sector: Sector, as_of: dt.date) -> None:
    """The whole « Compte rendu de la réunion » section for `sector` (call it only for a user who may record it)."""
    sid = sector.sector_id
    k = _Keys(sid)
    frames = record_frames(sid)
    st.subheader("Compte rendu de la réunion")
    _saved_panel(k, sid)
    st.caption("Notez les présents et les décisions de la réunion : « Enregistrer » prépare une nouvelle version du "
               "tableau de suivi du secteur (au format du modèle), contrôlée et confirmée comme un import ; vous "
               "pourrez ensuite la télécharger avec le compte rendu (PDF).")
    rejected_rows_notice(sid)
    meetings = own_rows(frames, sid)["meetings"]
    left, right = st.columns(2)
    held_on = left.date_input("Date de la réunion", value=as_of, key=k("held_on"), format=DATE_FORMAT)
    planned = meetings[meetings["meeting_date"] == pd.Timestamp(held_on)]["kind"].tolist()
    kinds = list(MEETING_KIND.labels)
    kind = right.selectbox("Type de réunion", kinds, key=k("kind"), format_func=MEETING_KIND.labels.get,
                           index=kinds.index(planned[0]) if planned and planned[0] in kinds else kinds.index("ordinary"))
    attendance = _attendance(k, frames, sid)
    _decision_forms(k, frames, sector, held_on)
    _decision_list(k, frames, sid)
    next_meeting = st.date_input("Prochaine réunion", key=k("next_meeting"), format=DATE_FORMAT,
                                 value=default_next_meeting(frames, sid, as_of, sector.cadence))
    record = _record(k, sid, held_on, kind, attendance, next_meeting)

    if auth_mode() == "off":  # the open demo: nobody is signed in, the animator says who he is (as on the Import page)
        name = st.text_input("Votre nom (enregistré avec l'import)", key=k("name"), max_chars=120).strip()
    else:
        name = signed_in_name()
        st.text(f"Enregistré au nom de : {name}")
    if st.button("Enregistrer", key=k("save"), type="primary", icon=":material/save:"):
        problems = record_problems(record, frames)
        st.session_state.pop(k("draft"), None)
        if problems:
            st.error("Le compte rendu ne peut pas être enregistré : " + md_escape(" ".join(problems)),
                     icon=":material/error:")
        else:
            draft = guarded_export("Le tableau de suivi à jour", lambda: draft_record(record))
            if draft is not None:
                st.session_state[k("draft")] = draft
    _review(k, record, name, as_of)


def _review(k: _Keys, record: MeetingRecord, name: str, as_of: dt.date) -> None:
    draft: RecordDraft | None = st.session_state.get(k("draft"))
    if draft is None:
        return
    if draft.record != record:  # edited since « Enregistrer »: what was checked is no longer what would be saved
        st.session_state.pop(k("draft"))
        st.info("Le compte rendu a changé depuis « Enregistrer » : cliquez à nouveau sur « Enregistrer » pour contrôler "
                "la nouvelle version.", icon=":material/info:")
        return
    if current_import_now(record.sector_id) != draft.base_import_id:  # written from data another import replaced
        st.session_state.pop(k("draft"))
        st.info("Le tableau du secteur a été importé à nouveau depuis « Enregistrer » : cliquez à nouveau sur "
                "« Enregistrer » pour repartir de ses données actuelles.", icon=":material/info:")
        return
    import_id = review_new_version(plan_draft(draft, name, as_of), name, as_of, reference(), prefix=k(""),
                                   confirm_label=CONFIRM_LABEL)
    if import_id is not None:
        _after_commit(k, import_id, draft)
        st.rerun()
