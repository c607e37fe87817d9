"""After the meeting, in Chromium, to a real SMTP server: the animator records a decision on « Mode réunion » (a new
action for a partner, with its deadline), saves, confirms and sends the compte rendu by e-mail from the page; then,
on « Relances », previews and sends the week's reminders. The messages are read back from the server (aiosmtpd on
loopback, tests/smtp_server.py): each partner contact of the sector's « Partenaires » sheet that has not opted out
gets the compte rendu (PDF attached), and each contact with open actions gets its OWN reminder (its organisation's
actions only, the next meeting as an .ics invitation); a second click sends nothing, and the page says so.

On a server of its own (a copy of the seeded demo store, its environment pointing at the SMTP server): the import
and the messages never reach the other browser tests' shared server. What is expected is read from the demo
tracker itself (sample_data/suivi_gpo_forbach.xlsx, the file the demo store was seeded from), not from the app.
Every wait is for what the user sees, with a deadline, never a fixed sleep.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from email.message import EmailMessage
from email.utils import parseaddr

import openpyxl
import pytest
from icalendar import Calendar
from playwright.sync_api import expect
from pypdf import PdfReader

from browser.conftest import SIZES, WAIT_MS, Visit, start_streamlit, stop_streamlit
from browser.test_meeting_record_flow import K, choose, type_date
from browser.test_screen_layout import fully_visible_columns
from conftest import copy_sqlite
from domain.reference import default_reference
from smtp_server import Recorder, smtp_server
from store.demo_seed import SAMPLE_DIR

AS_OF = dt.date(2026, 11, 25)  # the demo's reference date: the meeting is held that day, the reminders are of that week
ACTION = "Rondes de gardiennage dans les halls de la cité Bellevue"
OWNER = "Sainte-Barbe Habitat"  # a landlord of the sector with no open action before this meeting
PUBLIC = "https://gpo.example.fr/gpo"
SENDER = "Tableau de bord des GPO <gpo@example.fr>"
SECTOR = default_reference().sectors["forbach"].name  # « Forbach – Bellevue-Wiesberg »
OPEN = ("À faire", "En cours")  # the tracker's words for an open action
WEEK = re.compile("^Relances de la semaine 48 de 2026")  # the ISO week of AS_OF
# The reminders at the meeting's day: once the meeting is saved, the demo's reference date becomes the day of that
# import (the machine's today), and what is overdue or which meeting is next would depend on the clock.
RELANCES = f"/relances?secteur=forbach&csp=forbach&date={AS_OF:%Y-%m-%d}"


# --- what the demo tracker says: the contacts, and each organisation's open actions -------------------------------
def tracker_rows(sheet: str) -> list[dict]:
    book = openpyxl.load_workbook(SAMPLE_DIR / "suivi_gpo_forbach.xlsx", read_only=True)
    rows = book[sheet].iter_rows(values_only=True)
    header = next(rows)
    found = [dict(zip(header, row)) for row in rows if any(v is not None for v in row)]
    book.close()
    return found


def contacts() -> tuple[dict[str, str], list[str]]:
    """({address: organisation} of the contacts one may write to, [addresses marked « Ne plus écrire »])."""
    writable, opted_out = {}, []
    for row in tracker_rows("Partenaires"):
        email = row["Courriel"].strip().lower()
        if str(row["Ne plus écrire"] or "").strip().lower() == "oui":
            opted_out.append(email)
        else:
            writable[email] = row["Organisation"]
    return writable, opted_out


def open_actions() -> dict[str, tuple[str, str, dt.date]]:
    """{action id: (owner, text, deadline)} of the sector's open actions before the meeting."""
    return {row["Réf action"]: (row["Partenaire responsable"], row["Action"], row["Échéance"].date())
            for row in tracker_rows("Actions") if row["Statut"] in OPEN}


def new_action_id() -> str:
    numbers = [int(row["Réf action"].removeprefix("A-")) for row in tracker_rows("Actions")]
    return f"A-{max(numbers) + 1:02d}"


