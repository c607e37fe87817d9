"""Accounts, login throttling, the audit journal, schema v2, the `python -m store` CLI, the evaluation export."""

import datetime as dt
import inspect
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

from conftest import AS_OF
from domain.access import ADMIN, ANIMATEUR, CHEF_CSP, DIRECTION, ECRAN, Principal
from domain.reference import default_reference
from loaders import load
from store import account_tables, audit, database
from store.accounts import (
    DISABLED, INVALID, LOCK_DURATION, LOCKED, AccountError, Refusal, authenticate, create_account, disable_account,
    enable_account, hash_password, list_accounts, principal_for_oidc, principal_of, set_password, update_account,
    verify_password,
)
from store.audit import EVENTS, audit_csv, read_audit, record
from store.database import open_store
from store.evaluation_export import DROPPED_COLUMNS, EVALUATION_COLUMNS, ExportNotAllowed, evaluation_xlsx
from store.imports import READY, Uploader, commit_import, plan_import

ROOT = Path(__file__).resolve().parent.parent
REF = default_reference()
T0 = dt.datetime(2026, 11, 25, 9, 0)
PASSWORD = "Mirabelle-de-Metz-57"


@pytest.fixture
def engine(store_engine):  # SQLite and PostgreSQL (tests/conftest.py)
    return store_engine


@pytest.fixture
def meyer(engine):
    return create_account(engine, "Meyer", "Cne Meyer", ANIMATEUR, PASSWORD, sector_ids=["stiring", "forbach"],
                          by="admin", now=T0)


def _events(engine):
    return read_audit(engine)["Événement"].tolist()[::-1]  # oldest first


# --- accounts and login ----------------------------------------------------------------------------------------------
def test_create_then_authenticate(engine, meyer):
    assert meyer == Principal("meyer", "Cne Meyer", ANIMATEUR, None, frozenset({"forbach", "stiring"}))
    who = authenticate(engine, " MEYER ", PASSWORD, now=T0)
    assert who == meyer
    journal = read_audit(engine)
    assert journal["Événement"].tolist() == ["Connexion", "Compte créé"]
    assert journal.loc[0, "Utilisateur"] == "meyer" and journal.loc[1, "Utilisateur"] == "admin"
    assert principal_of(engine, "meyer") == meyer


def test_wrong_password_refused_and_audited(engine, meyer):
    refusal = authenticate(engine, "meyer", "pas le bon mot de passe", now=T0)
    assert isinstance(refusal, Refusal) and refusal.reason == INVALID
    assert refusal.message == "Identifiant ou mot de passe incorrect."
    last = read_audit(engine).iloc[0]
    assert (last["Événement"], last["Utilisateur"]) == ("Connexion refusée", "meyer")
    assert "échec 1 sur 5" in last["Détail"]


def test_five_failures_lock_for_fifteen_minutes(engine, meyer):
    for n in range(5):
        refusal = authenticate(engine, "meyer", f"mauvais-{n}", now=T0 + dt.timedelta(seconds=n))
    assert refusal.reason == LOCKED
    assert refusal.locked_until == T0 + dt.timedelta(seconds=4) + LOCK_DURATION
    assert "verrouillé jusqu'à 09:15" in refusal.message
    assert list_accounts(engine).loc[0, "Verrouillé jusqu'à"] == refusal.locked_until
    sixth = authenticate(engine, "meyer", PASSWORD, now=T0 + dt.timedelta(minutes=14))
    assert isinstance(sixth, Refusal) and sixth.reason == LOCKED
    assert authenticate(engine, "meyer", PASSWORD, now=T0 + dt.timedelta(minutes=15, seconds=5)) == meyer
    assert _events(engine).count("Connexion refusée") == 6
    # the counter starts again after the lock: one new failure does not lock
    assert authenticate(engine, "meyer", "encore faux", now=T0 + dt.timedelta(minutes=16)).reason == INVALID


def test_password_reset_unlocks(engine, meyer):
    for n in range(5):
        authenticate(engine, "meyer", "faux", now=T0)
    set_password(engine, "meyer", "Nouveau-mot-de-passe-2026", by="admin", now=T0)
    assert authenticate(engine, "meyer", "Nouveau-mot-de-passe-2026", now=T0) == meyer
    assert isinstance(authenticate(engine, "meyer", PASSWORD, now=T0), Refusal)
    assert "Mot de passe changé" in _events(engine)


