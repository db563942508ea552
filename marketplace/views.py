from urllib.parse import urlencode

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView

from profiles.models import Region
from projects.models import Category
from projects.selectors import project_list_open


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent_projects"] = list(project_list_open()[:6])
        context["categories"] = Category.choices
        context["regions"] = Region.choices
        return context


class AboutView(TemplateView):
    template_name = "about.html"


_admin_password_login = admin.site.login


def admin_login(request, extra_context=None):
    """Send staff to the site's login, whose rate limits and lockout the admin's own form lacks."""
    if request.user.is_authenticated:
        # Signed in: the admin's view sends staff on and tells others they lack access.
        return _admin_password_login(request, extra_context)
    next_url = request.GET.get("next") or reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
