"""Web pages of the profiles app; thin: forms parse, services decide, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from marketplace.errors import DomainError, NotFound
from marketplace.errors import PermissionDenied as DomainPermissionDenied
from marketplace.ratelimit import ratelimit
from profiles import selectors, services
from profiles.forms import PortfolioItemForm, ProfileForm, ReportForm, apply_domain_error


def _raise_http(error: DomainError):
    """404 and 403 become Django's pages; other refusals are shown on the page the user was on."""
    if isinstance(error, NotFound):
        raise Http404(str(error.message))
    if isinstance(error, DomainPermissionDenied):
        raise DjangoPermissionDenied(str(error.message))


class FreelancerDetailView(TemplateView):
    template_name = "profiles/freelancer_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            profile = selectors.freelancer_get(profile_id=kwargs["pk"], viewer=self.request.user)
        except NotFound as error:
            raise Http404(str(error.message)) from None
        context.update(
            profile=profile,
            skills=list(profile.skills.all()),
            portfolio=list(profile.portfolio_items.all()),
            languages=selectors.language_names(profile.languages),
            review_summary=selectors.freelancer_reviews(user_id=profile.user_id),
            is_owner=self.request.user.is_authenticated and self.request.user.pk == profile.user_id,
        )
        return context


class ProfileEditView(LoginRequiredMixin, View):
    template_name = "profiles/profile_edit.html"

    def _render(self, request, form, profile, status=200):
        return render(request, self.template_name, {"form": form, "profile": profile}, status=status)

    def get(self, request):
        profile = selectors.profile_for_user(user=request.user)
        return self._render(request, ProfileForm(initial=ProfileForm.initial_from(profile, request.user)), profile)

    def post(self, request):
        profile = selectors.profile_for_user(user=request.user)
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                if form.cleaned_data.get("remove_avatar") and profile and profile.avatar:
                    services.profile_avatar_remove(user=request.user)
                profile = services.profile_save(
                    user=request.user, data=form.service_data(), avatar=form.cleaned_data.get("avatar")
                )
            except DomainError as error:
                _raise_http(error)
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Votre profil est enregistré."))
                return HttpResponseRedirect(reverse("freelancer-detail", args=[profile.pk]))
        return self._render(request, form, profile)


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
            try:
                services.portfolio_item_create(
                    user=request.user, data=form.cleaned_data, images=form.cleaned_data["images"]
                )
            except DomainError as error:
                _raise_http(error)
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Réalisation ajoutée à votre portfolio."))
                return HttpResponseRedirect(reverse("portfolio-manage"))
        return self._render(request, form)


class PortfolioItemUpdateView(LoginRequiredMixin, View):
    template_name = "profiles/portfolio_item_form.html"

    def _item(self, request, pk):
        try:
            return selectors.portfolio_item_get_own(user=request.user, item_id=pk)
        except NotFound as error:
            raise Http404(str(error.message)) from None

    def get(self, request, pk):
        item = self._item(request, pk)
        form = PortfolioItemForm(initial={"title": item.title, "description": item.description})
        return render(request, self.template_name, {"form": form, "item": item})

    def post(self, request, pk):
        item = self._item(request, pk)
        form = PortfolioItemForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.portfolio_item_update(
                    user=request.user,
                    item_id=item.pk,
                    data=form.cleaned_data,
                    add_images=form.cleaned_data["images"],
                    remove_image_ids=[pk for pk in request.POST.getlist("remove_images") if pk.isdigit()],
                )
            except DomainError as error:
                _raise_http(error)
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Réalisation mise à jour."))
                return HttpResponseRedirect(reverse("portfolio-manage"))
        return render(request, self.template_name, {"form": form, "item": item})


class PortfolioItemDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        try:
            services.portfolio_item_delete(user=request.user, item_id=pk)
        except DomainError as error:
            _raise_http(error)
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Réalisation supprimée."))
        return HttpResponseRedirect(reverse("portfolio-manage"))


class ClientDetailView(TemplateView):
    template_name = "profiles/client_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            context["client"] = selectors.client_get(user_id=kwargs["user_id"])
        except NotFound as error:
            raise Http404(str(error.message)) from None
        return context


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
            try:
                services.report_create(
                    reporter=request.user,
                    kind=kind,
                    object_id=pk,
                    reason=form.cleaned_data["reason"],
                    details=form.cleaned_data["details"],
                )
            except DomainError as error:
                _raise_http(error)
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Merci. L'équipe de modération examinera votre signalement."))
                return HttpResponseRedirect(_report_back_url(request, kind, pk))
        return render(request, self.template_name, self._context(request, kind, pk, form))