def test_unknown_login_refused_like_a_wrong_password(engine, meyer):
    refusal = authenticate(engine, "inconnu", PASSWORD, now=T0)
    assert refusal == Refusal(INVALID, "Identifiant ou mot de passe incorrect.")
    last = read_audit(engine).iloc[0]
    assert (last["Événement"], last["Utilisateur"], last["Détail"]) == ("Connexion refusée", "inconnu", "Identifiant inconnu.")


def test_password_hashes(meyer, engine):
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert PASSWORD not in first and first != second
    assert first.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert verify_password(PASSWORD, first) and verify_password(PASSWORD, second)
    assert not verify_password(PASSWORD + "x", first)
    assert not verify_password(PASSWORD, "bcrypt$nonsense") and not verify_password(PASSWORD, "$argon2id$abimé")
    with engine.connect() as conn:
        stored = conn.execute(sa.select(account_tables.accounts.c.password_hash)).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored and verify_password(PASSWORD, stored)
    assert "password_hash" not in list_accounts(engine).columns


def _scrypt_hash(password: str) -> str:
    """A hash as the previous version of store/accounts.py wrote it (scrypt, n=2**14, r=8, p=1)."""
    import base64
    import hashlib

    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt$16384$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def _stored_hash(engine, login="meyer"):
    with engine.connect() as conn:
        return conn.execute(sa.select(account_tables.accounts.c.password_hash)
                            .where(account_tables.accounts.c.login == login)).scalar()


def test_old_scrypt_hash_is_rehashed_to_argon2id_at_next_login(engine, meyer):
    old = _scrypt_hash(PASSWORD)
    with engine.begin() as conn:
        conn.execute(account_tables.accounts.update().values(password_hash=old))
    assert verify_password(PASSWORD, old) and not verify_password("autre chose", old)
    assert authenticate(engine, "meyer", "pas le bon mot de passe", now=T0).reason == INVALID
    assert _stored_hash(engine) == old  # a failed login changes nothing
    assert authenticate(engine, "meyer", PASSWORD, now=T0) == meyer
    new = _stored_hash(engine)
    assert new.startswith("$argon2id$") and verify_password(PASSWORD, new)
    assert "convertie en argon2id" in read_audit(engine).iloc[0]["Détail"]
    assert authenticate(engine, "meyer", PASSWORD, now=T0) == meyer
    assert _stored_hash(engine) == new  # already argon2id: left as it is


def test_forty_parallel_guesses_check_at_most_five_passwords(engine, meyer, monkeypatch):
    """40 threads call the real authenticate on a real store at once, as the server's session threads would."""
    import threading

    from store import accounts as accounts_module

    real_verify = accounts_module.verify_password
    checked, lock = [], threading.Lock()

    def counting_verify(password, encoded):
        with lock:
            checked.append(password)
        return real_verify(password, encoded)

    monkeypatch.setattr(accounts_module, "verify_password", counting_verify)
    start = threading.Barrier(40)
    outcomes = [None] * 40

    def guess(n):
        start.wait()
        outcomes[n] = authenticate(engine, "meyer", f"essai-numero-{n}", now=T0)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) == 5, f"{len(checked)} mots de passe vérifiés"
    reasons = [o.reason for o in outcomes]
    assert reasons.count(INVALID) == 4 and reasons.count(LOCKED) == 36
    assert pd.notna(list_accounts(engine).loc[0, "Verrouillé jusqu'à"])
    checked.clear()
    right = authenticate(engine, "meyer", PASSWORD, now=T0 + dt.timedelta(minutes=1))
    assert right.reason == LOCKED and not checked  # locked: even the right password is refused unchecked
    assert _events(engine).count("Connexion refusée") == 41


