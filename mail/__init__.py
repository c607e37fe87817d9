"""E-mail to partner contacts: the settings (`settings`: SMTP server, public address), the messages (`compose`:
French text and HTML, .ics invitation, compte-rendu slot), the SMTP transport (`smtp`), the one step that sends a
message and records it (`delivery`: never twice for a period, a failure kept and retried, journaled), and its two
users: the reminder run (`reminders`: what is due, sent once per contact and week) and the compte rendu after a
meeting (`compte_rendu_mail`: sent once per contact and meeting).

Between store/ and the app: it reads and writes the store (`store.mail_log`, the journal), so the presentation
packages (pure) cannot hold it; the command line (`python -m store relances`) and the app's preview page (through
app_state) both call it, so it cannot live in either of them.
"""
