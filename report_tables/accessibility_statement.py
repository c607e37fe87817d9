"""The « Déclaration d'accessibilité » (RGAA), in French, on the official model's plan: commitment, state of
compliance, test results, what is not accessible and why, how it was established, contact, remedies.

Pure: the pages checked come from the page registry (the caller passes their titles), so the statement names what
the tests run. What was checked and with which tool is written here once; `tests/test_accessibility.py` asserts
these facts (the axe-core version bundled by the pinned axe-playwright-python, the sizes, the pages).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from domain.formatting import fr_date
from domain.safe_text import CodeMarkdown, code_markdown, md_escape

RGAA_VERSION = "4.1.2"
AXE_CORE_VERSION = "4.12.1"  # bundled by axe-playwright-python (requirements-dev.txt)
AXE_PLAYWRIGHT_VERSION = "0.1.8"
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")  # the rules run: WCAG 2.0, 2.1, 2.2, levels A, AA
BLOCKING_IMPACTS = ("serious", "critical")  # a violation of these fails the tests
SCREEN_SIZES = ("1920 × 1080", "1366 × 768")
ESTABLISHED_ON = dt.date(2026, 11, 26)
CONTACT_PLACEHOLDER = "[à compléter : adresse électronique du référent accessibilité de la direction départementale]"


@dataclass(frozen=True)
class Section:
    title: CodeMarkdown
    paragraphs: tuple[CodeMarkdown, ...]  # Markdown written here, one paragraph or list per item


def statement(page_titles: list[str], contact: str | None = None) -> list[Section]:
    """The declaration's sections. `page_titles`: every page of the registry, in menu order; `contact`: the
    address users write to (GPO_ACCESSIBILITE_CONTACT), else a placeholder to complete. Both are escaped here: the
    sections are Markdown to show as is."""
    pages = "\n".join(f"- {md_escape(title)}" for title in page_titles)
    contact = md_escape(contact) if contact else None
    return [Section(code_markdown(s.title), tuple(code_markdown(p) for p in s.paragraphs)) for s in _sections(pages, contact)]


def _sections(pages: str, contact: str | None) -> list[Section]:
    return [
        Section("Engagement", (
            "La direction départementale de la sécurité publique s'engage à rendre ses sites internet, intranet, "
            "extranet et ses progiciels accessibles conformément à l'article 47 de la loi n° 2005-102 du 11 février "
            "2005. Cette déclaration d'accessibilité s'applique au **tableau de bord des GPO** (police de sécurité du "
            "quotidien).",
        )),
        Section("État de conformité", (
            f"Le tableau de bord des GPO est **non conforme** avec le référentiel général d'amélioration de "
            f"l'accessibilité (RGAA), version {RGAA_VERSION} : aucun audit complet des critères n'a encore été "
            "réalisé. Les vérifications décrites ci-dessous sont refaites automatiquement à chaque exécution des "
            "tests du logiciel, et les non-conformités connues sont énumérées plus bas.",
        )),
        Section("Résultats des tests", (
            f"Chaque page est ouverte dans un vrai navigateur (Chromium, fenêtre de {SCREEN_SIZES[0]}) et contrôlée "
            f"avec **axe-core "
            f"{AXE_CORE_VERSION}** (règles WCAG 2.0, 2.1 et 2.2, niveaux A et AA) : **aucune anomalie grave ou "
            "critique** n'est tolérée. Pages contrôlées :\n\n" + pages,
            f"Sont aussi contrôlées, une à une, en mode écran (plein écran, sans menu, {SCREEN_SIZES[1]}), "
            "**chaque diapositive du mode "
            "réunion** (l'ordre du jour d'un GPO) et **chaque diapositive de l'écran de direction** (chiffres clés, "
            "carte, puis un GPO par diapositive, pour une CSP).",
            "**Clavier seul** : le mode réunion se parcourt sans souris (touche Tab jusqu'aux boutons Précédent, "
            "Pause, Suivant, touche Entrée, ou flèches gauche et droite, ou les touches Page précédente et Page "
            "suivante d'une télécommande de présentation) ; l'élément qui a le focus est toujours entouré d'un trait "
            "bleu foncé. Un lien « Aller au contenu », premier élément atteint au clavier, évite le menu.",
            "**Équivalents textuels** : la carte est suivie d'une phrase qui dit ce qu'elle montre et du tableau des "
            "mêmes chiffres (secteur, indicateur, CSP ; par CSP au-delà de 60 secteurs) ; chaque graphique est suivi "
            "d'une phrase calculée à partir des mêmes données (totaux, valeurs les plus fortes, extrêmes).",
            "**Couleurs et langue** : textes et légendes contrastés au moins à 4,5:1 sur le fond (contrôlé par "
            "axe-core) ; graphiques dans une palette lisible par les personnes daltoniennes (Okabe et Ito). La langue "
            "de la page est déclarée en français.",
        )),
        Section("Contenus non accessibles", (
            "**Non-conformités connues**, dues au cadre logiciel Streamlit, qui dessine l'interface :",
            "- Streamlit écrit en anglais les libellés destinés aux lecteurs d'écran de ses propres commandes "
            "(« Open », « Help for … », « Sidebar »…) : l'application les remplace par du français dans le navigateur, "
            "mais un libellé ajouté par une version ultérieure de Streamlit resterait en anglais jusqu'à sa "
            "traduction (critère 8.7) ;\n"
            "- les tableaux de données sont dessinés dans une grille interactive (« canvas ») que Streamlit double "
            "d'une structure pour les technologies d'assistance ; leur restitution n'a pas été vérifiée avec un "
            "lecteur d'écran ;\n"
            "- les graphiques et la carte ne sont pas lisibles par un lecteur d'écran en eux-mêmes : leur contenu est "
            "donné par la phrase et le tableau qui les suivent (voir ci-dessus) ;\n"
            "- le dossier de réunion (PDF) n'est pas un PDF balisé : son contenu est celui du mode réunion, "
            "accessible en ligne (critère 13.3) ;\n"
            "- la session se ferme après la durée fixée par l'administrateur (8 heures par défaut) sans proposer de "
            "la prolonger (critère 13.1) ; les écrans de réunion restent connectés grâce à leur jeton.",
            "**Non vérifié** : aucun test n'a encore été fait avec un lecteur d'écran (NVDA, JAWS, VoiceOver) ni "
            "par des utilisateurs en situation de handicap ; axe-core ne détecte qu'une partie des critères du RGAA.",
            "**Dérogations pour charge disproportionnée** : aucune. **Contenus non soumis à l'obligation "
            "d'accessibilité** : aucun.",
        )),
        Section("Établissement de cette déclaration", (
            f"Cette déclaration a été établie le {fr_date(ESTABLISHED_ON)}. Technologies utilisées : HTML, CSS, "
            "JavaScript (Streamlit). Environnement de test : Chromium (paquet Debian) piloté par Playwright, sans "
            f"accès à Internet. Outils : axe-core {AXE_CORE_VERSION} (paquet axe-playwright-python "
            f"{AXE_PLAYWRIGHT_VERSION}), tests au clavier automatisés, captures d'écran relues aux tailles "
            f"{' et '.join(SCREEN_SIZES)}.",
        )),
        Section("Retour d'information et contact", (
            "Si vous n'arrivez pas à accéder à un contenu ou à un service, vous pouvez contacter le responsable du "
            "tableau de bord pour être orienté vers une alternative accessible ou obtenir le contenu sous une autre "
            "forme : " + (contact or CONTACT_PLACEHOLDER) + ".",
        )),
        Section("Voies de recours", (
            "Si vous constatez un défaut d'accessibilité vous empêchant d'accéder à un contenu ou une fonctionnalité, "
            "que vous nous le signalez et que vous ne parvenez pas à obtenir une réponse de notre part, vous êtes en "
            "droit de faire parvenir vos doléances ou une demande de saisine au Défenseur des droits :",
            "- écrire un message au Défenseur des droits (formulaire en ligne sur defenseurdesdroits.fr) ;\n"
            "- contacter le délégué du Défenseur des droits dans votre région ;\n"
            "- envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, "
            "Libre réponse 71120, 75342 Paris CEDEX 07.",
        )),
    ]