def test_disabled_account_answers_the_same_for_right_and_wrong_password(engine, meyer, monkeypatch):
    disable_account(engine, "meyer", by="admin", now=T0)
    right = authenticate(engine, "meyer", PASSWORD, now=T0)
    wrong = authenticate(engine, "meyer", "pas le bon mot de passe", now=T0)
    assert right == wrong == Refusal(DISABLED, "Ce compte est désactivé. Adressez-vous à un administrateur.")
    details = read_audit(engine)["Détail"].tolist()[:2]
    assert details[0] == details[1] == "Compte désactivé : connexion refusée (mot de passe non vérifié)."


def test_disabled_account_refused_then_enabled(engine, meyer):
    disable_account(engine, "meyer", by="admin", now=T0)
    assert authenticate(engine, "meyer", PASSWORD, now=T0).reason == DISABLED
    assert principal_of(engine, "meyer") is None
    enable_account(engine, "meyer", by="admin", now=T0)
    assert authenticate(engine, "meyer", PASSWORD, now=T0) == meyer


def test_account_validation_in_french(engine, meyer):
    with pytest.raises(AccountError, match="existe déjà"):
        create_account(engine, "meyer", "Autre", ECRAN, PASSWORD)
    with pytest.raises(AccountError, match="au moins 12 caractères"):
        create_account(engine, "court", "Court", ECRAN, "abc")
    with pytest.raises(AccountError, match="doit être rattaché à une CSP"):
        create_account(engine, "chef", "Chef", CHEF_CSP, PASSWORD)
    with pytest.raises(AccountError, match="au moins un secteur"):
        create_account(engine, "anim", "Anim", ANIMATEUR, PASSWORD)
    with pytest.raises(AccountError, match="Secteur\\(s\\) inconnu\\(s\\) : atlantide"):
        create_account(engine, "anim", "Anim", ANIMATEUR, PASSWORD, sector_ids=["atlantide"])
    with pytest.raises(AccountError, match="Aucun compte"):
        set_password(engine, "personne", PASSWORD)


def test_update_account_is_audited(engine, meyer):
    chef = update_account(engine, "meyer", role=CHEF_CSP, csp_id="forbach", by="admin", now=T0)
    assert (chef.role, chef.csp_id, chef.sector_ids) == (CHEF_CSP, "forbach", frozenset())
    last = read_audit(engine).iloc[0]
    assert last["Événement"] == "Compte modifié" and "Animateur GPO" in last["Détail"] and "Chef de CSP" in last["Détail"]


def test_oidc_mapping():
    mapping = {"groups": {"gpo-direction": {"role": "direction"}, "gpo-ecran": {"role": "ecran"},
                          "gpo-forbach": {"role": "animateur", "sectors": ["forbach"]},
                          "gpo-stiring": {"role": "animateur", "sectors": "stiring"},
                          "gpo-bizarre": {"role": "superuser"}},
               "emails": {"Chef.Klein@interieur.gouv.fr": {"role": "chef_csp", "csp": "forbach"}}}
    assert principal_for_oidc("x@interieur.gouv.fr", ["gpo-ecran", "gpo-direction"], mapping).role == DIRECTION
    both = principal_for_oidc("a@interieur.gouv.fr", ["gpo-forbach", "gpo-stiring"], mapping, name="Lt Weber")
    assert both == Principal("a@interieur.gouv.fr", "Lt Weber", ANIMATEUR, None, frozenset({"forbach", "stiring"}))
    chef = principal_for_oidc("chef.klein@INTERIEUR.gouv.fr", ["gpo-direction"], mapping)
    assert (chef.role, chef.csp_id) == (CHEF_CSP, "forbach")  # the e-mail entry wins
    assert principal_for_oidc("z@interieur.gouv.fr", ["autre", "gpo-bizarre"], mapping) is None
    assert principal_for_oidc("z@interieur.gouv.fr", None, {}) is None


# --- schema v2 -------------------------------------------------------------------------------------------------------
def _schema(engine):
    insp = sa.inspect(engine)
    return {name: (sorted((c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(name)),
                   sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes(name)),
                   insp.get_pk_constraint(name)["constrained_columns"])
            for name in insp.get_table_names()}


