"""Pages of events and cohorts; thin: forms parse, services decide, selectors read."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from community import ics, selectors, services
from community.forms_events import CohortForm, EventForm
from community.models import Group, RegistrationStatus
from marketplace.common.errors import NotFound
from marketplace.common.web_errors import catch_refusal


def _event_url(pk: int) -> str:
    return reverse("event-detail", args=[pk])


def _cohort_url(slug: str) -> str:
    return reverse("cohort-detail", args=[slug])


def _group_by_slug(slug: str) -> Group:
    group = Group.objects.filter(slug=slug).first()
    if group is None:
        raise NotFound(_("Ce groupe n'existe pas."))
    return group


def _registration_box(
    *, registration, seats, registered_count, waiting_count, closed_reason, cancel_closed=False, slug=None, pk=None
):
    """What the registration box shows: the seats, the member's place, the button (or why there is none)."""
    if slug:
        register_url, unregister_url = (
            reverse("cohort-register", args=[slug]),
            reverse("cohort-unregister", args=[slug]),
        )
        label = _("M'inscrire à toute la série")
    else:
        register_url, unregister_url = reverse("event-register", args=[pk]), reverse("event-unregister", args=[pk])
        label = _("M'inscrire")
    return {
        "seats": seats,
        "seats_left": None if seats is None else max(seats - registered_count, 0),
        "registered_count": registered_count,
        "waiting_count": waiting_count,
        "register_url": register_url,
        "unregister_url": unregister_url,
        "register_label": label,
        "closed_reason": closed_reason,
        "closed_for_cancel": cancel_closed,
    }


def _closed_reason(*, cancelled=False, past=False, deadline=None, over=False) -> str:
    """Why registering is not possible any more, in the words the service would use; empty when it is."""
    if cancelled:
        return _("Cet événement est annulé.")
    if past:
        return _("Cet événement est passé : les inscriptions sont fermées.")
    if over:
        return _("Cette cohorte est terminée : les inscriptions sont fermées.")
    if deadline and deadline <= timezone.now():
        return _("La date limite d'inscription est passée.")
    return ""