# --- the servers ----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mailbox():
    """A real SMTP server on 127.0.0.1 recording what it accepts, for the whole module."""
    recorder = Recorder()
    with smtp_server(recorder) as port:
        yield recorder, port


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory, demo_store_template, mailbox):
    store = tmp_path_factory.mktemp("mail_store") / "gpo.sqlite"
    copy_sqlite(demo_store_template, store)
    env = {"GPO_DATABASE_URL": f"sqlite:///{store}", "GPO_AUTH": "off",
           "GPO_SMTP_HOST": "127.0.0.1", "GPO_SMTP_PORT": str(mailbox[1]), "GPO_SMTP_STARTTLS": "non",
           "GPO_SMTP_FROM": SENDER, "GPO_SMTP_USER": "", "GPO_SMTP_PASSWORD": "", "GPO_ADRESSE_PUBLIQUE": PUBLIC,
           "GPO_RELANCES_JOURS": ""}
    process, server = start_streamlit(env, tmp_path_factory.mktemp("mail_log") / "streamlit.log")
    yield server
    stop_streamlit(process)


@pytest.fixture
def tabs(browser, mail_server):
    """Open tabs on the mail server; afterwards, no request left the machine and the server logged no incident."""
    expect.set_options(timeout=WAIT_MS)
    opened: list[Visit] = []

    def make(size: str = "1920x1080") -> Visit:
        opened.append(Visit(browser, mail_server.base, SIZES[size]))
        return opened[-1]

    yield make
    for tab in opened:
        assert not tab.foreign, f"requêtes hors du serveur local : {tab.foreign}"
        assert not tab.real_errors(), tab.real_errors()
        tab.close()
    assert not mail_server.incidents_since(0), mail_server.incidents_since(0)


# --- reading the messages back ----------------------------------------------------------------------------------------
def recipient(message: EmailMessage) -> str:
    return parseaddr(str(message["To"]))[1].lower()


def attachments(message: EmailMessage, content_type: str) -> list:
    return [part for part in message.iter_attachments() if part.get_content_type() == content_type]


def action_ids(message: EmailMessage) -> tuple[list[str], list[str]]:
    """The actions a message lists, in its plain text and in its HTML (each listed as « - A-21 : … » / <strong>)."""
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return (sorted(re.findall(r"^- (A-\d+) : ", plain, flags=re.MULTILINE)),
            sorted(re.findall(r"<strong>(A-\d+)</strong>", html)))


def invitation(message: EmailMessage):
    """The one meeting of the message's .ics invitation, read back by the icalendar package."""
    (ics,) = attachments(message, "text/calendar")
    (event,) = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    return event


def subject_of(deadlines: list[dt.date]) -> str:
    """« GPO Forbach – Bellevue-Wiesberg : 2 actions à suivre, dont 1 en retard (point au 25/11/2026) »."""
    late = sum(due < AS_OF for due in deadlines)
    text = f"GPO {SECTOR} : {len(deadlines)} action{'s' if len(deadlines) > 1 else ''} à suivre"
    return text + (f", dont {late} en retard" if late else "") + f" (point au {AS_OF:%d/%m/%Y})"


def table_under(page, heading: str | re.Pattern):
    """The table right under a heading, scrolled into view: the grid is drawn on a canvas, and the text of the cells
    it shows is in the accessible table behind it (rows `[role=row]`, cells `[role=gridcell]`), once drawn."""
    table = page.get_by_role("heading", name=heading).locator("xpath=following::*[@data-testid='stDataFrame'][1]")
    table.scroll_into_view_if_needed()
    table.locator("[role=gridcell]").first.wait_for(state="attached", timeout=WAIT_MS)
    return table


