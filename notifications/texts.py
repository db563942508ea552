"""The one function that words a notification: `notification_text`, in the reader's language.

A notification stores its kind and the parameters of its text (a project's title, a person's name, the
client's own words), never the text: the words are written in the reader's language each time one is
shown, on the page, in the e-mail, in the socket frame and in the data export.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import NamedTuple

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.common.money import format_money
from notifications.models import Notification, NotificationKind


class NotificationText(NamedTuple):
    title: str
    body: str


class _Missing(Exception):
    """A parameter the kind's text needs is absent or unusable."""


class _Params:
    def __init__(self, params):
        self._params = params if isinstance(params, Mapping) else {}

    def text(self, name: str, *, required: bool = True) -> str:
        value = self._params.get(name)
        if value is None or value == "" or isinstance(value, dict | list):
            if required:
                raise _Missing(name)
            return ""
        return str(value)

    def number(self, name: str) -> int:
        try:
            return int(self._params[name])
        except (KeyError, TypeError, ValueError):
            raise _Missing(name) from None

    def date(self, name: str) -> str:
        try:
            day = datetime.date.fromisoformat(str(self._params[name]))
        except (KeyError, ValueError):
            raise _Missing(name) from None
        return date_format(day)  # DATE_FORMAT: "25 novembre 2026", "November 25, 2026"

    def texts(self, name: str) -> list[str]:
        value = self._params.get(name)
        if not isinstance(value, list) or not value:
            raise _Missing(name)
        return [str(item) for item in value]

    def flag(self, name: str) -> bool:
        return bool(self._params.get(name))

    def has(self, name: str) -> bool:
        return name in self._params


def _quote_received(p: _Params) -> NotificationText:
    if p.flag("revised"):
        return NotificationText(
            _("Soumission révisée pour « {title} »").format(title=p.text("title")),
            _("{name} a révisé sa soumission.").format(name=p.text("name")),
        )
    return NotificationText(
        _("Nouvelle soumission pour « {title} »").format(title=p.text("title")),
        _("{name} vous a envoyé une soumission.").format(name=p.text("name")),
    )


def _quote_declined(p: _Params) -> NotificationText:
    reason = p.text("reason", required=False)
    return NotificationText(
        _("Soumission refusée : « {title} »").format(title=p.text("title")),
        _("Raison donnée par le client : {reason}").format(reason=reason)
        if reason
        else _("Le client n'a pas donné de raison."),
    )


def _revision_requested(p: _Params) -> NotificationText:
    return NotificationText(
        _("Révision demandée : « {title} »").format(title=p.text("title")), p.text("note", required=False)
    )


def _quote_accepted(p: _Params) -> NotificationText:
    return NotificationText(
        _("Votre soumission est acceptée : « {title} »").format(title=p.text("title")),
        _("Félicitations ! Le client vous confie le projet. Entrez en contact pour la suite."),
    )


def _invitation(p: _Params) -> NotificationText:
    return NotificationText(
        _("Demande de soumission : « {title} »").format(title=p.text("title")),
        p.text("message", required=False) or _("Un client vous invite à soumissionner sur son projet."),
    )


def _awarded_elsewhere(p: _Params) -> NotificationText:
    return NotificationText(
        _("Projet attribué à un autre pigiste : « {title} »").format(title=p.text("title")),
        _("Le client a retenu une autre soumission. Merci d'avoir soumissionné."),
    )


def _project_closed(p: _Params) -> NotificationText:
    if p.text("cause", required=False) == "cancelled":
        return NotificationText(
            _("Projet annulé : « {title} »").format(title=p.text("title")),
            _("Le client a annulé ce projet. Merci d'avoir soumissionné."),
        )
    return NotificationText(
        _("Projet fermé : « {title} »").format(title=p.text("title")),
        _("Le client n'a pas choisi de soumission à temps ; le projet est fermé. Merci d'avoir soumissionné."),
    )


