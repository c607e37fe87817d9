"""The one module that owns Streamlit caching, session state and the shared sidebar; pages call it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
import streamlit as st

import incidents
from domain.filters import PERIODS, Filters, from_query, to_query
from domain.formatting import fr_int
from domain.reference import Reference, default_reference
from domain.safe_text import md_escape, visible_frame
from loaders import TrackerResult
from loaders.isolated import load_isolated, warm_up
from navigation import Page, may_see_page
from store.database import open_store
from store.demo_seed import seed_demo
from store.queries import demo_sectors, freshness


@st.cache_resource
def reference() -> Reference:
    return default_reference()


@st.cache_resource(show_spinner="Ouverture de la base et chargement des données de démonstration…")
def store() -> sa.Engine:
    """The store (GPO_DATABASE_URL), migrated; an empty one is seeded with the sample trackers."""
    engine = open_store()
    if auth_mode() == "off":  # with authentication on, a real deployment never falls back to demo data
        seed_demo(engine, reference())
    return engine


def demo_reference_date() -> dt.date:
    """The reference date pages start on: in demo mode, the day the demo data were imported as of."""
    dates = [d.date() for d in freshness(store()).values()]
    return max(dates) if dates and demo_sectors(store()) else dt.date.today()


@st.cache_data(show_spinner=False, max_entries=32)
def read_upload(data: bytes, name: str, sector: str | None, as_of: dt.date) -> list[TrackerResult]:
    """An uploaded file read once per content, sector choice and date (bytes, not the file object).

    Read in a separate, limited process (loaders.isolated): a file that crashes a
    parser or wants too much memory or time costs only that read, never the server.
    """
    return load_isolated(data, filename=name, sector=sector, as_of=as_of, reference=reference())


@st.cache_resource
def upload_reader_ready() -> bool:
    """Start the upload reader's process when the Import page opens, not on the first upload."""
    warm_up()
    return True


_FILTER_KEYS = ("f_csp", "f_sector", "f_as_of", "f_period")


def shared_filters() -> Filters:
    """The sidebar every page shares, mirrored in the URL so a view can be shared as a link."""
    ref = reference()
    default_as_of = demo_reference_date()
    for key in _FILTER_KEYS:  # Streamlit may drop a widget's state across a page switch: restore it
        if key not in st.session_state and f"keep_{key}" in st.session_state:
            st.session_state[key] = st.session_state[f"keep_{key}"]
    if "filters_loaded" in st.session_state and st.session_state.get("f_sector") and not st.session_state.get("f_csp"):
        st.session_state["f_csp"] = ref.sectors[st.session_state["f_sector"]].csp_id
    if "filters_loaded" not in st.session_state:
        start = from_query(dict(st.query_params), ref, default_as_of, readable())
        # "" stands for "all": a None option would read as "nothing chosen" in a selectbox
        st.session_state.update({"f_csp": start.csp_id or "", "f_sector": start.sector_id or "", "f_as_of": start.as_of,
                                 "f_period": start.period_months, "filters_loaded": True})
    bar = st.sidebar
    bar.header("Filtres")
    allowed = readable()
    csps = [c for c in ref.csps if allowed is None or any(s.csp_id == c for s in ref.sectors.values() if s.sector_id in allowed)]
    if st.session_state.get("f_csp") not in ["", *csps]:
        st.session_state["f_csp"] = ""
    csp_id = bar.selectbox("Circonscription", ["", *csps], key="f_csp",
                           format_func=lambda c: f"CSP de {ref.csps[c].name}" if c else "Toute la Moselle") or None
    choices = ["", *(s.sector_id for s in ref.sectors.values() if csp_id in (None, s.csp_id)
                     and (allowed is None or s.sector_id in allowed))]
    if st.session_state.get("f_sector") not in choices:
        st.session_state["f_sector"] = ""
    sector_id = bar.selectbox("Secteur", choices, key="f_sector",
                              format_func=lambda s: ref.sectors[s].name if s else "Tous les secteurs") or None
    as_of = bar.date_input("Date de référence", key="f_as_of", format="DD/MM/YYYY")
    period = bar.selectbox("Période", list(PERIODS), key="f_period", format_func=PERIODS.get)
    for key in _FILTER_KEYS:
        st.session_state[f"keep_{key}"] = st.session_state[key]
    filters = Filters(csp_id, sector_id, as_of, period, allowed)
    query = to_query(filters, default_as_of)
    current = {k: st.query_params[k] for k in st.query_params}
    for key in current.keys() - query.keys() - {"jeton"}:  # a screen's token stays: a reload keeps it signed in
        del st.query_params[key]
    for key, value in query.items():
        if current.get(key) != value:
            st.query_params[key] = value
    return filters


