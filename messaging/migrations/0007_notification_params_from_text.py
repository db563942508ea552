"""Notifications written before `params` held their text in French: recognise it, keep only its parameters.

Each French title (and body, where it is fixed) the services wrote is matched against its pattern; a
row that matches gets its kind's parameters and loses the French words, so an English reader sees
it in English. A row that matches nothing (edited by hand, written in another language, or a text
we never had) keeps its words: it stays readable as it was.

Self-contained on purpose: a migration must not import code that later changes.
"""

import re

from django.db import migrations

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_MONTHS = {
    name: number
    for number, name in enumerate(
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(), start=1
    )
}


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text or "").strip()


def _titled(prefix: str):
    return re.compile(r"^" + prefix + r" « (?P<title>.+) »$", re.DOTALL)


TITLES = {
    "quote_received": [(_titled("Nouvelle soumission pour"), {}), (_titled("Soumission révisée pour"), {"revised": True})],
    "quote_declined": [(_titled("Soumission refusée :"), {})],
    "revision_requested": [(_titled("Révision demandée :"), {})],
    "quote_accepted": [(_titled("Votre soumission est acceptée :"), {})],
    "invitation": [(_titled("Demande de soumission :"), {})],
    "awarded_elsewhere": [(_titled("Projet attribué à un autre pigiste :"), {})],
    "project_closed": [(_titled("Projet annulé :"), {"cause": "cancelled"}), (_titled("Projet fermé :"), {"cause": "no_decision"})],
    "decision_reminder": [(_titled("Décision attendue :"), {})],
    "review_received": [(_titled("Nouvelle évaluation :"), {})],
    "saved_search_match": [
        (re.compile(r"^Nouveau projet \((?P<name>.*)\) : (?P<title>.+)$", re.DOTALL), {}),
        (re.compile(r"^(?P<count>\d+) nouveaux? projets? \((?P<name>.*)\)$", re.DOTALL), {}),
    ],
}

ACCEPTED = "Félicitations ! Le client vous confie le projet. Entrez en contact pour la suite."
AWARDED_ELSEWHERE = "Le client a retenu une autre soumission. Merci d'avoir soumissionné."
CANCELLED = "Le client a annulé ce projet. Merci d'avoir soumissionné."
CLOSED = "Le client n'a pas choisi de soumission à temps ; le projet est fermé. Merci d'avoir soumissionné."
NO_REASON = "Le client n'a pas donné de raison."
INVITED = "Un client vous invite à soumissionner sur son projet."
REMINDER = re.compile(
    r"^La période de soumissions est terminée\. Choisissez une soumission ou répondez aux pigistes : "
    r"sans décision, le projet sera fermé le (?P<day>\d{1,2}) (?P<month>[a-zéû]+) (?P<year>\d{4})\.$"
)


def _params_from_body(kind: str, found: dict, body: str, raw_body: str) -> dict | None:
    """The parameters the body adds, or None when the body is not the one this kind's text had."""
    if kind == "quote_received":
        ending = " a révisé sa soumission." if found.get("revised") else " vous a envoyé une soumission."
        if not body.endswith(ending):
            return None
        return {"name": body[: -len(ending)]}
    if kind == "quote_declined":
        if body == NO_REASON:
            return {}
        prefix = "Raison donnée par le client : "
        if not body.startswith(prefix):
            return None
        # The client's own words, kept exactly as written (line breaks too).
        return {"reason": raw_body.split(":", 1)[1].lstrip()}
    if kind == "revision_requested":
        return {"note": raw_body}
    if kind == "invitation":
        return {} if body == INVITED else {"message": raw_body}
    if kind == "quote_accepted":
        return {} if body == ACCEPTED else None
    if kind == "awarded_elsewhere":
        return {} if body == AWARDED_ELSEWHERE else None
    if kind == "project_closed":
        expected = CANCELLED if found.get("cause") == "cancelled" else CLOSED
        return {} if body == expected else None
    if kind == "decision_reminder":
        match = REMINDER.match(body)
        month = _MONTHS.get(match.group("month")) if match else None
        if month is None:
            return None
        return {"close_on": f"{int(match.group('year')):04d}-{month:02d}-{int(match.group('day')):02d}"}
    if kind == "review_received":
        match = re.match(r"^(?P<name>.+) vous a donné (?P<rating>[1-5])/5\.$", body, re.DOTALL)
        return {"name": match.group("name"), "rating": int(match.group("rating"))} if match else None
    if kind == "saved_search_match":
        if "count" in found:
            return {"count": int(found["count"]), "titles": [raw_body]} if raw_body else None
        return {"description": raw_body}
    return None


