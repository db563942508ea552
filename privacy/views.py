"""Web pages for privacy rights (Loi 25): thin, the rules live in privacy.services (e-mail preferences in profiles.email_preferences)."""

from __future__ import annotations

from email.utils import parseaddr

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from marketplace.common.quota import storage_usage
from marketplace.common.storage import private_file_response
from marketplace.common.web_errors import catch_refusal
from privacy import services
from profiles import api_tokens, email_preferences
from profiles.models import DigestFrequency


class AccountDeletionForm(forms.Form):
    confirmation = forms.CharField(
        label=gettext_lazy("Tapez votre adresse courriel pour confirmer"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "email"}),
    )


class EmailPreferencesForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("M'écrire pour"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("À quelle fréquence"),
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
    )
    # Optional: a form posted without it (an older page) keeps the current choice.
    new_projects = forms.ChoiceField(
        label=gettext_lazy("Nouveaux projets qui me correspondent"),
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = email_preferences.email_kind_choices()


def privacy_contact_email() -> str:
    """The address people write to about their personal information."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL


class PrivacyPolicyView(TemplateView):
    template_name = "privacy/policy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            contact_email=privacy_contact_email(),
            settings_url=reverse("privacy-settings"),
            export_days=services.EXPORT_LINK_DAYS,
            grace_days=services.DELETION_GRACE_DAYS,
        )
        return context


class PrivacySettingsView(LoginRequiredMixin, TemplateView):
    """The member's account page: their data archive, storage, e-mails, API token and account deletion."""

    template_name = "privacy/settings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            export=services.data_export_latest(user=user),
            export_days=services.EXPORT_LINK_DAYS,
            grace_days=services.DELETION_GRACE_DAYS,
            storage=storage_usage(user_id=user.pk),
            api_token=api_tokens.api_token_get(user=user),
            api_token_allowed=api_tokens.api_token_allowed(user=user),
        )
        return context


class ApiTokenCreateView(LoginRequiredMixin, View):
    """POST: a new personal API token, shown this once on the account page (the previous one stops working)."""

    def post(self, request):
        # An unconfirmed e-mail is refused as a message on the account page, next to the button.
        with catch_refusal(request, every=True) as refused:
            token = api_tokens.api_token_create(user=request.user)
        if refused:
            return HttpResponseRedirect(reverse("privacy-settings") + "#api")
        # Rendered here rather than after a redirect: the key is never stored anywhere but in its row.
        view = PrivacySettingsView()
        view.setup(request)
        response = view.render_to_response(view.get_context_data(new_token=token.key))
        response["Cache-Control"] = "no-store"
        return response


class ApiTokenRevokeView(LoginRequiredMixin, View):
    """POST: delete the personal API token; programs using it are refused from now on."""

    def post(self, request):
        if api_tokens.api_token_revoke(user=request.user):
            messages.success(request, _("Jeton révoqué : il ne donne plus accès à votre compte."))
        return HttpResponseRedirect(reverse("privacy-settings") + "#api")


class DataExportRequestView(LoginRequiredMixin, View):
    def post(self, request):
        with catch_refusal(request, every=True):
            services.data_export_request(user=request.user)
            messages.success(
                request,
                _("C'est parti : votre archive se prépare. Nous vous écrirons dès qu'elle sera prête."),
            )
        return HttpResponseRedirect(reverse("privacy-settings"))


class DataExportDownloadView(LoginRequiredMixin, View):
    def get(self, request, token):
        # Someone else's or an unknown archive is a 404, an expired link the 410 page (DomainErrorMiddleware).
        export = services.data_export_get_for_download(user=request.user, token=token)
        return private_file_response(
            name=export.file_key,
            download_name=services.data_export_filename(export),
            content_type="application/zip",
        )


class AccountDeleteView(LoginRequiredMixin, View):
    template_name = "privacy/account_delete.html"

    def _render(self, request, form, status=200):
        context = {"form": form, "grace_days": services.DELETION_GRACE_DAYS}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self._render(request, AccountDeletionForm())

    def post(self, request):
        form = AccountDeletionForm(request.POST)
        if form.is_valid():
            with catch_refusal(form=form):
                deletion = services.account_deletion_request(
                    user=request.user, confirmation=form.cleaned_data["confirmation"]
                )
                email = request.user.email
                # Signed out now, so that signing in again is the clear, deliberate act that cancels.
                logout(request)
                return render(
                    request,
                    "privacy/deletion_scheduled.html",
                    {"deletion": deletion, "email": email, "grace_days": services.DELETION_GRACE_DAYS},
                )
        return self._render(request, form, status=400)


class EmailPreferencesView(LoginRequiredMixin, View):
    template_name = "privacy/email_preferences.html"

    def _render(self, request, form, status=200):
        return render(request, self.template_name, {"form": form}, status=status)

    def get(self, request):
        prefs = email_preferences.email_preferences_get(user=request.user)
        enabled = email_preferences.email_kinds_enabled(prefs=prefs)
        return self._render(
            request,
            EmailPreferencesForm(
                initial={"kinds": enabled, "frequency": prefs.frequency, "new_projects": prefs.new_projects}
            ),
        )

    def post(self, request):
        form = EmailPreferencesForm(request.POST)
        if form.is_valid():
            with catch_refusal(form=form):
                email_preferences.email_preferences_save(
                    user=request.user,
                    enabled_kinds=form.cleaned_data["kinds"],
                    frequency=form.cleaned_data["frequency"],
                    new_projects=form.cleaned_data["new_projects"] or None,
                )
                messages.success(request, _("Vos préférences de courriel sont enregistrées."))
                return HttpResponseRedirect(reverse("email-preferences"))
        return self._render(request, form, status=400)