def grid_columns(table, widths: dict[str, int], typed: dict | None = None) -> dict:
    """`column_config` for st.dataframe: each of the table's columns at its width in pixels (the grid does not wrap
    text: widths decide what fits on a screen), with the type and format `typed` gives some of them."""
    typed = typed or {}
    return {name: {**typed.get(name, st.column_config.Column()), "width": width}
            for name, width in widths.items() if name in table.columns}


def demo_banner() -> None:
    if demo_sectors(store()):
        st.warning("**Données de démonstration** : tableaux fictifs fournis avec l'application. Ils seront remplacés "
                   "secteur par secteur à mesure que les animateurs importent leurs tableaux.",
                   icon=":material/science:")


# Streamlit writes its file uploader's own words in English; these rules put French ones in their place.
# Static CSS only: no user text is ever rendered as HTML.
_FRENCH_UPLOADER_CSS = """
<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after { content: "Parcourir"; }
[data-testid="stFileUploaderDropzoneInstructions"] span { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {
  content: "Glissez-déposez les fichiers ici · 10 Mo au plus par fichier · XLSX, XLSM, ODS, XLS, CSV";
  font-size: 0.875rem; opacity: 0.7;
}
</style>
"""


def french_file_uploader() -> None:
    st.html(_FRENCH_UPLOADER_CSS)


def tracker_download(sector_id: str, import_id: int | None) -> bytes:
    """A sector's current data as a filled tracker; cached per import, so reruns cost nothing."""
    return _tracker_bytes(sector_id, import_id) if readable() is None or sector_id in readable() else b""


@st.cache_data(show_spinner=False, max_entries=64)
def _tracker_bytes(sector_id: str, import_id: int | None) -> bytes:
    from loaders.tracker_export import filled_tracker_bytes
    from store.queries import current_frames

    frames = current_frames(store(), [sector_id])
    return filled_tracker_bytes(frames, sector=reference().sectors[sector_id], reference=reference())


@st.cache_data(show_spinner=False)
def template_download(sector_id: str) -> bytes:
    from loaders.template_writer import template_bytes

    return template_bytes(reference().sectors.get(sector_id), reference())


def current_import_of(sector_id: str) -> int | None:
    from store.queries import current_import_id

    with store().connect() as conn:
        return current_import_id(conn, sector_id)


def _import_ids() -> tuple[int, ...]:
    from store.queries import current_import_ids

    with store().connect() as conn:
        return tuple(sorted(current_import_ids(conn).values()))


@st.cache_data(show_spinner=False, max_entries=8)
def _frames_for_imports(import_ids: tuple[int, ...]) -> dict:
    """Every sector's current data, as shown: invisible characters (bidi overrides, zero-width) removed."""
    from store.queries import current_frames

    return {key: visible_frame(frame) for key, frame in current_frames(store()).items()}


def current_data() -> tuple[dict, dict]:
    """(frames of the current imports of the sectors the user may read, last import per sector); cached per imports."""
    frames = _frames_for_imports(_import_ids())
    allowed = readable()
    if allowed is not None:
        frames = {k: f[f["sector_id"].isin(allowed)] for k, f in frames.items()}
    return frames, {s: d for s, d in freshness(store()).items() if allowed is None or s in allowed}


