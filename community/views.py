"""Pages of groups and their bulletin board; the rules live in community.services and community.selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from community import selectors, services
from community.forms import GroupForm, InviteForm, PostForm
from community.models import GroupAccess
from marketplace.common.errors import PermissionDenied
from marketplace.common.ratelimit import ratelimit
from marketplace.common.web_errors import catch_refusal
from profiles.models import Mrc


def _detail_url(group) -> str:
    return reverse("group-detail", args=[group.slug])


class GroupListView(View):
    """Every group one may join, by MRC; invitation-only groups only for those they concern."""

    def get(self, request):
        mrc_slug = request.GET.get("mrc") or ""
        mrcs = Mrc.objects.order_by("name")
        groups = selectors.group_list(user=request.user, mrc_slug=mrc_slug or None)
        selected = next((m for m in mrcs if m.slug == mrc_slug), None)
        return render(request, "community/group_list.html", {"groups": groups, "mrcs": mrcs, "selected_mrc": selected})


class GroupMineView(LoginRequiredMixin, View):
    """ "Mes groupes": the member's groups with their unread posts, and invitations waiting for an answer."""

    def get(self, request):
        memberships = selectors.groups_of_member(user=request.user)
        return render(request, "community/group_mine.html", {"memberships": memberships})


class GroupCreateView(LoginRequiredMixin, View):
    template_name = "community/group_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": GroupForm(), "creating": True})

    @ratelimit(scope="group-create")
    def post(self, request):
        form = GroupForm(request.POST)
        if form.is_valid():
            with catch_refusal(form=form) as refused:
                group = services.group_create(user=request.user, data=form.service_data())
            if not refused:
                messages.success(request, _("Votre groupe est créé. Invitez des membres ou écrivez au babillard."))
                return HttpResponseRedirect(_detail_url(group))
        return render(request, self.template_name, {"form": form, "creating": True})


class GroupUpdateView(LoginRequiredMixin, View):
    template_name = "community/group_form.html"

    def _group(self, request, slug):
        group, info = selectors.group_get_for_viewer(user=request.user, slug=slug)
        if not info.can_manage:
            raise PermissionDenied(_("Seuls les organisateurs du groupe peuvent faire cela."))
        return group

    def get(self, request, slug):
        group = self._group(request, slug)
        initial = {
            "name": group.name,
            "description": group.description,
            "organiser_kind": group.organiser_kind,
            "access": group.access,
            "mrc": group.mrc_id,
            "municipality": group.municipality_id,
        }
        return render(request, self.template_name, {"form": GroupForm(initial=initial), "group": group})

    def post(self, request, slug):
        group = self._group(request, slug)
        form = GroupForm(request.POST)
        if form.is_valid():
            with catch_refusal(form=form) as refused:
                services.group_update(user=request.user, group_id=group.pk, data=form.service_data())
            if not refused:
                messages.success(request, _("Le groupe est enregistré."))
                return HttpResponseRedirect(_detail_url(group))
        return render(request, self.template_name, {"form": form, "group": group})


def _detail_context(request, group, info, *, post_form=None, invite_form=None) -> dict:
    context = {
        "group": group,
        "info": info,
        "members": selectors.group_members(group=group),
        "post_form": post_form or PostForm(),
        "invite_form": invite_form or InviteForm(),
        "GroupAccess": GroupAccess,
    }
    if info.can_manage:
        context["pending"] = selectors.group_pending(group=group)
    if info.is_member:
        context["posts"], context["has_more"] = selectors.bulletin_posts(user=request.user, group=group, info=info)
    return context


class GroupDetailView(View):
    """A group: its description, members, bulletin board (members only) and events."""

    def get(self, request, slug):
        group, info = selectors.group_get_for_viewer(user=request.user, slug=slug)
        context = _detail_context(request, group, info)
        if info.is_member:
            # Opening the board reads it: the header's count goes down.
            services.bulletin_mark_read(user=request.user, group_id=group.pk)
        return render(request, "community/group_detail.html", context)


class _GroupActionView(LoginRequiredMixin, View):
    """A button on the group page: do one thing, say how it went, go back to the page."""

    success_message = ""

    def act(self, request, group):
        raise NotImplementedError

    def post(self, request, slug, **kwargs):
        group, _info = selectors.group_get_for_viewer(user=request.user, slug=slug)
        with catch_refusal(request, every=True) as refused:
            self.act(request, group, **kwargs)
        if not refused and self.success_message:
            messages.success(request, self.success_message)
        return HttpResponseRedirect(self.next_url(request, group))

    def next_url(self, request, group):
        return _detail_url(group)