def _decision_reminder(p: _Params) -> NotificationText:
    return NotificationText(
        _("Décision attendue : « {title} »").format(title=p.text("title")),
        _(
            "La période de soumissions est terminée. Choisissez une soumission ou répondez aux pigistes : "
            "sans décision, le projet sera fermé le {date}."
        ).format(date=p.date("close_on")),
    )


def _review_received(p: _Params) -> NotificationText:
    return NotificationText(
        _("Nouvelle évaluation : « {title} »").format(title=p.text("title")),
        _("{name} vous a donné {rating}/5.").format(name=p.text("name"), rating=p.number("rating")),
    )


def _reviews_published(p: _Params) -> NotificationText:
    """Both sides' blind reviews appeared together: the rating received, unless moderation hid that review."""
    title = _("Évaluations publiées : « {title} »").format(title=p.text("title"))
    if p.has("rating"):
        return NotificationText(
            title,
            _("Vos deux évaluations sont maintenant visibles. {name} vous a donné {rating}/5.").format(
                name=p.text("name"), rating=p.number("rating")
            ),
        )
    return NotificationText(title, _("Vos deux évaluations sont maintenant visibles."))


def _saved_search_match(p: _Params) -> NotificationText:
    if p.has("count"):
        # The daily digest of one saved search: how many new projects, the first titles.
        count = p.number("count")
        return NotificationText(
            ngettext("%(count)s nouveau projet (%(name)s)", "%(count)s nouveaux projets (%(name)s)", count)
            % {"count": count, "name": p.text("name")},
            ", ".join(p.texts("titles")),
        )
    return NotificationText(
        _("Nouveau projet (%(name)s) : %(title)s") % {"name": p.text("name"), "title": p.text("title")},
        p.text("description", required=False),
    )


def _invitation_answered(p: _Params) -> NotificationText:
    answer, name, title = p.text("answer"), p.text("name"), p.text("title")
    if answer == "accepted":
        return NotificationText(
            _("{name} va soumissionner : « {title} »").format(name=name, title=title),
            _("{name} a accepté votre demande de soumission.").format(name=name),
        )
    if answer == "unavailable":
        colleagues = p.texts("colleagues")
        return NotificationText(
            _("{name} n'est pas disponible : « {title} »").format(name=name, title=title),
            ngettext(
                "{name} vous recommande un·e collègue : {colleagues}. Vous pouvez l'inviter en un clic depuis votre projet.",
                "{name} vous recommande des collègues : {colleagues}. Vous pouvez les inviter en un clic depuis votre projet.",
                len(colleagues),
            ).format(name=name, colleagues=", ".join(colleagues)),
        )
    reason = p.text("reason", required=False)
    return NotificationText(
        _("{name} décline : « {title} »").format(name=name, title=title),
        _("Raison donnée : {reason}").format(reason=reason) if reason else _("Aucune raison donnée."),
    )


def _recommended(p: _Params) -> NotificationText:
    name, note = p.text("name"), p.text("note", required=False)
    body = _("{name} vous recommande pour ce projet.").format(name=name)
    if note:
        body = _("{name} vous recommande pour ce projet : « {note} »").format(name=name, note=note)
    if p.flag("invite_only"):
        body += " " + _("Le projet est sur invitation : vous pourrez soumissionner quand le client vous invitera.")
    return NotificationText(_("Un·e collègue vous recommande : « {title} »").format(title=p.text("title")), body)


def _project_match(p: _Params) -> NotificationText:
    collective = p.text("collective", required=False)
    if collective:
        # Told to a collective's admins (search/matching.py).
        return NotificationText(
            _("Nouveau projet pour votre collectif « {collective} » : « {title} »").format(
                collective=collective, title=p.text("title")
            ),
            _("Ce projet correspond aux compétences des membres de votre collectif et à sa région. Soumissionnez !"),
        )
    place = p.text("place", required=False)
    if place:
        title = _("Nouveau projet près de chez vous : « {title} » ({place})").format(title=p.text("title"), place=place)
    else:
        title = _("Nouveau projet pour vous : « {title} »").format(title=p.text("title"))
    return NotificationText(
        title, _("Ce projet correspond à vos compétences, à votre région et à vos disponibilités. Soumissionnez !")
    )


