"""Local accounts: argon2id password hashes, login with throttling, account changes (all audited), OIDC mapping.

Passwords are hashed with argon2id (argon2-cffi, RFC 9106 low-memory profile:
t=3, m=64 MiB, p=4, random salt). Hashes written before argon2id
(``scrypt$n$r$p$salt_b64$hash_b64``) are still checked, and replaced by an
argon2id hash at the account's next successful login.

Throttling: before a password is checked, the attempt claims one of the
`MAX_FAILED_LOGINS` slots of the account with one conditional UPDATE (portable
SQL, atomic on SQLite and PostgreSQL). An attempt that gets no slot is refused
without checking its password, so at most `MAX_FAILED_LOGINS` wrong passwords
are ever checked in a row, whatever the number of parallel attempts. When no slot
is left and a check fails, the account is locked for `LOCK_DURATION`; a success
frees the slots. A login on an unknown account costs the same time as a real one
(a dummy hash is checked). A disabled account is refused without checking the
password, so its message says nothing about the password.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from domain.access import ANIMATEUR, CHEF_CSP, ECRAN, ROLES, Principal, strongest_role, writable_sectors
from domain.reference import Reference, default_reference
from store.account_tables import accounts
from store.audit import record
from store.imports import Uploader
from store.screen_tokens import revoke_tokens

_HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (argon2-cffi's default)
# Each argon2 check takes 64 MiB: a flood of logins on unknown accounts waits here instead of exhausting memory.
_HASH_SLOTS = threading.BoundedSemaphore(4)
MIN_PASSWORD_LENGTH = 12
MAX_FAILED_LOGINS = 5
LOCK_DURATION = dt.timedelta(minutes=15)
SYSTEM_USER = "système"

# Refusal reasons and what the login form says. Unknown login and wrong password say the same thing.
INVALID, LOCKED, DISABLED = "invalid", "locked", "disabled"
REFUSAL_MESSAGES = {
    INVALID: "Identifiant ou mot de passe incorrect.",
    LOCKED: "Trop d'essais infructueux : ce compte est verrouillé jusqu'à {until:%H:%M}. Réessayez plus tard "
            "ou demandez à un administrateur de réinitialiser le mot de passe.",
    DISABLED: "Ce compte est désactivé. Adressez-vous à un administrateur.",
}


class AccountError(ValueError):
    """A refused account change; the message is French, for the user."""


@dataclass(frozen=True)
class Refusal:
    """A refused login: `reason` (INVALID, LOCKED or DISABLED) and the French `message` to show."""

    reason: str
    message: str
    locked_until: dt.datetime | None = None


# --- passwords ------------------------------------------------------------------------------------------------------
def hash_password(password: str) -> str:
    """A new salted argon2id hash of `password` (PHC string ``$argon2id$v=19$m=…,t=…,p=…$salt$hash``)."""
    with _HASH_SLOTS:
        return _HASHER.hash(password)


def verify_password(password: str, encoded: str) -> bool:
    """Whether `password` matches `encoded`, an argon2id hash or an older scrypt one (a malformed hash matches nothing)."""
    if encoded.startswith("scrypt$"):
        return _verify_scrypt(password, encoded)
    try:
        with _HASH_SLOTS:
            return _HASHER.verify(encoded, password)
    except (VerificationError, ValueError):  # InvalidHashError is a ValueError, and so is a non-ASCII hash
        return False


def needs_rehash(encoded: str) -> bool:
    """Whether a stored hash should be replaced at the next successful login (scrypt, or older argon2 parameters)."""
    try:
        return not encoded.startswith("$argon2id$") or _HASHER.check_needs_rehash(encoded)
    except ValueError:  # a malformed hash
        return True


def _verify_scrypt(password: str, encoded: str) -> bool:
    """The check of hashes written before argon2id: ``scrypt$n$r$p$salt_b64$hash_b64``, compared in constant time."""
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest, validate=True)
        with _HASH_SLOTS:
            actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt, validate=True), n=int(n),
                                    r=int(r), p=int(p), dklen=len(expected), maxmem=256 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def check_password_strength(password: str) -> None:
    """Raise AccountError (French) if `password` is too weak to be set."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.")
    if len(set(password)) < 5:
        raise AccountError("Le mot de passe est trop répétitif : variez les caractères.")