def test_v1_store_migrated_to_v2_matches_a_new_store(new_store_url, monkeypatch):
    old_url, new_url = new_store_url(migrated=False), new_store_url(migrated=False)
    with monkeypatch.context() as m:
        m.setattr(database, "MIGRATIONS", database.MIGRATIONS[:1])
        old = open_store(old_url)
    assert "accounts" not in sa.inspect(old).get_table_names()
    old.dispose()
    migrated = open_store(old_url)
    new = open_store(new_url)
    assert _schema(migrated) == _schema(new)
    assert {"accounts", "audit_log", "imports"} <= set(_schema(new))
    for engine in (migrated, new):
        with engine.connect() as conn:
            versions = conn.execute(sa.select(database.tables.schema_version.c.version)).scalars().all()
        assert sorted(versions) == [v for v, _ in database.MIGRATIONS]
    assert open_store(new_url)  # reopening is a no-op
    for engine in (migrated, new):
        engine.dispose()


def test_v2_store_with_accounts_migrated_to_v3_keeps_them_and_gains_screen_tokens(new_store_url, monkeypatch):
    old_url, new_url = new_store_url(migrated=False), new_store_url(migrated=False)
    with monkeypatch.context() as m:
        m.setattr(database, "MIGRATIONS", database.MIGRATIONS[:2])
        old = open_store(old_url)
    create_account(old, "ecran1", "Écran Forbach", ECRAN, PASSWORD, now=T0)
    assert "screen_tokens" not in sa.inspect(old).get_table_names()
    old.dispose()
    migrated, new = open_store(old_url), open_store(new_url)
    assert _schema(migrated) == _schema(new)
    assert principal_of(migrated, "ecran1").role == ECRAN
    for engine in (migrated, new):
        engine.dispose()


# --- the audit journal -----------------------------------------------------------------------------------------------
def test_audit_module_offers_no_update_or_delete():
    public = [name for name, _ in inspect.getmembers(audit, inspect.isfunction) if not name.startswith("_")]
    assert not [n for n in public if any(w in n.lower() for w in ("update", "delete", "remove", "clear", "purge", "edit"))]
    source = inspect.getsource(audit)
    assert ".update(" not in source and ".delete(" not in source and "DELETE" not in source.upper().replace("DELETED", "")


def test_every_event_is_recorded_with_its_french_label(engine):
    for n, event in enumerate(EVENTS):
        record(engine, "admin", event, f"détail {n}", sector_id="forbach" if n % 2 else None, at=T0 + dt.timedelta(minutes=n))
    journal = read_audit(engine)
    assert list(journal.columns) == ["Date", "Utilisateur", "Événement", "Détail", "Secteur"]
    assert journal["Événement"].tolist()[::-1] == list(EVENTS.values())
    assert read_audit(engine, event="import")["Détail"].tolist() == ["détail 3"]
    assert len(read_audit(engine, since=T0 + dt.timedelta(minutes=8))) == len(EVENTS) - 8
    assert len(read_audit(engine, until=T0.date())) == len(EVENTS)  # a date includes its whole day
    assert read_audit(engine, user="nobody").empty
    with pytest.raises(ValueError):
        record(engine, "admin", "coffee_break", "?")


def test_record_on_a_connection_joins_its_transaction(engine):
    with pytest.raises(RuntimeError):
        with engine.begin() as conn:
            record(conn, "admin", "export", "jamais écrit", at=T0)
            raise RuntimeError
    assert read_audit(engine).empty


def test_audit_csv_neutralises_formulas(engine):
    authenticate(engine, "=HYPERLINK(\"http://x\")", "x", now=T0)
    text = audit_csv(read_audit(engine)).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ";=HYPERLINK" not in text


# --- the command line ------------------------------------------------------------------------------------------------
@pytest.fixture
def cli(monkeypatch, capsys):
    """Run `python -m store ARGS` in-process on the store at `url`: (exit code, stdout, stderr)."""
    from cli.admin import main

    def run(url, *args, password=None):
        monkeypatch.setenv("GPO_DATABASE_URL", url)
        if password:
            monkeypatch.setenv("GPO_NEW_PASSWORD", password)
        else:
            monkeypatch.delenv("GPO_NEW_PASSWORD", raising=False)
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return run


