"""Data exports and account deletions move from profiles to this app; their tables, rows and content types stay.

State only: the tables `profiles_dataexport` and `profiles_accountdeletion` exist (profiles 0003 made
them) and keep their names (Meta.db_table). The content types are renamed rather than made anew, so
staff permissions and the admin's history follow the models; the export tasks still waiting in the
queue are pointed at their new module. profiles 0005 removes the models from profiles' state.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("dataexport", "accountdeletion")
TASKS = ("build_data_export", "privacy_purge")


def _content_types_to(app_label_from: str, app_label_to: str):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for model in MODELS:
            if not ContentType.objects.using(db).filter(app_label=app_label_to, model=model).exists():
                ContentType.objects.using(db).filter(app_label=app_label_from, model=model).update(
                    app_label=app_label_to
                )
        ContentType.objects.clear_cache()

    return move


def _queued_tasks_to(module_from: str, module_to: str):
    def move(apps, schema_editor):
        DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
        db = schema_editor.connection.alias
        for name in TASKS:
            DBTaskResult.objects.using(db).filter(task_path=f"{module_from}.{name}").update(
                task_path=f"{module_to}.{name}"
            )

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_tasks_database", "0001_initial"),
        ("profiles", "0004_file_sizes_for_storage_quota"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AccountDeletion",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[("pending", "Prévue"), ("cancelled", "Annulée"), ("completed", "Effectuée")],
                                db_index=True,
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        ("purge_after", models.DateTimeField(db_index=True)),
                        ("cancelled_at", models.DateTimeField(blank=True, null=True)),
                        ("completed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deletion_requests",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "profiles_accountdeletion",
                        "verbose_name": "suppression de compte",
                        "verbose_name_plural": "suppressions de compte",
                        "ordering": ["-created_at", "-id"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("status", "pending")),
                                fields=("user",),
                                name="one_pending_deletion_per_user",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DataExport",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("token", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "En préparation"),
                                    ("ready", "Prête"),
                                    ("failed", "Échec"),
                                    ("expired", "Expirée"),
                                ],
                                db_index=True,
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        ("file_key", models.CharField(blank=True, max_length=200)),
                        ("size", models.PositiveBigIntegerField(default=0)),
                        ("ready_at", models.DateTimeField(blank=True, null=True)),
                        ("expires_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="data_exports",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "profiles_dataexport",
                        "verbose_name": "export de données",
                        "verbose_name_plural": "exports de données",
                        "ordering": ["-created_at", "-id"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("status", "pending")),
                                fields=("user",),
                                name="one_pending_export_per_user",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(_content_types_to("profiles", "privacy"), _content_types_to("privacy", "profiles")),
        migrations.RunPython(
            _queued_tasks_to("profiles.tasks", "privacy.tasks"), _queued_tasks_to("privacy.tasks", "profiles.tasks")
        ),
    ]
