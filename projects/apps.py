from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from marketplace.common import changes
from marketplace.common.quota import storage_owner_register


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projets et soumissions")

    def ready(self):
        # Project documents count against their uploader's storage quota.
        storage_owner_register(
            model=self.get_model("ProjectAttachment"), owner_lookup="uploaded_by_id", size_field="size"
        )
        # Modules that read models, imported once the apps are loaded. `receivers`: a project written before
        # sign-up is saved for the new account, and goes live on e-mail confirmation.
        from collectives import hooks as collective_hooks
        from profiles.hooks import profile_count_provide
        from profiles.services import report_target_register
        from projects import (
            receivers,  # noqa: F401
            sections,
        )
        from projects.selectors import recommended_by_counts
        from projects.services import joint_quote_member_removal_check, review_ratings_refresh

        # Members report projects and reviews to staff through the reports of profiles, below this app.
        # « Recommandé·e par N collègues », which the profile API shows too.
        profile_count_provide("recommended_by", recommended_by_counts)
        report_target_register(
            kind="project",
            model=self.get_model("Project"),
            author_field="owner_id",
            on_hidden=lambda project: changes.project_changed(project_id=project.pk),
        )
        report_target_register(
            kind="review",
            model=self.get_model("Review"),
            author_field="author_id",
            # The subject's average must no longer count the hidden review.
            on_hidden=lambda review: review_ratings_refresh(review=review),
        )
        # Collectives, below this app, refuse the departure of a member with lines on a live joint quote,
        # and show the reviews of their joint work on their page.
        collective_hooks.member_removal_check_register(joint_quote_member_removal_check)
        collective_hooks.collective_page_section_register(sections.collective_reviews_section)