@st.cache_data(show_spinner=False, max_entries=32)
def _metrics(import_ids: tuple[int, ...], sector_ids: tuple[str, ...], as_of: dt.date, period_start: dt.date):
    from domain.indicators.sector_metrics import sector_metrics

    frames = _frames_for_imports(import_ids)
    return sector_metrics(frames, reference(), list(sector_ids), as_of, period_start, freshness(store()))


def metrics_for(filters: Filters):
    """One line of figures per selected sector (cached per imports, sectors, date and period)."""
    return _metrics(_import_ids(), tuple(filters.sector_ids(reference())), filters.as_of, filters.period_start)


def stale_notice(sector_ids: list[str], as_of: dt.date) -> None:
    """Said on every view that uses the data: sectors whose data are older than their GPO's cadence."""
    from domain.formatting import fr_date
    from domain.indicators.freshness import freshness as freshness_of

    fresh = freshness_of(reference(), freshness(store()), as_of)
    stale = [fresh[s] for s in sector_ids if fresh[s].stale]
    if not stale:
        return
    names = ", ".join(f"{reference().sectors[f.sector_id].name} ({'aucun import' if f.last_import is None else 'import du ' + fr_date(f.last_import)})"
                      for f in stale)
    st.warning(f"**Données anciennes** pour {len(stale)} secteur(s), plus vieilles que la cadence de leur GPO : {md_escape(names)}.",
               icon=":material/schedule:")


def choose_sector(sector_id: str) -> None:
    """Point the shared filters at one sector. Call it from a widget callback (before the sidebar is drawn)."""
    ref = reference()
    if sector_id in ref.sectors:
        st.session_state["f_csp"] = ref.sectors[sector_id].csp_id
        st.session_state["f_sector"] = sector_id


def page_filters(page: Page) -> Filters:
    """The shared filters, for a page. Ensures the entry script ran first.

    Because the pages live in a `pages/` folder, a fresh server that receives a
    link straight to a page (`/reunions?secteur=…`) runs that page file alone,
    before any session has set up `st.navigation`. Then the page hands over to
    `dashboard.py` (navigation, sidebar), which comes straight back to it with
    the link's parameters.
    """
    if "filters" not in st.session_state:
        params = {k: st.query_params[k] for k in st.query_params}
        st.session_state["resume_page"] = (page.path, params)
        st.switch_page("dashboard.py", query_params=params or None)
    return st.session_state["filters"]


def resume_requested_page() -> None:
    """Called by dashboard.py once navigation and filters exist: go back to the page a link asked for."""
    resume = st.session_state.pop("resume_page", None)
    if resume and may_see_page(principal(), resume[0]):  # a page the role may not see has no address: stay
        page_path, params = resume
        st.switch_page(page_path, query_params=params or None)


def is_kiosk() -> bool:
    """Briefing screens open the app with ?ecran=1: no navigation, no sidebar, large type."""
    return st.query_params.get("ecran") == "1"


def kiosk_filters() -> Filters:
    """Filters read from the URL only (a screen has no keyboard); the date follows today, or the demo data."""
    return from_query(dict(st.query_params), reference(), demo_reference_date(), readable())


