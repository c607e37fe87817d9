"""Controlled vocabularies: the codes stored, the French label shown, the words people type.

Codes are English (they are stored and exported); labels are French (users read
them); synonyms are matched after `domain.text.fold`, so case, accents, hyphens
and punctuation never matter. A site adds its own synonyms in the settings file
(`config/synonymes.toml`, see `loaders.settings`) without touching this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.text import fold


@dataclass(frozen=True)
class Vocabulary:
    """One closed list: code -> French label, plus the typed forms that mean each code."""

    name: str
    labels: dict[str, str]
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def lookup_table(self, extra: dict[str, list[str]] | None = None) -> dict[str, str]:
        """Folded typed form -> code. Codes and labels always match themselves."""
        table: dict[str, str] = {}
        for code, label in self.labels.items():
            table[fold(code)] = code
            table[fold(label)] = code
            for word in self.synonyms.get(code, ()):
                table[fold(word)] = code
        for code, words in (extra or {}).items():
            if code in self.labels:
                for word in words:
                    table[fold(word)] = code
        return table

    def expected_text(self) -> str:
        """The list shown in an error message: « Ouvert », « En cours », …"""
        return ", ".join(f"« {label} »" for label in self.labels.values())


PROBLEM_STATUS = Vocabulary(
    "problem_status",
    {"open": "Ouvert", "in_progress": "En cours", "resolved": "Résolu", "dropped": "Abandonné"},
    {
        "open": ("ouverte", "nouveau", "nouvelle", "signalé", "signale", "à traiter", "non traité", "a faire"),
        "in_progress": ("en-cours", "commencé", "commence", "engagé", "engage", "en traitement", "suivi", "en suivi"),
        "resolved": ("résolue", "clos", "close", "clôturé", "clôturée", "cloture", "terminé", "terminée",
                     "traité", "traitée", "réglé", "réglée", "fait", "ok"),
        "dropped": ("abandonnée", "classé sans suite", "classée sans suite", "sans suite", "annulé", "annulée"),
    },
)

ACTION_STATUS = Vocabulary(
    "action_status",
    {"todo": "À faire", "in_progress": "En cours", "done": "Réalisée", "dropped": "Abandonnée"},
    {
        "todo": ("a faire", "non commencé", "non commencée", "non commence", "prévu", "prévue", "à lancer", "pas commencé"),
        "in_progress": ("en-cours", "commencé", "commencée", "engagé", "engagée", "en traitement"),
        "done": ("réalisé", "fait", "faite", "ok", "terminé", "terminée", "effectué", "effectuée", "clos", "close", "soldé", "soldée"),
        "dropped": ("abandonné", "classé sans suite", "classée sans suite", "sans suite", "annulé", "annulée"),
    },
)

MEETING_STATUS = Vocabulary(
    "meeting_status",
    {"planned": "Prévue", "held": "Tenue", "cancelled": "Annulée", "postponed": "Reportée"},
    {
        "planned": ("prévu", "programmée", "programmé", "planifiée", "planifié", "à venir", "a venir", "convoquée"),
        "held": ("tenu", "réalisée", "réalisé", "effectuée", "effectué", "faite", "fait", "ok", "a eu lieu"),
        "cancelled": ("annulé", "annulation"),
        "postponed": ("reporté", "repoussée", "repoussé", "décalée", "décalé"),
    },
)

MEETING_KIND = Vocabulary(
    "meeting_kind",
    {"constitutive": "Constitutive", "ordinary": "Ordinaire", "review": "Bilan", "extraordinary": "Extraordinaire"},
    {
        "constitutive": ("réunion constitutive", "constitution", "installation", "première réunion"),
        "ordinary": ("réunion ordinaire", "suivi", "point de suivi", "réunion de suivi", "gpo", "réunion gpo", "normale"),
        "review": ("réunion bilan", "bilan d'étape", "évaluation", "revue"),
        "extraordinary": ("exceptionnelle", "réunion exceptionnelle", "urgente", "réunion extraordinaire", "crise"),
    },
)

PRIORITY = Vocabulary(
    "priority",
    {"high": "Haute", "medium": "Moyenne", "low": "Basse"},
    {
        "high": ("élevée", "forte", "urgente", "urgent", "prioritaire", "1", "p1", "haut"),
        "medium": ("normale", "moyen", "2", "p2", "modérée"),
        "low": ("faible", "bas", "3", "p3", "basse priorité"),
    },
)

PARTNER_TYPE = Vocabulary(
    "partner_type",
    {
        "mairie": "Mairie",
        "police_municipale": "Police municipale",
        "police_nationale": "Police nationale",
        "bailleur": "Bailleur",
        "transporteur": "Transporteur",
        "securite_privee": "Sécurité privée",
        "education": "Éducation nationale",
        "association": "Association",
        "commerce": "Commerce",
        "autre": "Autre",
    },
    {
        "mairie": ("maire", "commune", "ville", "municipalité", "services techniques", "élu"),
        "police_municipale": ("pm", "police munic", "policiers municipaux"),
        "police_nationale": ("pn", "commissariat", "dgpn", "csp", "dspn", "ddsp"),
        "bailleur": ("bailleur social", "bailleurs", "office hlm", "hlm", "logement social"),
        "transporteur": ("transport", "transports", "réseau de transport", "sncf", "exploitant"),
        "securite_privee": ("sécurité privée", "société de sécurité", "securite", "gardiennage", "vigile"),
        "education": ("éducation", "établissement scolaire", "collège", "lycée", "école", "en"),
        "association": ("asso", "associations", "médiation", "médiateurs", "club de prévention"),
        "commerce": ("commerçants", "commerçant", "commerces", "union commerciale"),
        "autre": ("autres", "divers"),
    },
)

# Categories are an extendable list: the label itself is stored (it is what
# leadership reads on a chart); the settings file can add categories and words.
CATEGORY = Vocabulary(
    "category",
    {label: label for label in (
        "Nuisances sonores",
        "Rassemblements / occupation de halls",
        "Rodéos motorisés",
        "Trafic de stupéfiants",
        "Dégradations / incivilités",
        "Stationnement gênant",
        "Sécurité routière",
        "Cambriolages",
        "Vols",
        "Violences / rixes",
        "Éclairage / aménagement urbain",
        "Dépôts sauvages",
        "Autre",
    )},
    {
        "Nuisances sonores": ("bruit", "nuisances", "tapage", "tapage nocturne", "nuisance sonore"),
        "Rassemblements / occupation de halls": ("rassemblements", "rassemblement", "occupation de halls", "occupation des halls",
                                                 "occupation de hall", "regroupements", "attroupements", "squat de hall"),
        "Rodéos motorisés": ("rodéos", "rodéo", "rodeos urbains", "rodéo urbain", "rodéos urbains", "motos", "quads"),
        "Trafic de stupéfiants": ("stupéfiants", "stups", "drogue", "trafic", "deal", "point de deal"),
        "Dégradations / incivilités": ("dégradations", "incivilités", "dégradation", "incivilité", "tags", "vandalisme"),
        "Stationnement gênant": ("stationnement", "stationnement anarchique", "stationnement illicite"),
        "Sécurité routière": ("vitesse", "vitesse excessive", "circulation", "routière", "sécurité routiere"),
        "Cambriolages": ("cambriolage", "vols par effraction"),
        "Vols": ("vol", "vols à la roulotte", "vol à l'arraché"),
        "Violences / rixes": ("violences", "rixes", "rixe", "bagarres", "bagarre", "agressions"),
        "Éclairage / aménagement urbain": ("éclairage", "éclairage public", "aménagement urbain", "aménagement", "voirie"),
        "Dépôts sauvages": ("dépôt sauvage", "déchets", "encombrants", "dépôts d'ordures"),
        "Autre": ("autres", "divers"),
    },
)

# The cycle (domain.md, « The cycle »): where a problem stands in problem-oriented policing's SARA steps, and what
# the GPO's work changed once it is closed (the Problem Solver's Guide's impact scale, plus what a GPO also sees).
PROBLEM_STAGE = Vocabulary(
    "problem_stage",
    {"scanning": "Repérage", "analysis": "Analyse", "response": "Réponse", "assessment": "Évaluation"},
    {
        "scanning": ("repéré", "repérée", "identification", "identifié", "identifiée", "détection", "recensement",
                     "scanning", "1 repérage"),
        "analysis": ("en analyse", "analysé", "étude", "à l'étude", "en étude", "analysis", "2 analyse"),
        "response": ("réponses", "en réponse", "actions en cours", "mise en œuvre", "plan d'action", "traitement",
                     "response", "3 réponse"),
        "assessment": ("bilan", "à évaluer", "en évaluation", "évalué", "évaluée", "mesure des effets", "assessment",
                       "4 évaluation"),
    },
)

OUTCOME = Vocabulary(
    "outcome",
    {"eliminated": "Éliminé", "reduced": "Réduit", "less_harmful": "Moins grave", "better_handled": "Mieux traité",
     "handed_over": "Confié à un autre acteur", "no_effect": "Sans effet", "worse": "Aggravé"},
    {
        "eliminated": ("éliminée", "supprimé", "supprimée", "résolu définitivement", "résolue définitivement",
                       "disparu", "disparue", "éradiqué", "éradiquée", "plus de problème"),
        "reduced": ("réduite", "en baisse", "baisse", "diminué", "diminuée", "diminution", "atténué", "atténuée",
                    "moins fréquent", "moins fréquente"),
        "less_harmful": ("moins graves", "gravité réduite", "moins dangereux", "moins dangereuse", "moins nuisible"),
        "better_handled": ("mieux traitée", "mieux géré", "mieux gérée", "mieux pris en charge", "mieux prise en charge",
                           "meilleure prise en charge", "réponse améliorée"),
        "handed_over": ("confié", "confiée", "transféré", "transférée", "transmis", "transmise", "délégué", "déléguée",
                        "confié à un autre partenaire", "passé à un autre acteur"),
        "no_effect": ("aucun effet", "pas d'effet", "sans résultat", "inchangé", "inchangée", "sans changement",
                      "pas de changement", "stable"),
        "worse": ("pire", "aggravée", "aggravation", "en hausse", "hausse", "empiré", "dégradé", "dégradée"),
    },
)

YES_WORDS = ("oui", "o", "x", "présent", "présente", "présents", "1", "yes", "y", "vrai", "true", "p")
NO_WORDS = ("non", "n", "absent", "absente", "absents", "0", "no", "faux", "false", "a", "excusé", "excusée")

OPEN_PROBLEM_STATUSES = ("open", "in_progress")
OPEN_ACTION_STATUSES = ("todo", "in_progress")
CLOSED_PROBLEM_STATUSES = ("resolved", "dropped")
CADENCES = {"monthly": "Mensuelle", "fortnightly": "Tous les 15 jours"}
CADENCE_SYNONYMS = {
    "monthly": ("mensuelle", "mensuel", "mois", "tous les mois", "1 mois", "monthly"),
    "fortnightly": ("tous les 15 jours", "15 jours", "bimensuelle", "quinzaine", "fortnightly", "2 semaines", "toutes les deux semaines"),
}

VOCABULARIES = {v.name: v for v in (PROBLEM_STATUS, ACTION_STATUS, MEETING_STATUS, MEETING_KIND, PRIORITY, PARTNER_TYPE, CATEGORY,
                                     PROBLEM_STAGE, OUTCOME)}


_PARTNER_TABLE = PARTNER_TYPE.lookup_table()
# Words that name a partner's type inside its name: "Police municipale de Forbach", "Bailleur Vivest".
_PARTNER_NAME_HINTS = {
    "moselis": "bailleur", "batigere": "bailleur", "vivest": "bailleur", "sainte barbe habitat": "bailleur",
    "logiest": "bailleur", "metz habitat territoire": "bailleur", "le met": "transporteur", "forbus": "transporteur",
    "transdev": "transporteur", "tim": "transporteur", "college": "education", "lycee": "education",
    "ecole": "education", "education nationale": "education", "commissariat": "police_nationale",
}


def partner_type_of(name: str, table: dict[str, str] | None = None) -> str | None:
    """The partner type a name implies: its first words ("Mairie de …"), or a known organisation."""
    words = fold(name).split()
    lookup = table or _PARTNER_TABLE
    for n in (3, 2, 1):
        if len(words) >= n and (code := lookup.get(" ".join(words[:n]))):
            return code
    folded = " ".join(words)
    for hint, code in _PARTNER_NAME_HINTS.items():
        if f" {hint} " in f" {folded} ":
            return code
    return None
