"""Web pages of the projects app; thin: forms parse, services decide, selectors read."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from marketplace.common.errors import NotFound, ValidationFailed
from marketplace.common.ratelimit import ratelimit
from marketplace.common.seo import robots_header
from marketplace.common.storage import private_file_response
from marketplace.common.web_errors import catch_refusal
from profiles import selectors as profile_selectors
from profiles.models import FreelancerProfile
from profiles.seo import profile_seo
from projects import hooks, selectors, services, signup
from projects.forms import (
    DeclineForm,
    InviteForm,
    JointLineItemFormSet,
    JointQuoteForm,
    LineItemFormSet,
    OfferDeclineForm,
    OfferForm,
    ProjectForm,
    QuoteForm,
    ReviewForm,
    RevisionForm,
)
from projects.models import Category, Project, ProjectStatus
from projects.permissions import project_attachment_get_readable, project_get_for_owner, quote_get_for_author
from projects.seo import project_seo


def _project_url(pk: int, anchor: str = "") -> str:
    return reverse("project-detail", args=[pk]) + anchor


class CappedCountPaginator(Paginator):
    """A paginator that counts rows only up to a cap, or just past the page asked for if that is further.

    Counting every open project scanned them all on each visit of the list (40 ms at 66 000 of them) for a
    figure nobody needs exactly: past the cap the page says "plus de 1000" and "Page 3", without a total.
    Every page stays reachable: the count always goes one row past the requested page, so "Suivante"
    shows whenever there is one.
    """

    def __init__(self, object_list, per_page, *, page_number=None, cap: int = 1000):
        super().__init__(object_list, per_page)
        try:
            requested = max(int(page_number), 1)
        except (TypeError, ValueError):
            requested = 1
        self.cap = cap
        self.counted_up_to = max(cap, requested * per_page)

    @cached_property
    def count(self) -> int:
        # Only the ids, so the count doesn't compute the page's annotations for up to cap + 1 rows.
        return self.object_list.order_by().values("pk")[: self.counted_up_to + 1].count()

    @property
    def count_is_capped(self) -> bool:
        return self.count > self.counted_up_to


class ProjectListView(TemplateView):
    template_name = "projects/project_list.html"
    paginate_by = 20
    count_cap = 1000

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        category = self.request.GET.get("categorie", "")
        remote = self.request.GET.get("distance") == "1"
        page_number = self.request.GET.get("page")
        paginator = CappedCountPaginator(
            selectors.project_list_open(category=category, remote=remote, viewer=self.request.user),
            self.paginate_by,
            page_number=page_number,
            cap=self.count_cap,
        )
        page = paginator.get_page(page_number)
        query = {k: v for k, v in {"categorie": category, "distance": "1" if remote else ""}.items() if v}
        context.update(
            page_obj=page,
            projects=page.object_list,
            categories=Category.choices,
            category=category,
            remote=remote,
            query_string=urlencode(query),
        )
        return context


def _project_form_context(form, **extra):
    return {"form": form, **extra}


class ProjectCreateView(View):
    """Anyone writes a project; a visitor signs up on submit and the project is created afterwards."""

    template_name = "projects/project_form.html"

    def get(self, request):
        # What a visitor wrote before signing up with an address that already had an account: not lost.
        stash = signup.stash_get(request)
        initial = stash if stash and not stash.get("project_id") else None
        return render(request, self.template_name, _project_form_context(ProjectForm(initial=initial), creating=True))

    @ratelimit(scope="project-create")
    def post(self, request):
        form = ProjectForm(request.POST)
        publish = request.POST.get("action") != "draft"
        if not form.is_valid():
            return render(request, self.template_name, _project_form_context(form, creating=True))
        if not request.user.is_authenticated:
            with catch_refusal(form=form) as refused:
                services.project_validate(data=form.service_data())
            if refused:
                return render(request, self.template_name, _project_form_context(form, creating=True))
            # Keep what they typed (as sent) until they have an account; nothing is written to the database yet.
            pending = {key: request.POST.get(key, "") for key in form.fields}
            # The place as resolved (a typed name, or the suggestion chosen): the id alone stands for it.
            pending["municipality"] = form.cleaned_data["municipality"] or ""
            signup.stash_keep(request, data=pending, publish=publish)
            next_url = reverse("project-create-resume")
            messages.info(request, _("Votre projet est prêt. Créez votre compte (ou connectez-vous) pour le publier."))
            return HttpResponseRedirect(reverse("account_signup") + "?" + urlencode({"next": next_url}))
        return self._create(request, form, publish=publish)

    def _create(self, request, form, *, publish: bool):
        with catch_refusal(form=form) as refused:
            project = services.project_create(owner=request.user, data=form.service_data(), publish=publish)
        if refused:
            return render(request, self.template_name, _project_form_context(form, creating=True))
        if project.status == ProjectStatus.AWAITING_EMAIL:
            messages.info(
                request, _("Votre projet est enregistré. Il sera publié dès que vous aurez confirmé votre courriel.")
            )
        elif publish:
            messages.success(request, _("Votre projet est publié. Les pigistes peuvent maintenant vous soumissionner."))
        else:
            messages.success(request, _("Brouillon enregistré. Publiez-le quand vous serez prêt."))
        return HttpResponseRedirect(_project_url(project.pk))


class ProjectCreateResumeView(LoginRequiredMixin, ProjectCreateView):
    """After sign-up or login: create the project the visitor wrote, without retyping."""

    def get(self, request):
        pending = signup.stash_get(request)
        if not pending:
            return HttpResponseRedirect(reverse("project-create"))
        if pending.get("project_id"):
            # Saved when the account was created (projects/signup.py): show it rather than create it twice.
            signup.stash_clear(request)
            return HttpResponseRedirect(_project_url(pending["project_id"]))
        form = ProjectForm(pending)
        if not form.is_valid():
            return render(request, self.template_name, _project_form_context(form, creating=True))
        response = self._create(request, form, publish=pending.get("action") != "draft")
        if response.status_code == 302:
            signup.stash_clear(request)
        return response

    def post(self, request):
        signup.stash_clear(request)
        return super().post(request)


class ProjectDetailView(View):
    template_name = "projects/project_detail.html"

    def get(self, request, pk):
        return self.render_page(request, pk)

    def render_page(self, request, pk, *, quote_form=None, items_formset=None, status=200):
        sort = request.GET.get("tri", "price")
        page = selectors.project_detail_for_viewer(user=request.user, project_id=pk, sort=sort)
        if quote_form is None and page.can_quote:
            quote_form, items_formset = QuoteForm(), LineItemFormSet(prefix="items")
        context = {
            "page": page,
            "project": page.project,
            "sort": sort if sort in selectors.QUOTE_SORTS else "price",
            "quote_form": quote_form,
            "items_formset": items_formset,
            "revision_form": RevisionForm(),
            "documents": selectors.project_documents_for_viewer(user=request.user, project=page.project),
            # "Pigistes près de votre projet": the owner's only, while it takes quotes.
            "nearby": hooks.nearby_freelancers(project=page.project) if page.is_owner else [],
            # "Soumission commune": offered to the admins of a collective while they may quote.
            "joint_collectives": (
                selectors.collectives_administered(user=request.user) if page.can_quote and not page.is_owner else []
            ),
            "seo": project_seo(project=page.project),
            "engagement": hooks.engagement_for(user=request.user, project=page.project),
        }
        return robots_header(render(request, self.template_name, context, status=status), context["seo"])


class ProjectQuotesFragmentView(LoginRequiredMixin, View):
    """The owner's comparison table alone, re-fetched live when a quote changes."""

    def get(self, request, pk):
        page = selectors.project_quotes_table(user=request.user, project_id=pk, sort=request.GET.get("tri", "price"))
        context = {
            "page": page,
            "project": page.project,
            "sort": request.GET.get("tri", "price"),
            "revision_form": RevisionForm(),
        }
        return render(request, "projects/_quotes_table.html", context)


