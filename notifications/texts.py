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
    place = p.text("place", required=False)
    if place:
        title = _("Nouveau projet près de chez vous : « {title} » ({place})").format(title=p.text("title"), place=place)
    else:
        title = _("Nouveau projet pour vous : « {title} »").format(title=p.text("title"))
    return NotificationText(
        title, _("Ce projet correspond à vos compétences, à votre région et à vos disponibilités. Soumissionnez !")
    )


_TEXTS: dict[str, Callable[[_Params], NotificationText]] = {
    NotificationKind.QUOTE_RECEIVED: _quote_received,
    NotificationKind.QUOTE_DECLINED: _quote_declined,
    NotificationKind.REVISION_REQUESTED: _revision_requested,
    NotificationKind.QUOTE_ACCEPTED: _quote_accepted,
    NotificationKind.INVITATION: _invitation,
    NotificationKind.PROJECT_AWARDED_ELSEWHERE: _awarded_elsewhere,
    NotificationKind.PROJECT_CLOSED: _project_closed,
    NotificationKind.DECISION_REMINDER: _decision_reminder,
    NotificationKind.REVIEW_RECEIVED: _review_received,
    NotificationKind.SAVED_SEARCH_MATCH: _saved_search_match,
    NotificationKind.PROJECT_MATCH: _project_match,
    NotificationKind.INVITATION_ANSWERED: _invitation_answered,
    NotificationKind.RECOMMENDED: _recommended,
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