_KIOSK_CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stToolbar"], footer { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 1.5vh 2.5vw 0 2.5vw !important; max-width: 100% !important; }
</style>
"""

_SLIDE_BUTTON_CSS = """
<style>
.stButton button { min-height: 8vh; }
.stButton button p { font-size: 3vh; font-weight: 600; }
.stButton button [data-testid="stIconMaterial"] { font-size: 3.6vh; }
</style>
"""


def kiosk_css() -> None:
    st.html(_KIOSK_CSS)


def live_fragment(run_every: int):
    """`st.fragment(run_every=…)` for screens that refresh themselves, with the sign-in checked on every tick.

    A tick reruns only the fragment, never dashboard.py: so the fragment itself
    re-reads the account (disabled, role changed), the session's age and the
    screen's token before it reads any data. When they no longer hold, the whole
    app reruns, and dashboard.py shows the login screen instead of the page.
    """
    import functools

    def decorate(body):
        @functools.wraps(body)
        def checked() -> None:
            recheck_signed_in()
            body()

        return st.fragment(run_every=run_every)(incidents.fragment(checked))  # a failing tick: a French incident

    return decorate


# Streamlit leaves 6rem above a page's title; on a 768-pixel-high laptop screen that is room for a table row or two.
# 4rem still clears the top bar (3.75rem).
_SCREEN_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 4rem; }
</style>
"""


def screen_css() -> None:
    st.html(_SCREEN_CSS)


def slideshow(key: str, count: int, interval_s: int, render) -> None:
    """Slide number handling shared by the meeting screen and the rotation.

    `render(index)` draws slide `index` (0 ≤ index < count). Slides advance by
    themselves every `interval_s` seconds unless paused; the big buttons move
    by one and restart the clock. The index is kept modulo `count`, so a slide
    list that shrinks after a new import never points past its end.
    """
    import time

    state = st.session_state
    state.setdefault(f"{key}_index", 0)
    state.setdefault(f"{key}_auto", True)
    state.setdefault(f"{key}_changed_at", time.monotonic())
    now = time.monotonic()
    if state[f"{key}_auto"] and now - state[f"{key}_changed_at"] >= interval_s * 0.9:
        state[f"{key}_index"] += 1
        state[f"{key}_changed_at"] = now
    index = state[f"{key}_index"] % max(count, 1)
    render(index)

    def move(step: int) -> None:
        state[f"{key}_index"] = (state[f"{key}_index"] % max(count, 1)) + step
        state[f"{key}_changed_at"] = time.monotonic()

    def toggle() -> None:
        state[f"{key}_auto"] = not state[f"{key}_auto"]
        state[f"{key}_changed_at"] = time.monotonic()

    st.html(_SLIDE_BUTTON_CSS)
    left, middle, right = st.columns([2, 3, 2])
    left.button("Précédent", key=f"{key}_prev", icon=":material/chevron_left:", on_click=incidents.callback(move),
                args=(-1,), width="stretch")
    playing = state[f"{key}_auto"]
    middle.button(f"{'Pause' if playing else 'Défilement automatique'} · {fr_int(index + 1)} / {fr_int(count)}",
                  key=f"{key}_pause", icon=":material/pause:" if playing else ":material/play_arrow:",
                  on_click=incidents.callback(toggle), width="stretch")
    right.button("Suivant", key=f"{key}_next", icon=":material/chevron_right:", icon_position="right",
                 on_click=incidents.callback(move), args=(1,), width="stretch")


def interval_from_url(default: int) -> int:
    """?intervalle=N seconds between slides, kept between 10 s and 10 min."""
    try:
        return min(max(int(st.query_params.get("intervalle", default)), 10), 600)
    except ValueError:
        return default


@st.cache_data(show_spinner="Préparation du dossier de réunion…", max_entries=32)
def _meeting_pack(sector_id: str, import_ids: tuple[int, ...], as_of: dt.date, generated_on: dt.date) -> bytes:
    from domain.meeting_agenda import build_agenda
    from meeting_pack.pdf import meeting_pack_pdf

    frames = _frames_for_imports(import_ids)
    agenda = build_agenda(reference().sectors[sector_id], frames, as_of, reference())
    return meeting_pack_pdf(agenda, generated_on=generated_on)


def meeting_pack_download(sector_id: str, as_of: dt.date) -> bytes:
    """The meeting pack PDF of a sector at `as_of` (cached per imports and date)."""
    return _meeting_pack(sector_id, _import_ids(), as_of, dt.date.today())