class ProjectUpdateView(LoginRequiredMixin, View):
    template_name = "projects/project_form.html"

    def _project(self, request, pk) -> Project:
        return project_get_for_owner(user=request.user, project_id=pk)

    def get(self, request, pk):
        project = self._project(request, pk)
        initial = {
            "title": project.title,
            "description": project.description,
            "category": project.category,
            "skills": ", ".join(s.name for s in project.skills.all()),
            "budget_type": project.budget_type,
            "budget_min": project.budget_min,
            "budget_max": project.budget_max,
            "deadline": project.deadline,
            "starts_on": project.starts_on,
            "municipality": project.municipality_id,
            "remote": project.remote,
            "quotes_due": project.quotes_due,
            "visibility": project.visibility,
        }
        return render(request, self.template_name, {"form": ProjectForm(initial=initial), "project": project})

    def post(self, request, pk):
        project = self._project(request, pk)
        form = ProjectForm(request.POST)
        if form.is_valid():
            with catch_refusal(form=form):
                services.project_update(user=request.user, project_id=pk, data=form.service_data())
                messages.success(request, _("Projet mis à jour."))
                return HttpResponseRedirect(_project_url(pk))
        return render(request, self.template_name, {"form": form, "project": project})


class _PostActionView(LoginRequiredMixin, View):
    """POST-only action calling one service; refusals come back as a message on the project page."""

    success_message = ""

    def act(self, request, pk):
        raise NotImplementedError

    def project_id(self, request, pk) -> int:
        return pk

    def redirect_url(self, request, pk, result) -> str:
        return _project_url(self.project_id(request, pk))

    def post(self, request, pk):
        result = None
        with catch_refusal(request):
            result = self.act(request, pk)
            if self.success_message:
                messages.success(request, self.success_message)
        return HttpResponseRedirect(self.redirect_url(request, pk, result))


