"""Accessibility facts that need no browser: the theme's colours meet AA contrast and agree with the palette, the
statement names what the browser tests really run, the page script holds no user text and reaches every role."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from app_state.accessibility import _SCRIPT, FRENCH_LABELS, FRENCH_PREFIXES
from domain.access import OPEN_ACCESS, ROLES, Principal
from domain.safe_text import md_escape
from navigation import ACCESSIBILITE, PAGES, pages_for
from report_tables.accessibility_statement import AXE_CORE_VERSION, AXE_PLAYWRIGHT_VERSION, CONTACT_PLACEHOLDER, statement
from theme import palette

ROOT = Path(__file__).resolve().parent.parent


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _over_white(colour: str, alpha: float) -> str:
    """`colour` drawn at `alpha` opacity on white, as Streamlit draws captions (its « fadedText60 »: 60 %)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - alpha * (255 - c)):02x}" for c in (r, g, b))


def test_the_theme_is_the_palette_and_meets_aa_contrast():
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
    assert (theme["textColor"], theme["backgroundColor"], theme["secondaryBackgroundColor"], theme["primaryColor"]) == (
        palette.PAGE_TEXT_COLOUR, palette.PAGE_BACKGROUND_COLOUR, palette.PAGE_SECONDARY_BACKGROUND_COLOUR,
        palette.PAGE_PRIMARY_COLOUR)
    caption = _over_white(palette.PAGE_TEXT_COLOUR, 0.6)
    assert _contrast(caption, palette.PAGE_BACKGROUND_COLOUR) >= 4.5  # captions (3.9:1 with Streamlit's default)
    assert _contrast(_over_white("#31333f", 0.6), "#ffffff") < 4.5  # what the default theme gave: the reason
    assert _contrast(palette.PAGE_TEXT_COLOUR, palette.PAGE_SECONDARY_BACKGROUND_COLOUR) >= 7
    assert _contrast("#ffffff", palette.PAGE_PRIMARY_COLOUR) >= 4.5  # a primary button's label
    assert _contrast(palette.FOCUS_COLOUR, palette.PAGE_BACKGROUND_COLOUR) >= 3  # the focus ring (WCAG 1.4.11)


def test_the_statement_names_the_axe_core_the_tests_run():
    from importlib.metadata import version

    import axe_playwright_python

    bundled = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")[:200]
    assert re.search(r"axe v(\S+)", bundled).group(1) == AXE_CORE_VERSION
    assert version("axe-playwright-python") == AXE_PLAYWRIGHT_VERSION
    pinned = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    assert f"axe-playwright-python=={AXE_PLAYWRIGHT_VERSION}" in pinned


def test_the_statement_lists_every_page_and_a_contact():
    sections = statement([p.title for p in PAGES])
    assert [s.title for s in sections] == ["Engagement", "État de conformité", "Résultats des tests",
                                           "Contenus non accessibles", "Établissement de cette déclaration",
                                           "Retour d'information et contact", "Voies de recours"]
    text = "\n".join(p for s in sections for p in s.paragraphs)
    assert all(f"- {md_escape(p.title)}" in text for p in PAGES)
    assert CONTACT_PLACEHOLDER in text and "non conforme" in text
    mailed = "\n".join(p for s in statement([p.title for p in PAGES], "accessibilite*ddsp57@interieur.gouv.fr")
                       for p in s.paragraphs)
    assert md_escape("accessibilite*ddsp57@interieur.gouv.fr") in mailed  # an address is text, never Markdown
    assert "accessibilite*ddsp57" not in mailed


@pytest.mark.parametrize("role", list(ROLES))
def test_every_role_reads_the_statement(role):
    principal = Principal("x", "X", role, csp_id="forbach", sector_ids=frozenset({"forbach"}))
    assert ACCESSIBILITE in pages_for(principal)
    assert ACCESSIBILITE in pages_for(OPEN_ACCESS)


def test_the_page_script_is_static_and_translates_each_label_once():
    assert "__" not in _SCRIPT.replace("window.gpoAccessibility", "")  # every placeholder filled
    assert not set(FRENCH_LABELS.values()) & set(FRENCH_LABELS)  # a translation is never translated again
    assert not any(v.startswith(tuple(FRENCH_PREFIXES)) for v in FRENCH_LABELS.values())
