"""`python -m store relances [--date AAAA-MM-JJ] [--secteur NOM] [--jours N] [--envoyer]`: the partners' reminders.

Without --envoyer it lists, in French, what it would send (to whom, how many actions), what was already sent this
week, what would be sent again after a failure and what would be cancelled; nothing is written. With --envoyer it
sends through GPO_SMTP_* (mail.settings) and prints the result per message.

Exit codes (for cron and systemd): 0 nothing failed (nothing to send included), 1 settings or database error
(nothing sent), 2 usage error, 3 at least one message failed (kept in the store, sent again by the next run of the
week, said on the error output).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from cli.french_argparse import iso_date
from domain.partner_digest import PartnerDigest, period_label
from domain.reference import Reference, default_reference
from mail.reminders import NEW, RETRY, ReminderPlan, plan_reminders, send_reminders
from mail.settings import MailSettingsError, horizon_days, public_address, secrets_from_files, smtp_settings
from mail.smtp import SmtpTransport
from store.queries import current_frames

EXIT_SOME_FAILED = 3


def add_parser(sub) -> None:
    reminders = sub.add_parser("relances", help="relances des partenaires par courriel (simulation sans --envoyer)")
    reminders.add_argument("--date", type=iso_date, metavar="AAAA-MM-JJ",
                           help="date de référence (défaut : aujourd'hui)")
    reminders.add_argument("--secteur", metavar="NOM", help="un seul secteur (nom ou identifiant)")
    reminders.add_argument("--jours", type=_days, metavar="N",
                           help="actions à échéance d'ici N jours (défaut : GPO_RELANCES_JOURS, sinon 14) ; celles dues "
                                "avant la prochaine réunion en font toujours partie")
    reminders.add_argument("--envoyer", action="store_true", help="envoie vraiment (sans cette option : simulation)")


def _days(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 365:
        raise argparse.ArgumentTypeError(f"nombre de jours invalide « {text} » (attendu : entre 1 et 365)")
    return int(text)


def _counts(digest: PartnerDigest) -> str:
    """« 3 action(s) ouverte(s), dont 1 en retard et 1 à échéance d'ici le 14/12/2026 »."""
    details = []
    if digest.overdue:
        details.append(f"{len(digest.overdue)} en retard")
    if digest.due_soon:
        details.append(f"{len(digest.due_soon)} à échéance d'ici le {digest.horizon:%d/%m/%Y}")
    return f"{len(digest.actions)} action(s) ouverte(s)" + (f", dont {' et '.join(details)}" if details else "")


def _recipient(digest: PartnerDigest) -> str:
    who = f"{digest.contact} <{digest.email}>" if digest.contact else digest.email
    return f"{who} ({', '.join(digest.organisations)})"


def _print_plan(plan: ReminderPlan, reference: Reference, sending: bool) -> None:
    print(f"Relances au {plan.as_of:%d/%m/%Y}, {period_label(plan.period)} : actions en retard, à échéance d'ici "
          f"{plan.horizon_days} jours ou avant la prochaine réunion, et autres actions ouvertes.")
    if not plan.sectors:
        print("Aucun contact de partenaire (feuille « Partenaires » des tableaux de suivi) : rien à envoyer.")
    for sector_digests in plan.sectors:
        name = reference.sectors[sector_digests.sector_id].name if sector_digests.sector_id in reference.sectors \
            else sector_digests.sector_id
        meeting = f"prochaine réunion le {sector_digests.next_meeting:%d/%m/%Y}" if sector_digests.next_meeting \
            else "aucune réunion programmée"
        print(f"\nSecteur {name} ({meeting})")
        if sending:
            continue  # the results follow, one line per message
        for planned in plan.messages:
            if planned.digest.sector_id != sector_digests.sector_id:
                continue
            if planned.state == NEW:
                head = "  À envoyer"
            elif planned.state == RETRY:
                row = planned.record
                head = (f"  À renvoyer (essai n° {row.attempts + 1}, {row.status_label.lower()} : "
                        f"{row.last_error or '—'})")
            else:
                head = f"  Déjà envoyé le {planned.record.sent_at:%d/%m/%Y à %H:%M}"
            print(f"{head} : {_recipient(planned.digest)} : {_counts(planned.digest)}")
        for planned in plan.in_flight:
            if planned.digest.sector_id == sector_digests.sector_id:
                print(f"  En cours d'envoi par un autre passage : {_recipient(planned.digest)}")
        for email in sector_digests.opted_out:
            print(f"  Ne veut plus de courriels (« Ne plus écrire ») : {email}")
        if sector_digests.without_actions:
            print(f"  Sans action ouverte, rien à envoyer : {', '.join(sector_digests.without_actions)}")
    if not sending:
        for cancelling in plan.cancellations:
            row = cancelling.record
            print(f"Sera annulé : relance de la {period_label(row.period)} à {row.email} (secteur {row.sector_id}), "
                  f"{cancelling.reason}")


def run(args, engine, actor: str) -> int:
    reference = default_reference()
    sector_ids = None
    if args.secteur:
        sector = reference.match_sector(args.secteur)
        if sector is None:
            print(f"Erreur d'utilisation : secteur « {args.secteur} » inconnu. Secteurs : {reference.sector_names()}.",
                  file=sys.stderr)
            return 2
        sector_ids = [sector.sector_id]
    try:
        secrets = secrets_from_files()
        days = args.jours or horizon_days(secrets=secrets)
        address = public_address(secrets=secrets)
        settings = smtp_settings(secrets=secrets) if args.envoyer else None
    except MailSettingsError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    as_of = args.date or dt.date.today()
    frames = current_frames(engine, sector_ids)
    plan = plan_reminders(engine, frames, as_of, sector_ids=sector_ids, horizon_days=days)
    _print_plan(plan, reference, sending=args.envoyer)
    if address is None:
        print("\nGPO_ADRESSE_PUBLIQUE n'est pas réglée : les courriels et les invitations ne donneront pas l'adresse "
              "de l'écran de réunion.")
    if not args.envoyer:
        try:
            configured = smtp_settings(secrets=secrets).describe()
        except MailSettingsError as exc:
            configured = f"réglages incomplets : {exc}"
        print(f"\nTotal : {len([m for m in plan.to_send if m.state == NEW])} courriel(s) à envoyer, "
              f"{len([m for m in plan.to_send if m.state != NEW])} à renvoyer après un échec, "
              f"{len(plan.already_sent)} déjà envoyé(s) cette semaine, {len(plan.cancellations)} à annuler.")
        print(f"Serveur de messagerie : {configured}")
        print("Simulation : rien n'est envoyé. Relancez avec --envoyer pour envoyer.")
        return 0
    with SmtpTransport(settings) as transport:
        report = send_reminders(engine, plan, transport, reference, sender=settings.sender, public_address=address,
                                actor=actor)
    labels = {"sent": "Envoyé", "failed": "Échec", "cancelled": "Annulé", "skipped": "Rien à faire"}
    for outcome in report.outcomes:
        print(f"{labels[outcome.result]} : {outcome.detail}",
              file=sys.stderr if outcome.result == "failed" else sys.stdout)
    print(f"\nTotal : {report.count('sent')} envoyé(s), {report.count('failed')} en échec, "
          f"{report.count('skipped')} déjà envoyé(s) ou en cours ailleurs, {report.count('cancelled')} annulé(s).")
    if report.failed:
        print(f"{len(report.failed)} courriel(s) non envoyé(s) : gardés, renvoyés au prochain passage de la semaine.",
              file=sys.stderr)
        return EXIT_SOME_FAILED
    return 0