class ProjectPublishView(_PostActionView):
    def act(self, request, pk):
        project = services.project_publish(user=request.user, project_id=pk)
        if project.status == ProjectStatus.AWAITING_EMAIL:
            self.success_message = _(
                "Votre projet est enregistré. Il sera publié dès que vous aurez confirmé votre courriel."
            )
        else:
            self.success_message = _("Votre projet est publié.")
        return project


class ProjectCancelView(_PostActionView):
    def act(self, request, pk):
        self.success_message = _("Le projet est annulé ; les pigistes qui avaient soumissionné sont avisés.")
        return services.project_cancel(user=request.user, project_id=pk)


class ProjectCompleteView(_PostActionView):
    """GET asks for confirmation (the project is closed for good); POST marks it completed."""

    def get(self, request, pk):
        page = selectors.project_completion_page(user=request.user, project_id=pk)
        if page.project.status != ProjectStatus.AWARDED:
            # Nothing to confirm: the project page says where it stands.
            return HttpResponseRedirect(_project_url(pk))
        return render(
            request, "projects/project_complete_confirm.html", {"project": page.project, "quote": page.hired_quote}
        )

    def act(self, request, pk):
        self.success_message = _("Projet terminé. Pensez à évaluer le pigiste !")
        return services.project_complete(user=request.user, project_id=pk)


class ProjectAttachmentAddView(_PostActionView):
    def act(self, request, pk):
        self.success_message = _("Document ajouté.")
        return services.project_attachments_add(user=request.user, project_id=pk, uploads=request.FILES.getlist("file"))

    def redirect_url(self, request, pk, result) -> str:
        return _project_url(pk, "#documents")


class ProjectAttachmentDeleteView(_PostActionView):
    def act(self, request, pk):
        try:
            attachment_id = int(request.POST.get("document", ""))
        except ValueError:
            raise NotFound(_("Ce document n'existe pas.")) from None
        self.success_message = _("Document retiré.")
        return services.project_attachment_delete(user=request.user, project_id=pk, attachment_id=attachment_id)

    def redirect_url(self, request, pk, result) -> str:
        return _project_url(pk, "#documents")