# --- accounts -------------------------------------------------------------------------------------------------------
def normalize_login(login: str) -> str:
    return str(login).strip().lower()


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now().replace(microsecond=0)


def _check_scope(role: str, csp_id: str | None, sector_ids: list[str] | tuple[str, ...] | frozenset[str],
                 reference: Reference) -> tuple[str | None, list[str]]:
    """Validated (csp_id, sectors) for `role`, kept only where the role uses them; raises AccountError in French."""
    if role not in ROLES:
        raise AccountError(f"Rôle inconnu : « {role} ». Rôles possibles : "
                           + ", ".join(f"{code} ({label})" for code, label in ROLES.items()) + ".")
    if csp_id and csp_id not in reference.csps:
        raise AccountError(f"CSP inconnue : « {csp_id} ». CSP possibles : {', '.join(reference.csps)}.")
    unknown = [s for s in sector_ids if s not in reference.sectors]
    if unknown:
        raise AccountError(f"Secteur(s) inconnu(s) : {', '.join(unknown)}. Secteurs possibles : {', '.join(reference.sectors)}.")
    if role == CHEF_CSP and not csp_id:
        raise AccountError("Un chef de CSP doit être rattaché à une CSP (option --csp).")
    if role == ANIMATEUR and not sector_ids:
        raise AccountError("Un animateur doit avoir au moins un secteur (option --secteurs).")
    # Only what the role uses is kept: a chef de CSP's sectors or an animateur's CSP would only mislead.
    ordered = [s for s in reference.sectors if s in set(sector_ids)] if role == ANIMATEUR else []
    return (csp_id or None) if role == CHEF_CSP else None, ordered


def _row(conn: sa.Connection, login: str) -> sa.RowMapping | None:
    return conn.execute(sa.select(accounts).where(accounts.c.login == login)).mappings().first()


def _principal(row: sa.RowMapping) -> Principal:
    return Principal(row["login"], row["display_name"], row["role"], row["csp_id"], frozenset((row["sectors"] or "").split()))


def _describe(role: str, csp_id: str | None, sectors: list[str]) -> str:
    text = f"rôle {ROLES.get(role, role)}"
    if csp_id:
        text += f", CSP {csp_id}"
    if sectors:
        text += f", secteurs {' '.join(sectors)}"
    return text


def create_account(engine: sa.Engine, login: str, display_name: str, role: str, password: str, *, csp_id: str | None = None,
                   sector_ids: list[str] | tuple[str, ...] = (), by: str = SYSTEM_USER, now: dt.datetime | None = None,
                   reference: Reference | None = None) -> Principal:
    """Create an active local account (audited as account_created). Raises AccountError (French)."""
    login = normalize_login(login)
    if not login or len(login) > 120 or any(ch.isspace() for ch in login):
        raise AccountError("L'identifiant doit être un mot sans espace de 1 à 120 caractères.")
    if not display_name.strip():
        raise AccountError("Le nom affiché ne peut pas être vide.")
    csp_id, sectors = _check_scope(role, csp_id, sector_ids, reference or default_reference())
    check_password_strength(password)
    now = _now(now)
    password_hash = hash_password(password)  # before the write transaction: hashing takes a while
    with engine.begin() as conn:
        if _row(conn, login) is not None:
            raise AccountError(f"Le compte « {login} » existe déjà.")
        conn.execute(accounts.insert().values(
            login=login, display_name=display_name.strip(), role=role, csp_id=csp_id, sectors=" ".join(sectors),
            password_hash=password_hash, active=True, created_at=now, password_changed_at=now,
            failed_logins=0, locked_until=None))
        record(conn, by, "account_created", f"Compte « {login} » créé ({display_name.strip()}, "
                                            f"{_describe(role, csp_id, sectors)}).", at=now)
        return _principal(_row(conn, login))


