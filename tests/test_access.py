"""The role matrix below the pages: each role × each page (through the page registry) and each capability,
readable and writable sectors."""

import pytest

from domain.access import (
    ADMIN, ALL_SECTORS, ANIMATEUR, CAPABILITIES, CAPABILITIES_BY_ROLE, CHEF_CSP, DIRECTION, ECRAN, OPEN_ACCESS, ROLES,
    Principal, may, readable_sectors, strongest_role, writable_sectors,
)
from domain.reference import default_reference
from navigation import ACCESSIBILITE, MODE_REUNION, ECRAN_ROTATION, PAGES as REGISTRY, may_see_page, page_at, pages_for
from store.accounts import uploader_for

REF = default_reference()
PRINCIPALS = {
    DIRECTION: Principal("dir", "Commissaire Durand", DIRECTION),
    CHEF_CSP: Principal("chef", "Cdt Klein", CHEF_CSP, csp_id="forbach"),
    ANIMATEUR: Principal("anim", "Cne Meyer", ANIMATEUR, sector_ids=frozenset({"forbach", "stiring"})),
    ECRAN: Principal("ecran", "Écran salle de briefing", ECRAN),
    ADMIN: Principal("admin", "Administrateur", ADMIN),
}

Y, N = True, False
PAGES = ["pages/vue_departementale.py", "pages/problemes.py", "pages/reunions.py", "pages/actions_en_retard.py",
         "pages/fiche_secteur.py", "pages/bilan.py", "pages/pertinence.py", "pages/mode_reunion.py",
         "pages/ecran_rotation.py", "pages/relances.py", "pages/import_trackers.py", "pages/import_history.py",
         "pages/etat_des_donnees.py", "pages/admin_comptes.py", "pages/journal.py", "pages/accessibilite.py"]
#                 vue prob reun retard fiche bilan pert mode rot relances import hist etat comptes journal accessibilité
PAGE_MATRIX = {
    DIRECTION: [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, N, N, Y],
    CHEF_CSP:  [Y, Y, Y, Y, Y, Y, Y, Y, Y, N, N, Y, Y, N, N, Y],
    ANIMATEUR: [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, N, N, Y],
    ECRAN:     [N, N, N, N, N, N, N, Y, Y, N, N, N, N, N, N, Y],
    ADMIN:     [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y],
}
ACTION_NAMES = ["read_dashboards", "screens", "import", "export_tracker", "download_raw_file", "export_evaluation",
                "manage_accounts", "read_audit", "read_statement"]
#                 dash scr  imp  exp  raw  eval comptes journal déclaration
ACTION_MATRIX = {
    DIRECTION: [Y, Y, Y, Y, Y, Y, N, N, Y],
    CHEF_CSP:  [Y, Y, N, Y, Y, N, N, N, Y],
    ANIMATEUR: [Y, Y, Y, Y, Y, N, N, N, Y],
    ECRAN:     [N, Y, N, N, N, N, N, N, Y],
    ADMIN:     [Y, Y, Y, Y, Y, Y, Y, Y, Y],
}


@pytest.mark.parametrize(("role", "page", "allowed"),
                         [(role, page, allowed) for role, row in PAGE_MATRIX.items() for page, allowed in zip(PAGES, row)])
def test_page_matrix(role, page, allowed):
    assert may_see_page(PRINCIPALS[role], page) is allowed


@pytest.mark.parametrize(("role", "action", "allowed"),
                         [(role, action, allowed) for role, row in ACTION_MATRIX.items() for action, allowed in zip(ACTION_NAMES, row)])
def test_action_matrix(role, action, allowed):
    assert may(PRINCIPALS[role], action) is allowed


def test_matrices_cover_every_role_page_and_action():
    assert set(PAGE_MATRIX) == set(ACTION_MATRIX) == set(ROLES) == set(CAPABILITIES_BY_ROLE)
    assert PAGES == [page.path for page in REGISTRY]
    assert ACTION_NAMES == list(CAPABILITIES)
    assert all(label and label[0].isupper() for label in ROLES.values())
    assert {page.needs for page in REGISTRY} <= set(CAPABILITIES)


def test_pages_for_keeps_menu_order():
    assert pages_for(PRINCIPALS[ECRAN]) == [MODE_REUNION, ECRAN_ROTATION, ACCESSIBILITE]
    assert [page.path for page in pages_for(PRINCIPALS[ADMIN])] == PAGES
    assert may_see_page(PRINCIPALS[DIRECTION], "./pages/problemes.py")
    assert not may_see_page(PRINCIPALS[ADMIN], "pages/inconnue.py")


def test_the_registry_declares_each_page_file_once_with_its_menu():
    """Every file in pages/ is in the registry (a page missing there has no address), once; sections are contiguous,
    so the menu lists each section once, in registry order."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    assert sorted(page.path for page in REGISTRY) == sorted(p.relative_to(root).as_posix()
                                                            for p in (root / "pages").glob("*.py"))
    assert len({page.url_path for page in REGISTRY}) == len({page.title for page in REGISTRY}) == len(REGISTRY)
    sections = [page.section for page in REGISTRY]
    assert sections == sorted(sections, key=sections.index)  # each section's pages side by side
    assert page_at("pages\\journal.py") == REGISTRY[-2] and page_at("pages/inconnue.py") is None


def test_unknown_action_and_role_are_errors():
    with pytest.raises(ValueError):
        may(PRINCIPALS[ADMIN], "delete_everything")
    with pytest.raises(ValueError, match="Rôle inconnu"):
        Principal("x", "X", "superuser")


def test_chef_de_csp_de_forbach_reads_exactly_its_three_sectors():
    assert readable_sectors(PRINCIPALS[CHEF_CSP], REF) == ["forbach", "stiring", "behren"]
    assert readable_sectors(Principal("c", "C", CHEF_CSP), REF) == []  # no CSP: nothing


@pytest.mark.parametrize("role", [DIRECTION, ADMIN, ECRAN])
def test_leadership_screens_and_admin_read_everything(role):
    assert readable_sectors(PRINCIPALS[role], REF) == list(REF.sectors)
    assert len(REF.sectors) == 17


def test_animateur_reads_its_sectors_only():
    assert readable_sectors(PRINCIPALS[ANIMATEUR], REF) == ["forbach", "stiring"]
    ghost = Principal("a", "A", ANIMATEUR, sector_ids=frozenset({"forbach", "atlantide"}))
    assert readable_sectors(ghost, REF) == ["forbach"]


@pytest.mark.parametrize(("role", "writable"), [
    (DIRECTION, ALL_SECTORS), (ADMIN, ALL_SECTORS), (ANIMATEUR, frozenset({"forbach", "stiring"})),
    (CHEF_CSP, frozenset()), (ECRAN, frozenset()),
])
def test_writable_sectors(role, writable):
    principal = PRINCIPALS[role]
    assert writable_sectors(principal) == writable
    uploader = uploader_for(principal)
    assert uploader.writable_sectors == writable
    assert uploader.name == principal.display_name
    for sector in ("forbach", "metz-centre"):
        expected = writable is None or sector in writable
        assert uploader.may_write(sector) is expected


def test_strongest_role_and_open_access():
    assert strongest_role(["ecran", "direction", "animateur"]) == DIRECTION
    assert strongest_role(["inconnu"]) is None
    assert OPEN_ACCESS.role == DIRECTION and OPEN_ACCESS.role_label == "Direction"