class ProjectAttachmentDownloadView(LoginRequiredMixin, View):
    """Serve a project document to its owner, staff and the freelancers involved; everyone else gets a 404."""

    def get(self, request, pk, attachment_pk):
        attachment = project_attachment_get_readable(user=request.user, project_id=pk, attachment_id=attachment_pk)
        return private_file_response(
            name=attachment.file.name, download_name=attachment.name, content_type=attachment.content_type
        )


class QuoteCreateView(View):
    """POST a quote from the project page; errors re-render that page with the form."""

    @ratelimit(scope="quote-submit")
    def post(self, request, pk):
        if not request.user.is_authenticated:
            return HttpResponseRedirect(reverse("account_login") + "?" + urlencode({"next": _project_url(pk)}))
        form = QuoteForm(request.POST)
        items = LineItemFormSet(request.POST, prefix="items")
        if form.is_valid() and items.is_valid():
            with catch_refusal(form=form):
                services.quote_submit(user=request.user, project_id=pk, data=form.service_data(items))
                messages.success(request, _("Votre soumission est envoyée. Le client en est avisé."))
                return HttpResponseRedirect(_project_url(pk, "#my-quote"))
        return ProjectDetailView().render_page(request, pk, quote_form=form, items_formset=items, status=400)


class JointQuoteCreateView(LoginRequiredMixin, View):
    """A collective's quote ("soumission commune"): an admin assigns each line to a member, one total."""

    template_name = "projects/joint_quote_form.html"

    def _page(self, request, pk):
        collective_id = request.POST.get("collective") or request.GET.get("collectif")
        return selectors.joint_quote_form_page(user=request.user, project_id=pk, collective_id=collective_id)

    def _render(self, request, page, form, items, *, status=200):
        context = {"page": page, "project": page.project, "form": form, "items_formset": items}
        return render(request, self.template_name, context, status=status)

    def _items(self, page, data=None):
        kwargs = {"members": page.members}
        return JointLineItemFormSet(data, prefix="items", form_kwargs=kwargs)

    def get(self, request, pk):
        page = self._page(request, pk)
        form = JointQuoteForm(collectives=page.collectives, initial={"collective": page.collective.pk})
        return self._render(request, page, form, self._items(page))

    @ratelimit(scope="quote-submit")
    def post(self, request, pk):
        page = self._page(request, pk)
        form = JointQuoteForm(request.POST, collectives=page.collectives)
        items = self._items(page, request.POST)
        if form.is_valid() and items.is_valid():
            with catch_refusal(form=form):
                services.quote_submit(user=request.user, project_id=pk, data=form.service_data(items))
                messages.success(
                    request, _("La soumission commune est envoyée. Le client et les membres assignés en sont avisés.")
                )
                return HttpResponseRedirect(_project_url(pk, "#my-quote"))
        return self._render(request, page, form, items, status=400)


class _QuoteView(LoginRequiredMixin, View):
    def project_id(self, request, pk) -> int:
        return selectors.quote_project_id(quote_id=pk)


