"""Thin receivers of allauth's account signals (connected in ProjectsConfig.ready); each calls one function."""

from allauth.account.signals import email_confirmed, user_signed_up
from django.dispatch import receiver

from projects import services
from projects.signup import stash_save_for_new_account


@receiver(user_signed_up, dispatch_uid="projects-save-project-written-before-sign-up")
def save_project_written_before_sign_up(sender, request, user, **kwargs):
    if request is not None:
        stash_save_for_new_account(request=request, user=user)


@receiver(email_confirmed, dispatch_uid="projects-publish-awaiting-email")
def publish_projects_awaiting_this_email(sender, request, email_address, **kwargs):
    services.project_publish_awaiting_email(user=email_address.user)
