"""Writes of the projects app, split by subdomain; import from here."""

from .attachments import MAX_ATTACHMENTS_PER_PROJECT, project_attachment_delete, project_attachments_add
from .invitations import (
    invitation_accept,
    invitation_answer,
    invitation_decline,
    invitation_from_recommendation,
    invitation_pass_on,
    invitation_send,
)
from .projects import (
    DECISION_GRACE_DAYS,
    project_cancel,
    project_close_overdue,
    project_complete,
    project_create,
    project_publish,
    project_publish_awaiting_email,
    project_send_decision_reminders,
    project_update,
    project_validate,
)
from .quotes import (
    joint_quote_member_removal_check,
    quote_accept,
    quote_decline,
    quote_request_revision,
    quote_shortlist,
    quote_submit,
    quote_update,
    quote_withdraw,
)
from .recommendations import recommendation_send
from .reviews import (
    freelancer_rating_refresh,
    review_hide,
    review_ratings_refresh,
    review_show,
    review_submit,
    review_update,
)

__all__ = [
    "DECISION_GRACE_DAYS",
    "MAX_ATTACHMENTS_PER_PROJECT",
    "freelancer_rating_refresh",
    "invitation_accept",
    "joint_quote_member_removal_check",
    "invitation_answer",
    "invitation_decline",
    "invitation_from_recommendation",
    "invitation_pass_on",
    "invitation_send",
    "project_attachments_add",
    "project_attachment_delete",
    "project_cancel",
    "project_close_overdue",
    "project_complete",
    "project_create",
    "project_publish",
    "project_publish_awaiting_email",
    "project_send_decision_reminders",
    "project_update",
    "project_validate",
    "quote_accept",
    "quote_decline",
    "quote_request_revision",
    "quote_shortlist",
    "quote_submit",
    "quote_update",
    "quote_withdraw",
    "recommendation_send",
    "review_hide",
    "review_ratings_refresh",
    "review_show",
    "review_submit",
    "review_update",
]
