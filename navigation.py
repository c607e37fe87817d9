"""The page registry: every page of the app declared once — file, French title, icon, menu section, capability.

dashboard.py builds the menu from it, `app_state` checks a link's page against
it, the pages name themselves by it, and the tests read it. Which roles hold a
capability is `domain.access`'s business; which capability opens a page is
decided here. No Streamlit: `st.Page` objects are made by dashboard.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from domain.access import IMPORT, MANAGE_ACCOUNTS, READ_AUDIT, READ_DASHBOARDS, READ_STATEMENT, SCREENS, Principal, may


@dataclass(frozen=True)
class Page:
    path: str  # the page file, relative to the app's folder: "pages/problemes.py"
    title: str  # its French title in the menu
    icon: str  # a Material icon (":material/…:"): an emoji needs an emoji font
    section: str  # its menu section
    needs: str  # the capability (domain.access.CAPABILITIES) a role must hold to see it

    @property
    def url_path(self) -> str:
        """Its address, the file's name: on a fresh server, Streamlit's own discovery of the pages/ folder serves
        the first request, and it knows pages by file name; with the same paths, a bookmarked link works from the
        first visit."""
        return PurePosixPath(self.path).stem


PILOTAGE, CYCLE, MEETINGS_AND_SCREENS, TRACKERS, ADMINISTRATION, HELP = (
    "Pilotage", "Cycle du GPO", "Réunions et écrans", "Tableaux de suivi", "Administration", "Aide")

VUE_DEPARTEMENTALE = Page("pages/vue_departementale.py", "Vue départementale", ":material/map:", PILOTAGE, READ_DASHBOARDS)
PROBLEMES = Page("pages/problemes.py", "Problèmes", ":material/report_problem:", PILOTAGE, READ_DASHBOARDS)
REUNIONS = Page("pages/reunions.py", "Réunions", ":material/groups:", PILOTAGE, READ_DASHBOARDS)
ACTIONS_EN_RETARD = Page("pages/actions_en_retard.py", "Actions en retard", ":material/alarm:", PILOTAGE, READ_DASHBOARDS)
FICHE_SECTEUR = Page("pages/fiche_secteur.py", "Fiche secteur", ":material/location_on:", PILOTAGE, READ_DASHBOARDS)
# The cycle (diagnostic → actions → bilan): the document a GPO reviews before its next diagnostic, and what went with
# which outcome (descriptive); read like the other dashboards
BILAN = Page("pages/bilan.py", "Bilan de cycle", ":material/assignment_turned_in:", CYCLE, READ_DASHBOARDS)
PERTINENCE = Page("pages/pertinence.py", "Pertinence des actions", ":material/insights:", CYCLE, READ_DASHBOARDS)
MODE_REUNION = Page("pages/mode_reunion.py", "Mode réunion", ":material/slideshow:", MEETINGS_AND_SCREENS, SCREENS)
ECRAN_ROTATION = Page("pages/ecran_rotation.py", "Écran de direction", ":material/tv:", MEETINGS_AND_SCREENS, SCREENS)
IMPORT_TRACKERS = Page("pages/import_trackers.py", "Import", ":material/upload_file:", TRACKERS, IMPORT)
RELANCES = Page("pages/relances.py", "Relances", ":material/forward_to_inbox:", MEETINGS_AND_SCREENS, IMPORT)
IMPORT_HISTORY = Page("pages/import_history.py", "Historique des imports", ":material/history:", TRACKERS,
                      READ_DASHBOARDS)
ETAT_DES_DONNEES = Page("pages/etat_des_donnees.py", "État des données", ":material/fact_check:", TRACKERS,
                        READ_DASHBOARDS)
ADMIN_COMPTES = Page("pages/admin_comptes.py", "Comptes", ":material/manage_accounts:", ADMINISTRATION, MANAGE_ACCOUNTS)
JOURNAL = Page("pages/journal.py", "Journal", ":material/receipt_long:", ADMINISTRATION, READ_AUDIT)
ACCESSIBILITE = Page("pages/accessibilite.py", "Déclaration d'accessibilité", ":material/accessibility:", HELP,
                     READ_STATEMENT)  # every role, the open demo included

# Menu order; the first page a role may see is its home page.
PAGES: tuple[Page, ...] = (VUE_DEPARTEMENTALE, PROBLEMES, REUNIONS, ACTIONS_EN_RETARD, FICHE_SECTEUR, BILAN, PERTINENCE,
                           MODE_REUNION, ECRAN_ROTATION, RELANCES, IMPORT_TRACKERS, IMPORT_HISTORY, ETAT_DES_DONNEES,
                           ADMIN_COMPTES, JOURNAL, ACCESSIBILITE)


def page_at(path: str) -> Page | None:
    """The page of a file path as Streamlit or a link gives it ("pages/x.py", "./pages/x.py", "pages\\x.py")."""
    wanted = path.replace("\\", "/").removeprefix("./")
    return next((page for page in PAGES if page.path == wanted), None)


def may_see_page(principal: Principal, path: str) -> bool:
    """Whether the page at `path` is listed for `principal` (an unknown path: no)."""
    page = page_at(path)
    return page is not None and may(principal, page.needs)


def pages_for(principal: Principal) -> list[Page]:
    """The pages `principal` may see, in menu order."""
    return [page for page in PAGES if may(principal, page.needs)]