def legacy_params(kind: str, title: str, body: str) -> dict | None:
    """The parameters of one legacy notification, or None when its French text is not recognised."""
    title_n, body_n = _norm(title), _norm(body)
    for pattern, fixed in TITLES.get(kind, []):
        match = pattern.match(title_n)
        if match is None:
            continue
        found = {**fixed, **{key: value for key, value in match.groupdict().items() if value is not None}}
        extra = _params_from_body(kind, found, body_n, (body or "").strip())
        if extra is None:
            continue
        params = {**found, **extra}
        if "count" in params:
            params["count"] = int(params["count"])
        return params
    return None


def forwards(apps, schema_editor):
    Notification = apps.get_model("messaging", "Notification")
    # Every row has a title until now; `params` were just added, empty.
    rows = Notification.objects.exclude(title="").only("pk", "kind", "title", "body")
    changed = []
    for notification in rows.iterator(chunk_size=2000):
        params = legacy_params(notification.kind, notification.title, notification.body)
        if params is None:
            continue
        notification.params, notification.title, notification.body = params, "", ""
        changed.append(notification)
        if len(changed) >= 2000:
            Notification.objects.bulk_update(changed, ["params", "title", "body"])
            changed = []
    if changed:
        Notification.objects.bulk_update(changed, ["params", "title", "body"])


def _french(kind: str, p: dict) -> tuple[str, str]:
    """The French words a notification with these parameters had before 0006."""
    title = p.get("title", "")
    if kind == "quote_received":
        if p.get("revised"):
            return f"Soumission révisée pour « {title} »", f"{p.get('name', '')} a révisé sa soumission."
        return f"Nouvelle soumission pour « {title} »", f"{p.get('name', '')} vous a envoyé une soumission."
    if kind == "quote_declined":
        reason = p.get("reason")
        return f"Soumission refusée : « {title} »", f"Raison donnée par le client : {reason}" if reason else NO_REASON
    if kind == "revision_requested":
        return f"Révision demandée : « {title} »", p.get("note", "")
    if kind == "quote_accepted":
        return f"Votre soumission est acceptée : « {title} »", ACCEPTED
    if kind == "invitation":
        return f"Demande de soumission : « {title} »", p.get("message") or INVITED
    if kind == "awarded_elsewhere":
        return f"Projet attribué à un autre pigiste : « {title} »", AWARDED_ELSEWHERE
    if kind == "project_closed":
        if p.get("cause") == "cancelled":
            return f"Projet annulé : « {title} »", CANCELLED
        return f"Projet fermé : « {title} »", CLOSED
    if kind == "decision_reminder":
        return f"Décision attendue : « {title} »", ""
    if kind == "review_received":
        return f"Nouvelle évaluation : « {title} »", f"{p.get('name', '')} vous a donné {p.get('rating', '')}/5."
    if kind == "saved_search_match":
        if "count" in p:
            return f"{p['count']} nouveaux projets ({p.get('name', '')})", ", ".join(p.get("titles") or [])
        return f"Nouveau projet ({p.get('name', '')}) : {title}", p.get("description", "")
    return kind, ""


def backwards(apps, schema_editor):
    """Write the French words back: the schema before 0006 had nothing else to show."""
    Notification = apps.get_model("messaging", "Notification")
    for notification in Notification.objects.filter(title=""):
        if not notification.params:
            continue
        title, body = _french(notification.kind, notification.params)
        notification.title, notification.body = title[:200], body
        notification.save(update_fields=["title", "body"])


class Migration(migrations.Migration):
    dependencies = [("messaging", "0006_notification_params")]

    operations = [migrations.RunPython(forwards, backwards)]
