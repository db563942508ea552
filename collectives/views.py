"""Web pages of the collectives app; thin: forms parse, services decide, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from collectives import hooks, selectors, services
from collectives.forms import CollectiveForm, InviteForm
from collectives.models import CollectiveKind, MemberRole
from marketplace.common.errors import NotFound, PermissionDenied
from marketplace.common.ratelimit import ratelimit
from marketplace.common.web_errors import catch_refusal
from profiles.selectors import profile_for_user

PAGE_SIZE = 20


class CollectiveListView(View):
    """« Collectifs »: the directory, filtered by MRC, kind and words."""

    template_name = "collectives/collective_list.html"

    def get(self, request):
        mrc = request.GET.get("mrc", "")[:140]
        kind = request.GET.get("type", "")[:20]
        q = request.GET.get("q", "")[: selectors.MAX_QUERY_LENGTH]
        collectives = selectors.collectives_list(mrc=mrc or None, kind=kind or None, q=q or None)
        page = Paginator(collectives, PAGE_SIZE).get_page(request.GET.get("page"))
        filtered = bool(mrc or kind or q)
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "page_obj": page,
            "collectives": page.object_list,
            "mrcs": selectors.directory_mrcs(),
            "kinds": CollectiveKind.choices,
            "mrc": mrc,
            "kind": kind,
            "q": q,
            "filtered": filtered,
            "query_string": query.urlencode(),
        }
        return render(request, self.template_name, context)


class CollectiveDetailView(View):
    """A collective's public page: who they are, their skills, members, portfolio and reviews."""

    template_name = "collectives/collective_detail.html"

    def get(self, request, slug):
        collective = selectors.collective_detail(slug=slug)
        context = {
            "collective": collective,
            "members": selectors.active_memberships(collective),
            "skills": selectors.collective_skills(collective),
            "portfolio": selectors.collective_portfolio(collective),
            "sections": hooks.collective_page_sections(collective),
            "is_admin": selectors.is_admin(collective, request.user),
            "membership": selectors.membership_of(collective, request.user),
        }
        return render(request, self.template_name, context)


class CollectiveCreateView(LoginRequiredMixin, View):
    template_name = "collectives/collective_form.html"

    def _render(self, request, form, status=200):
        context = {"form": form, "has_profile": profile_for_user(user=request.user) is not None}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self._render(request, CollectiveForm())

    @ratelimit(scope="collective-create")
    def post(self, request):
        form = CollectiveForm(request.POST)
        if form.is_valid():
            with catch_refusal(form=form, every=True):
                collective = services.collective_create(creator=request.user, **form.service_data())
                messages.success(request, _("Votre collectif est créé. Invitez maintenant ses membres."))
                return HttpResponseRedirect(reverse("my-collectives") + f"#collectif-{collective.slug}")
        return self._render(request, form, status=400)


class CollectiveUpdateView(LoginRequiredMixin, View):
    template_name = "collectives/collective_form.html"

    def _collective(self, request, slug):
        collective = selectors.collective_detail(slug=slug)
        if not selectors.is_admin(collective, request.user):
            raise PermissionDenied(_("Seuls les administrateurs du collectif peuvent le modifier."))
        return collective

    def get(self, request, slug):
        collective = self._collective(request, slug)
        form = CollectiveForm(
            initial={
                "name": collective.name,
                "kind": collective.kind,
                "description": collective.description,
                "municipality": collective.municipality_id,
            }
        )
        return render(request, self.template_name, {"form": form, "collective": collective, "has_profile": True})

    def post(self, request, slug):
        collective = self._collective(request, slug)
        form = CollectiveForm(request.POST)
        if form.is_valid():
            with catch_refusal(form=form):
                services.collective_update(collective=collective, by=request.user, data=form.service_data())
                messages.success(request, _("Le collectif est enregistré."))
                return HttpResponseRedirect(reverse("collective-detail", args=[collective.slug]))
        context = {"form": form, "collective": collective, "has_profile": True}
        return render(request, self.template_name, context, status=400)


class MyCollectivesView(LoginRequiredMixin, View):
    """« Mes collectifs »: invitations to answer, my collectives, and for their admins the members."""

    template_name = "collectives/my_collectives.html"

    def get(self, request):
        context = {
            "invitations": selectors.invitations_for(request.user),
            "memberships": selectors.my_memberships(request.user),
            "has_profile": profile_for_user(user=request.user) is not None,
            "invite_form": InviteForm(),
            "roles": MemberRole.choices,
        }
        return render(request, self.template_name, context)


def _back(slug: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("my-collectives") + f"#collectif-{slug}")


class MemberInviteView(LoginRequiredMixin, View):
    @ratelimit(scope="collective-invite")
    def post(self, request, slug):
        collective = selectors.collective_detail(slug=slug)
        form = InviteForm(request.POST)
        if not form.is_valid():
            messages.error(request, services.EMAIL_OR_PROFILE)
            return _back(slug)
        with catch_refusal(request, every=True):
            member = selectors.invitee_find(text=form.cleaned_data["member"])
            if member is None:
                messages.error(
                    request, _("Aucun pigiste ne correspond à « %(text)s ».") % {"text": form.cleaned_data["member"]}
                )
                return _back(slug)
            services.member_invite(collective=collective, by=request.user, member=member)
            messages.success(request, _("%(name)s est invité·e.") % {"name": member.public_name})
        return _back(slug)


class InvitationAnswerView(LoginRequiredMixin, View):
    def post(self, request, pk):
        membership = selectors.invitation_get_own(user=request.user, membership_id=pk)
        accept = request.POST.get("answer") == "accept"
        with catch_refusal(request, every=True):
            services.invitation_answer(membership=membership, by=request.user, accept=accept)
            if accept:
                messages.success(request, _("Bienvenue dans « %(name)s » !") % {"name": membership.collective.name})
            else:
                messages.success(request, _("Invitation déclinée."))
        return HttpResponseRedirect(reverse("my-collectives"))


class MemberLeaveView(LoginRequiredMixin, View):
    def post(self, request, slug):
        collective = selectors.collective_detail(slug=slug)
        membership = selectors.membership_of(collective, request.user)
        if membership is None:
            raise NotFound(services.NOT_A_MEMBER)
        with catch_refusal(request, every=True):
            services.member_leave(membership=membership)
            messages.success(request, _("Vous avez quitté « %(name)s ».") % {"name": collective.name})
            return HttpResponseRedirect(reverse("my-collectives"))
        return _back(slug)


class MemberRemoveView(LoginRequiredMixin, View):
    def post(self, request, slug, user_id):
        collective = selectors.collective_detail(slug=slug)
        member = selectors.member_get(collective=collective, user_id=user_id)
        with catch_refusal(request, every=True):
            services.member_remove(collective=collective, by=request.user, member=member)
            messages.success(request, _("%(name)s ne fait plus partie du collectif.") % {"name": member.public_name})
        return _back(slug)


class MemberRoleView(LoginRequiredMixin, View):
    def post(self, request, slug, user_id):
        collective = selectors.collective_detail(slug=slug)
        member = selectors.member_get(collective=collective, user_id=user_id)
        with catch_refusal(request, every=True):
            services.member_role_set(
                collective=collective, by=request.user, member=member, role=request.POST.get("role", "")
            )
            messages.success(request, _("Le rôle de %(name)s est enregistré.") % {"name": member.public_name})
        return _back(slug)
