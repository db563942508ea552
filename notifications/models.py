"""Notifications: what a member should know, from any app (projects, search, …)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.common.models import TimeStampedModel


class NotificationKind(models.TextChoices):
    QUOTE_RECEIVED = "quote_received", _("Nouvelle soumission")
    QUOTE_ACCEPTED = "quote_accepted", _("Soumission acceptée")
    QUOTE_DECLINED = "quote_declined", _("Soumission refusée")
    REVISION_REQUESTED = "revision_requested", _("Révision demandée")
    INVITATION = "invitation", _("Demande de soumission")
    PROJECT_AWARDED_ELSEWHERE = "awarded_elsewhere", _("Projet attribué à quelqu'un d'autre")
    PROJECT_CLOSED = "project_closed", _("Projet fermé")
    DECISION_REMINDER = "decision_reminder", _("Rappel : décision attendue")
    REVIEW_RECEIVED = "review_received", _("Nouvelle évaluation")
    SAVED_SEARCH_MATCH = "saved_search_match", _("Nouveau projet pour une recherche sauvegardée")
    PROJECT_MATCH = "project_match", _("Nouveau projet près de chez vous")
    INVITATION_ANSWERED = "invitation_answered", _("Réponse à une demande de soumission")
    RECOMMENDED = "recommended", _("Un·e collègue vous recommande")
    COLLECTIVE_INVITATION = "collective_invitation", _("Invitation à un collectif")
    COLLECTIVE_JOINED = "collective_joined", _("Nouveau membre du collectif")
    JOINT_QUOTE_ASSIGNED = "joint_quote_assigned", _("Soumission commune")
    GROUP_INVITATION = "group_invitation", _("Invitation à un groupe")
    GROUP_REQUEST = "group_request", _("Demande d'adhésion à un groupe")
    GROUP_POST = "group_post", _("Nouveau message au babillard")
    EVENT_REGISTERED = "event_registered", _("Inscription à un événement")
    EVENT_PROMOTED = "event_promoted", _("Une place s'est libérée")
    EVENT_REMINDER = "event_reminder", _("Rappel : événement demain")
    COWORKING_APPROVED = "coworking_approved", _("Espace de travail approuvé")
    ENGAGEMENT_OPENED = "engagement_opened", _("Mandat ouvert")
    MILESTONES_PROPOSED = "milestones_proposed", _("Jalons proposés")
    MILESTONES_ACCEPTED = "milestones_accepted", _("Jalons acceptés")
    WORK_DELIVERED = "work_delivered", _("Travail livré")
    DELIVERY_APPROVED = "delivery_approved", _("Livraison approuvée")
    CHANGES_REQUESTED = "changes_requested", _("Modifications demandées")
    DELIVERY_REMINDER = "delivery_reminder", _("Rappel : livraison à approuver")
    COUNTER_OFFER = "counter_offer", _("Contre-offre")
    COUNTER_OFFER_ANSWERED = "counter_offer_answered", _("Réponse à une contre-offre")
    INVOICE_ISSUED = "invoice_issued", _("Nouvelle facture")
    INVOICE_PAID = "invoice_paid", _("Facture marquée payée")
    PAYMENT_CONFIRMED = "payment_confirmed", _("Paiement confirmé")
    PAYMENT_DISPUTED = "payment_disputed", _("Paiement non reçu")
    INVOICE_OVERDUE = "invoice_overdue", _("Facture en retard")
    INVOICE_CONTESTED = "invoice_contested", _("Facture impayée contestée")
    CONTEST_DECIDED = "contest_decided", _("Décision sur une contestation")
    REVIEWS_PUBLISHED = "reviews_published", _("Évaluations publiées")
    EVENT_CANCELLED = "event_cancelled", _("Événement annulé")
    INVOICE_ACKNOWLEDGED = "invoice_acknowledged", _("Facture reconnue")


class Notification(TimeStampedModel):
    """Something a member should know; shown in the site and sent by email by a background task."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    # What fills the kind's text (a project's title, a name, the client's own words): the words are
    # written in the reader's language when shown, by notifications.texts.notification_text.
    params = models.JSONField(default=dict, blank=True)
    # Only the rows written before `params` whose French text migration messaging 0007 could not
    # recognise: they are shown with these words. New notifications leave them empty.
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table messaging created when notifications lived there (migration 0001 moved the model).
        db_table = "messaging_notification"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return f"{self.kind} #{self.pk}"
