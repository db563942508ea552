"""Notifications moved to their own app (notifications 0001): messaging forgets the model, not the table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0007_notification_params_from_text"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