def meeting_pack_when_asked(sector_id: str, as_of: dt.date, key: str, place=None) -> bytes | None:
    """The meeting pack, built only once the user asks for it; None until then (or if it could not be built).

    Draws « Préparer le dossier de réunion (PDF) » in `place` (a column; the page by default) until it is
    clicked for this sector and date; the page then shows its download button. A failed build is a French
    message on the page, never a crashed page.
    """
    place = place or st
    wanted = (sector_id, as_of)
    if st.session_state.get(f"{key}_asked") == wanted:
        pack = guarded_export("Le dossier de réunion", lambda: meeting_pack_download(sector_id, as_of), place)
        if pack is not None:
            return pack
        st.session_state.pop(f"{key}_asked", None)  # the button comes back: the user may try again

    def ask() -> None:
        st.session_state[f"{key}_asked"] = wanted

    place.button("Préparer le dossier de réunion (PDF)", key=f"{key}_prepare", width="stretch",
                 on_click=incidents.callback(ask))
    return None


def guarded_export(subject: str, build, place=None):
    """`build()`, or None after saying in French that `subject` (« Le dossier de réunion ») could not be prepared.

    An export is a file made from the data (PDF, spreadsheet): its failure must cost the user that file, not
    the page. The details go to the server log under an incident reference the user can quote.
    """
    try:
        return build()
    except Exception as error:  # noqa: BLE001 (any failure of an export builder: reported, logged, the page goes on)
        incident = incidents.report(error, f"export « {subject} »")
        (place or st).error(f"{md_escape(subject)} n'a pas pu être préparé (incident n° {md_escape(incident)}). "
                            "Le reste de la page est à jour ; réessayez plus tard et, si cela se reproduit, "
                            "communiquez ce numéro à l'administrateur.", icon=":material/warning:")
        return None


# --- an import's file, as uploaded or as the reader's sector extract ----------------------------------------------
@dataclass(frozen=True)
class RawDownload:
    """What « Historique des imports » offers for an import: the original file, or the reader's sector extract."""

    data: bytes | None
    file_name: str
    extract_rows: int | None = None  # None: the original file; else the rows of the extract


@st.cache_data(show_spinner="Lecture du fichier d'origine…", max_entries=32)
def _file_content_sectors(sha256: str, file_name: str):
    """The sectors a raw file holds rows for, read from its content (None: no such file kept)."""
    from loaders.file_sectors import file_sectors
    from store.queries import raw_file

    data = raw_file(store(), sha256)
    return None if data is None else file_sectors(data, file_name, reference=reference())


@st.cache_data(show_spinner=False, max_entries=32)
def _import_extract(import_id: int, sector_id: str) -> tuple[bytes, int]:
    """One import's rows as a filled tracker of its sector, and how many rows it holds."""
    from loaders.tracker_export import filled_tracker_bytes
    from store.queries import import_frames

    with store().connect() as conn:
        frames = import_frames(conn, import_id)
    data = filled_tracker_bytes(frames, sector=reference().sectors[sector_id], reference=reference())
    return data, sum(len(frame) for frame in frames.values())


def raw_file_download(import_id: int, sector_id: str, sha256: str, file_name: str) -> RawDownload:
    """The original file if the user may read every sector in it, else the extract of the import's sector."""
    from pathlib import PurePath

    from domain.raw_file_access import FileSectors, original_allowed
    from store.queries import raw_file, raw_file_sectors

    allowed = readable()
    if allowed is not None and sector_id not in allowed:
        return RawDownload(None, file_name)
    content = _file_content_sectors(sha256, file_name)
    if content is None:
        return RawDownload(None, file_name)
    holds = FileSectors(content.sectors | raw_file_sectors(store(), sha256), content.unassigned_rows)
    if original_allowed(holds, allowed, reference().sectors):
        return RawDownload(raw_file(store(), sha256), file_name)
    data, rows = _import_extract(import_id, sector_id)
    return RawDownload(data, f"{PurePath(file_name).stem}_extrait_{sector_id}.xlsx", rows)


