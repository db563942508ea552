"""Web pages of the profiles app; thin: forms parse, services decide, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import View

from marketplace.common.ratelimit import ratelimit
from marketplace.common.web_errors import catch_refusal
from profiles import selectors, services
from profiles.forms import PeerListingForm, PortfolioItemForm, ProfileForm, ReportForm


class ProfileEditView(LoginRequiredMixin, View):
    template_name = "profiles/profile_edit.html"

    def _render(self, request, form, profile, status=200):
        context = {"form": form, "profile": profile}
        if profile is not None:
            context["peer_form"] = PeerListingForm(
                initial={"in_peer_directory": profile.in_peer_directory, "peer_looking_for": profile.peer_looking_for}
            )
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        profile = selectors.profile_for_user(user=request.user)
        return self._render(request, ProfileForm(initial=ProfileForm.initial_from(profile, request.user)), profile)

    def post(self, request):
        profile = selectors.profile_for_user(user=request.user)
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            with catch_refusal(form=form):
                if form.cleaned_data.get("remove_avatar") and profile and profile.avatar:
                    services.profile_avatar_remove(user=request.user)
                profile = services.profile_save(
                    user=request.user, data=form.service_data(), avatar=form.cleaned_data.get("avatar")
                )
                messages.success(request, _("Votre profil est enregistré."))
                return HttpResponseRedirect(reverse("freelancer-detail", args=[profile.pk]))
        return self._render(request, form, profile)


class BookedWeeksView(LoginRequiredMixin, View):
    """« Mon calendrier »: the weeks ahead, each one a checkbox « Réservée »; one form post saves them all."""

    template_name = "profiles/booked_weeks.html"

    def _render(self, request, *, posted: list[str] | None = None, errors=None, status=200):
        months = selectors.booked_weeks_calendar(user=request.user)
        if posted is not None:
            # A refused post shows what the freelancer ticked, not what is stored, so nothing is lost.
            ticked = set(posted)
            for month in months:
                for week in month["weeks"]:
                    week["booked"] = week["start"].isoformat() in ticked
        context = {
            "profile": selectors.profile_for_user(user=request.user),
            "months": months,
            "errors": errors or [],
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self._render(request)

    def post(self, request):
        weeks = request.POST.getlist("weeks")
        with catch_refusal() as refusal:
            services.booked_weeks_set(user=request.user, weeks=weeks)
            messages.success(request, _("Votre calendrier est enregistré."))
            return HttpResponseRedirect(reverse("booked-weeks"))
        errors = [str(message) for messages_ in refusal.errors.values() for message in messages_]
        return self._render(request, posted=weeks, errors=errors, status=400)


class PortfolioManageView(LoginRequiredMixin, View):
    """The user's portfolio: every item, and a form to add one."""

    template_name = "profiles/portfolio_manage.html"

    def _render(self, request, form):
        profile = selectors.profile_for_user(user=request.user)
        return render(request, self.template_name, {"form": form, "profile": profile})

    def get(self, request):
        return self._render(request, PortfolioItemForm())

    def post(self, request):
        form = PortfolioItemForm(request.POST, request.FILES)
        if form.is_valid():
            with catch_refusal(form=form):
                services.portfolio_item_create(
                    user=request.user, data=form.cleaned_data, images=form.cleaned_data["images"]
                )
                messages.success(request, _("Réalisation ajoutée à votre portfolio."))
                return HttpResponseRedirect(reverse("portfolio-manage"))
        return self._render(request, form)


