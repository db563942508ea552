"""The engagement pages: the list of one's engagements, one engagement with its forms (thin: services decide)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from engagements import selectors, services
from engagements.models import DeliveryStatus, MilestoneStatus
from marketplace.common.storage import private_file_response
from marketplace.common.web_errors import catch_refusal

EMPTY_MILESTONE_ROWS = 3


class EngagementListView(LoginRequiredMixin, View):
    def get(self, request):
        engagements = selectors.engagements_for_user(user=request.user)
        return render(request, "engagements/engagement_list.html", {"engagements": engagements})


class EngagementDetailView(LoginRequiredMixin, View):
    """What was agreed, the milestones, the deliveries with the forms each side may use, and the history."""

    def get(self, request, pk):
        engagement = selectors.engagement_get_for_party(user=request.user, engagement_id=pk)
        is_client = request.user.pk == engagement.client_id
        is_freelancer = request.user.pk == engagement.freelancer_id
        milestones = list(engagement.milestones.all())
        agreed = [m for m in milestones if m.status != MilestoneStatus.PROPOSED]
        proposed = [m for m in milestones if m.status == MilestoneStatus.PROPOSED]
        deliveries = list(engagement.deliveries.all())
        finished = engagement.status in ("approuve", "termine")
        deliverable = [m for m in agreed if m.status in (MilestoneStatus.ACCEPTED, MilestoneStatus.CHANGES_REQUESTED)]
        whole_pending = any(d.milestone_id is None and d.status == DeliveryStatus.PENDING for d in deliveries)
        context = {
            "engagement": engagement,
            "is_client": is_client,
            "is_freelancer": is_freelancer,
            "agreed_milestones": agreed,
            "proposed_milestones": proposed,
            "deliveries": deliveries,
            "events": list(engagement.events.all()),
            "finished": finished,
            "can_propose": (is_client or is_freelancer) and not finished and not agreed and not deliveries,
            "can_accept_milestones": bool(proposed)
            and engagement.milestones_proposed_by_id not in (None, request.user.pk),
            "deliverable_milestones": deliverable,
            "can_deliver": is_freelancer and not finished and (deliverable if agreed else not whole_pending),
            "milestone_rows": range(max(EMPTY_MILESTONE_ROWS, len(proposed))),
            "auto_after_days": services.AUTO_APPROVE_AFTER.days,
        }
        return render(request, "engagements/engagement_detail.html", context)


class _ActionView(LoginRequiredMixin, View):
    """POST-only action calling one service; a refusal comes back as a message on the engagement page."""

    success_message = ""
    anchor = ""

    def act(self, request, pk, **kwargs):
        raise NotImplementedError

    def post(self, request, pk, **kwargs):
        with catch_refusal(request, every=True):
            self.act(request, pk, **kwargs)
            messages.success(request, self.success_message)
        return HttpResponseRedirect(reverse("engagement-detail", args=[pk]) + self.anchor)


class MilestonesProposeView(_ActionView):
    anchor = "#jalons"

    def act(self, request, pk):
        rows = zip(
            request.POST.getlist("title"), request.POST.getlist("amount"), request.POST.getlist("due_on"), strict=False
        )
        items = [
            {
                "title": title,
                "amount": amount.replace(",", ".").replace(" ", "").replace("\u202f", ""),
                "due_on": due_on,
            }
            for title, amount, due_on in rows
            if title.strip() or amount.strip() or due_on.strip()
        ]
        self.success_message = _("Répartition proposée : l'autre partie en est avisée.")
        services.milestones_propose(user=request.user, engagement_id=pk, items=items)


class MilestonesAcceptView(_ActionView):
    anchor = "#jalons"

    def act(self, request, pk):
        self.success_message = _("Répartition en jalons acceptée.")
        services.milestones_accept(user=request.user, engagement_id=pk)


class DeliverView(_ActionView):
    anchor = "#livraisons"

    def act(self, request, pk):
        raw = request.POST.get("milestone", "")
        milestone_id = int(raw) if raw.isdigit() else None
        self.success_message = _("Livraison envoyée : le client en est avisé.")
        services.delivery_submit(
            user=request.user,
            engagement_id=pk,
            milestone_id=milestone_id,
            message=request.POST.get("message", ""),
            uploads=request.FILES.getlist("files"),
        )


class DeliveryApproveView(_ActionView):
    anchor = "#livraisons"

    def act(self, request, pk, delivery_pk):
        self.success_message = _("Livraison approuvée.")
        services.delivery_approve(user=request.user, engagement_id=pk, delivery_id=delivery_pk)


class DeliveryChangesView(_ActionView):
    anchor = "#livraisons"

    def act(self, request, pk, delivery_pk):
        self.success_message = _("Demande de modifications envoyée au pigiste.")
        services.delivery_request_changes(
            user=request.user, engagement_id=pk, delivery_id=delivery_pk, reason=request.POST.get("reason", "")
        )


class DeliveryFileView(LoginRequiredMixin, View):
    """Serve a delivered file to both sides of the engagement and staff; everyone else gets a 404."""

    def get(self, request, pk, file_pk):
        row = selectors.delivery_file_get_readable(user=request.user, engagement_id=pk, file_id=file_pk)
        return private_file_response(name=row.file.name, download_name=row.name, content_type=row.content_type)