class QuoteUpdateView(_QuoteView):
    template_name = "projects/quote_form.html"

    def _quote(self, request, pk):
        return quote_get_for_author(user=request.user, quote_id=pk)

    def get(self, request, pk):
        quote = self._quote(request, pk)
        initial = {
            "pricing": quote.pricing,
            "amount": quote.amount,
            "estimated_hours": quote.estimated_hours,
            "delivery_days": quote.delivery_days,
            "delivery_date": quote.delivery_date,
            "charges_taxes": "1" if quote.charges_taxes else "0",
            "message": quote.message,
        }
        items = LineItemFormSet(
            prefix="items", initial=[{"description": i.description, "amount": i.amount} for i in quote.line_items.all()]
        )
        return render(
            request,
            self.template_name,
            {"form": QuoteForm(initial=initial), "items_formset": items, "quote": quote, "project": quote.project},
        )

    def post(self, request, pk):
        quote = self._quote(request, pk)
        form = QuoteForm(request.POST)
        items = LineItemFormSet(request.POST, prefix="items")
        if form.is_valid() and items.is_valid():
            with catch_refusal(form=form):
                services.quote_update(user=request.user, quote_id=pk, data=form.service_data(items))
                messages.success(request, _("Votre soumission est mise à jour."))
                return HttpResponseRedirect(_project_url(quote.project_id, "#my-quote"))
        return render(
            request,
            self.template_name,
            {"form": form, "items_formset": items, "quote": quote, "project": quote.project},
            status=400,
        )


class _QuoteActionView(_QuoteView, _PostActionView):
    anchor = "#quotes"

    def redirect_url(self, request, pk, result) -> str:
        return _project_url(self.project_id(request, pk), self.anchor)


class QuoteWithdrawView(_QuoteActionView):
    anchor = "#my-quote"

    def act(self, request, pk):
        self.success_message = _("Votre soumission est retirée.")
        return services.quote_withdraw(user=request.user, quote_id=pk)


class QuoteShortlistView(_QuoteActionView):
    def act(self, request, pk):
        self.success_message = _("Soumission ajoutée à votre présélection.")
        return services.quote_shortlist(user=request.user, quote_id=pk)


class QuoteDeclineView(_QuoteActionView):
    """GET asks for confirmation (with an optional reason); POST declines."""

    def get(self, request, pk):
        page, quote = selectors.quote_decision_page(user=request.user, quote_id=pk)
        if not quote.is_live or page.project.status != ProjectStatus.OPEN:
            # Already decided: the table shows where the quote stands.
            return HttpResponseRedirect(_project_url(page.project.pk, "#quotes"))
        return render(
            request,
            "projects/quote_decline_confirm.html",
            {"project": page.project, "quote": quote, "form": DeclineForm()},
        )

    def act(self, request, pk):
        self.success_message = _("Soumission refusée ; le pigiste en est avisé.")
        return services.quote_decline(user=request.user, quote_id=pk, reason=request.POST.get("reason", ""))


class QuoteRequestRevisionView(_QuoteActionView):
    def act(self, request, pk):
        self.success_message = _("Demande de révision envoyée au pigiste.")
        return services.quote_request_revision(user=request.user, quote_id=pk, note=request.POST.get("note", ""))


class QuoteAcceptView(_QuoteActionView):
    """GET asks for confirmation; POST hires."""

    def get(self, request, pk):
        page, quote = selectors.quote_decision_page(user=request.user, quote_id=pk)
        others = sum(1 for q in page.quotes if q.is_live and q.pk != pk)
        return render(
            request, "projects/quote_accept_confirm.html", {"project": page.project, "quote": quote, "others": others}
        )

    def act(self, request, pk):
        self.success_message = _("C'est conclu ! Le pigiste est avisé, et les autres soumissions sont refusées.")
        return services.quote_accept(user=request.user, quote_id=pk)