class PortfolioItemUpdateView(LoginRequiredMixin, View):
    template_name = "profiles/portfolio_item_form.html"

    def _item(self, request, pk):
        return selectors.portfolio_item_get_own(user=request.user, item_id=pk)

    def get(self, request, pk):
        item = self._item(request, pk)
        form = PortfolioItemForm(initial={"title": item.title, "description": item.description})
        return render(request, self.template_name, {"form": form, "item": item})

    def post(self, request, pk):
        item = self._item(request, pk)
        form = PortfolioItemForm(request.POST, request.FILES)
        if form.is_valid():
            with catch_refusal(form=form):
                services.portfolio_item_update(
                    user=request.user,
                    item_id=item.pk,
                    data=form.cleaned_data,
                    add_images=form.cleaned_data["images"],
                    remove_image_ids=[pk for pk in request.POST.getlist("remove_images") if pk.isdigit()],
                )
                messages.success(request, _("Réalisation mise à jour."))
                return HttpResponseRedirect(reverse("portfolio-manage"))
        return render(request, self.template_name, {"form": form, "item": item})


class PortfolioItemDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        with catch_refusal(request):
            services.portfolio_item_delete(user=request.user, item_id=pk)
            messages.success(request, _("Réalisation supprimée."))
        return HttpResponseRedirect(reverse("portfolio-manage"))


def _report_back_url(request, kind: str, pk: int) -> str:
    """Where to go after reporting: the page the user came from when it is ours, else a sensible page."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return next_url
    if kind == "profile":
        return reverse("freelancer-detail", args=[pk])
    if kind == "project":
        return reverse("project-detail", args=[pk])
    return reverse("home")


class ReportCreateView(LoginRequiredMixin, View):
    template_name = "profiles/report_form.html"

    def _context(self, request, kind, pk, form):
        labels = {"project": _("ce projet"), "profile": _("ce profil"), "review": _("cette évaluation")}
        return {
            "form": form,
            "kind": kind,
            "pk": pk,
            "target_label": labels[kind],
            "next": _report_back_url(request, kind, pk),
        }

    def dispatch(self, request, *args, **kwargs):
        if kwargs.get("kind") not in services.REPORT_KINDS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, kind, pk):
        return render(request, self.template_name, self._context(request, kind, pk, ReportForm()))

    @ratelimit(scope="report-create")
    def post(self, request, kind, pk):
        form = ReportForm(request.POST)
        if form.is_valid():
            with catch_refusal(form=form):
                services.report_create(
                    reporter=request.user,
                    kind=kind,
                    object_id=pk,
                    reason=form.cleaned_data["reason"],
                    details=form.cleaned_data["details"],
                )
                messages.success(request, _("Merci. L'équipe de modération examinera votre signalement."))
                return HttpResponseRedirect(_report_back_url(request, kind, pk))
        return render(request, self.template_name, self._context(request, kind, pk, form))


class PeerDirectoryView(LoginRequiredMixin, View):
    """The "bottin des travailleurs autonomes": listed freelancers by MRC and skill, for freelancers only."""

    template_name = "profiles/peer_directory.html"

    def get(self, request):
        me = selectors.peer_directory_access(user=request.user)
        mrc, skill = request.GET.get("mrc", "")[:140], request.GET.get("competence", "")[:80]
        page = Paginator(selectors.peer_directory_list(mrc=mrc, skill=skill), selectors.PEER_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        query = {key: value for key, value in (("mrc", mrc), ("competence", skill)) if value}
        context = {
            "me": me,
            "page_obj": page,
            "profiles": list(page.object_list),
            "filters": selectors.peer_directory_filters(),
            "mrc": mrc,
            "skill": skill,
            "query_string": urlencode(query),
        }
        return render(request, self.template_name, context)


class PeerListingUpdateView(LoginRequiredMixin, View):
    """POST from the profile page: be listed in the bottin (or not), with what one looks for."""

    def post(self, request):
        form = PeerListingForm(request.POST)
        form.is_valid()
        with catch_refusal(request, every=True):
            profile = services.peer_listing_set(
                user=request.user,
                listed=form.cleaned_data.get("in_peer_directory", False),
                looking_for=request.POST.get("peer_looking_for", ""),
            )
            if profile.in_peer_directory:
                messages.success(request, _("Vous paraissez dans le bottin des travailleurs autonomes."))
            else:
                messages.success(request, _("Vous ne paraissez plus dans le bottin des travailleurs autonomes."))
        return HttpResponseRedirect(reverse("profile-edit") + "#bottin")