def _coworking_approved(p: _Params) -> NotificationText:
    return NotificationText(
        _("Espace de travail approuvé : « {name} »").format(name=p.text("name")),
        _("L'espace que vous avez proposé est maintenant dans le répertoire des espaces de travail partagés."),
    )


def _collective_invitation(p: _Params) -> NotificationText:
    return NotificationText(
        _("Invitation à rejoindre « {collective} »").format(collective=p.text("collective")),
        _("{name} vous invite à rejoindre le collectif. Acceptez ou déclinez dans « Mes collectifs ».").format(
            name=p.text("name")
        ),
    )


def _collective_joined(p: _Params) -> NotificationText:
    return NotificationText(
        _("Nouveau membre dans « {collective} »").format(collective=p.text("collective")),
        _("{name} a accepté votre invitation et fait maintenant partie du collectif.").format(name=p.text("name")),
    )


def _group_invitation(p: _Params) -> NotificationText:
    return NotificationText(
        _("Invitation au groupe « {group} »").format(group=p.text("group")),
        _("{name} vous invite à rejoindre le groupe. Acceptez ou déclinez sur la page du groupe.").format(
            name=p.text("name")
        ),
    )


def _group_request(p: _Params) -> NotificationText:
    # To the organisers: someone asks to join. To the one who asked: the organisers' answer.
    answer, group = p.text("answer", required=False), p.text("group")
    if answer == "accepted":
        return NotificationText(
            _("Bienvenue dans « {group} »").format(group=group),
            _("Votre demande d'adhésion est acceptée : vous pouvez lire et écrire au babillard du groupe."),
        )
    if answer == "refused":
        return NotificationText(
            _("Demande refusée : « {group} »").format(group=group),
            _("Les organisateurs du groupe n'ont pas accepté votre demande d'adhésion."),
        )
    return NotificationText(
        _("Demande d'adhésion à « {group} »").format(group=group),
        _("{name} demande à rejoindre le groupe. Acceptez ou refusez sur la page du groupe.").format(
            name=p.text("name")
        ),
    )


def _joint_quote_assigned(p: _Params) -> NotificationText:
    return NotificationText(
        _("Soumission commune : « {title} »").format(title=p.text("title")),
        _("{collective} vous assigne des postes dans sa soumission commune sur ce projet.").format(
            collective=p.text("collective")
        ),
    )


def _event_cancelled(p: _Params) -> NotificationText:
    # The event a member holds a seat (or a place in line) for is off.
    title, date = p.text("title"), p.date("date")
    cohort = p.text("cohort", required=False)
    if cohort:
        body = _(
            "La rencontre du {date} est annulée. Votre inscription à la cohorte « {cohort} » vaut toujours pour les autres rencontres."
        ).format(date=date, cohort=cohort)
    elif p.flag("waiting"):
        body = _(
            "Les organisateurs ont annulé l'événement du {date} : la liste d'attente où vous étiez n'a plus cours."
        ).format(date=date)
    else:
        body = _("Les organisateurs ont annulé l'événement du {date}. Il disparaît de votre agenda.").format(date=date)
    return NotificationText(_("Événement annulé : « {title} »").format(title=title), body)


def _event_registered(p: _Params) -> NotificationText:
    title = p.text("title")
    if p.flag("waiting"):
        return NotificationText(
            _("Liste d'attente : « {title} »").format(title=title),
            _(
                "C'est complet : vous êtes sur la liste d'attente. Si une place se libère, elle est à vous et nous vous avisons."
            ),
        )
    if p.has("date"):
        body = _("Votre place est réservée. Rendez-vous le {date}.").format(date=p.date("date"))
    else:
        body = _("Votre place est réservée.")
    return NotificationText(_("Inscription confirmée : « {title} »").format(title=title), body)


