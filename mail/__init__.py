"""E-mail to partner contacts: the settings (`settings`: SMTP server, public address), the messages (`compose`:
French text and HTML, .ics invitation, compte-rendu slot), the SMTP transport (`smtp`), and the reminder run
(`reminders`: what is due, sent once per contact and week, recorded in the store and the journal).

Between store/ and the app: it reads and writes the store (`store.mail_log`, the journal), so the presentation
packages (pure) cannot hold it; the command line (`python -m store relances`) and the app's preview page (through
app_state) both call it, so it cannot live in either of them.
"""
