"""Who may see and change what: roles, the signed-in person, readable and writable sectors, pages and actions.

Pure: no Streamlit, no store. The pages ask `may_see_page` / `may`; the queries
take `readable_sectors`; the import layer takes `writable_sectors` (through
`store.accounts.uploader_for`).

Sector sets follow `store.imports.Uploader.writable_sectors`: a frozenset is an
explicit list (empty: none), ``None`` (the constant `ALL_SECTORS`) means every
sector of the reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.reference import Reference

DIRECTION, CHEF_CSP, ANIMATEUR, ECRAN, ADMIN = "direction", "chef_csp", "animateur", "ecran", "admin"

# Role code -> French label, from the most to the least privileged (the order `strongest_role` uses).
ROLES: dict[str, str] = {
    ADMIN: "Administrateur",
    DIRECTION: "Direction",
    CHEF_CSP: "Chef de CSP",
    ANIMATEUR: "Animateur GPO",
    ECRAN: "Écran de réunion",
}

ALL_SECTORS = None  # what `writable_sectors` returns for "every sector"

# Page files, as listed in dashboard.py.
VUE_DEPARTEMENTALE = "pages/vue_departementale.py"
PROBLEMES = "pages/problemes.py"
REUNIONS = "pages/reunions.py"
ACTIONS_EN_RETARD = "pages/actions_en_retard.py"
FICHE_SECTEUR = "pages/fiche_secteur.py"
MODE_REUNION = "pages/mode_reunion.py"
ECRAN_ROTATION = "pages/ecran_rotation.py"
IMPORT_TRACKERS = "pages/import_trackers.py"
IMPORT_HISTORY = "pages/import_history.py"
ETAT_DES_DONNEES = "pages/etat_des_donnees.py"
ADMIN_COMPTES = "pages/admin_comptes.py"
JOURNAL = "pages/journal.py"

READING_PAGES = (VUE_DEPARTEMENTALE, PROBLEMES, REUNIONS, ACTIONS_EN_RETARD, FICHE_SECTEUR, MODE_REUNION, ECRAN_ROTATION,
                 IMPORT_HISTORY, ETAT_DES_DONNEES)
ADMIN_PAGES = (ADMIN_COMPTES, JOURNAL)
ALL_PAGES = (VUE_DEPARTEMENTALE, PROBLEMES, REUNIONS, ACTIONS_EN_RETARD, FICHE_SECTEUR, MODE_REUNION, ECRAN_ROTATION,
             IMPORT_TRACKERS, IMPORT_HISTORY, ETAT_DES_DONNEES, *ADMIN_PAGES)  # menu order

PAGES_BY_ROLE: dict[str, frozenset[str]] = {
    ADMIN: frozenset(ALL_PAGES),
    DIRECTION: frozenset(ALL_PAGES) - frozenset(ADMIN_PAGES),
    CHEF_CSP: frozenset(READING_PAGES),  # everything, read-only: no import page, no admin page
    ANIMATEUR: frozenset(READING_PAGES) | {IMPORT_TRACKERS},  # everything for its own sectors, import included
    ECRAN: frozenset({MODE_REUNION, ECRAN_ROTATION}),  # briefing screens only
}

# Actions (below the pages) and what the journal / a refusal calls them.
IMPORT, EXPORT_TRACKER, DOWNLOAD_RAW_FILE = "import", "export_tracker", "download_raw_file"
EXPORT_EVALUATION, MANAGE_ACCOUNTS, READ_AUDIT = "export_evaluation", "manage_accounts", "read_audit"
ACTIONS: dict[str, str] = {
    IMPORT: "Importer un tableau de suivi",
    EXPORT_TRACKER: "Exporter un tableau de suivi rempli",
    DOWNLOAD_RAW_FILE: "Télécharger un fichier importé",
    EXPORT_EVALUATION: "Exporter les données pour l'évaluation universitaire",
    MANAGE_ACCOUNTS: "Gérer les comptes",
    READ_AUDIT: "Consulter le journal",
}

ACTIONS_BY_ROLE: dict[str, frozenset[str]] = {
    ADMIN: frozenset(ACTIONS),
    DIRECTION: frozenset({IMPORT, EXPORT_TRACKER, DOWNLOAD_RAW_FILE, EXPORT_EVALUATION}),
    CHEF_CSP: frozenset({EXPORT_TRACKER, DOWNLOAD_RAW_FILE}),  # reading its CSP's data, in any form
    ANIMATEUR: frozenset({IMPORT, EXPORT_TRACKER, DOWNLOAD_RAW_FILE}),  # for its own sectors
    ECRAN: frozenset(),
}

DENIED_MESSAGE = "Vous n'avez pas accès à cette fonction."


@dataclass(frozen=True)
class Principal:
    """The signed-in person (or screen): who they are, their role, and their CSP or sectors.

    `csp_id` matters for a chef de CSP, `sector_ids` for an animateur; they are
    ignored for the other roles, which read every sector.
    """

    user_id: str
    display_name: str
    role: str
    csp_id: str | None = None
    sector_ids: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"Rôle inconnu : « {self.role} » (rôles possibles : {', '.join(ROLES)}).")
        if not isinstance(self.sector_ids, frozenset):
            object.__setattr__(self, "sector_ids", frozenset(self.sector_ids))

    @property
    def role_label(self) -> str:
        return ROLES[self.role]


# The whole app as today's demo shows it, when authentication is off (the lead decides where it applies).
OPEN_ACCESS = Principal("demo", "Accès libre (démonstration)", DIRECTION)


def readable_sectors(principal: Principal, reference: Reference) -> list[str]:
    """The sectors `principal` may read, in reference order (unknown ids in an account are ignored)."""
    if principal.role in (DIRECTION, ADMIN, ECRAN):
        return list(reference.sectors)
    if principal.role == CHEF_CSP:
        return [s.sector_id for s in reference.sectors.values() if principal.csp_id is not None and s.csp_id == principal.csp_id]
    return [sid for sid in reference.sectors if sid in principal.sector_ids]


def may_read_sector(principal: Principal, sector_id: str, reference: Reference) -> bool:
    return sector_id in readable_sectors(principal, reference)


def writable_sectors(principal: Principal) -> frozenset[str] | None:
    """The sectors `principal` may import for: `ALL_SECTORS` (None) for every sector, else a set (empty: none).

    Same convention as `store.imports.Uploader.writable_sectors`.
    """
    if principal.role in (DIRECTION, ADMIN):
        return ALL_SECTORS
    if principal.role == ANIMATEUR:
        return frozenset(principal.sector_ids)
    return frozenset()


def may_write_sector(principal: Principal, sector_id: str) -> bool:
    writable = writable_sectors(principal)
    return writable is ALL_SECTORS or sector_id in writable


def may_see_page(principal: Principal, page: str) -> bool:
    """Whether `page` (a file path as in dashboard.py, e.g. "pages/problemes.py") is listed for `principal`."""
    return page.replace("\\", "/").removeprefix("./") in PAGES_BY_ROLE[principal.role]


def pages_for(principal: Principal) -> list[str]:
    """The pages `principal` may see, in menu order."""
    return [page for page in ALL_PAGES if page in PAGES_BY_ROLE[principal.role]]


def may(principal: Principal, action: str) -> bool:
    """Whether `principal`'s role allows `action` (one of `ACTIONS`); sector scoping is checked separately."""
    if action not in ACTIONS:
        raise ValueError(f"Action inconnue : {action!r}")
    return action in ACTIONS_BY_ROLE[principal.role]


def strongest_role(roles: list[str] | set[str] | tuple[str, ...]) -> str | None:
    """The most privileged of `roles` (unknown codes ignored), None if none is known."""
    known = [r for r in ROLES if r in set(roles)]
    return known[0] if known else None