class ReviewCreateView(LoginRequiredMixin, View):
    """Write (or, until it is published, edit) one's review of the other side of a completed project."""

    template_name = "projects/review_form.html"

    def _page(self, request, pk):
        page = selectors.project_detail_for_viewer(user=request.user, project_id=pk)
        if not (page.can_review or page.can_edit_review):
            is_party = page.is_owner or (
                page.hired_quote is not None and page.hired_quote.freelancer_id == request.user.pk
            )
            if page.my_review is not None and page.my_review.is_published:
                messages.error(request, _("Votre évaluation est publiée : elle ne peut plus être modifiée."))
            elif page.my_review is not None or (is_party and page.project.status == ProjectStatus.COMPLETED):
                # The blind period is over: writing or editing ended with it.
                messages.error(request, _("Les évaluations de ce projet sont closes."))
            else:
                raise DjangoPermissionDenied(
                    _("Seuls le client et le pigiste retenu peuvent évaluer ce projet, une fois terminé.")
                )
        return page

    def _context(self, page, form):
        subject = page.hired_quote.freelancer if page.is_owner and page.hired_quote else page.project.owner
        return {"page": page, "project": page.project, "form": form, "subject": subject}

    def get(self, request, pk):
        page = self._page(request, pk)
        if not (page.can_review or page.can_edit_review):
            return HttpResponseRedirect(_project_url(pk))
        initial = {}
        if page.my_review:
            initial = {
                "rating": page.my_review.rating,
                "comment": page.my_review.comment,
                "paid_as_agreed": page.my_review.paid_as_agreed,
            }
        return render(
            request,
            self.template_name,
            self._context(page, ReviewForm(initial=initial, author_is_client=page.is_owner)),
        )

    def post(self, request, pk):
        page = self._page(request, pk)
        form = ReviewForm(request.POST, author_is_client=page.is_owner)
        if form.is_valid():
            with catch_refusal(form=form):
                if page.my_review is not None:
                    review = services.review_update(
                        user=request.user, review_id=page.my_review.pk, data=form.cleaned_data
                    )
                else:
                    review = services.review_submit(user=request.user, project_id=pk, data=form.cleaned_data)
                if review.is_published:
                    messages.success(request, _("Merci ! Vos deux évaluations sont maintenant publiées."))
                else:
                    messages.success(
                        request,
                        _("Merci ! Votre évaluation sera visible quand l'autre partie aura écrit la sienne."),
                    )
                return HttpResponseRedirect(_project_url(pk, "#reviews"))
        return render(request, self.template_name, self._context(page, form), status=400)


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "projects/dashboard.html"
    # "Mes projets" by pages: an agency with hundreds of projects would otherwise get a page as long (and as
    # slow) as all of them, or never see its older ones.
    client_projects_per_page = 30

    def _client_projects(self, user):
        """One page of the client's projects (one query: a row past the page tells if there are older ones)."""
        try:
            number = max(int(self.request.GET.get("projets", 1)), 1)
        except ValueError:
            number = 1
        per_page = self.client_projects_per_page
        rows = selectors.client_dashboard(user=user, limit=per_page + 1, offset=(number - 1) * per_page)
        if not rows and number > 1:  # past the last page (projects deleted, or a hand-written link)
            number, rows = 1, selectors.client_dashboard(user=user, limit=per_page + 1)
        return rows[:per_page], number, len(rows) > per_page

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        freelancer = selectors.freelancer_dashboard(user=user)
        client_projects, page_number, has_older = self._client_projects(user)
        context.update(
            client_projects=client_projects,
            client_projects_page=page_number,
            client_projects_older=page_number + 1 if has_older else None,
            client_projects_newer=page_number - 1 if page_number > 1 else None,
            freelancer=freelancer,
            has_profile=FreelancerProfile.objects.filter(user=user).exists(),
            to_review=selectors.projects_to_review(user=user),
        )
        return context


class FreelancerInviteView(LoginRequiredMixin, View):
    template_name = "projects/freelancer_invite.html"

    def _profile(self, profile_pk):
        profile = FreelancerProfile.objects.select_related("user").filter(pk=profile_pk, is_hidden=False).first()
        if profile is None:
            raise Http404
        return profile

    def get(self, request, profile_pk):
        profile = self._profile(profile_pk)
        projects = selectors.projects_open_for_invitation(user=request.user)
        form = InviteForm(projects=projects, initial={"project": request.GET.get("projet")})
        return render(request, self.template_name, {"profile": profile, "projects": projects, "form": form})

    @ratelimit(scope="invitation-send")
    def post(self, request, profile_pk):
        profile = self._profile(profile_pk)
        projects = selectors.projects_open_for_invitation(user=request.user)
        form = InviteForm(request.POST, projects=projects)
        if form.is_valid():
            with catch_refusal(form=form):
                services.invitation_send(
                    user=request.user,
                    project_id=form.cleaned_data["project"],
                    freelancer_profile_id=profile.pk,
                    message=form.cleaned_data["message"],
                )
                messages.success(request, _("Invitation envoyée à %(name)s.") % {"name": profile.display_name})
                return HttpResponseRedirect(_project_url(form.cleaned_data["project"]))
        return render(request, self.template_name, {"profile": profile, "projects": projects, "form": form}, status=400)