# --- who is signed in --------------------------------------------------------------------------------------------
# GPO_AUTH: "off" (default: the demo runs open), "local" (accounts in the store), "oidc" (st.login, .streamlit/secrets.toml).
SESSION_MINUTES = int(__import__("os").environ.get("GPO_SESSION_MINUTES", "480"))


def auth_mode() -> str:
    import os

    mode = (os.environ.get("GPO_AUTH") or "off").strip().lower()
    return mode if mode in ("off", "local", "oidc") else "local"  # an unknown value never opens the app


def current_principal():
    """The signed-in Principal, or None: then nothing but the login screen is shown. Called on every run and tick."""
    from domain.access import OPEN_ACCESS

    mode = auth_mode()
    if mode == "off":
        return OPEN_ACCESS
    if mode == "oidc":
        from store.accounts import principal_for_oidc

        if not getattr(st.user, "is_logged_in", False):
            return None
        mapping = dict(st.secrets.get("gpo_roles", {}))
        groups = st.user.get("groups") or []
        return principal_for_oidc(st.user.get("email", ""), groups, mapping, name=st.user.get("name"))
    return _password_principal() or _screen_principal()


def _password_principal():
    """The account signed in with its password in this browser session, re-read from the store (None if none)."""
    import time

    from store.accounts import principal_of

    signed = st.session_state.get("principal")
    if signed is None:
        return None
    if time.time() - st.session_state.get("signed_in_at", 0) > SESSION_MINUTES * 60:
        sign_out(expired=True)
        return None
    fresh = principal_of(store(), signed.user_id)  # a disabled account or a changed role takes effect at once
    if fresh is None:
        st.session_state.pop("principal", None)
        st.session_state["login_notice"] = "Votre compte a été désactivé ou modifié : reconnectez-vous."
    return fresh


def _screen_principal():
    """The écran account a screen token signs in (the address's ?jeton=…, or the one this session already uses)."""
    from store.audit import record
    from store.screen_tokens import QUERY_KEY, mark_used, screen_principal, token_number

    token = st.query_params.get(QUERY_KEY) or st.session_state.get("screen_token")
    if not token:
        return None
    fresh = screen_principal(store(), token)
    if fresh is None:
        st.session_state.pop("screen_token", None)
        st.session_state["login_notice"] = ("Le lien de cet écran n'est plus valable (jeton expiré ou révoqué, ou compte "
                                            "désactivé) : connectez-vous avec le compte de l'écran, ou demandez un "
                                            "nouveau lien à un administrateur.")
        return None
    if st.session_state.get("screen_token") != token:  # first use in this browser session: journaled once
        st.session_state["screen_token"] = token
        st.session_state.pop("login_notice", None)
        mark_used(store(), token)
        record(store(), fresh.user_id, "login_ok", f"Connexion de l'écran par son jeton n° {token_number(store(), token)}.")
    return fresh


def publish_screen_token() -> None:
    """Once after a screen's login, write its token into the browser's address, so that a reload stays signed in.

    Called by dashboard.py after navigation: the login run's own change of the
    address is lost with the rerun that follows it (Streamlit drops what that
    run had not yet sent), and a link's page may also be reopened without it.
    """
    from store.screen_tokens import QUERY_KEY

    token = st.session_state.get("screen_token")
    if token and st.session_state.pop("publish_token", False):
        st.query_params[QUERY_KEY] = token


def recheck_signed_in() -> None:
    """Inside a fragment: rerun the whole app (hence the login screen) if the signed-in rights changed or ended."""
    if auth_mode() == "off":
        return
    if current_principal() != st.session_state.get("page_principal"):
        st.rerun(scope="app")