def _existing(conn: sa.Connection, login: str) -> sa.RowMapping:
    row = _row(conn, login)
    if row is None:
        raise AccountError(f"Aucun compte « {login} ».")
    return row


def set_password(engine: sa.Engine, login: str, password: str, *, by: str = SYSTEM_USER,
                 now: dt.datetime | None = None) -> None:
    """Set a new password (a reset by an admin or a change by the user); unlocks the account. Audited."""
    login = normalize_login(login)
    check_password_strength(password)
    now = _now(now)
    new_hash = hash_password(password)  # before the write transaction: hashing takes a while
    with engine.begin() as conn:
        _existing(conn, login)
        conn.execute(accounts.update().where(accounts.c.login == login).values(
            password_hash=new_hash, password_changed_at=now, failed_logins=0, locked_until=None))
        record(conn, by, "password_reset", f"Mot de passe du compte « {login} » changé (compte déverrouillé).", at=now)
        revoke_tokens(conn, by=by, now=now, login=login, reason="mot de passe changé")


def set_active(engine: sa.Engine, login: str, active: bool, *, by: str = SYSTEM_USER, now: dt.datetime | None = None) -> None:
    """Enable or disable an account (a disabled account cannot log in). Audited."""
    login = normalize_login(login)
    now = _now(now)
    with engine.begin() as conn:
        _existing(conn, login)
        values = {"active": active}
        if active:
            values.update(failed_logins=0, locked_until=None)
        conn.execute(accounts.update().where(accounts.c.login == login).values(**values))
        record(conn, by, "account_changed", f"Compte « {login} » {'réactivé' if active else 'désactivé'}.", at=now)
        if not active:
            revoke_tokens(conn, by=by, now=now, login=login, reason="compte désactivé")


def disable_account(engine: sa.Engine, login: str, *, by: str = SYSTEM_USER, now: dt.datetime | None = None) -> None:
    set_active(engine, login, False, by=by, now=now)


def enable_account(engine: sa.Engine, login: str, *, by: str = SYSTEM_USER, now: dt.datetime | None = None) -> None:
    set_active(engine, login, True, by=by, now=now)


_UNCHANGED = object()


def update_account(engine: sa.Engine, login: str, *, role: str | None = None, csp_id: str | None | object = _UNCHANGED,
                   sector_ids: list[str] | tuple[str, ...] | None = None, display_name: str | None = None,
                   by: str = SYSTEM_USER, now: dt.datetime | None = None, reference: Reference | None = None) -> Principal:
    """Change an account's role, CSP (None clears it), sectors or name; what is not given stays. Audited.

    A CSP is kept only for a chef de CSP and sectors only for an animateur.
    """
    login = normalize_login(login)
    now = _now(now)
    with engine.begin() as conn:
        row = _existing(conn, login)
        new_role = role or row["role"]
        new_csp = row["csp_id"] if csp_id is _UNCHANGED else csp_id
        new_sectors = list(sector_ids) if sector_ids is not None else (row["sectors"] or "").split()
        new_csp, new_sectors = _check_scope(new_role, new_csp, new_sectors, reference or default_reference())
        new_name = display_name.strip() if display_name and display_name.strip() else row["display_name"]
        conn.execute(accounts.update().where(accounts.c.login == login).values(
            role=new_role, csp_id=new_csp, sectors=" ".join(new_sectors), display_name=new_name))
        before = _describe(row["role"], row["csp_id"], (row["sectors"] or "").split())
        after = _describe(new_role, new_csp, new_sectors)
        name_change = f", nom « {row['display_name']} » → « {new_name} »" if new_name != row["display_name"] else ""
        record(conn, by, "account_changed", f"Compte « {login} » modifié : {before} → {after}{name_change}.", at=now)
        if new_role != ECRAN:
            revoke_tokens(conn, by=by, now=now, login=login, reason="le compte n'a plus le rôle écran")
        return _principal(_row(conn, login))


