"""/api/v1/ for events and cohorts: thin DRF views over the same services and selectors as the pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from community import ics, selectors, services
from community.models import Event, Registration, RegistrationStatus
from marketplace.common.api import error_responses
from marketplace.common.api_input import JSONInputSerializer
from marketplace.common.api_schema import NOT_BLANK, documented

# --- Serializers -----------------------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    group = serializers.IntegerField(source="group_id")
    group_name = serializers.CharField(source="group.name")
    is_cohort = serializers.BooleanField(source="group.is_cohort")
    municipality = serializers.IntegerField(source="municipality_id", allow_null=True)
    municipality_name = serializers.SerializerMethodField()
    online_url = serializers.SerializerMethodField(help_text="Given to registered members and organisers only.")
    seats = serializers.IntegerField(
        allow_null=True, help_text="The event's capacity, or its cohort's seats; null: no limit."
    )
    registered_count = serializers.IntegerField()
    waiting_count = serializers.IntegerField()
    seats_left = serializers.IntegerField(allow_null=True)
    registration_deadline = serializers.SerializerMethodField(help_text="A cohort's events share its deadline.")
    my_registration = serializers.SerializerMethodField(
        help_text="The caller's registration (to the event, or to its cohort): inscrit, attente, or null."
    )
    url = serializers.SerializerMethodField()
    ics_url = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "group",
            "group_name",
            "is_cohort",
            "title",
            "theme",
            "description",
            "starts_at",
            "ends_at",
            "municipality",
            "municipality_name",
            "address",
            "online_url",
            "capacity",
            "seats",
            "registered_count",
            "waiting_count",
            "seats_left",
            "registration_deadline",
            "cancelled_at",
            "my_registration",
            "url",
            "ics_url",
        ]
        read_only_fields = fields

    def _status(self, event) -> str | None:
        statuses = self.context.get("statuses", {})
        key = ("cohort", event.group_id) if event.group.is_cohort else ("event", event.pk)
        return statuses.get(key)

    def get_municipality_name(self, event) -> str:
        return event.municipality.name if event.municipality_id else ""

    def get_online_url(self, event) -> str:
        organiser_of = self.context.get("organiser_of", set())
        if self._status(event) == RegistrationStatus.REGISTERED or event.group_id in organiser_of:
            return event.online_url
        return ""

    def get_registration_deadline(self, event) -> str | None:
        deadline = event.group.registration_deadline if event.group.is_cohort else event.registration_deadline
        return serializers.DateTimeField().to_representation(deadline) if deadline else None

    def get_my_registration(self, event) -> str | None:
        return self._status(event)

    def get_url(self, event) -> str:
        return reverse("event-detail", args=[event.pk])

    def get_ics_url(self, event) -> str:
        return reverse("api-event-ics", args=[event.pk])


class EventInputSerializer(JSONInputSerializer):
    title = documented(
        serializers.CharField(required=False, trim_whitespace=False),
        {"type": "string", "maxLength": 160, "pattern": NOT_BLANK},
    )
    theme = documented(serializers.CharField(required=False, allow_blank=True), {"type": "string", "maxLength": 160})
    description = documented(
        serializers.CharField(required=False, allow_blank=True, trim_whitespace=False),
        {"type": "string", "maxLength": 5000},
    )
    starts_at = serializers.DateTimeField(required=False, help_text="In the future.")
    ends_at = serializers.DateTimeField(required=False, help_text="After the start, at most two weeks later.")
    municipality = serializers.IntegerField(
        required=False, allow_null=True, help_text="A municipality id; a municipality or an online link is required."
    )
    address = documented(serializers.CharField(required=False, allow_blank=True), {"type": "string", "maxLength": 200})
    online_url = documented(
        serializers.CharField(required=False, allow_blank=True),
        {"type": "string", "maxLength": 200, "pattern": r"^(|https?://\S+)$"},
    )
    capacity = documented(
        serializers.IntegerField(
            required=False, allow_null=True, help_text="Null: no limit. Not for a cohort's events."
        ),
        {"type": "integer", "minimum": 1, "maximum": 10000, "nullable": True},
    )
    registration_deadline = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Before the start. Not for a cohort's events (the cohort's applies)."
    )


class EventCreateInputSerializer(EventInputSerializer):
    """A new event of a group the caller organises: a title, a start and an end at least."""

    group = serializers.IntegerField(help_text="The id of a group the caller organises.")
    title = documented(
        serializers.CharField(trim_whitespace=False), {"type": "string", "maxLength": 160, "pattern": NOT_BLANK}
    )
    starts_at = serializers.DateTimeField(help_text="In the future.")
    ends_at = serializers.DateTimeField(help_text="After the start, at most two weeks later.")


class RegistrationSerializer(serializers.ModelSerializer):
    event = serializers.IntegerField(source="event_id", allow_null=True)
    cohort = serializers.IntegerField(source="cohort_id", allow_null=True, help_text="A cohort's group id.")
    title = serializers.SerializerMethodField()
    waiting_position = serializers.SerializerMethodField(help_text="1 for the first in line; null when registered.")

    class Meta:
        model = Registration
        fields = ["id", "event", "cohort", "title", "status", "waiting_position", "created_at", "cancelled_at"]
        read_only_fields = fields

    def get_title(self, registration) -> str:
        return registration.event.title if registration.event_id else registration.cohort.name

    def get_waiting_position(self, registration) -> int | None:
        return selectors.waiting_position(registration)


class CohortInputSerializer(JSONInputSerializer):
    seats = documented(serializers.IntegerField(), {"type": "integer", "minimum": 6, "maximum": 12})
    registration_deadline = serializers.DateTimeField(required=False, allow_null=True)


class CohortSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    seats = serializers.IntegerField()
    registration_deadline = serializers.DateTimeField(allow_null=True)
    registered_count = serializers.IntegerField()
    waiting_count = serializers.IntegerField()
    seats_left = serializers.IntegerField()
    events = serializers.SerializerMethodField()

    def get_events(self, cohort) -> list[int]:
        return [event.pk for event in cohort.series]


class FeedSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Secret: whoever has it reads the member's events. Reset it to revoke it.")


def _input(serializer_class, request, *, partial=True) -> dict:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _context(request, events) -> dict:
    """The caller's statuses and organised groups, read once for the whole list."""
    user = request.user
    if not user.is_authenticated:
        return {}
    rows = Registration.objects.filter(member=user).exclude(status=RegistrationStatus.CANCELLED)
    statuses = {}
    for event_id, cohort_id, state in rows.values_list("event_id", "cohort_id", "status"):
        statuses[("event", event_id) if event_id else ("cohort", cohort_id)] = state
    organiser_of = {event.group_id for event in events if services.is_group_organiser(user=user, group=event.group)}
    return {"statuses": statuses, "organiser_of": organiser_of}