def _event_promoted(p: _Params) -> NotificationText:
    title = p.text("title")
    if p.flag("cohort"):
        body = _("Vous passez de la liste d'attente aux inscrit·e·s de la cohorte, pour toute la série de rencontres.")
    else:
        body = _("Vous passez de la liste d'attente aux inscrit·e·s.")
    if p.has("date"):
        body += " " + _("Rendez-vous le {date}.").format(date=p.date("date"))
    return NotificationText(_("Une place s'est libérée : « {title} »").format(title=title), body)


def _event_reminder(p: _Params) -> NotificationText:
    place = p.text("place", required=False)
    when = _("demain, le {date} à {time}").format(date=p.date("date"), time=p.text("time"))
    if place:
        body = _("C'est {when}, à cette adresse : {place}.").format(when=when, place=place)
    elif p.flag("online"):
        body = _("C'est {when}, en ligne : le lien est sur la page de l'événement.").format(when=when)
    else:
        body = _("C'est {when}.").format(when=when)
    return NotificationText(_("Rappel : « {title} » demain").format(title=p.text("title")), body)


def _engagement_opened(p: _Params) -> NotificationText:
    return NotificationText(
        _("Mandat ouvert : « {title} »").format(title=p.text("title")),
        _("Ce qui a été convenu est dans le mandat : le prix, les lignes, les dates. La livraison passe par là."),
    )


def _milestones_proposed(p: _Params) -> NotificationText:
    return NotificationText(
        _("Jalons proposés : « {title} »").format(title=p.text("title")),
        _("{name} propose de répartir le mandat en jalons. Acceptez la répartition ou proposez-en une autre.").format(
            name=p.text("name")
        ),
    )


def _milestones_accepted(p: _Params) -> NotificationText:
    return NotificationText(
        _("Jalons acceptés : « {title} »").format(title=p.text("title")),
        _("{name} a accepté la répartition en jalons.").format(name=p.text("name")),
    )


def _work_delivered(p: _Params) -> NotificationText:
    return NotificationText(
        _("Travail livré : « {title} »").format(title=p.text("title")),
        _(
            "Approuvez la livraison ou demandez des modifications. Sans réponse, elle sera approuvée "
            "automatiquement le {date}."
        ).format(date=p.date("auto_on")),
    )


def _delivery_approved(p: _Params) -> NotificationText:
    return NotificationText(
        _("Livraison approuvée : « {title} »").format(title=p.text("title")),
        _("La livraison est approuvée automatiquement, faute de réponse en 14 jours.")
        if p.text("auto", required=False)
        else _("Le client a approuvé votre livraison."),
    )


def _changes_requested(p: _Params) -> NotificationText:
    return NotificationText(
        _("Modifications demandées : « {title} »").format(title=p.text("title")),
        _("Le client demande des modifications : {reason}").format(reason=p.text("reason")),
    )


def _delivery_reminder(p: _Params) -> NotificationText:
    return NotificationText(
        _("Livraison à approuver : « {title} »").format(title=p.text("title")),
        _("Une livraison attend votre réponse. Sans réponse, elle sera approuvée automatiquement le {date}.").format(
            date=p.date("auto_on")
        ),
    )


def _invoice_issued(p: _Params) -> NotificationText:
    return NotificationText(
        _("Facture n° {number} de {name}").format(number=p.number("number"), name=p.text("name")),
        _("Montant : {total}, à payer au plus tard le {date}. La facture (PDF) est sur sa page.").format(
            total=format_money(p.text("total")), date=p.date("due_on")
        ),
    )


def _invoice_contested(p: _Params) -> NotificationText:
    return NotificationText(
        _("Facture n° {number} contestée").format(number=p.number("number")),
        _(
            "{name} conteste la mention « impayée » de cette facture. Vous pouvez répondre une fois ; "
            "l'équipe tranchera."
        ).format(name=p.text("name")),
    )