def principal_of(engine: sa.Engine, login: str) -> Principal | None:
    """The account's current rights, or None if it no longer exists or is disabled (re-check it on each rerun)."""
    with engine.connect() as conn:
        row = _row(conn, normalize_login(login))
    return _principal(row) if row is not None and row["active"] else None


LIST_COLUMNS = ["Identifiant", "Nom", "Rôle", "CSP", "Secteurs", "Actif", "Créé le", "Mot de passe changé le",
                "Échecs de connexion", "Verrouillé jusqu'à"]


def list_accounts(engine: sa.Engine) -> pd.DataFrame:
    """Every account, by login, with French columns (never the password hash)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(accounts).order_by(accounts.c.login)).mappings().all()
    return pd.DataFrame([(r["login"], r["display_name"], ROLES.get(r["role"], r["role"]), r["csp_id"] or "",
                          ", ".join((r["sectors"] or "").split()), "oui" if r["active"] else "non", r["created_at"],
                          r["password_changed_at"], r["failed_logins"], r["locked_until"]) for r in rows],
                        columns=LIST_COLUMNS)


# --- login ----------------------------------------------------------------------------------------------------------
def _claim_attempt(engine: sa.Engine, login: str, now: dt.datetime) -> tuple[bool, sa.RowMapping | None]:
    """Take one of the account's MAX_FAILED_LOGINS slots before its password is checked: (claimed, row after the claim).

    One conditional UPDATE: the database applies it to one attempt at a time (a
    row lock on PostgreSQL, the write lock on SQLite), so two attempts never get
    the same slot. A lock that has run out is lifted by the claim itself.
    """
    c = accounts.c
    free = sa.and_(c.login == login, c.active == sa.true(), c.failed_logins < MAX_FAILED_LOGINS,
                   sa.or_(c.locked_until.is_(None), c.locked_until <= now))
    with engine.begin() as conn:
        claimed = conn.execute(accounts.update().where(free).values(
            failed_logins=c.failed_logins + 1, locked_until=None)).rowcount == 1
        return claimed, _row(conn, login)


def authenticate(engine: sa.Engine, login: str, password: str, now: dt.datetime | None = None) -> Principal | Refusal:
    """Check a local login. Returns the Principal, or a Refusal whose message the login form shows.

    Every attempt is journaled (login_ok / login_failed). At most
    MAX_FAILED_LOGINS wrong passwords are checked in a row, even for parallel
    attempts (see `_claim_attempt`); then the account is locked for
    LOCK_DURATION, even for the right password. An unknown login costs the same
    time as a known one. A disabled account gets the same answer whatever the
    password. A hash older than argon2id is replaced after a successful check.
    """
    typed = str(login or "")
    login = normalize_login(typed)
    now = _now(now)
    with engine.connect() as conn:
        row = _row(conn, login) if login else None
    if row is None:
        verify_password(password, _dummy_hash())
        record(engine, typed[:120] or "?", "login_failed", "Identifiant inconnu.", at=now)
        return Refusal(INVALID, REFUSAL_MESSAGES[INVALID])
    claimed, row = _claim_attempt(engine, login, now)
    if row is None or not row["active"]:  # checked before the password: the answer cannot tell it was right
        record(engine, login, "login_failed", "Compte désactivé : connexion refusée (mot de passe non vérifié).", at=now)
        return Refusal(DISABLED, REFUSAL_MESSAGES[DISABLED])
    if not claimed:  # locked, or its last attempts are being checked right now
        until = row["locked_until"] if row["locked_until"] is not None and row["locked_until"] > now else now + LOCK_DURATION
        record(engine, login, "login_failed", f"Compte verrouillé jusqu'au {until:%d/%m/%Y à %H:%M} : essai refusé "
                                              "(mot de passe non vérifié).", at=now)
        return Refusal(LOCKED, REFUSAL_MESSAGES[LOCKED].format(until=until), until)
    slot = row["failed_logins"]
    stored = row["password_hash"]
    c = accounts.c
    if not verify_password(password, stored):
        until = now + LOCK_DURATION
        with engine.begin() as conn:  # no slot left: lock (and start the count again once the lock runs out)
            locked = conn.execute(accounts.update().where(
                sa.and_(c.login == login, c.failed_logins >= MAX_FAILED_LOGINS, c.locked_until.is_(None))).values(
                failed_logins=0, locked_until=until)).rowcount == 1
            if locked:
                record(conn, login, "login_failed", f"Mot de passe erroné ({MAX_FAILED_LOGINS} essais de suite sans succès) : "
                                                    f"compte verrouillé jusqu'au {until:%d/%m/%Y à %H:%M}.", at=now)
                return Refusal(LOCKED, REFUSAL_MESSAGES[LOCKED].format(until=until), until)
            record(conn, login, "login_failed", f"Mot de passe erroné (échec {slot} sur {MAX_FAILED_LOGINS}).", at=now)
            return Refusal(INVALID, REFUSAL_MESSAGES[INVALID])
    new_hash = hash_password(password) if needs_rehash(stored) else None  # computed before the write transaction
    with engine.begin() as conn:
        conn.execute(accounts.update().where(c.login == login).values(failed_logins=0, locked_until=None))
        detail = "Connexion réussie (compte local)."
        if new_hash is not None:  # unless the password was changed meanwhile
            rehashed = conn.execute(accounts.update().where(sa.and_(c.login == login, c.password_hash == stored)).values(
                password_hash=new_hash)).rowcount == 1
            detail += " Empreinte du mot de passe convertie en argon2id." if rehashed else ""
        record(conn, login, "login_ok", detail, at=now)
    return _principal(row)


# --- OpenID Connect -------------------------------------------------------------------------------------------------
def principal_for_oidc(email: str, groups: list[str] | tuple[str, ...] | None, mapping: dict,
                       name: str | None = None) -> Principal | None:
    """The Principal an OpenID Connect identity maps to, or None (no access). Pure.

    `mapping` (read from st.secrets by the app) looks like
    ``{"groups": {"gpo-direction": {"role": "direction"}},
       "emails": {"x@interieur.gouv.fr": {"role": "animateur", "sectors": ["forbach"]}}}``;
    each entry has a `role` and, as the role needs, `csp` and `sectors`.
    An e-mail entry (case-insensitive) wins over groups; among matching groups the
    most privileged role wins, and animateur groups add up their sectors.
    Entries with an unknown role are ignored.
    """
    email = (email or "").strip().lower()
    entries_by_email = {str(k).strip().lower(): v for k, v in (mapping.get("emails") or {}).items()}
    entry = entries_by_email.get(email) if email else None
    if entry is not None and entry.get("role") in ROLES:
        chosen = [entry]
    else:
        group_entries = mapping.get("groups") or {}
        matched = [group_entries[g] for g in (groups or []) if g in group_entries and group_entries[g].get("role") in ROLES]
        role = strongest_role([e["role"] for e in matched])
        if role is None:
            return None
        chosen = [e for e in matched if e["role"] == role]
    role = chosen[0]["role"]
    csp_id = next((e.get("csp") for e in chosen if e.get("csp")), None)
    sectors = frozenset(s for e in chosen for s in _as_list(e.get("sectors")))
    return Principal(email or "?", (name or "").strip() or email or "?", role, csp_id, sectors)


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    return [str(v) for v in value]


def uploader_for(principal: Principal) -> Uploader:
    """The import layer's view of `principal`: its name and the sectors it may write."""
    return Uploader(principal.display_name[:120], writable_sectors(principal))  # the width of imports.imported_by
