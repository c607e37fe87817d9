"""A partner contact's reminder as an e-mail (`email.message.EmailMessage`), pure: French subject, plain text and an
HTML alternative saying the same, the next meeting as an .ics invitation, and a slot for the compte-rendu PDF.

Every text from a tracker (organisation, contact, action, problem) is put on one line without invisible or control
characters (`domain.safe_text.one_line`), and escaped in the HTML (`html.escape`): an « <script> » in an action
arrives as text. Headers are built by the `email` package (an address it cannot write is a ValueError).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid

from domain.partner_digest import DigestAction, PartnerDigest
from domain.reference import Departement, Sector
from domain.safe_text import one_line
from exports.calendar import meeting_invitation, meeting_screen_url

_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")
_STATUS = {"todo": "à faire", "in_progress": "en cours"}


@dataclass(frozen=True)
class CompteRendu:
    """The compte rendu (relevé de décisions) of a meeting, as a PDF to attach."""

    meeting_date: dt.date
    pdf: bytes


def long_date(day: dt.date) -> str:
    """« jeudi 3 décembre 2026 »."""
    return f"{_DAYS[day.weekday()]} {day.day}{'er' if day.day == 1 else ''} {_MONTHS[day.month - 1]} {day.year}"


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _joined(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]


def subject(digest: PartnerDigest, sector: Sector) -> str:
    """« GPO Forbach : 3 actions à suivre, dont 1 en retard (point au 30/11/2026) »."""
    text = f"GPO {one_line(sector.name)} : {_plural(len(digest.actions), 'action', 'actions')} à suivre"
    if digest.overdue:
        text += f", dont {len(digest.overdue)} en retard"
    return text + f" (point au {digest.as_of:%d/%m/%Y})"


def _groups(digest: PartnerDigest) -> list[tuple[str, tuple[DigestAction, ...]]]:
    soon = f"À échéance d'ici le {digest.horizon:%d/%m/%Y}"
    if digest.next_meeting is not None and digest.next_meeting == digest.horizon:
        soon += " (prochaine réunion)"
    return [(title, actions) for title, actions in (("En retard", digest.overdue), (soon, digest.due_soon),
                                                    ("Autres actions en cours", digest.later)) if actions]


def _due_text(action: DigestAction) -> str:
    if action.due_on is None:
        return "sans échéance"
    text = f"échéance le {action.due_on:%d/%m/%Y}"
    if action.days_overdue:
        text += f", en retard de {_plural(action.days_overdue, 'jour', 'jours')}"
    return text


def _intro(digest: PartnerDigest, sector: Sector) -> str:
    return (f"Voici le point au {long_date(digest.as_of)} des actions confiées à {_joined(digest.organisations)} par "
            f"le groupe de partenariat opérationnel (GPO) du secteur {one_line(sector.name)}.")


def _meeting_line(digest: PartnerDigest, invitation: bool) -> str:
    if digest.next_meeting is None:
        return "Aucune prochaine réunion du GPO n'est encore programmée."
    return (f"Prochaine réunion du GPO : {long_date(digest.next_meeting)}"
            + (" (invitation jointe, à ajouter à votre agenda)." if invitation else "."))


def _attached(compte_rendu: CompteRendu) -> str:
    return f"Le compte rendu de la réunion du {compte_rendu.meeting_date:%d/%m/%Y} est joint (PDF)."


def _closing(sector: Sector) -> str:
    who = f", {one_line(sector.animateur)}," if sector.animateur else ""
    return (f"Merci de signaler à l'animateur du GPO{who} toute action réalisée ou tout retard prévisible avant la "
            "prochaine réunion.")


def _footer(departement: Departement) -> str:
    return (f"Message envoyé par le tableau de bord des GPO {departement.nom_avec_de} pour l'animateur du secteur. "
            "Pour ne plus recevoir ces courriels, demandez-le à l'animateur : il l'indique dans la feuille "
            "« Partenaires » de son tableau de suivi (colonne « Ne plus écrire »).")


def text_body(digest: PartnerDigest, sector: Sector, departement: Departement, *, screen_url: str | None,
              compte_rendu: CompteRendu | None = None) -> str:
    lines = [f"Bonjour {digest.contact}," if digest.contact else "Bonjour,", "", _intro(digest, sector), "",
             _meeting_line(digest, invitation=True)]
    if compte_rendu is not None:
        lines.append(_attached(compte_rendu))
    for title, actions in _groups(digest):
        lines += ["", f"{title.upper()} ({len(actions)})"]
        for action in actions:
            lines.append(f"- {action.action_id} : {action.description}")
            lines.append(f"  {_due_text(action).capitalize()} ; statut : {_STATUS.get(action.status, action.status)}.")
            if action.problem_id or action.problem:
                lines.append(f"  Problème {action.problem_id}" + (f" : {action.problem}" if action.problem else ""))
    lines += ["", _closing(sector)]
    if screen_url:
        lines += ["", f"Écran de réunion du GPO : {screen_url}"]
    lines += ["", "-- ", _footer(departement)]
    return "\n".join(lines) + "\n"


def html_body(digest: PartnerDigest, sector: Sector, departement: Departement, *, screen_url: str | None,
              compte_rendu: CompteRendu | None = None) -> str:
    e = html.escape
    parts = ['<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">',
             f"<title>{e(subject(digest, sector))}</title></head>",
             '<body style="font-family: Arial, sans-serif; font-size: 15px; color: #1b1b1b; line-height: 1.4;">',
             f"<p>{e(f'Bonjour {digest.contact},' if digest.contact else 'Bonjour,')}</p>",
             f"<p>{e(_intro(digest, sector))}</p>",
             f"<p><strong>{e(_meeting_line(digest, invitation=True))}</strong></p>"]
    if compte_rendu is not None:
        parts.append(f"<p>{e(_attached(compte_rendu))}</p>")
    for title, actions in _groups(digest):
        parts.append(f'<h2 style="font-size: 17px; margin: 18px 0 6px;">{e(title)} ({len(actions)})</h2><ul>')
        for action in actions:
            problem = ""
            if action.problem_id or action.problem:
                place = f" : {e(action.problem)}" if action.problem else ""
                problem = f"<br>Problème {e(action.problem_id)}{place}"
            late = ' style="color: #b3261e;"' if action.days_overdue else ""
            parts.append(f"<li><strong>{e(action.action_id)}</strong> : {e(action.description)}<br>"
                         f"<span{late}>{e(_due_text(action).capitalize())}</span> ; statut : "
                         f"{e(_STATUS.get(action.status, action.status))}.{problem}</li>")
        parts.append("</ul>")
    parts.append(f"<p>{e(_closing(sector))}</p>")
    if screen_url:
        parts.append(f'<p>Écran de réunion du GPO : <a href="{e(screen_url, quote=True)}">{e(screen_url)}</a></p>')
    parts.append(f'<hr><p style="font-size: 12px; color: #555;">{e(_footer(departement))}</p></body></html>')
    return "\n".join(parts) + "\n"


def compose_digest(digest: PartnerDigest, sector: Sector, departement: Departement, *, sender: str,
                   public_address: str | None, stamp: dt.datetime, csp_name: str | None = None,
                   compte_rendu: CompteRendu | None = None) -> EmailMessage:
    """The reminder to `digest`'s contact: From `sender` (GPO_SMTP_FROM), Date `stamp`, text + HTML, the next
    meeting's invitation (.ics) when one is planned, the compte rendu (PDF) when given. Raises ValueError when the
    contact's address cannot be written in a header."""
    screen_url = meeting_screen_url(public_address, sector.sector_id) if public_address else None
    message = EmailMessage()
    message["Subject"] = subject(digest, sector)
    message["From"] = sender
    message["To"] = Address(display_name=digest.contact, addr_spec=digest.email)
    message["Date"] = format_datetime(stamp.astimezone())
    domain = getaddresses([sender])[0][1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-reply loops with out-of-office answers
    message.set_content(text_body(digest, sector, departement, screen_url=screen_url, compte_rendu=compte_rendu))
    message.add_alternative(html_body(digest, sector, departement, screen_url=screen_url, compte_rendu=compte_rendu),
                            subtype="html")
    if digest.next_meeting is not None:
        ics = meeting_invitation(sector, digest.next_meeting, department_code=departement.code,
                                 screen_url=screen_url, stamp=stamp, csp_name=csp_name)
        message.add_attachment(ics, maintype="text", subtype="calendar",
                               params={"method": "PUBLISH", "charset": "utf-8"}, filename=f"reunion_gpo_{sector.sector_id}_{digest.next_meeting:%Y-%m-%d}.ics")
    if compte_rendu is not None:
        message.add_attachment(compte_rendu.pdf, maintype="application", subtype="pdf",
                               filename=f"compte_rendu_gpo_{sector.sector_id}_{compte_rendu.meeting_date:%Y-%m-%d}.pdf")
    return message