class _InvitationAnswerView(_PostActionView):
    """The invited freelancer answers from their dashboard; a refusal comes back as a message there."""

    accept = True

    def act(self, request, pk):
        invitation = services.invitation_answer(user=request.user, invitation_id=pk, accept=self.accept)
        if self.accept:
            self.success_message = _("Invitation acceptée : envoyez votre soumission quand vous serez prêt.")
        else:
            self.success_message = _("Invitation déclinée. Le client le verra sur la page de son projet.")
        return invitation

    def redirect_url(self, request, pk, result) -> str:
        if result is not None and self.accept:
            return _project_url(result.project_id, "#quote-form")
        if request.POST.get("from") == "project":  # answered on the project page: back there
            return _project_url(selectors.invitation_project_id(invitation_id=pk))
        return reverse("dashboard")


class InvitationAcceptView(_InvitationAnswerView):
    accept = True


class InvitationDeclineView(_InvitationAnswerView):
    """ "Non merci", with the optional reason typed on the project page (the dashboard's button sends none)."""

    accept = False

    def act(self, request, pk):
        invitation = services.invitation_decline(
            user=request.user, invitation_id=pk, reason=request.POST.get("reason", "")
        )
        self.success_message = _("Invitation déclinée. Le client le verra sur la page de son projet.")
        return invitation


def _colleague_ids(request) -> list[int]:
    """The colleagues typed in the form (links, numbers or names); a name nobody or several have is refused."""
    ids, problems = selectors.colleague_profile_ids(references=request.POST.getlist("colleague"))
    if problems:
        raise ValidationFailed(" ".join(str(p) for p in problems), field="colleagues")
    return ids


class InvitationPassOnView(_PostActionView):
    """ "Pas disponible — je recommande…": answer the invitation by recommending colleagues."""

    def project_id(self, request, pk) -> int:
        return selectors.invitation_project_id(invitation_id=pk)

    def act(self, request, pk):
        invitation = services.invitation_pass_on(
            user=request.user,
            invitation_id=pk,
            colleague_profile_ids=_colleague_ids(request),
            note=request.POST.get("note", ""),
        )
        self.success_message = _("Merci ! Le client voit votre recommandation, et vos collègues en sont avisés.")
        return invitation


class ProjectRecommendView(_PostActionView):
    """ "Recommander à un collègue" from a project's page."""

    @ratelimit(scope="invitation-send")
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, pk):
        made = services.recommendation_send(
            user=request.user,
            project_id=pk,
            colleague_profile_ids=_colleague_ids(request),
            note=request.POST.get("note", ""),
        )
        self.success_message = ngettext(
            "Projet recommandé à %(names)s.", "Projet recommandé à %(names)s.", len(made)
        ) % {"names": ", ".join(str(r.colleague.public_name) for r in made)}
        return made


class RecommendationInviteView(_PostActionView):
    """The client invites a recommended colleague in one click."""

    def project_id(self, request, pk) -> int:
        return selectors.recommendation_project_id(recommendation_id=pk)

    def act(self, request, pk):
        invitation = services.invitation_from_recommendation(user=request.user, recommendation_id=pk)
        self.success_message = _("Invitation envoyée à %(name)s.") % {"name": invitation.freelancer.public_name}
        return invitation

    def redirect_url(self, request, pk, result) -> str:
        return _project_url(self.project_id(request, pk), "#recommendations")


