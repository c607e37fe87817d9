"""argparse in French: usage errors translated and exit code 2, « utilisation : », French help titles and -h."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys

_ARGPARSE_FRENCH = (  # argparse's own messages, in French
    (re.compile(r"the following arguments are required: (.*)"), r"arguments obligatoires manquants : \1"),
    (re.compile(r"argument (\S+): invalid choice: (\S+) \(choose from (.*)\)"), r"argument \1 : choix invalide \2 (possibles : \3)"),
    (re.compile(r"argument (\S+): expected (.*)"), r"argument \1 : valeur attendue"),
    (re.compile(r"argument (\S+): (.*)"), r"argument \1 : \2"),
    (re.compile(r"unrecognized arguments: (.*)"), r"arguments non reconnus : \1"),
)


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="utilisation : " if prefix is None else prefix)


class FrenchParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors, usage line, section titles and -h are French; its subparsers too
    (`add_subparsers(parser_class=FrenchParser)`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")

    def error(self, message: str):  # French usage errors, exit 2
        for pattern, french in _ARGPARSE_FRENCH:
            if pattern.fullmatch(message):
                message = pattern.sub(french, message)
                break
        self.print_usage(sys.stderr)
        print(f"Erreur d'utilisation : {message}", file=sys.stderr)
        raise SystemExit(2)


def iso_date(text: str) -> dt.date:
    """An argument type: AAAA-MM-JJ, or a French usage error."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date invalide « {text} » (attendu AAAA-MM-JJ)") from None