def _contest_decided(p: _Params) -> NotificationText:
    return NotificationText(
        _("Contestation de la facture n° {number} : décision").format(number=p.number("number")),
        (
            _("Contestation retenue : la facture sort du dossier de paiement du client. Motif : {note}")
            if p.text("upheld", required=False)
            else _("Contestation rejetée : la facture reste impayée au dossier. Motif : {note}")
        ).format(note=p.text("note")),
    )


def _counter_offer(p: _Params) -> NotificationText:
    amount = format_money(p.text("amount")) + (_("/h") if p.flag("hourly") else "")
    if p.flag("counter"):
        return NotificationText(
            _("Contre-proposition : « {title} »").format(title=p.text("title")),
            _("{name} répond à votre offre par {amount}.").format(name=p.text("name"), amount=amount),
        )
    return NotificationText(
        _("Contre-offre sur votre soumission : « {title} »").format(title=p.text("title")),
        _("{name} vous propose {amount}. Acceptez, refusez ou contre-proposez.").format(
            name=p.text("name"), amount=amount
        ),
    )


def _counter_offer_answered(p: _Params) -> NotificationText:
    if p.flag("accepted"):
        return NotificationText(
            _("Offre acceptée : « {title} »").format(title=p.text("title")),
            _("Votre offre est acceptée : la soumission est retenue à ce prix."),
        )
    reason = p.text("reason", required=False)
    return NotificationText(
        _("Offre refusée : « {title} »").format(title=p.text("title")),
        _("Raison : {reason}").format(reason=reason)
        if reason
        else _("Aucune raison donnée ; la soumission reste en cours à son prix."),
    )


def _invoice_acknowledged(p: _Params) -> NotificationText:
    return NotificationText(
        _("Facture n° {number} reconnue").format(number=p.number("number")),
        _("{name} reconnaît votre facture de {total} : elle compte maintenant dans son dossier de paiement.").format(
            name=p.text("name"), total=format_money(p.text("total"))
        ),
    )


def _invoice_paid(p: _Params) -> NotificationText:
    return NotificationText(
        _("Facture n° {number} marquée payée").format(number=p.number("number")),
        _(
            "{name} dit avoir payé cette facture de {total} le {date}. Confirmez la réception, ou signalez "
            "que le paiement n'est pas arrivé."
        ).format(name=p.text("name"), total=format_money(p.text("total")), date=p.date("date")),
    )


def _payment_confirmed(p: _Params) -> NotificationText:
    return NotificationText(
        _("Paiement reçu : facture n° {number}").format(number=p.number("number")),
        _("{name} confirme avoir reçu votre paiement de {total} le {date}. La facture est réglée.").format(
            name=p.text("name"), total=format_money(p.text("total")), date=p.date("date")
        ),
    )


def _payment_disputed(p: _Params) -> NotificationText:
    return NotificationText(
        _("Paiement non reçu : facture n° {number}").format(number=p.number("number")),
        _(
            "{name} n'a pas reçu votre paiement de {total} : {note} Vous pourrez marquer la facture payée de "
            "nouveau, avec une nouvelle date."
        ).format(name=p.text("name"), total=format_money(p.text("total")), note=p.text("note")),
    )


def _invoice_overdue(p: _Params) -> NotificationText:
    number, days = p.number("number"), p.number("days_late")
    facts = {"name": p.text("name"), "total": format_money(p.text("total")), "date": p.date("date")}
    if days <= 0:
        return NotificationText(
            _("Facture n° {number} à payer aujourd'hui").format(number=number),
            _(
                "{name} attend le paiement de cette facture ({total}), qui arrive à échéance aujourd'hui, le {date}. "
                "Une fois payée, marquez-la payée sur sa page."
            ).format(**facts),
        )
    return NotificationText(
        ngettext(
            "Facture n° {number} en retard de {days} jour",
            "Facture n° {number} en retard de {days} jours",
            days,
        ).format(number=number, days=days),
        _(
            "{name} attend toujours le paiement de cette facture ({total}), due le {date}. Une fois payée, "
            "marquez-la payée sur sa page."
        ).format(**facts),
    )