# --- Member pages that show a reputation: the profile and client apps below know the member, this one
# the reviews, so the page that shows both asks both from here.


class FreelancerDetailView(TemplateView):
    """A freelancer's public profile, with the reviews clients left them."""

    template_name = "profiles/freelancer_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        profile = profile_selectors.freelancer_get(profile_id=kwargs["pk"], viewer=self.request.user)
        context.update(
            profile=profile,
            skills=list(profile.skills.all()),
            portfolio=list(profile.portfolio_items.all()),
            languages=profile_selectors.language_names(profile.languages),
            next_free_week=profile_selectors.free_week_label(profile_selectors.profile_next_free_week(profile)),
            review_summary=selectors.freelancer_reviews(user_id=profile.user_id, viewer=self.request.user),
            is_owner=self.request.user.is_authenticated and self.request.user.pk == profile.user_id,
        )
        context["seo"] = profile_seo(profile=profile, skills=context["skills"])
        return context

    def render_to_response(self, context, **response_kwargs):
        return robots_header(super().render_to_response(context, **response_kwargs), context["seo"])


class ClientDetailView(TemplateView):
    """A client's public page: reviews from freelancers and whether they paid as agreed."""

    template_name = "profiles/client_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["client"] = selectors.client_get(user_id=kwargs["user_id"])
        return context


class QuoteOffersView(LoginRequiredMixin, View):
    """A quote's negotiation: its offers, oldest first, and the form of a counter-offer for whoever may make one."""

    template_name = "projects/quote_offers.html"

    def _render(self, request, pk, form=None, *, status=200):
        page = selectors.quote_offers_page(user=request.user, quote_id=pk)
        if form is None and page.can_offer:
            current = page.open_offer or page.quote
            form = OfferForm(
                initial={
                    "amount": current.amount,
                    "delivery_days": current.delivery_days,
                    "delivery_date": current.delivery_date,
                }
            )
        context = {"page": page, "quote": page.quote, "project": page.quote.project, "form": form}
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self._render(request, pk)

    def post(self, request, pk):
        form = OfferForm(request.POST)
        if form.is_valid():
            with catch_refusal(form=form):
                services.offer_make(user=request.user, quote_id=pk, data=form.cleaned_data)
                messages.success(request, _("Votre offre est envoyée ; l'autre partie en est avisée."))
                return HttpResponseRedirect(reverse("quote-offers", args=[pk]))
        return self._render(request, pk, form, status=400)


class _OfferAnswerView(_PostActionView):
    """GET asks for confirmation; POST answers. Either way the user lands back on the negotiation."""

    template_name = ""

    def get(self, request, pk):
        page, offer, others = selectors.offer_answer_page(user=request.user, offer_id=pk)
        if offer is None:
            # Answered already, or not addressed to this reader: the history says where it stands.
            return HttpResponseRedirect(reverse("quote-offers", args=[page.quote.pk]))
        context = {
            "page": page,
            "quote": page.quote,
            "project": page.quote.project,
            "offer": offer,
            "others": others,
            "form": OfferDeclineForm(),
        }
        return render(request, self.template_name, context)

    def redirect_url(self, request, pk, result) -> str:
        return reverse("quote-offers", args=[selectors.offer_quote_id(offer_id=pk)])


class OfferAcceptView(_OfferAnswerView):
    template_name = "projects/offer_accept_confirm.html"

    def act(self, request, pk):
        self.success_message = _("C'est conclu au prix de l'offre ! Les autres soumissions sont refusées.")
        return services.offer_accept(user=request.user, offer_id=pk)


class OfferDeclineView(_OfferAnswerView):
    template_name = "projects/offer_decline_confirm.html"

    def act(self, request, pk):
        self.success_message = _("Offre refusée ; son auteur en est avisé. La soumission reste en cours.")
        return services.offer_decline(user=request.user, offer_id=pk, reason=request.POST.get("reason", ""))