class GroupJoinView(_GroupActionView):
    def act(self, request, group):
        membership = services.group_join(user=request.user, group_id=group.pk)
        if membership.status == "actif":
            messages.success(request, _("Bienvenue dans le groupe !"))
        else:
            messages.success(request, _("Demande envoyée : les organisateurs vous répondront."))


class GroupLeaveView(_GroupActionView):
    success_message = ""

    def act(self, request, group):
        services.group_leave(user=request.user, group_id=group.pk)
        messages.success(request, _("Vous avez quitté le groupe « %(name)s ».") % {"name": group.name})

    def next_url(self, request, group):
        # An invitation-only group is no longer visible once left.
        return reverse("group-mine")


class GroupInvitationAnswerView(_GroupActionView):
    def act(self, request, group):
        accept = request.POST.get("answer") == "accept"
        services.group_invitation_answer(user=request.user, group_id=group.pk, accept=accept)
        messages.success(request, _("Bienvenue dans le groupe !") if accept else _("Invitation déclinée."))

    def next_url(self, request, group):
        return _detail_url(group) if request.POST.get("answer") == "accept" else reverse("group-mine")


class GroupInviteView(_GroupActionView):
    success_message = ""

    @ratelimit(scope="group-invite")
    def post(self, request, slug, **kwargs):
        return super().post(request, slug, **kwargs)

    def act(self, request, group):
        form = InviteForm(request.POST)
        invitee = form.cleaned_data["invitee"] if form.is_valid() else request.POST.get("invitee", "")
        membership = services.group_invite(user=request.user, group_id=group.pk, invitee=invitee)
        messages.success(
            request,
            _("%(name)s est invité·e : la personne reçoit une notification.") % {"name": membership.member.public_name},
        )


class GroupRequestAnswerView(_GroupActionView):
    def act(self, request, group, member_id):
        accept = request.POST.get("answer") == "accept"
        services.group_request_answer(user=request.user, group_id=group.pk, member_id=member_id, accept=accept)
        messages.success(request, _("Demande acceptée.") if accept else _("Demande refusée."))


class GroupMemberRemoveView(_GroupActionView):
    success_message = ""

    def act(self, request, group, member_id):
        services.group_member_remove(user=request.user, group_id=group.pk, member_id=member_id)
        messages.success(request, _("La personne ne fait plus partie du groupe."))


class BulletinPostCreateView(LoginRequiredMixin, View):
    """Post on the board or reply; a refused post comes back in its form with the reason, nothing lost."""

    @ratelimit(scope="group-post")
    def post(self, request, slug):
        group, info = selectors.group_get_for_viewer(user=request.user, slug=slug)
        form = PostForm(request.POST)
        form.is_valid()
        parent_id = form.cleaned_data.get("parent") if hasattr(form, "cleaned_data") else None
        with catch_refusal(form=form, every=True) as refused:
            post = services.bulletin_post_create(
                user=request.user, group_id=group.pk, body=request.POST.get("body", ""), parent_id=parent_id
            )
        if refused:
            context = _detail_context(request, group, info, post_form=form)
            return render(request, "community/group_detail.html", context, status=400)
        # The author has read up to their own post.
        services.bulletin_mark_read(user=request.user, group_id=group.pk)
        return HttpResponseRedirect(_detail_url(group) + f"#post-{post.parent_id or post.pk}")


class BulletinPostFragmentView(LoginRequiredMixin, View):
    """One post with its replies, as HTML for the group page to show a post that arrived live."""

    def get(self, request, slug, post_id):
        group, info = selectors.group_get_for_viewer(user=request.user, slug=slug)
        post = selectors.bulletin_post_get(user=request.user, group=group, info=info, post_id=post_id)
        return render(
            request,
            "community/_bulletin_post.html",
            {"post": post, "group": group, "info": info, "post_form": PostForm()},
        )


class BulletinReadView(LoginRequiredMixin, View):
    """The group page, open while posts arrive live, says they are read (the header's count follows)."""

    def post(self, request, slug):
        group, _info = selectors.group_get_for_viewer(user=request.user, slug=slug)
        up_to = request.POST.get("up_to")
        services.bulletin_mark_read(
            user=request.user, group_id=group.pk, up_to=int(up_to) if up_to and up_to.isdigit() else None
        )
        return HttpResponse(status=204)
