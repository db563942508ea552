"""Schemathesis hooks for tests/marketplace/test_api_fuzz.py: what the OpenAPI schema can only say in words.

OpenAPI 3.0 describes each parameter alone. The rules that tie two parameters together are in the
descriptions, and the server answers 400 with a message when one is broken (tests/search cover those);
here they keep the fuzzer's *valid* requests valid, so that "valid data is accepted" stays checked on the rest.
"""

import schemathesis

_SEARCH = ("/api/v1/search/freelancers/", "/api/v1/search/projects/", "/api/v1/search/coworking/")


def _given(query: dict, name: str) -> bool:
    return query.get(name) not in (None, "")


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _breaks_a_search_rule(query: dict) -> bool:
    """`radius_km` and `sort=distance` need `near`; a minimum may not exceed its maximum."""
    if not _given(query, "near") and (_given(query, "radius_km") or query.get("sort") == "distance"):
        return True
    for low, high in (("rate_min", "rate_max"), ("budget_min", "budget_max")):
        low_value, high_value = _number(query.get(low)), _number(query.get(high))
        if low_value is not None and high_value is not None and low_value > high_value:
            return True
    return False


@schemathesis.hook
def filter_case(context, case):
    """Drop the valid-looking searches that break a rule between parameters (negative ones are kept)."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return True
    if case.operation.path in _SEARCH:
        return not _breaks_a_search_rule(case.query or {})
    return True


# The rules a service checks that no schema can state: between fields, against the current state or today's
# date, on a file's contents. A valid-looking request refused *only* for these is the rule working; any other
# refusal (a required field the schema calls optional, a type it allows, a length it permits) still fails.
RULES_BEYOND_THE_SCHEMA = [
    # Between fields
    "Indiquez un budget, ou choisissez « À discuter ».",
    "Le budget minimum ne peut pas dépasser le budget maximum.",
    "La date de fin doit suivre la date de début.",  # « Mes livres »: the CSV's period, `to` before `from`
    "Indiquez une municipalité, ou précisez que le travail peut se faire à distance.",
    "Indiquez à partir de quelle date vous êtes disponible.",
    "Le message est vide.",
    "Choisissez au moins un collègue à recommander.",  # « pas disponible — je recommande… » names colleagues
    "Indiquez l'adresse courriel ou le profil du pigiste à inviter.",  # a collective's invitation: one of the two
    "Vous pouvez recommander au plus",
    "Indiquez un délai de livraison en jours ou une date.",
    "Indiquez le nombre d'heures estimé pour un taux horaire.",
    "Le total estimé ne peut pas dépasser 10 000 000 $.",
    "Le détail des coûts totalise",
    # A coworking space's point: both coordinates or neither; its municipality must exist; its links must be real.
    "Donnez la latitude et la longitude, ou aucune des deux.",
    "Entrez une adresse courriel valide.",
    "Entrez l'adresse d'un site web (https://…).",
    "Au plus deux décimales (les cents).",  # a float the fuzzer meant as a multiple of 0.01
    # Events: between fields (a place or a link; the end after the start; the deadline before the start)
    "Indiquez une municipalité (et une adresse) ou un lien en ligne.",
    "La fin vient après le début.",
    "Un événement dure deux semaines au plus.",
    "La date limite d'inscription vient avant le début.",
    "Les places d'une cohorte se règlent dans la cohorte, pas par événement.",
    "personnes sont déjà inscrites",
    "Un événement se planifie dans le futur.",
    # Against today's date
    "L'échéance ne peut pas être dans le passé.",
    "La date limite des soumissions ne peut pas être dans le passé.",
    "Le début souhaité ne peut pas être dans le passé.",
    "Cette date est déjà passée.",
    # « Disponible entre … et … »: from today (the start's default) to a year ahead
    "La fin de la période est avant son début.",
    "Choisissez un début de période dans les 12 prochains mois.",
    # A booked week: a Monday, from the current week to a year ahead
    "n'est pas un lundi : une semaine se réserve par son lundi.",
    "est déjà passée : elle ne peut plus être réservée.",
    "semaines : réservez-la plus tard.",
    "La date de livraison ne peut pas être dans le passé.",
    # An invoice's payment: paid or received between the invoice date and today
    "La date ne peut pas précéder la date de la facture",
    "La date ne peut pas être dans le futur.",
    # Invoices (helper 2): both tax numbers or neither; billing details first; the due date from today to a
    # year ahead; the lines' product and total within the columns; cents at most (a float meant as 0.01's multiple)
    "entrez aussi votre numéro de TVQ",
    "entrez aussi votre numéro de TPS",
    "Entrez d'abord vos coordonnées de facturation",
    "/mon-compte/facturation/",  # that refusal's `action_url`: where to fill them
    "L'échéance ne peut pas précéder la date de la facture.",
    "L'échéance doit tomber dans l'année qui suit la facture.",
    "Le total de la facture est trop grand.",
    "Montant trop grand.",
    "Prix invalide (au cent près",
    "Quantité invalide (deux décimales au plus).",
    # Against the rows that exist, or who asks
    "Choisissez un collectif dont vous êtes membre.",  # a joint quote names a collective the sender belongs to
    "Cette municipalité n'existe pas.",
    "Municipalité inconnue : choisissez-la dans la liste.",  # a search's `near`, the map's `lieu`
    "MRC inconnue : choisissez-la dans la liste.",
    # Groups: the MRC and the municipality must exist and agree; an invitee must be a member of the site.
    "Cette MRC n'existe pas.",
    "Cette municipalité n'est pas dans la MRC choisie.",
    "Aucun membre n'a ce courriel.",
    "n'a pas de profil de pigiste public : on ne peut pas le recommander.",
    "Choisissez une autre personne pour cette conversation.",
    "Vous ne pouvez pas vous écrire à vous-même.",  # a peer conversation with one's own user id
    "Dites si le client vous a payé comme convenu (oui, en retard ou non).",
    # A skill's name must hold a letter or a digit once normalised (« – » is no skill)
    "n'est pas une compétence valide.",
    "10 documents au maximum par projet",
    # Credentials that don't exist (schemathesis itself allows this 400 on an operation that grants a token)
    "Adresse courriel ou mot de passe incorrect.",
    # Amounts: above zero, at most the maximum, cents at most
    "Le montant doit être supérieur à 0 $.",
    "Le montant ne peut pas dépasser 10 000 000 $.",
    "Le montant a au plus deux décimales.",
    "Le montant d'un poste doit être supérieur à 0 $.",
    "Le montant d'un poste ne peut pas dépasser 10 000 000 $.",
    "Le montant d'un poste a au plus deux décimales.",
    "Le nombre d'heures va de 0,5 à 10 000.",
    "Le taux horaire doit être plus grand que 0 $",
    "Le taux horaire ne peut pas dépasser 1 000 $ de l'heure.",
    "Deux décimales au maximum.",
    # A file's contents and size
    "Seules les images (JPEG, PNG, WebP) et les PDF sont acceptés.",
    "Une pièce jointe est vide.",
    "Une pièce jointe dépasse 10 Mo.",
    "Ce fichier n'est pas une image valide.",
    "Le fichier est vide.",
    "Ce fichier est trop volumineux",
    "Cette image est trop grande",
    # Against what the member already has, or who they are (their profile, their e-mail, their quota)
    "images au maximum par réalisation.",
    "réalisations au maximum dans un portfolio.",
    "photos au maximum par espace.",  # a coworking space's photos, counting those it has
    "Créez d'abord votre profil de pigiste.",
    "Votre espace de stockage est plein",
    "Tapez exactement votre adresse courriel pour confirmer la suppression.",
]


def _messages(body) -> list[str]:
    if isinstance(body, str):
        return [body]
    if isinstance(body, list):
        return [message for item in body for message in _messages(item)]
    if isinstance(body, dict):
        return [message for value in body.values() for message in _messages(value)]
    return []


def _nothing_was_negated(case) -> bool:
    """A "negative" case whose only description is "positive test case": no component of it was made invalid.

    Seen in the stateful phase, where a step takes its ids from the previous answer (links) and sends what is
    in fact a valid request (one image added to a portfolio item); accepting it is right, not a failure.
    """
    data = getattr(getattr(case.meta, "phase", None), "data", None)
    return "positive test case" in str(getattr(data, "description", "") or "").lower() and not getattr(
        data, "mutations", None
    )


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Keep every failure except a valid-looking request refused (400) only by rules beyond the schema."""
    if type(failure).__name__ == "AcceptedNegativeData" and _nothing_was_negated(case):
        return False
    if type(failure).__name__ != "RejectedPositiveData" or response.status_code != 400:
        return True
    try:
        messages = _messages(response.json())
    except ValueError:
        return True
    return not messages or not all(
        any(rule.rstrip(".") in message for rule in RULES_BEYOND_THE_SCHEMA) for message in messages
    )
