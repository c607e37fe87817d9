"""Accessibility (RGAA AA) where Streamlit's own markup falls short: our own menu of page links, and one static script.

The menu: Streamlit's sidebar navigation draws section titles as `div`s inside its `ul` (axe: `list`, `listitem`,
serious), so dashboard.py hides it (`st.navigation(position="hidden")` keeps the routing) and `sidebar_menu` draws
the same pages, by section, as `st.page_link`s.

The script (static text, no user data ever goes into it), run once per browser tab:
* `<html lang="fr">`: Streamlit's page says `lang="en"`, so a screen reader would read French with English rules;
* Streamlit's own words for assistive technologies (`aria-label`, `title`, `placeholder`: « Open », « Choose an
  option », « Help for … », « Sidebar »; the month names a date field reads out) are put in French
  (`FRENCH_LABELS`, `FRENCH_PREFIXES`, `FRENCH_MONTHS`);
* the file uploader's button: its English words are replaced on screen by CSS (`app_state.widgets`), which leaves the
  button without a name a screen reader can read (axe: `button-name`, critical): it gets `aria-label`;
* a link « Aller au contenu » first in the page, shown when focused, to skip the menu (RGAA 12.7);
* the slideshows (meeting screen, rotation): ←/→ and Page précédente/suivante (a presenter's remote) press the
  « Précédent » / « Suivant » buttons, unless the focus is in a field.
A MutationObserver re-applies the fixes when Streamlit redraws the page.
"""

from __future__ import annotations

import json
import os

import streamlit as st

from domain.safe_text import code_markdown, md_escape
from navigation import PAGES
from report_tables.accessibility_statement import statement
from theme.palette import FOCUS_COLOUR

UPLOADER_BUTTON_LABEL = "Parcourir les fichiers (tableaux de suivi)"
SKIP_LINK_TEXT = "Aller au contenu"
# Streamlit 1.67's English labels (seen on every page with axe's and the browser's accessibility tree) -> French.
FRENCH_LABELS = {
    "Sidebar": "Menu et filtres", "Collapse sidebar": "Replier le menu", "Expand sidebar": "Déplier le menu",
    "Main menu": "Menu principal", "Link to heading": "Lien vers ce titre", "Choose date": "Choisir une date",
    "Download as CSV": "Télécharger en CSV", "Fullscreen": "Plein écran", "Close fullscreen": "Quitter le plein écran",
    "Open": "Ouvrir la liste", "Close": "Fermer", "Clear all": "Tout effacer", "Clear value": "Effacer",
    "Search": "Rechercher", "Show/hide columns": "Afficher ou masquer des colonnes",
    "Choose an option": "Choisissez", "Choose options": "Choisissez", "file upload": "Déposer des fichiers",
    "Map": "Carte", "Toggle attribution": "Sources de la carte", "Zoom in": "Zoomer", "Zoom out": "Dézoomer",
}
FRENCH_PREFIXES = {"Help for ": "Aide : ", "day, ": "jour, ", "month, ": "mois, ", "year, ": "année, "}
# The month a date field's month spins through, read out as « 11 – November »: in French.
FRENCH_MONTHS = dict(zip(["January", "February", "March", "April", "May", "June", "July", "August", "September",
                          "October", "November", "December"],
                         ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                          "octobre", "novembre", "décembre"]))

