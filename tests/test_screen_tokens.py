"""Screen tokens (store/screen_tokens.py): only écran accounts, only a hash stored, expiry and every way to end one."""

import datetime as dt

import pytest
import sqlalchemy as sa

from domain.access import ANIMATEUR, DIRECTION, ECRAN, Principal
from store.accounts import create_account, disable_account, enable_account, set_password, update_account
from store.audit import read_audit
from store.database import open_store
from store.screen_token_tables import screen_tokens
from store.screen_tokens import (
    TokenError, create_screen_token, list_screen_tokens, revoke_account_tokens, revoke_screen_token, screen_principal,
)

T0 = dt.datetime(2026, 11, 25, 9, 0)
PASSWORD = "Mirabelle-de-Metz-57"
SCREEN = Principal("ecran.forbach", "Écran de Forbach", ECRAN)


def screen_and_animateur(engine, folder):
    create_account(engine, "ecran.forbach", "Écran de Forbach", ECRAN, PASSWORD, now=T0)
    create_account(engine, "meyer", "Cne Meyer", ANIMATEUR, PASSWORD, sector_ids=["forbach"], now=T0)


@pytest.fixture
def store_url(new_filled_store):  # overrides tests/conftest.py's: a copy of a store with the two accounts, made once
    return new_filled_store(screen_and_animateur)[0]  # per session and engine (a password hash costs ~0.25 s)


@pytest.fixture
def engine(store_engine):  # SQLite and PostgreSQL (tests/conftest.py)
    return store_engine


def test_a_token_signs_in_its_screen_until_it_expires(engine):
    made = create_screen_token(engine, "Ecran.Forbach", lifetime=dt.timedelta(days=30), by="admin", now=T0)
    assert made.expires_at == T0 + dt.timedelta(days=30) and made.login == "ecran.forbach"
    assert screen_principal(engine, made.token, now=T0 + dt.timedelta(days=29, hours=23)) == SCREEN
    assert screen_principal(engine, made.token, now=T0 + dt.timedelta(days=30)) is None  # expired
    assert screen_principal(engine, made.token[:-1] + ("A" if made.token[-1] != "A" else "B"), now=T0) is None
    assert screen_principal(engine, "", now=T0) is None and screen_principal(engine, None, now=T0) is None
    with engine.connect() as conn:
        stored = conn.execute(sa.select(screen_tokens)).mappings().one()
    assert made.token not in str(dict(stored)) and len(stored["token_sha256"]) == 64  # only its SHA-256 is kept
    last = read_audit(engine).iloc[0]
    assert (last["Événement"], last["Utilisateur"]) == ("Jeton d'écran créé", "admin")
    assert last["Détail"] == (f"Jeton d'écran n° {made.token_id} créé pour le compte « ecran.forbach », valable jusqu'au "
                              "25/12/2026 à 09:00.")


def test_only_an_active_ecran_account_gets_a_token(engine):
    with pytest.raises(TokenError, match="n'a pas le rôle écran"):
        create_screen_token(engine, "meyer", by="admin", now=T0)
    with pytest.raises(TokenError, match="Aucun compte « personne »"):
        create_screen_token(engine, "personne", by="admin", now=T0)
    with pytest.raises(TokenError, match="366 jours au plus"):
        create_screen_token(engine, "ecran.forbach", lifetime=dt.timedelta(days=367), by="admin", now=T0)
    disable_account(engine, "ecran.forbach", by="admin", now=T0)
    with pytest.raises(TokenError, match="est désactivé"):
        create_screen_token(engine, "ecran.forbach", by="admin", now=T0)


@pytest.mark.parametrize("end", ["revoked", "disabled", "role_changed", "password_reset"])
def test_every_way_to_end_a_token_ends_it_for_good(engine, end):
    made = create_screen_token(engine, "ecran.forbach", by="admin", now=T0)
    other = create_screen_token(engine, "ecran.forbach", by="admin", now=T0)
    {"revoked": lambda: revoke_screen_token(engine, made.token_id, by="admin", now=T0),
     "disabled": lambda: disable_account(engine, "ecran.forbach", by="admin", now=T0),
     "role_changed": lambda: update_account(engine, "ecran.forbach", role=DIRECTION, by="admin", now=T0),
     "password_reset": lambda: set_password(engine, "ecran.forbach", "Quiche-lorraine-2026", by="admin", now=T0)}[end]()
    assert screen_principal(engine, made.token, now=T0) is None
    if end == "disabled":
        enable_account(engine, "ecran.forbach", by="admin", now=T0)  # re-enabling does not bring its tokens back
    if end == "role_changed":
        update_account(engine, "ecran.forbach", role=ECRAN, by="admin", now=T0)
    assert screen_principal(engine, made.token, now=T0) is None
    assert (screen_principal(engine, other.token, now=T0) == SCREEN) is (end == "revoked")  # one revoked, or all
    states = list_screen_tokens(engine, now=T0).set_index("N°")["État"]
    assert states[made.token_id] == "révoqué le 25/11/2026"
    assert "Jeton d'écran révoqué" in set(read_audit(engine)["Événement"])


def test_revoking_an_account_tokens_and_the_list_an_admin_reads(engine):
    first = create_screen_token(engine, "ecran.forbach", by="admin", now=T0)
    create_screen_token(engine, "ecran.forbach", lifetime=dt.timedelta(hours=1), by="admin", now=T0)
    listed = list_screen_tokens(engine, now=T0 + dt.timedelta(hours=2))
    assert list(listed.columns) == ["N°", "Compte", "Créé le", "Créé par", "Expire le", "Dernière utilisation", "État"]
    assert listed["État"].tolist() == ["expiré", "valable"]  # newest first
    assert revoke_account_tokens(engine, "ecran.forbach", by="admin", now=T0) == 2
    assert screen_principal(engine, first.token, now=T0) is None
    assert revoke_account_tokens(engine, "ecran.forbach", by="admin", now=T0) == 0
    with pytest.raises(TokenError, match="Aucun jeton d'écran n° 99"):
        revoke_screen_token(engine, 99, by="admin", now=T0)
    detail = read_audit(engine, event="token_revoked").iloc[0]["Détail"]
    assert detail == f"Jeton(s) d'écran n° {first.token_id}, {first.token_id + 1} révoqué(s)."
