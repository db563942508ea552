"""Pages of the coworking spaces: a space, propose one, its managers' edit and managers pages, staff's review (thin).

The directory with its search (/coworking/) is the search app's (search/views.py): search stands above.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from coworking import selectors, services
from coworking.forms import ManagerAddForm, SpaceForm
from coworking.models import CoworkingSpace
from coworking.permissions import can_manage, space_get_for_manager, space_get_visible
from marketplace.common.web_errors import catch_refusal


def _form_data(form) -> dict:
    data = {name: value for name, value in form.cleaned_data.items() if name != "photos"}
    data["municipality"] = data.get("municipality") or None
    return data


class SpaceDetailView(View):
    template_name = "coworking/space_detail.html"

    def get(self, request, slug):
        space = space_get_visible(user=request.user, slug=slug)
        context = {
            "space": space,
            "photos": list(space.photos.all()),
            "can_manage": can_manage(user=request.user, space=space),
        }
        return render(request, self.template_name, context)


class SpaceProposeView(LoginRequiredMixin, View):
    template_name = "coworking/space_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": SpaceForm(), "proposing": True})

    def post(self, request):
        form = SpaceForm(request.POST, request.FILES)
        if form.is_valid():
            with catch_refusal(form=form):
                space = services.space_propose(
                    user=request.user, data=_form_data(form), photos=form.cleaned_data["photos"]
                )
                messages.success(
                    request,
                    _("Merci ! L'espace sera dans le répertoire dès que l'équipe l'aura approuvé."),
                )
                return HttpResponseRedirect(reverse("coworking-detail", args=[space.slug]))
        return render(request, self.template_name, {"form": form, "proposing": True}, status=400)


class SpaceUpdateView(LoginRequiredMixin, View):
    template_name = "coworking/space_form.html"

    def _space(self, request, slug) -> CoworkingSpace:
        space = space_get_visible(user=request.user, slug=slug)
        return space_get_for_manager(user=request.user, space_id=space.pk)

    def get(self, request, slug):
        space = self._space(request, slug)
        form = SpaceForm(initial=SpaceForm.initial_for(space))
        return render(request, self.template_name, {"form": form, "space": space, "photos": space.photos.all()})

    def post(self, request, slug):
        space = self._space(request, slug)
        form = SpaceForm(request.POST, request.FILES)
        if form.is_valid():
            with catch_refusal(form=form):
                services.space_update(
                    user=request.user,
                    space_id=space.pk,
                    data=_form_data(form),
                    add_photos=form.cleaned_data["photos"],
                    remove_photo_ids=[
                        pk for pk in request.POST.getlist("remove_photos") if pk.isdigit() and len(pk) < 12
                    ],
                )
                messages.success(request, _("Espace mis à jour."))
                return HttpResponseRedirect(reverse("coworking-detail", args=[space.slug]))
        context = {"form": form, "space": space, "photos": space.photos.all()}
        return render(request, self.template_name, context, status=400)


class SpaceManagersView(LoginRequiredMixin, View):
    """The space's managers: who they are, add one by e-mail, leave (managers and staff only)."""

    template_name = "coworking/space_managers.html"

    def _space(self, request, slug) -> CoworkingSpace:
        space = space_get_visible(user=request.user, slug=slug)
        return space_get_for_manager(user=request.user, space_id=space.pk)

    def _render(self, request, space, form, *, status=200):
        managers = list(selectors.space_managers(space=space))
        context = {
            "space": space,
            "form": form,
            "managers": managers,
            "is_manager": any(manager.pk == request.user.pk for manager in managers),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, slug):
        return self._render(request, self._space(request, slug), ManagerAddForm())

    def post(self, request, slug):
        space = self._space(request, slug)
        form = ManagerAddForm(request.POST)
        if form.is_valid():
            with catch_refusal(form=form):
                member = services.space_manager_add(
                    user=request.user, space_id=space.pk, email=form.cleaned_data["email"]
                )
                messages.success(
                    request, _("%(name)s gère maintenant cet espace avec vous.") % {"name": member.public_name}
                )
                return HttpResponseRedirect(reverse("coworking-managers", args=[space.slug]))
        return self._render(request, space, form, status=400)


class SpaceManagerLeaveView(LoginRequiredMixin, View):
    """A manager stops managing the space (a button of the managers' page)."""

    def post(self, request, slug):
        space = space_get_visible(user=request.user, slug=slug)
        with catch_refusal(request) as refusal:
            services.space_manager_leave(user=request.user, space_id=space.pk)
            messages.success(request, _("Vous ne gérez plus cet espace."))
        if refusal:
            return HttpResponseRedirect(reverse("coworking-managers", args=[space.slug]))
        # An unapproved space is hidden from those who don't manage it (unless they proposed it).
        if space.is_approved or space.proposed_by_id == request.user.pk:
            return HttpResponseRedirect(reverse("coworking-detail", args=[space.slug]))
        return HttpResponseRedirect(reverse("coworking-list"))


class StaffOnlyMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return self.request.user.is_staff


class SpaceReviewListView(StaffOnlyMixin, View):
    """Staff's list of the spaces waiting for approval."""

    template_name = "coworking/space_review.html"

    def get(self, request):
        return render(request, self.template_name, {"spaces": selectors.space_list_pending()})


class SpaceReviewView(StaffOnlyMixin, View):
    """Approve or refuse one space (a button of the review list)."""

    def post(self, request, pk):
        with catch_refusal(request):
            if request.POST.get("decision") == "approve":
                services.space_approve(user=request.user, space_id=pk)
                messages.success(request, _("Espace approuvé : il est maintenant dans le répertoire."))
            else:
                services.space_refuse(user=request.user, space_id=pk)
                messages.success(request, _("Espace refusé."))
        return HttpResponseRedirect(reverse("coworking-review"))