def _event_response(request, event_id: int, *, code=status.HTTP_200_OK) -> Response:
    event = selectors.event_get_visible(user=request.user, event_id=event_id)
    return Response(EventSerializer(event, context=_context(request, [event])).data, status=code)


# --- Views -----------------------------------------------------------------------------------------


class EventListCreateApi(GenericAPIView):
    """Upcoming events the caller may see (soonest first, at most 100); POST plans one for a group they organise."""

    serializer_class = EventSerializer
    queryset = Event.objects.none()
    pagination_class = None

    @extend_schema(operation_id="events_list", responses={200: EventSerializer(many=True)})
    def get(self, request):
        events = selectors.events_upcoming(user=request.user)
        return Response(EventSerializer(events, many=True, context=_context(request, events)).data)

    @extend_schema(
        operation_id="events_create",
        request=EventCreateInputSerializer,
        responses={201: EventSerializer, **error_responses(403, 404)},
    )
    def post(self, request):
        if not request.user.is_authenticated:
            self.permission_denied(request)
        data = _input(EventCreateInputSerializer, request, partial=False)
        group_id = data.pop("group")
        event = services.event_create(user=request.user, group_id=group_id, data=data)
        return _event_response(request, event.pk, code=status.HTTP_201_CREATED)


class EventDetailApi(GenericAPIView):
    """One event; PATCH changes it (its organisers only)."""

    serializer_class = EventSerializer
    queryset = Event.objects.none()

    @extend_schema(operation_id="events_retrieve", responses={200: EventSerializer})
    def get(self, request, pk):
        return _event_response(request, pk)

    @extend_schema(
        operation_id="events_update",
        request=EventInputSerializer,
        responses={200: EventSerializer, **error_responses(403, 409)},
    )
    def patch(self, request, pk):
        if not request.user.is_authenticated:
            self.permission_denied(request)
        data = _input(EventInputSerializer, request)
        services.event_update(user=request.user, event_id=pk, data=data)
        return _event_response(request, pk)


class EventCancelApi(GenericAPIView):
    """An organiser cancels the event: it stays listed with `cancelled_at`; 409 when already cancelled or past."""

    serializer_class = EventSerializer
    queryset = Event.objects.none()
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="events_cancel", request=None, responses={200: EventSerializer, **error_responses(403, 409)}
    )
    def post(self, request, pk):
        services.event_cancel(user=request.user, event_id=pk)
        return _event_response(request, pk)