# --- the flow ---------------------------------------------------------------------------------------------------------
def record_and_send_the_compte_rendu(tab: Visit, recorder: Recorder) -> str:
    """On « Mode réunion »: one new action for OWNER, saved, confirmed, sent by e-mail; returns the next meeting's date
    as the page proposed it (JJ/MM/AAAA)."""
    page = tab.page
    tab.open("/mode_reunion?secteur=forbach")
    expect(page.get_by_role("heading", name="Compte rendu de la réunion")).to_be_visible()
    page.get_by_role("button", name="Pause").click()  # the slides wait for us
    expect(page.get_by_role("button", name="Défilement automatique")).to_be_visible()
    page.locator(f"{K}mayor").get_by_text("Mairie").click()
    tab.wait_idle()

    page.get_by_role("tab", name="Nouvelle action").click()
    choose(page, "a_problem", "P-14")
    page.locator(f"{K}a_description input").fill(ACTION)
    choose(page, "a_partner", OWNER)
    type_date(page, "a_due", "04/12/2026")
    page.get_by_role("button", name="Ajouter cette action").click()
    expect(page.get_by_text(f"Nouvelle action pour P-14 : {ACTION} — {OWNER}, échéance 04/12/2026")).to_be_visible()
    next_meeting = re.sub(r"\s", "", page.locator(f"{K}next_meeting [role=group]").inner_text())
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", next_meeting), next_meeting

    page.locator(f"{K}name input").fill("Cne Meyer")
    page.locator(f"{K}name input").press("Enter")
    tab.wait_idle()
    page.locator(f"{K}save").get_by_role("button", name="Enregistrer").click()
    confirm = page.get_by_role("button", name=re.compile(r"^Confirmer l'enregistrement \(\d+ ligne\(s\)\)$"))
    expect(confirm).to_be_enabled()
    confirm.click()
    expect(page.get_by_text(f"Compte rendu de la réunion du {AS_OF:%d/%m/%Y} enregistré : import n°")).to_be_visible()
    assert recorder.received == []  # nothing leaves before the animator asks

    send = page.get_by_role("button", name="Envoyer le compte rendu aux partenaires")
    send.click()
    writable, _ = contacts()
    done = page.get_by_text(f"Compte rendu envoyé à {len(writable)} contact(s) ; déjà envoyé à 0 contact(s) pour "
                            "cette réunion.")
    expect(done).to_be_visible()
    done.scroll_into_view_if_needed()
    tab.shot("compte_rendu_envoye_1920x1080")
    assert len(recorder.received) == len(writable)

    send.click()  # a second click: the meeting's compte rendu never leaves twice to the same address
    expect(page.get_by_text(f"Compte rendu envoyé à 0 contact(s) ; déjà envoyé à {len(writable)} contact(s) pour "
                            "cette réunion.")).to_be_visible()
    assert len(recorder.received) == len(writable)
    return next_meeting


def check_the_compte_rendu_messages(received: list, next_meeting: dt.date) -> None:
    writable, opted_out = contacts()
    assert opted_out  # the demo sheet has a contact who wants no more e-mail: the check below can fail
    assert sorted(r.rcpt_tos[0] for r in received) == sorted(writable)
    assert all(len(r.rcpt_tos) == 1 and r.mail_from == "gpo@example.fr" for r in received)
    actions = open_actions()
    for r in received:
        message = r.message
        email = recipient(message)
        assert r.rcpt_tos == [email] and message["From"] == SENDER
        assert message["Subject"] == f"GPO {SECTOR} : compte rendu de la réunion du {AS_OF:%d/%m/%Y}"
        plain = message.get_body(("plain",)).get_content()
        assert f"Le compte rendu de la réunion du {AS_OF:%d/%m/%Y} est joint (PDF)." in plain
        owned = sorted([a for a, (owner, _, _) in actions.items() if owner == writable[email]]
                       + ([new_action_id()] if writable[email] == OWNER else []))
        assert action_ids(message) == (owned, owned), email  # its organisation's open actions, and only those
        assert (ACTION in plain) == (writable[email] == OWNER)
        (pdf,) = attachments(message, "application/pdf")
        assert pdf.get_filename() == f"compte_rendu_gpo_forbach_{AS_OF:%Y-%m-%d}.pdf"
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_content())).pages).split())
        assert f"Relevé de décisions de la réunion du {AS_OF:%d/%m/%Y}" in text
        assert new_action_id() in text and ACTION in text and OWNER in text
        assert invitation(message)["DTSTART"].dt == next_meeting