def _local_input(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M") if moment else None


class EventListView(View):
    """/evenements/: "Près de chez vous" first for a freelancer with a place, then every upcoming event."""

    def get(self, request):
        near = selectors.near_for_user(user=request.user)
        events = selectors.events_upcoming(user=request.user)
        near_ids = {event.pk for event in near.events} if near else set()
        return render(
            request,
            "community/event_list.html",
            {"near": near, "events": [e for e in events if e.pk not in near_ids]},
        )


class EventDetailView(View):
    def get(self, request, pk):
        event = selectors.event_get_visible(user=request.user, event_id=pk)
        is_organiser = services.is_group_organiser(user=request.user, group=event.group)
        if event.group.is_cohort:
            registration = selectors.member_registration(user=request.user, cohort=event.group)
        else:
            registration = selectors.member_registration(user=request.user, event=event)
        now = timezone.now()
        cohort = event.group if event.group.is_cohort else None
        deadline = cohort.registration_deadline if cohort else event.registration_deadline
        is_past = event.starts_at <= now
        closed = _closed_reason(cancelled=bool(event.cancelled_at), past=is_past, deadline=deadline)
        if cohort and not event.cancelled_at and not is_past:
            # A cohort's event is booked with the series; its own date doesn't close the series.
            closed = _closed_reason(deadline=deadline)
        box = _registration_box(
            registration=registration,
            seats=event.seats,
            registered_count=event.registered_count,
            waiting_count=event.waiting_count,
            closed_reason=closed,
            cancel_closed=is_past or bool(event.cancelled_at),
            slug=cohort.slug if cohort else None,
            pk=event.pk,
        )
        context = {
            "event": event,
            "is_organiser": is_organiser,
            "registration": registration,
            "waiting_position": selectors.waiting_position(registration),
            "is_past": is_past,
            "deadline": deadline,
            "box": box,
            "registrations": selectors.event_registrations(event=event) if is_organiser else [],
        }
        return render(request, "community/event_detail.html", context)


class EventCreateView(LoginRequiredMixin, View):
    template_name = "community/event_form.html"

    def _group(self, request, slug) -> Group:
        group = _group_by_slug(slug)
        if not services.is_group_organiser(user=request.user, group=group):
            raise Http404
        return group

    def get(self, request, slug):
        group = self._group(request, slug)
        return render(request, self.template_name, {"form": EventForm(cohort=group.is_cohort), "group": group})

    def post(self, request, slug):
        group = self._group(request, slug)
        form = EventForm(request.POST, cohort=group.is_cohort)
        if form.is_valid():
            with catch_refusal(form=form):
                event = services.event_create(user=request.user, group_id=group.pk, data=form.service_data())
                messages.success(request, _("Événement créé."))
                return HttpResponseRedirect(_event_url(event.pk))
        return render(request, self.template_name, {"form": form, "group": group})


class EventUpdateView(LoginRequiredMixin, View):
    template_name = "community/event_form.html"

    def _event(self, request, pk):
        event = selectors.event_get_visible(user=request.user, event_id=pk)
        if not services.is_group_organiser(user=request.user, group=event.group):
            raise Http404
        return event

    def get(self, request, pk):
        event = self._event(request, pk)
        initial = {
            "title": event.title,
            "theme": event.theme,
            "description": event.description,
            "starts_at": _local_input(event.starts_at),
            "ends_at": _local_input(event.ends_at),
            "municipality": event.municipality_id,
            "address": event.address,
            "online_url": event.online_url,
            "capacity": event.capacity,
            "registration_deadline": _local_input(event.registration_deadline),
        }
        form = EventForm(initial=initial, cohort=event.group.is_cohort)
        return render(request, self.template_name, {"form": form, "group": event.group, "event": event})

    def post(self, request, pk):
        event = self._event(request, pk)
        form = EventForm(request.POST, cohort=event.group.is_cohort)
        if form.is_valid():
            with catch_refusal(form=form):
                services.event_update(user=request.user, event_id=pk, data=form.service_data())
                messages.success(request, _("Événement mis à jour."))
                return HttpResponseRedirect(_event_url(pk))
        return render(request, self.template_name, {"form": form, "group": event.group, "event": event})


class EventCancelView(LoginRequiredMixin, View):
    """GET asks for confirmation; POST cancels the event."""

    def get(self, request, pk):
        event = selectors.event_get_visible(user=request.user, event_id=pk)
        if not services.is_group_organiser(user=request.user, group=event.group):
            raise Http404
        return render(request, "community/event_cancel_confirm.html", {"event": event})

    def post(self, request, pk):
        with catch_refusal(request):
            services.event_cancel(user=request.user, event_id=pk)
            messages.success(
                request, _("L'événement est annulé : les personnes inscrites et en attente en sont avisées.")
            )
        return HttpResponseRedirect(_event_url(pk))


class EventRegisterView(LoginRequiredMixin, View):
    def post(self, request, pk):
        with catch_refusal(request, every=True):
            registration = services.event_register(user=request.user, event_id=pk)
            if registration.status == RegistrationStatus.WAITING:
                messages.info(request, _("L'événement est complet : vous êtes sur la liste d'attente."))
            else:
                messages.success(request, _("Vous êtes inscrit·e."))
        return HttpResponseRedirect(_event_url(pk))


class EventUnregisterView(LoginRequiredMixin, View):
    def post(self, request, pk):
        with catch_refusal(request, every=True):
            services.event_registration_cancel(user=request.user, event_id=pk)
            messages.success(request, _("Votre inscription est annulée."))
        return HttpResponseRedirect(_event_url(pk))


class EventIcsView(View):
    """The event as an `.ics` file, for whoever may see the event."""

    def get(self, request, pk):
        event = selectors.event_get_visible(user=request.user, event_id=pk)
        response = HttpResponse(ics.event_ics(event), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="evenement-{event.pk}.ics"'
        return response


class CohortDetailView(View):
    def get(self, request, slug):
        cohort = selectors.cohort_get_visible(user=request.user, slug=slug)
        registration = selectors.member_registration(user=request.user, cohort=cohort)
        is_organiser = services.is_group_organiser(user=request.user, group=cohort)
        now = timezone.now()
        is_over = bool(cohort.series) and all(event.starts_at <= now for event in cohort.series)
        box = _registration_box(
            registration=registration,
            seats=cohort.seats,
            registered_count=cohort.registered_count,
            waiting_count=cohort.waiting_count,
            closed_reason=_closed_reason(over=is_over, deadline=cohort.registration_deadline),
            slug=cohort.slug,
        )
        context = {
            "cohort": cohort,
            "registration": registration,
            "waiting_position": selectors.waiting_position(registration),
            "is_organiser": is_organiser,
            "box": box,
            "registrations": selectors.cohort_registrations(cohort=cohort) if is_organiser else [],
            "now": now,
        }
        return render(request, "community/event_cohort.html", context)


class CohortRegisterView(LoginRequiredMixin, View):
    def post(self, request, slug):
        group = _group_by_slug(slug)
        with catch_refusal(request, every=True):
            registration = services.cohort_register(user=request.user, group_id=group.pk)
            if registration.status == RegistrationStatus.WAITING:
                messages.info(request, _("La cohorte est complète : vous êtes sur la liste d'attente."))
            else:
                messages.success(request, _("Vous êtes inscrit·e à toute la série de rencontres."))
        return HttpResponseRedirect(_cohort_url(slug))


class CohortUnregisterView(LoginRequiredMixin, View):
    def post(self, request, slug):
        group = _group_by_slug(slug)
        with catch_refusal(request, every=True):
            services.cohort_registration_cancel(user=request.user, group_id=group.pk)
            messages.success(request, _("Votre inscription à la cohorte est annulée."))
        return HttpResponseRedirect(_cohort_url(slug))


class CohortSettingsView(LoginRequiredMixin, View):
    """An organiser makes their group a cohort, or changes its seats and deadline."""

    template_name = "community/event_cohort_form.html"

    def _group(self, request, slug) -> Group:
        group = _group_by_slug(slug)
        if not services.is_group_organiser(user=request.user, group=group):
            raise Http404
        return group

    def get(self, request, slug):
        group = self._group(request, slug)
        initial = {"seats": group.seats or 8, "registration_deadline": _local_input(group.registration_deadline)}
        return render(request, self.template_name, {"form": CohortForm(initial=initial), "group": group})

    def post(self, request, slug):
        group = self._group(request, slug)
        form = CohortForm(request.POST)
        if form.is_valid():
            with catch_refusal(form=form):
                services.cohort_configure(
                    user=request.user,
                    group_id=group.pk,
                    seats=form.cleaned_data["seats"],
                    registration_deadline=form.cleaned_data["registration_deadline"],
                )
                messages.success(request, _("La cohorte est enregistrée."))
                return HttpResponseRedirect(_cohort_url(slug))
        return render(request, self.template_name, {"form": form, "group": group})


class MyCalendarView(LoginRequiredMixin, View):
    """The member's registrations and the secret address of their calendar feed (POST: a new address)."""

    def get(self, request):
        token = services.calendar_feed_token(user=request.user)
        context = {
            "registrations": selectors.member_registrations(user=request.user),
            "feed_url": settings.SITE_URL + reverse("calendar-feed", args=[token]),
        }
        return render(request, "community/event_my_calendar.html", context)

    def post(self, request):
        services.calendar_feed_reset(user=request.user)
        messages.success(
            request, _("Nouvelle adresse créée : l'ancienne ne fonctionne plus. Abonnez votre agenda à celle-ci.")
        )
        return HttpResponseRedirect(reverse("event-my-calendar"))


class CalendarFeedView(View):
    """The member's iCalendar feed: no session, the secret token in the address is the key."""

    def get(self, request, token):
        member = selectors.calendar_feed_member(token=token)
        events = selectors.calendar_events_for_member(member=member)
        body = ics.feed_ics(events, name=_("Mes événements — Pigiste QC"))
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="evenements.ics"'
        response["Cache-Control"] = "private, max-age=900"
        response["X-Robots-Tag"] = "noindex"
        return response
