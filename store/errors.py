"""Database failures said in French, in one line: never SQL, never the row data a driver error carries.

`StoreError` is what the store raises when the database fails (read-only,
full, locked, unreachable…); its text is meant for a user, its `__cause__`
keeps the driver error for the server log. `describe` gives the French reason
for any database exception, for callers that catch SQLAlchemy errors themselves.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa


class StoreError(Exception):
    """A store operation failed; `str()` is a French sentence fit for a user (no SQL, no parameters)."""


# (words in the driver's message, lower case) -> French reason. First match wins.
_REASONS = (
    (("readonly", "read-only", "read only"),
     "la base est en lecture seule (droits du fichier ou de son dossier, ou disque monté en lecture seule)"),
    (("disk is full", "no space left", "could not extend file", "disk full"), "le disque de la base est plein"),
    (("database is locked", "database table is locked", "lock timeout", "deadlock", "could not obtain lock"),
     "la base est occupée par une autre écriture ; réessayez dans un instant"),
    (("unable to open database file", "could not open file"),
     "le fichier de la base ne peut pas être ouvert (chemin, droits du dossier)"),
    (("could not connect", "connection refused", "could not translate host name", "timeout expired",
      "server closed the connection", "connection to server", "name or service not known"),
     "le serveur de base de données ne répond pas"),
    (("password authentication failed", "authentication failed", "no pg_hba.conf entry"),
     "le serveur de base de données refuse la connexion (identifiant ou mot de passe)"),
    (("disk i/o error", "input/output error"), "erreur d'entrée-sortie sur le disque de la base"),
    (("file is not a database", "malformed"), "le fichier de la base est abîmé ou n'est pas une base SQLite"),
    (("value too long", "string data right truncation"),
     "une valeur dépasse la longueur que la base garde pour sa colonne"),
    (("no such table", "relation \""), "la base ne contient pas les tables attendues"),
    (("does not exist",), "la base de données demandée n'existe pas sur le serveur"),
)

_OS_REASONS = {
    errno.EACCES: "droits insuffisants sur le dossier de la base",
    errno.EPERM: "droits insuffisants sur le dossier de la base",
    errno.EROFS: "la base est en lecture seule (disque monté en lecture seule)",
    errno.ENOSPC: "le disque de la base est plein",
    errno.EEXIST: "le dossier de la base ne peut pas être créé (un fichier porte déjà ce nom)",
    errno.ENOTDIR: "le dossier de la base ne peut pas être créé (un fichier porte déjà ce nom)",
}


def describe(exc: BaseException) -> str:
    """The French reason for a database failure (lower case, no final period)."""
    if isinstance(exc, StoreError):
        return str(exc)
    if isinstance(exc, sa.exc.NoSuchModuleError) or isinstance(exc, ImportError):
        return "le pilote de cette base de données n'est pas installé"
    if isinstance(exc, sa.exc.ArgumentError):
        return "GPO_DATABASE_URL n'est pas une adresse de base de données valide"
    original = getattr(exc, "orig", None) or exc
    text = str(original).lower()
    for words, reason in _REASONS:
        if any(word in text for word in words):
            return reason
    if isinstance(exc, sa.exc.IntegrityError):
        return "la base a refusé l'écriture (contrainte d'intégrité)"
    if isinstance(original, OSError):  # creating the SQLite store's folder
        return _OS_REASONS.get(original.errno, "le dossier de la base ne peut pas être créé")
    return f"erreur de la base de données ({type(original).__name__})"


@contextmanager
def french_errors(action: str) -> Iterator[None]:
    """Turn a database failure inside the block into `StoreError("<action> : <reason>.")`."""
    try:
        yield
    except StoreError:
        raise
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"{action} : {describe(exc)}.") from exc


def cli_line(exc: BaseException) -> str | None:
    """The one line a command prints on stderr for a database failure (None: not a database failure)."""
    if isinstance(exc, StoreError):
        return f"Erreur : {exc}"
    if isinstance(exc, sa.exc.SQLAlchemyError):
        return f"Erreur : opération impossible sur la base : {describe(exc)}."
    return None