_TEXTS: dict[str, Callable[[_Params], NotificationText]] = {
    NotificationKind.COUNTER_OFFER: _counter_offer,
    NotificationKind.COUNTER_OFFER_ANSWERED: _counter_offer_answered,
    NotificationKind.QUOTE_RECEIVED: _quote_received,
    NotificationKind.QUOTE_DECLINED: _quote_declined,
    NotificationKind.REVISION_REQUESTED: _revision_requested,
    NotificationKind.QUOTE_ACCEPTED: _quote_accepted,
    NotificationKind.INVITATION: _invitation,
    NotificationKind.PROJECT_AWARDED_ELSEWHERE: _awarded_elsewhere,
    NotificationKind.PROJECT_CLOSED: _project_closed,
    NotificationKind.DECISION_REMINDER: _decision_reminder,
    NotificationKind.REVIEW_RECEIVED: _review_received,
    NotificationKind.REVIEWS_PUBLISHED: _reviews_published,
    NotificationKind.SAVED_SEARCH_MATCH: _saved_search_match,
    NotificationKind.PROJECT_MATCH: _project_match,
    NotificationKind.INVITATION_ANSWERED: _invitation_answered,
    NotificationKind.RECOMMENDED: _recommended,
    NotificationKind.COLLECTIVE_INVITATION: _collective_invitation,
    NotificationKind.COLLECTIVE_JOINED: _collective_joined,
    NotificationKind.COWORKING_APPROVED: _coworking_approved,
    NotificationKind.GROUP_INVITATION: _group_invitation,
    NotificationKind.GROUP_REQUEST: _group_request,
    NotificationKind.JOINT_QUOTE_ASSIGNED: _joint_quote_assigned,
    NotificationKind.EVENT_REGISTERED: _event_registered,
    NotificationKind.EVENT_PROMOTED: _event_promoted,
    NotificationKind.EVENT_CANCELLED: _event_cancelled,
    NotificationKind.INVOICE_ACKNOWLEDGED: _invoice_acknowledged,
    NotificationKind.EVENT_REMINDER: _event_reminder,
    NotificationKind.ENGAGEMENT_OPENED: _engagement_opened,
    NotificationKind.MILESTONES_PROPOSED: _milestones_proposed,
    NotificationKind.MILESTONES_ACCEPTED: _milestones_accepted,
    NotificationKind.WORK_DELIVERED: _work_delivered,
    NotificationKind.DELIVERY_APPROVED: _delivery_approved,
    NotificationKind.CHANGES_REQUESTED: _changes_requested,
    NotificationKind.DELIVERY_REMINDER: _delivery_reminder,
    NotificationKind.INVOICE_CONTESTED: _invoice_contested,
    NotificationKind.CONTEST_DECIDED: _contest_decided,
    NotificationKind.INVOICE_ISSUED: _invoice_issued,
    NotificationKind.INVOICE_PAID: _invoice_paid,
    NotificationKind.PAYMENT_CONFIRMED: _payment_confirmed,
    NotificationKind.PAYMENT_DISPUTED: _payment_disputed,
    NotificationKind.INVOICE_OVERDUE: _invoice_overdue,
}


def notification_text(notification: Notification) -> NotificationText:
    """The notification's title and body in the active language (the reader's).

    A row the data migration could not recognise keeps the words it was written with; a kind whose
    parameters are missing says at least what happened (its name), never an error or a blank line.
    """
    render = _TEXTS.get(notification.kind)
    if render is not None and notification.params:
        try:
            return render(_Params(notification.params))
        except (_Missing, KeyError, IndexError, ValueError):
            # KeyError and friends: a translation whose placeholders don't match; the stored words do.
            pass
    if notification.title:
        return NotificationText(notification.title, notification.body)
    labels = dict(NotificationKind.choices)
    return NotificationText(str(labels.get(notification.kind, _("Notification"))), notification.body)
