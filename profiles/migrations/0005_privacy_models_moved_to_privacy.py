"""Data exports and account deletions moved to their own app (privacy 0001): profiles forgets the models, not the tables."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0004_file_sizes_for_storage_quota"),
        ("privacy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AccountDeletion"),
                migrations.DeleteModel(name="DataExport"),
            ],
            database_operations=[],
        ),
    ]
