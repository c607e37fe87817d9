"""Who may see and change what: roles, the signed-in person, their capabilities, readable and writable sectors.

Pure: no Streamlit, no store, no page file: the page registry (navigation.py)
says which capability each page needs. Pages and actions ask `may`; the queries
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

# What a role may do, and what the journal / a refusal calls it. The first two open kinds of pages (the page
# registry, navigation.py, says which capability each page needs); the others are actions within pages.
READ_DASHBOARDS, SCREENS = "read_dashboards", "screens"
IMPORT, EXPORT_TRACKER, DOWNLOAD_RAW_FILE = "import", "export_tracker", "download_raw_file"
EXPORT_EVALUATION, MANAGE_ACCOUNTS, READ_AUDIT = "export_evaluation", "manage_accounts", "read_audit"
READ_STATEMENT = "read_statement"
CAPABILITIES: dict[str, str] = {
    READ_DASHBOARDS: "Consulter les tableaux de bord",
    SCREENS: "Afficher les écrans de réunion",
    IMPORT: "Importer un tableau de suivi",
    EXPORT_TRACKER: "Exporter un tableau de suivi rempli",
    DOWNLOAD_RAW_FILE: "Télécharger un fichier importé",
    EXPORT_EVALUATION: "Exporter les données pour l'évaluation universitaire",
    MANAGE_ACCOUNTS: "Gérer les comptes",
    READ_AUDIT: "Consulter le journal",
    READ_STATEMENT: "Consulter la déclaration d'accessibilité",
}

CAPABILITIES_BY_ROLE: dict[str, frozenset[str]] = {
    ADMIN: frozenset(CAPABILITIES),
    DIRECTION: frozenset({READ_DASHBOARDS, SCREENS, IMPORT, EXPORT_TRACKER, DOWNLOAD_RAW_FILE, EXPORT_EVALUATION,
                          READ_STATEMENT}),
    # everything, read-only: no import, no administration; reading its CSP's data, in any form
    CHEF_CSP: frozenset({READ_DASHBOARDS, SCREENS, EXPORT_TRACKER, DOWNLOAD_RAW_FILE, READ_STATEMENT}),
    ANIMATEUR: frozenset({READ_DASHBOARDS, SCREENS, IMPORT, EXPORT_TRACKER, DOWNLOAD_RAW_FILE, READ_STATEMENT}),  # its own sectors
    ECRAN: frozenset({SCREENS, READ_STATEMENT}),  # briefing screens only (and the accessibility statement)
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


def writable_sectors(principal: Principal) -> frozenset[str] | None:
    """The sectors `principal` may import for: `ALL_SECTORS` (None) for every sector, else a set (empty: none).

    Same convention as `store.imports.Uploader.writable_sectors`.
    """
    if principal.role in (DIRECTION, ADMIN):
        return ALL_SECTORS
    if principal.role == ANIMATEUR:
        return frozenset(principal.sector_ids)
    return frozenset()


def may(principal: Principal, capability: str) -> bool:
    """Whether `principal`'s role grants `capability` (one of `CAPABILITIES`); sector scoping is checked separately."""
    if capability not in CAPABILITIES:
        raise ValueError(f"Capacité inconnue : {capability!r}")
    return capability in CAPABILITIES_BY_ROLE[principal.role]


def strongest_role(roles: list[str] | set[str] | tuple[str, ...]) -> str | None:
    """The most privileged of `roles` (unknown codes ignored), None if none is known."""
    known = [r for r in ROLES if r in set(roles)]
    return known[0] if known else None