def sign_out(expired: bool = False) -> None:
    from store.audit import record
    from store.screen_tokens import QUERY_KEY

    principal = st.session_state.pop("principal", None)
    if principal is None and st.session_state.get("screen_token"):
        principal = st.session_state.get("page_principal")
    if st.session_state.pop("screen_token", None) is not None and QUERY_KEY in st.query_params:
        del st.query_params[QUERY_KEY]  # signing out of a screen: its address no longer signs it in
    if principal is not None:
        record(store(), principal.user_id, "logout", "Session expirée." if expired else "Déconnexion.")
    if expired:
        st.session_state["login_notice"] = "Votre session a expiré : reconnectez-vous."


def login_screen() -> None:
    """The only thing shown before login (local accounts or the organisation's OpenID Connect provider).

    The address the user asked for (page and parameters) is kept: dashboard.py
    has resolved it with every page before calling this, so once signed in the
    next run opens that page with its parameters.
    """
    import time

    st.title("Tableau de bord des GPO de Moselle")
    st.write("Accès réservé : ces données décrivent des problèmes de sécurité dans des lieux nommés.")
    if notice := st.session_state.pop("login_notice", None):
        st.info(md_escape(notice))
    if auth_mode() == "oidc":
        if getattr(st.user, "is_logged_in", False):
            st.error("Votre compte n'a accès à aucune donnée du tableau de bord. Adressez-vous à un administrateur.")
            st.button("Se déconnecter", key="oidc_logout", on_click=incidents.callback(st.logout))
        else:
            st.button("Se connecter avec le compte de l'organisation", key="oidc_login", type="primary",
                      on_click=incidents.callback(st.login))
        return
    from domain.access import ECRAN
    from store.accounts import Refusal, authenticate
    from store.screen_tokens import QUERY_KEY, create_screen_token, mark_used

    with st.form("login_form"):
        login = st.text_input("Identifiant", key="login_name")
        password = st.text_input("Mot de passe", type="password", key="login_password")
        submitted = st.form_submit_button("Se connecter", type="primary")
    if submitted:
        outcome = authenticate(store(), login, password)
        if isinstance(outcome, Refusal):
            st.error(md_escape(outcome.message))
            return
        if outcome.role == ECRAN:
            # A screen keeps running unattended: its address gets a token, so a reload (or a restart of the
            # browser on that address) stays signed in until the token expires or is revoked.
            token = create_screen_token(store(), outcome.user_id, by=outcome.user_id).token
            mark_used(store(), token)
            st.session_state["screen_token"] = token
            st.session_state["publish_token"] = True  # see publish_screen_token
            st.query_params[QUERY_KEY] = token
        else:
            st.session_state["principal"] = outcome
            st.session_state["signed_in_at"] = time.time()
        st.rerun()


def principal():
    """The signed-in Principal for a page (dashboard.py has already stopped the run when there is none)."""
    from domain.access import OPEN_ACCESS

    return st.session_state.get("page_principal", OPEN_ACCESS)


def readable() -> frozenset[str] | None:
    """The sectors the signed-in user may read (None: every sector, when authentication is off)."""
    from domain.access import readable_sectors

    if auth_mode() == "off":
        return None
    return frozenset(readable_sectors(principal(), reference()))


def audit(event: str, detail: str, sector_id: str | None = None) -> None:
    from store.audit import record

    record(store(), principal().user_id, event, detail, sector_id)


def user_box(principal) -> None:
    """Who is signed in, at the bottom of the sidebar, with the way out."""
    if auth_mode() == "off":
        st.sidebar.caption("Accès libre (démonstration) : l'authentification est désactivée (GPO_AUTH).")
        return
    st.sidebar.divider()
    st.sidebar.markdown(f"**{md_escape(principal.display_name)}**  \n{md_escape(principal.role_label)}")
    if auth_mode() == "oidc":
        st.sidebar.button("Se déconnecter", key="logout", on_click=incidents.callback(st.logout))
    else:
        st.sidebar.button("Se déconnecter", key="logout", on_click=incidents.callback(sign_out))
