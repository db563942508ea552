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