def send_the_reminders(tab: Visit, stale: Visit, recorder: Recorder, expected: dict[str, list]) -> None:
    """On « Relances »: the preview lists each contact with open actions, the confirmed send delivers them; the same
    page left open in another tab then sends nothing."""
    page = tab.page
    before = len(recorder.received)
    for opened in (tab, stale):
        opened.open(RELANCES)
        expect(opened.page.get_by_role("heading", name=WEEK)).to_be_visible()
        checkbox = opened.page.get_by_text(f"Je confirme l'envoi de {len(expected)} courriel(s) aux partenaires")
        expect(opened.page.get_by_role("button", name=f"Envoyer {len(expected)} relance(s)")).to_be_disabled()
        checkbox.click()
        expect(opened.page.get_by_role("button", name=f"Envoyer {len(expected)} relance(s)")).to_be_enabled()

    plan = table_under(page, WEEK)
    for email, actions in expected.items():  # each contact, the actions of its organisation
        row = plan.locator("[role=row]").filter(has_text=f"<{email}>")
        expect(row).to_have_count(1)
        assert sorted(re.findall(r"A-\d+", row.inner_text())) == sorted(a for a, *_ in actions), email
    expect(plan.locator("[role=row]").filter(has_text="@")).to_have_count(len(expected))
    _, opted_out = contacts()
    for email in opted_out:
        expect(page.get_by_text(f"{SECTOR} : ne veulent plus de courriels (« Ne plus écrire ») : {email}")
               ).to_be_visible()
        expect(plan.locator("[role=row]").filter(has_text=email)).to_have_count(0)
    assert len(recorder.received) == before  # a preview sends nothing

    page.get_by_role("button", name=f"Envoyer {len(expected)} relance(s)").click()
    expect(page.get_by_text(f"{len(expected)} relance(s) envoyée(s).")).to_be_visible()
    expect(page.get_by_text("Rien à envoyer : toutes les relances de la semaine sont déjà parties.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Envoyer \d+ relance\(s\)$"))).to_have_count(0)
    page.get_by_text(f"{len(expected)} relance(s) envoyée(s).").scroll_into_view_if_needed()
    tab.shot("relances_envoyees_1920x1080")
    tab.shot("relances_plan_envoye_1920x1080", table_under(page, WEEK))
    assert len(recorder.received) == before + len(expected)

    # the other tab still offers the button: its click reads the week's sends first, and sends nothing
    stale.page.get_by_role("button", name=f"Envoyer {len(expected)} relance(s)").click()
    expect(stale.page.get_by_text("Rien à envoyer : toutes les relances de la semaine sont déjà parties.")
           ).to_be_visible()
    stale.wait_idle()
    assert len(recorder.received) == before + len(expected)