@pytest.mark.slow  # two fresh interpreters; the commands themselves run in-process through the `cli` fixture
def test_cli_entry_point_runs_as_a_module(tmp_path):
    env = {**os.environ, "GPO_DATABASE_URL": f"sqlite:///{tmp_path / 'gpo.sqlite'}"}
    done = subprocess.run([sys.executable, "-m", "store", "comptes", "lister"], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)
    assert (done.returncode, done.stdout.strip()) == (0, "Aucun compte.")
    usage = subprocess.run([sys.executable, "-m", "store"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert usage.returncode == 2 and "utilisation : python -m store" in usage.stderr


def test_cli_create_list_reset_disable(store_url, tmp_path, cli):
    db = store_url
    done = cli(db, "comptes", "creer", "Meyer", "--nom", "Cne Meyer", "--role", "animateur", "--secteurs", "forbach",
                "stiring", password=PASSWORD)
    assert done.returncode == 0, done.stderr
    assert "Compte « meyer » créé : Cne Meyer, Animateur GPO." in done.stdout
    listed = cli(db, "comptes", "lister")
    assert listed.returncode == 0
    assert "Identifiant" in listed.stdout and "Cne Meyer" in listed.stdout and "forbach, stiring" in listed.stdout
    assert "1 compte(s)." in listed.stdout
    engine = open_store(db)
    assert authenticate(engine, "meyer", PASSWORD, now=T0).role == ANIMATEUR

    assert cli(db, "comptes", "mot-de-passe", "meyer", password="Quiche-lorraine-2026").returncode == 0
    assert authenticate(engine, "meyer", "Quiche-lorraine-2026", now=T0).role == ANIMATEUR
    weak = cli(db, "comptes", "mot-de-passe", "meyer", password="court")
    assert weak.returncode == 1 and "au moins 12 caractères" in weak.stderr

    assert cli(db, "comptes", "desactiver", "meyer").returncode == 0
    assert authenticate(engine, "meyer", "Quiche-lorraine-2026", now=T0).reason == DISABLED
    assert " non " in cli(db, "comptes", "lister").stdout

    again = cli(db, "comptes", "creer", "meyer", "--nom", "X", "--role", "ecran", password=PASSWORD)
    assert again.returncode == 1 and "existe déjà" in again.stderr
    assert cli(db, "comptes", "activer", "personne").returncode == 1
    usage = cli(db, "comptes", "creer", "x", "--nom", "X", "--role", "chef")
    assert usage.returncode == 2 and "Erreur d'utilisation" in usage.stderr and "choix invalide" in usage.stderr

    journal = cli(db, "journal", "--utilisateur", "meyer")
    assert journal.returncode == 0 and "Connexion" in journal.stdout
    csv_path = tmp_path / "journal.csv"
    assert cli(db, "journal", "--depuis", "2020-01-01", "--csv", str(csv_path)).returncode == 0
    text = csv_path.read_text(encoding="utf-8-sig")
    assert text.startswith("Date;Utilisateur;Événement;Détail;Secteur")
    for label in ("Compte créé", "Mot de passe changé", "Compte modifié"):
        assert label in text  # every account change is journaled
    assert "(ligne de commande)" in text
    assert cli(db, "journal", "--depuis", "hier").returncode == 2


def test_cli_asks_the_password_twice(store_url, tmp_path, cli, monkeypatch):
    import getpass

    typed = iter(["Premier-essai-2026", "Second-essai-2026", PASSWORD, PASSWORD])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
    db = store_url
    mismatch = cli(db, "comptes", "creer", "ecran1", "--nom", "Écran Forbach", "--role", "ecran")
    assert mismatch.returncode == 1 and "diffèrent" in mismatch.stderr
    assert cli(db, "comptes", "creer", "ecran1", "--nom", "Écran Forbach", "--role", "ecran").returncode == 0
    assert authenticate(open_store(db), "ecran1", PASSWORD, now=T0).role == ECRAN


def test_cli_screen_tokens_create_list_revoke(store_url, tmp_path, cli):
    from store.screen_tokens import screen_principal

    db = store_url
    assert cli(db, "comptes", "creer", "ecran1", "--nom", "Écran Forbach", "--role", "ecran", password=PASSWORD).returncode == 0
    assert cli(db, "comptes", "creer", "meyer", "--nom", "Cne Meyer", "--role", "animateur", "--secteurs", "forbach",
               password=PASSWORD).returncode == 0
    made = cli(db, "jetons", "creer", "ecran1", "--jours", "30")
    assert made.returncode == 0, made.stderr
    first_line, token_line = made.stdout.strip().splitlines()
    assert first_line.startswith("Jeton n° 1 créé pour le compte « ecran1 », valable jusqu'au ")
    assert token_line.startswith("&jeton=")
    engine = open_store(db)
    assert screen_principal(engine, token_line.removeprefix("&jeton=")).user_id == "ecran1"
    refused = cli(db, "jetons", "creer", "meyer")
    assert refused.returncode == 1 and "n'a pas le rôle écran" in refused.stderr
    too_long = cli(db, "jetons", "creer", "ecran1", "--jours", "400")
    assert too_long.returncode == 1 and "366 jours au plus" in too_long.stderr
    listed = cli(db, "jetons", "lister")
    assert "ecran1" in listed.stdout and "valable" in listed.stdout and token_line.removeprefix("&jeton=") not in listed.stdout
    assert cli(db, "jetons", "revoquer", "1").returncode == 0
    assert screen_principal(engine, token_line.removeprefix("&jeton=")) is None
    assert "révoqué le" in cli(db, "jetons", "lister").stdout
    again = cli(db, "jetons", "revoquer", "1")
    assert again.returncode == 1 and "Aucun jeton d'écran n° 1 encore valable" in again.stderr
    cli(db, "jetons", "creer", "ecran1")
    assert cli(db, "jetons", "revoquer", "--compte", "ecran1").stdout.strip() == "1 jeton(s) du compte « ecran1 » révoqué(s)."
    assert cli(db, "jetons", "revoquer").returncode == 2
    assert "(ligne de commande)" in cli(db, "journal", "--evenement", "token_revoked").stdout


# --- the evaluation export -------------------------------------------------------------------------------------------
NAME = "Jean Dupont"


def _import_with_planted_names(engine):
    path = ROOT / "sample_data" / "suivi_gpo_forbach.xlsx"
    data = path.read_bytes()
    result = load(data, filename=path.name, as_of=AS_OF)[0]
    problems, actions, meetings = (result.frames[k] for k in ("problems", "actions", "meetings"))
    problems.loc[problems.index[0], "description"] = f"Plainte de {NAME} au sujet du hall"
    problems.loc[problems.index[0], "reported_by"] = NAME
    problems.loc[problems.index[0], "location"] = f"12 rue {NAME}"
    actions.loc[actions.index[0], "comment"] = f"Voir avec {NAME}"
    actions.loc[actions.index[0], "partner"] = NAME
    actions.loc[actions.index[0], "description"] = f"Rencontrer {NAME}"
    meetings.loc[meetings.index[0], "notes"] = f"{NAME} absent"
    meetings.loc[meetings.index[0], "other_partners"] = f"{NAME}, Moselis et Forbus"
    problems.loc[problems.index[1], "lead_partner"] = NAME
    diagnostics, partners = result.frames["diagnostics"], result.frames["partners"]
    diagnostics.loc[diagnostics.index[0], "title"] = f"Diagnostic présenté par {NAME}"
    diagnostics.loc[diagnostics.index[1], "summary"] = f"Rédigé avec {NAME}, adjoint au maire"
    partners.loc[partners.index[0], "contact"] = NAME
    partners.loc[partners.index[1], "email"] = "jean.dupont@mairie-de-forbach.example.org"
    plan = plan_import(engine, result, data, Uploader("test"))
    assert plan.status == READY
    commit_import(engine, plan, data, Uploader("test"), as_of=AS_OF)
    stiring = ROOT / "sample_data" / "suivi_gpo_stiring.xlsx"
    other = load(stiring, as_of=AS_OF)[0]
    commit_import(engine, plan_import(engine, other, stiring.read_bytes(), Uploader("test")), stiring.read_bytes(),
                  Uploader("test"), as_of=AS_OF)


def test_evaluation_export_drops_names_and_free_text(engine):
    _import_with_planted_names(engine)
    data = evaluation_xlsx(engine, Principal("dir", "Direction", DIRECTION), REF, now=T0)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # nowhere in the file, not even in shared strings
        for name in archive.namelist():
            content = archive.read(name).decode("utf-8", errors="ignore")
            assert "Dupont" not in content, name
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Problèmes", "Actions", "Réunions", "Diagnostics", "Colonnes"]  # never the partners
    forbidden = {"Description", "Commentaire", "Observations", "Signalé par", "Lieu", "Partenaire responsable", "Action",
                 "Autres partenaires", "description", "comment", "notes", "reported_by", "partner", "location",
                 "Chef de file", "Titre", "Synthèse", "Contact", "Courriel", "Organisation", "title", "summary"}
    for sheet, documented in EVALUATION_COLUMNS.items():
        headers = [c.value for c in book[sheet][1]]
        assert headers == [column for column, _ in documented]
        assert not forbidden & set(headers)
        assert {c for c, _ in DROPPED_COLUMNS[sheet]}.isdisjoint(headers)
    problems = [dict(zip([c.value for c in book["Problèmes"][1]], row)) for row in book["Problèmes"].iter_rows(2, values_only=True)]
    assert {p["Secteur"] for p in problems} == {"forbach", "stiring"}
    assert all(p["Code INSEE"] and p["Commune"] for p in problems)
    meetings = list(book["Réunions"].iter_rows(values_only=True))
    types_col = meetings[0].index("Types des autres partenaires")
    assert "Autre ; Bailleur ; Transporteur" in [m[types_col] for m in meetings[1:]]
    forbach = [p for p in problems if p["Secteur"] == "forbach"]
    assert {p["Étape"] for p in forbach} == {"Analyse", "Réponse", "Évaluation"}
    assert {p["Résultat"] for p in forbach if p["Statut"] == "Résolu"} >= {"Éliminé", "Réduit"}
    rows = list(book["Diagnostics"].iter_rows(values_only=True))
    diagnostics = [dict(zip(rows[0], row)) for row in rows[1:]]
    assert [(d["Secteur"], d["Date du diagnostic"].date(), d["Problèmes prioritaires"], d["Fin du cycle"],
             d["Bilan attendu le"].date()) for d in diagnostics if d["Secteur"] == "forbach"] == [
        ("forbach", dt.date(2025, 10, 14), 1, dt.datetime(2026, 9, 26), dt.date(2026, 10, 14)),
        ("forbach", dt.date(2026, 9, 26), 4, None, dt.date(2027, 9, 26))]  # the cycle that runs has no end
    assert {d["Secteur"] for d in diagnostics} == {"forbach", "stiring"}
    columns = [dict(zip(["Feuille", "Colonne", "Gardée", "Description"], row))
               for row in book["Colonnes"].iter_rows(2, values_only=True)]
    assert {(c["Feuille"], c["Colonne"], c["Gardée"]) for c in columns} >= {
        ("Problèmes", "Étape", "gardée"), ("Problèmes", "Résultat", "gardée"), ("Problèmes", "Chef de file", "retirée"),
        ("Diagnostics", "Synthèse", "retirée"), ("Diagnostics", "Fin du cycle", "gardée"),
        ("Partenaires", "toutes les colonnes", "retirée")}
    last = read_audit(engine).iloc[0]
    assert (last["Événement"], last["Utilisateur"]) == ("Export", "dir")


def test_evaluation_export_is_scoped_and_refused_below_the_pages(engine):
    _import_with_planted_names(engine)
    data = evaluation_xlsx(engine, Principal("a", "A", DIRECTION), REF, sector_ids=["stiring"], now=T0)
    sectors = {row[1] for row in openpyxl.load_workbook(io.BytesIO(data))["Problèmes"].iter_rows(2, values_only=True)}
    assert sectors == {"stiring"}
    for role, extra in ((ANIMATEUR, {"sector_ids": frozenset({"forbach"})}), (CHEF_CSP, {"csp_id": "forbach"}), (ECRAN, {})):
        with pytest.raises(ExportNotAllowed):
            evaluation_xlsx(engine, Principal("u", "U", role, **extra), REF, now=T0)
    assert read_audit(engine).iloc[0]["Événement"] == "Accès refusé"
    admin_data = evaluation_xlsx(engine, Principal("adm", "Adm", ADMIN), REF, now=T0)
    assert openpyxl.load_workbook(io.BytesIO(admin_data))["Actions"].max_row > 1