class EventRegistrationApi(GenericAPIView):
    """POST takes a seat (or a place on the waiting list when full); DELETE gives it up (the next in line moves up).

    409: a past or cancelled event, a passed deadline, already registered, an event of a cohort (register
    to the cohort), or (DELETE) no registration.
    """

    serializer_class = RegistrationSerializer
    queryset = Registration.objects.none()
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="events_register",
        request=None,
        responses={201: RegistrationSerializer, **error_responses(403, 409)},
    )
    def post(self, request, pk):
        registration = services.event_register(user=request.user, event_id=pk)
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="events_unregister", request=None, responses={200: RegistrationSerializer, **error_responses(409)}
    )
    def delete(self, request, pk):
        registration = services.event_registration_cancel(user=request.user, event_id=pk)
        return Response(RegistrationSerializer(registration).data)


class EventIcsApi(GenericAPIView):
    """The event as an iCalendar (`.ics`) file."""

    queryset = Event.objects.none()

    @extend_schema(
        operation_id="events_ics",
        responses={
            (200, "text/calendar"): OpenApiResponse(response=OpenApiTypes.STR, description="An iCalendar file.")
        },
    )
    def get(self, request, pk):
        event = selectors.event_get_visible(user=request.user, event_id=pk)
        response = HttpResponse(ics.event_ics(event), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="evenement-{event.pk}.ics"'
        return response


class CohortApi(GenericAPIView):
    """A cohort (a group whose events form one series): its seats and counts; PUT sets seats (6-12) and deadline."""

    serializer_class = CohortSerializer
    queryset = Event.objects.none()

    @extend_schema(operation_id="cohorts_retrieve", responses={200: CohortSerializer})
    def get(self, request, pk):
        return Response(CohortSerializer(selectors.cohort_get_visible(user=request.user, group_id=pk)).data)

    @extend_schema(
        operation_id="cohorts_configure",
        request=CohortInputSerializer,
        responses={200: CohortSerializer, **error_responses(403)},
    )
    def put(self, request, pk):
        if not request.user.is_authenticated:
            self.permission_denied(request)
        data = _input(CohortInputSerializer, request, partial=False)
        services.cohort_configure(
            user=request.user,
            group_id=pk,
            seats=data["seats"],
            registration_deadline=data.get("registration_deadline"),
        )
        return Response(CohortSerializer(selectors.cohort_get_visible(user=request.user, group_id=pk)).data)


class CohortRegistrationApi(GenericAPIView):
    """POST registers for the cohort's whole series (or its waiting list); DELETE leaves it (the next in line moves up).

    409: a passed deadline, a series already over, already registered, or (DELETE) no registration.
    """

    serializer_class = RegistrationSerializer
    queryset = Registration.objects.none()
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="cohorts_register",
        request=None,
        responses={201: RegistrationSerializer, **error_responses(403, 409)},
    )
    def post(self, request, pk):
        registration = services.cohort_register(user=request.user, group_id=pk)
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="cohorts_unregister", request=None, responses={200: RegistrationSerializer, **error_responses(409)}
    )
    def delete(self, request, pk):
        registration = services.cohort_registration_cancel(user=request.user, group_id=pk)
        return Response(RegistrationSerializer(registration).data)


class MyRegistrationsApi(GenericAPIView):
    """The caller's current registrations (events and cohorts), registered or waiting."""

    serializer_class = RegistrationSerializer
    queryset = Registration.objects.none()
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None

    @extend_schema(operation_id="me_event_registrations_list", responses={200: RegistrationSerializer(many=True)})
    def get(self, request):
        registrations = selectors.member_registrations(user=request.user)
        return Response(RegistrationSerializer(registrations, many=True).data)


def _feed_url(token: str) -> str:
    return settings.SITE_URL + reverse("calendar-feed", args=[token])


class MyCalendarFeedApi(GenericAPIView):
    """The secret address of the caller's iCalendar feed (every event they hold a seat at, cohorts included)."""

    serializer_class = FeedSerializer
    queryset = Registration.objects.none()
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="me_calendar_feed_retrieve", responses={200: FeedSerializer})
    def get(self, request):
        return Response({"url": _feed_url(services.calendar_feed_token(user=request.user))})


class MyCalendarFeedResetApi(GenericAPIView):
    """Replace the feed's address: the old one stops working at once."""

    serializer_class = FeedSerializer
    queryset = Registration.objects.none()
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="me_calendar_feed_reset", request=None, responses={200: FeedSerializer})
    def post(self, request):
        return Response({"url": _feed_url(services.calendar_feed_reset(user=request.user))})