def check_the_history(tab: Visit, reminders: list[str], comptes_rendus: int, name: str) -> None:
    """« Courriels envoyés » lists every send, newest first: the week's reminders, then the meeting's compte rendu;
    in words (the sector's name, the period in French, dates as JJ/MM/AAAA), the status and the moment first."""
    history = table_under(tab.page, "Courriels envoyés")
    tab.shot(name, history)
    expect(history.locator("[role=grid]")).to_have_attribute("aria-rowcount", str(len(reminders) + comptes_rendus + 1))
    assert fully_visible_columns(tab, history)[:5] == ["Statut", "Envoyé le", "Type", "Période", "Courriel"]
    rows = history.locator("[role=row]")
    shown = " | ".join(rows.all_inner_texts())
    # the cells' texts one after the other; the accessible table gives a moment as stored (the canvas draws it
    # JJ/MM/AAAA HH:MM: seen on the screenshots), so only its digits are checked here
    sent = r"^Envoyé[\d/: -]+"
    for email in reminders:
        expect(rows.filter(has_text=re.compile(f"{sent}Relance de la semainesemaine 48 de 2026{re.escape(email)}")),
               shown).to_have_count(1)
    expect(rows.filter(has_text=re.compile(f"{sent}Compte rendu de réunionréunion du {AS_OF:%d/%m/%Y}")).first,
           shown).to_be_attached()
    assert "2026-W48" not in shown and "forbach" not in shown.replace("forbach.example.org", ""), shown  # no code


def check_each_reminder(received: list, expected: dict[str, list], next_meeting: dt.date) -> None:
    assert sorted(r.rcpt_tos[0] for r in received) == sorted(expected)
    for r in received:
        message = r.message
        email = recipient(message)
        assert r.rcpt_tos == [email] and message["From"] == SENDER
        mine = expected[email]
        assert message["Subject"] == subject_of([due for _, _, due in mine]), email
        ids = sorted(a for a, *_ in mine)
        assert action_ids(message) == (ids, ids), email  # this partner's open actions, no other partner's
        plain = message.get_body(("plain",)).get_content()
        assert (ACTION in plain) == (new_action_id() in ids)
        assert not attachments(message, "application/pdf")  # the compte rendu went with its own message
        event = invitation(message)
        assert event["DTSTART"].dt == next_meeting
        assert str(event["SUMMARY"]) == f"Réunion du GPO {SECTOR}"
        assert str(event["URL"]) == f"{PUBLIC}/mode_reunion?secteur=forbach"


def test_the_compte_rendu_and_each_partners_reminder_reach_the_smtp_server(tabs, mailbox):
    recorder, _ = mailbox
    writable, opted_out = contacts()
    next_meeting = dt.datetime.strptime(record_and_send_the_compte_rendu(tabs(), recorder), "%d/%m/%Y").date()
    comptes_rendus = list(recorder.received)
    check_the_compte_rendu_messages(comptes_rendus, next_meeting)

    # who gets which reminder: each contact, its organisation's open actions, the new one to OWNER's contact
    owned = [(a, owner, text, due) for a, (owner, text, due) in open_actions().items()]
    owned.append((new_action_id(), OWNER, ACTION, dt.date(2026, 12, 4)))
    expected = {email: [(a, text, due) for a, owner, text, due in owned if owner == organisation]
                for email, organisation in writable.items()}
    expected = {email: actions for email, actions in expected.items() if actions}
    owners = [email for email, organisation in writable.items() if organisation == OWNER]
    assert owners and all(email in expected for email in owners)  # OWNER's contact is written to for the new action

    first = tabs()
    send_the_reminders(first, tabs(), recorder, expected)
    reminders = recorder.received[len(comptes_rendus):]
    check_each_reminder(reminders, expected, next_meeting)
    assert not {e for r in recorder.received for e in r.rcpt_tos} & set(opted_out)
    check_the_history(first, list(expected), len(comptes_rendus), "relances_historique_1920x1080")

    laptop = tabs("1366x768")  # the same page on a laptop, after the sends
    laptop.open(RELANCES)
    nothing_left = laptop.page.get_by_text("Rien à envoyer : toutes les relances de la semaine sont déjà parties.")
    expect(nothing_left).to_be_visible()
    laptop.shot("relances_plan_envoye_1366x768", table_under(laptop.page, WEEK))
    nothing_left.scroll_into_view_if_needed()
    laptop.shot("relances_apres_envoi_1366x768")
    check_the_history(laptop, list(expected), len(comptes_rendus), "relances_historique_1366x768")
    assert len(recorder.received) == len(comptes_rendus) + len(reminders)
