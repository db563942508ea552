"""Notifications moved from messaging to their own app: an existing database keeps every row and permission."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications.models import Notification
from notifications.texts import notification_text
from tests.factories import UserFactory

BEFORE_THE_MOVE = [("messaging", "0007_notification_params_from_text"), ("notifications", None)]


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_a_database_migrated_before_the_move_keeps_its_notifications_and_their_permissions():
    member = UserFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_MOVE)
    old_apps = executor.loader.project_state(BEFORE_THE_MOVE[0]).apps
    # As a database made before the move holds them: the rows, and the content type under messaging.
    ContentType.objects.filter(model="notification").delete()
    ContentType.objects.clear_cache()
    old_type = old_apps.get_model("contenttypes", "ContentType").objects.create(
        app_label="messaging", model="notification"
    )
    staff_can_change = Permission.objects.create(
        content_type_id=old_type.pk, codename="change_notification", name="Can change notification"
    )
    old = old_apps.get_model("messaging", "Notification").objects.create(
        recipient_id=member.pk, kind="invitation", params={"title": "Cabane à sucre"}
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    moved = Notification.objects.get(pk=old.pk)
    assert (moved.recipient_id, moved.kind, moved.params) == (member.pk, "invitation", {"title": "Cabane à sucre"})
    assert notification_text(moved).title == "Demande de soumission : « Cabane à sucre »"
    content_type = ContentType.objects.get_for_model(Notification)
    assert (content_type.pk, content_type.app_label) == (old_type.pk, "notifications")
    assert Permission.objects.get(pk=staff_can_change.pk).content_type_id == content_type.pk