_SCRIPT = """
<span class="gpo-a11y-script"></span>
<script>
(() => {
  if (window.gpoAccessibility) return;
  window.gpoAccessibility = true;
  const labels = __LABELS__, prefixes = __PREFIXES__, months = __MONTHS__;
  const monthNames = new RegExp(Object.keys(months).join("|"), "g");
  const french = text => {
    if (labels[text]) return labels[text];
    for (const [english, fr] of Object.entries(prefixes)) if (text.startsWith(english)) return fr + text.slice(english.length);
    return null;
  };
  const fix = () => {
    if (document.documentElement.lang !== "fr") document.documentElement.lang = "fr";
    for (const name of ["aria-label", "title", "placeholder"]) {
      document.querySelectorAll(`[${name}]`).forEach(element => {
        const translated = french(element.getAttribute(name));
        if (translated) element.setAttribute(name, translated);
      });
    }
    document.querySelectorAll("[aria-valuetext]").forEach(element => {
      const text = element.getAttribute("aria-valuetext"), french = text.replace(monthNames, month => months[month]);
      if (french !== text) element.setAttribute("aria-valuetext", french);
    });
    document.querySelectorAll('[data-testid="stFileUploaderDropzone"] button').forEach(button => {
      if (button.getAttribute("aria-label") !== "__UPLOADER__") button.setAttribute("aria-label", "__UPLOADER__");
    });
    if (!document.getElementById("gpo-skip-link")) {
      const link = document.createElement("a");
      link.id = "gpo-skip-link";
      link.href = "#";
      link.textContent = "__SKIP__";
      link.addEventListener("click", event => {
        event.preventDefault();
        const main = document.querySelector('[data-testid="stMain"]') || document.querySelector("main");
        const target = main && (main.querySelector("h1") || main);
        if (target) { target.setAttribute("tabindex", "-1"); target.focus(); }
      });
      document.body.prepend(link);
    }
  };
  fix();
  let pending = false;  // one pass per frame, however many changes Streamlit makes in it
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; fix(); });
  }).observe(document.body, {childList: true, subtree: true, attributes: true,
                             attributeFilter: ["aria-label", "title", "placeholder", "aria-valuetext"]});
  const keys = {ArrowLeft: "prev", PageUp: "prev", ArrowRight: "next", PageDown: "next"};
  document.addEventListener("keydown", event => {
    const step = keys[event.key];
    if (!step || event.altKey || event.ctrlKey || event.metaKey) return;
    const active = document.activeElement;
    if (active && (active.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(active.tagName)
                   || active.getAttribute("role") === "slider" || active.getAttribute("role") === "combobox")) return;
    const holder = [...document.querySelectorAll('[class*="st-key-"]')].find(element =>
      [...element.classList].some(name => name.startsWith("st-key-") && name.endsWith("_" + step)));
    const button = holder && holder.querySelector("button");
    if (!button || button.disabled) return;
    event.preventDefault();
    button.click();
  });
})();
</script>
""".replace("__UPLOADER__", UPLOADER_BUTTON_LABEL).replace("__SKIP__", SKIP_LINK_TEXT).replace(
    "__LABELS__", json.dumps(FRENCH_LABELS, ensure_ascii=False)).replace(
    "__PREFIXES__", json.dumps(FRENCH_PREFIXES, ensure_ascii=False)).replace(
    "__MONTHS__", json.dumps(FRENCH_MONTHS, ensure_ascii=False))

# The script's own element takes no room; the skip link shows only when the keyboard reaches it; a focused control is
# always outlined (Streamlit's focus ring is faint on some controls); the day, month and year of a date field are
# targets of at least 24 × 24 px (WCAG 2.5.8: axe's `target-size` flags Streamlit's 18 × 20 px at 1920 px wide).
_CSS = f"""
<style>
[data-testid="stElementContainer"]:has(.gpo-a11y-script) {{ display: none; }}
#gpo-skip-link {{ position: absolute; left: -10000px; top: 0; z-index: 1000000; padding: 0.5rem 1rem;
  background: #ffffff; color: {FOCUS_COLOUR}; font-weight: 600; border: 3px solid {FOCUS_COLOUR}; }}
#gpo-skip-link:focus {{ left: 1rem; top: 1rem; }}
button:focus-visible, a:focus-visible, [role="radio"]:focus-visible, [tabindex]:focus-visible {{
  outline: 3px solid {FOCUS_COLOUR} !important; outline-offset: 2px; }}
[data-testid="stDateInput"] [role="spinbutton"] {{ display: inline-block; min-width: 24px; min-height: 24px;
  line-height: 24px; text-align: center; }}
</style>
"""


def accessibility_script() -> None:
    """The script and its CSS, once per run of dashboard.py (the script itself installs once per tab)."""
    st.html(_CSS)
    st.html(_SCRIPT, unsafe_allow_javascript=True)


def sidebar_menu(menu: dict[str, list]) -> None:
    """The pages of `menu` (section -> st.Page, as dashboard.pages_of builds it) as links in the sidebar, by section.

    Titles and icons come from the registry (navigation.PAGES) through the st.Page objects."""
    bar = st.sidebar
    for section, pages in menu.items():
        if section:
            bar.markdown(f"**{md_escape(section)}**")
        for page in pages:
            bar.page_link(page, width="stretch")  # the page's own title and icon (navigation.PAGES)


def show_statement() -> None:
    """The « Déclaration d'accessibilité » (report_tables.accessibility_statement): its page, and the login screen.
    GPO_ACCESSIBILITE_CONTACT gives the address users write to."""
    contact = (os.environ.get("GPO_ACCESSIBILITE_CONTACT") or "").strip()
    for section in statement([page.title for page in PAGES], contact or None):
        st.subheader(code_markdown(section.title), anchor=False)
        for paragraph in section.paragraphs:
            st.markdown(code_markdown(paragraph))
