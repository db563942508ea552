"""Pages of the notifications app: the list, and opening one."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from notifications import selectors, services


class NotificationListView(LoginRequiredMixin, TemplateView):
    template_name = "notifications/notification_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["notifications"] = selectors.notification_list(user=self.request.user)
        return context

    def post(self, request):
        """Mark every notification as read."""
        services.notification_mark_read(user=request.user)
        return redirect("notification-list")


class NotificationOpenView(LoginRequiredMixin, View):
    """POST: mark one notification as read and go where it points."""

    def post(self, request, pk):
        services.notification_mark_read(user=request.user, notification_id=pk)
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(target)
        return HttpResponseRedirect(reverse("notification-list"))
