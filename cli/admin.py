"""`python -m store`, for admins: local accounts, screen tokens and the audit journal, on the store named by
GPO_DATABASE_URL.

    python -m store comptes creer LOGIN --nom "…" --role animateur --secteurs forbach stiring [--csp forbach]
    python -m store comptes lister
    python -m store comptes modifier LOGIN [--nom "…"] [--role …] [--secteurs …] [--csp …]
    python -m store comptes mot-de-passe LOGIN
    python -m store comptes desactiver LOGIN
    python -m store comptes activer LOGIN
    python -m store jetons creer LOGIN [--jours 90]      (un compte écran ; le jeton est affiché une seule fois)
    python -m store jetons lister
    python -m store jetons revoquer NUMERO | --compte LOGIN
    python -m store journal [--depuis AAAA-MM-JJ] [--jusqu-au AAAA-MM-JJ] [--utilisateur LOGIN] [--evenement CODE] [--csv FICHIER]
    python -m store sauvegarde FICHIER [--remplacer]     (copie cohérente de toute la base, dans un fichier SQLite)
    python -m store restauration FICHIER [--remplacer]   (refuse une base qui contient des données, sauf --remplacer)
    python -m store purge [--mois N] [--date AAAA-MM-JJ] [--appliquer]   (simulation sans --appliquer)
    python -m store relances [--date AAAA-MM-JJ] [--secteur NOM] [--jours N] [--envoyer]   (simulation sans --envoyer)

Passwords are asked twice (getpass), or read from GPO_NEW_PASSWORD (scripts, tests).
Every account change, restore and applied purge is journaled under the system user running the command.
Exit codes: 0 done, 1 refused (unknown account, weak password, …) or a database failure (one French line,
no traceback), 2 usage error; `relances`: 3 when a message could not be sent (cli/reminders.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from cli import reminders
from cli.french_argparse import FrenchParser, iso_date
from domain.access import ROLES
from store.accounts import AccountError, create_account, list_accounts, set_active, set_password, update_account
from domain.retention import DEFAULT_MONTHS
from store.audit import EVENTS, audit_csv, read_audit
from store.backup import BackupError, backup, restore
from store.database import open_store
from store.errors import StoreError, cli_line
from store.retention import MAILS_BLANKED, RETENTION_ENV, apply_purge, plan_purge
from store.screen_tokens import (
    DEFAULT_LIFETIME, MAX_LIFETIME, QUERY_KEY, TokenError, create_screen_token, list_screen_tokens, revoke_account_tokens,
    revoke_screen_token,
)

PASSWORD_ENV = "GPO_NEW_PASSWORD"


def _parser() -> argparse.ArgumentParser:
    roles = ", ".join(f"{code} ({label})" for code, label in ROLES.items())
    parser = FrenchParser(prog="python -m store", description="Comptes, journal, sauvegarde et purge de la base des GPO "
                                                            "(GPO_DATABASE_URL), relances des partenaires par courriel.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=FrenchParser,
                                metavar="{comptes,jetons,journal,sauvegarde,restauration,purge,relances}")

    accounts = sub.add_parser("comptes", help="crée, liste et modifie les comptes locaux")
    acc = accounts.add_subparsers(dest="action", required=True, parser_class=FrenchParser,
                                  metavar="{creer,lister,modifier,mot-de-passe,desactiver,activer}")

    def _sub(name: str, help_text: str) -> argparse.ArgumentParser:
        return acc.add_parser(name, help=help_text)

    create = _sub("creer", "crée un compte (mot de passe demandé deux fois, ou lu dans GPO_NEW_PASSWORD)")
    create.add_argument("login", metavar="IDENTIFIANT")
    create.add_argument("--nom", required=True, help="nom affiché, par exemple « Cne Meyer »")
    create.add_argument("--role", required=True, choices=list(ROLES), metavar="ROLE", help=f"un de : {roles}")
    create.add_argument("--secteurs", nargs="+", default=[], metavar="SECTEUR", help="secteurs d'un animateur")
    create.add_argument("--csp", help="CSP d'un chef de CSP")
    _sub("lister", "liste les comptes")
    modify = _sub("modifier", "change le nom, le rôle, la CSP ou les secteurs d'un compte")
    modify.add_argument("login", metavar="IDENTIFIANT")
    modify.add_argument("--nom")
    modify.add_argument("--role", choices=list(ROLES), metavar="ROLE", help=f"un de : {roles}")
    modify.add_argument("--secteurs", nargs="+", metavar="SECTEUR")
    modify.add_argument("--csp", help="CSP (« aucune » pour la retirer)")
    for name, text in (("mot-de-passe", "réinitialise le mot de passe (et déverrouille le compte)"),
                       ("desactiver", "désactive un compte"), ("activer", "réactive un compte")):
        _sub(name, text).add_argument("login", metavar="IDENTIFIANT")

    tokens = sub.add_parser("jetons", help="jetons des écrans de réunion (adresse qui reste connectée)")
    tok = tokens.add_subparsers(dest="action", required=True, parser_class=FrenchParser, metavar="{creer,lister,revoquer}")
    make = tok.add_parser("creer", help="crée un jeton pour un compte écran et l'affiche (une seule fois)")
    make.add_argument("login", metavar="IDENTIFIANT")
    make.add_argument("--jours", type=int, default=DEFAULT_LIFETIME.days, metavar="N",
                      help=f"durée de validité en jours ({DEFAULT_LIFETIME.days} par défaut, {MAX_LIFETIME.days} au plus)")
    tok.add_parser("lister", help="liste les jetons (jamais leur texte)")
    revoke = tok.add_parser("revoquer", help="révoque un jeton, ou tous ceux d'un compte")
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("numero", nargs="?", type=int, metavar="NUMERO", help="numéro du jeton (voir « lister »)")
    which.add_argument("--compte", metavar="IDENTIFIANT", help="révoque tous les jetons de ce compte")

    journal = sub.add_parser("journal", help="affiche ou exporte le journal")
    journal.add_argument("--depuis", type=iso_date, metavar="AAAA-MM-JJ", help="à partir de ce jour inclus")
    journal.add_argument("--jusqu-au", dest="until", type=iso_date, metavar="AAAA-MM-JJ", help="jusqu'à ce jour inclus")
    journal.add_argument("--utilisateur", metavar="IDENTIFIANT")
    journal.add_argument("--evenement", choices=list(EVENTS), metavar="CODE",
                         help="un de : " + ", ".join(f"{code} ({label})" for code, label in EVENTS.items()))
    journal.add_argument("--csv", metavar="FICHIER", help="écrit le journal filtré dans ce fichier CSV")

    save = sub.add_parser("sauvegarde", help="écrit une copie cohérente de toute la base dans un fichier SQLite")
    save.add_argument("fichier", metavar="FICHIER")
    save.add_argument("--remplacer", action="store_true", help="écrase FICHIER s'il existe déjà")
    load = sub.add_parser("restauration", help="remplace le contenu de la base par celui d'une sauvegarde")
    load.add_argument("fichier", metavar="FICHIER")
    load.add_argument("--remplacer", action="store_true", help="remplace les données que la base contient déjà")
    purge = sub.add_parser("purge", help="efface le texte libre des problèmes clos et l'adresse des courriels aux "
                                         "partenaires plus anciens que la durée de conservation (simulation sans "
                                         "--appliquer)")
    purge.add_argument("--mois", type=_months, metavar="N",
                       help=f"durée de conservation en mois (défaut : {RETENTION_ENV}, sinon {DEFAULT_MONTHS})")
    purge.add_argument("--date", type=iso_date, metavar="AAAA-MM-JJ", help="date de référence (défaut : aujourd'hui)")
    purge.add_argument("--appliquer", action="store_true", help="efface vraiment (sans cette option : simulation)")
    reminders.add_parser(sub)
    return parser


def _months(text: str) -> int:
    """An argument type (and the check of GPO_RETENTION_MOIS): a whole number of months, at least 1."""
    try:
        months = int(text.strip())
    except ValueError:
        months = 0
    if months < 1:
        raise argparse.ArgumentTypeError(f"durée invalide « {text} » (attendu : un nombre entier de mois, 1 ou plus)")
    return months


def _retention_months(option: int | None) -> int:
    if option is not None:
        return option
    configured = os.environ.get(RETENTION_ENV, "").strip()
    if not configured:
        return DEFAULT_MONTHS
    return _months(configured)  # argparse.ArgumentTypeError: said by `_purge`


def _actor() -> str:
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name in a bare container
        user = "inconnu"
    return f"{user} (ligne de commande)"


def _new_password() -> str:
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    first = getpass.getpass("Nouveau mot de passe : ")
    second = getpass.getpass("Confirmez le mot de passe : ")
    if first != second:
        raise AccountError("Les deux mots de passe saisis diffèrent : rien n'est changé.")
    return first


def _print_accounts(engine) -> None:
    frame = list_accounts(engine)
    if frame.empty:
        print("Aucun compte.")
        return
    shown = frame.drop(columns=["Créé le", "Mot de passe changé le"]).copy()
    shown["Verrouillé jusqu'à"] = frame["Verrouillé jusqu'à"].map(lambda v: v.strftime("%d/%m/%Y %H:%M") if pd.notna(v) else "")
    print(shown.to_string(index=False))
    print(f"{len(frame)} compte(s).")


def _accounts(args, engine) -> int:
    actor = _actor()
    if args.action == "lister":
        _print_accounts(engine)
    elif args.action == "creer":
        principal = create_account(engine, args.login, args.nom, args.role, _new_password(), csp_id=args.csp,
                                   sector_ids=args.secteurs, by=actor)
        print(f"Compte « {principal.user_id} » créé : {principal.display_name}, {principal.role_label}.")
    elif args.action == "modifier":
        kwargs = {}
        if args.csp is not None:
            kwargs["csp_id"] = None if args.csp.lower() in ("aucune", "") else args.csp
        principal = update_account(engine, args.login, role=args.role, sector_ids=args.secteurs, display_name=args.nom,
                                   by=actor, **kwargs)
        print(f"Compte « {principal.user_id} » modifié : {principal.display_name}, {principal.role_label}.")
    elif args.action == "mot-de-passe":
        set_password(engine, args.login, _new_password(), by=actor)
        print(f"Mot de passe du compte « {args.login.strip().lower()} » changé ; le compte est déverrouillé.")
    else:
        active = args.action == "activer"
        set_active(engine, args.login, active, by=actor)
        print(f"Compte « {args.login.strip().lower()} » {'réactivé' if active else 'désactivé'}.")
    return 0


def _tokens(args, engine) -> int:
    actor = _actor()
    if args.action == "creer":
        made = create_screen_token(engine, args.login, lifetime=dt.timedelta(days=args.jours), by=actor)
        print(f"Jeton n° {made.token_id} créé pour le compte « {made.login} », valable jusqu'au "
              f"{made.expires_at:%d/%m/%Y à %H:%M}. Ajoutez à l'adresse de l'écran (il ne sera plus affiché) :")
        print(f"&{QUERY_KEY}={made.token}")
    elif args.action == "lister":
        frame = list_screen_tokens(engine)
        if frame.empty:
            print("Aucun jeton d'écran.")
            return 0
        shown = frame.copy()
        for column in ("Créé le", "Expire le", "Dernière utilisation"):
            shown[column] = frame[column].map(lambda v: v.strftime("%d/%m/%Y %H:%M") if pd.notna(v) else "")
        print(shown.to_string(index=False))
        print(f"{len(frame)} jeton(s).")
    elif args.compte:
        count = revoke_account_tokens(engine, args.compte, by=actor)
        print(f"{count} jeton(s) du compte « {args.compte.strip().lower()} » révoqué(s).")
    else:
        revoke_screen_token(engine, args.numero, by=actor)
        print(f"Jeton n° {args.numero} révoqué : l'écran qui l'utilise affichera l'écran de connexion.")
    return 0


def _journal(args, engine) -> int:
    frame = read_audit(engine, since=args.depuis, until=args.until, user=args.utilisateur, event=args.evenement)
    if args.csv:
        Path(args.csv).write_bytes(audit_csv(frame))
        print(f"{len(frame)} ligne(s) du journal écrites dans {args.csv}.")
        return 0
    if frame.empty:
        print("Aucune ligne dans le journal pour ces critères.")
        return 0
    shown = frame.copy()
    shown["Date"] = shown["Date"].dt.strftime("%d/%m/%Y %H:%M:%S")
    shown["Secteur"] = shown["Secteur"].fillna("")
    print(shown.to_string(index=False))
    print(f"{len(frame)} ligne(s).")
    return 0


def _backup(args, engine) -> int:
    copied = backup(engine, args.fichier, replace=args.remplacer)
    print(f"Sauvegarde écrite dans {args.fichier} : {copied.summary()}.")
    return 0


def _restore(args, engine) -> int:
    copied = restore(engine, args.fichier, replace=args.remplacer, by=_actor())
    print(f"Base restaurée depuis {args.fichier} : {copied.summary()}. Redémarrez les serveurs de l'application.")
    return 0


def _purge(args, engine) -> int:
    try:
        months = _retention_months(args.mois)
    except argparse.ArgumentTypeError as exc:
        print(f"Erreur : {RETENTION_ENV} : {exc}.", file=sys.stderr)
        return 1
    today = args.date or dt.date.today()
    if args.appliquer:
        plan = apply_purge(engine, today, months, by=_actor())
    else:
        with engine.connect() as conn:
            plan = plan_purge(conn, today, months)
    head = (f"Conservation : {months} mois ; problèmes clos (résolus, abandonnés ou retirés du tableau) avant le "
            f"{plan.cutoff:%d/%m/%Y}.")
    print(head)
    if plan.empty:
        print("Rien à effacer.")
        return 0
    print(plan.counts.to_string(index=False))
    total = {column: int(plan.counts[column].sum()) for column in plan.counts.columns[1:]}
    done = "effacé(s)" if args.appliquer else "à effacer"
    cycle = "".join(part for part, count in ((f", {total['Diagnostics']} diagnostic(s) d'un cycle terminé",
                                              total["Diagnostics"]),
                                             (f", {total['Contacts']} contact(s) retiré(s) du tableau", total["Contacts"]),
                                             (f", {total['Courriels']} {MAILS_BLANKED}", total["Courriels"]))
                    if count)
    files = total["Fichiers d'origine"]
    print(f"Total : {total['Problèmes']} problème(s), {total['Actions']} action(s), {files} fichier(s) "
          f"d'origine{cycle} {done}.")
    if total["Courriels"]:
        print(f"Courriels aux partenaires dont le dernier essai est antérieur au {plan.cutoff:%d/%m/%Y} : l'adresse du "
              "destinataire et le texte d'erreur sont effacés ; secteur, type, période, statut et dates restent "
              "pour les statistiques.")
    if args.appliquer:
        print("Textes effacés et purge inscrite au journal.")
    else:
        print("Simulation : rien n'est effacé. Relancez avec --appliquer pour effacer.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        engine = open_store()
        commands = {"comptes": _accounts, "jetons": _tokens, "journal": _journal, "sauvegarde": _backup,
                    "restauration": _restore, "purge": _purge,
                    "relances": lambda args, engine: reminders.run(args, engine, _actor())}
        return commands[args.command](args, engine)
    except (StoreError, sa.exc.SQLAlchemyError) as exc:  # a wrong URL, a read-only or full store, a server down
        print(cli_line(exc), file=sys.stderr)  # one French line: the driver's text may hold SQL and row data
        return 1
    except (AccountError, TokenError, BackupError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    except (EOFError, KeyboardInterrupt):
        print("\nInterrompu : rien n'est changé.", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Erreur d'écriture : {exc}", file=sys.stderr)
        return 1
