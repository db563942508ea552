"""Notifications move from messaging to this app; their table, rows and content type stay.

State only: the table `messaging_notification` exists (messaging 0001–0007 made it) and keeps its
name (Meta.db_table). The content type is renamed rather than made anew, so staff permissions and
the admin's history follow the model. messaging 0008 removes the model from messaging's state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_to(app_label_from: str, app_label_to: str):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        if not ContentType.objects.using(db).filter(app_label=app_label_to, model="notification").exists():
            ContentType.objects.using(db).filter(app_label=app_label_from, model="notification").update(
                app_label=app_label_to
            )
        ContentType.objects.clear_cache()

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("messaging", "0007_notification_params_from_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("quote_received", "Nouvelle soumission"),
                                    ("quote_accepted", "Soumission acceptée"),
                                    ("quote_declined", "Soumission refusée"),
                                    ("revision_requested", "Révision demandée"),
                                    ("invitation", "Demande de soumission"),
                                    ("awarded_elsewhere", "Projet attribué à quelqu'un d'autre"),
                                    ("project_closed", "Projet fermé"),
                                    ("decision_reminder", "Rappel : décision attendue"),
                                    ("review_received", "Nouvelle évaluation"),
                                    ("saved_search_match", "Nouveau projet pour une recherche sauvegardée"),
                                ],
                                max_length=24,
                            ),
                        ),
                        ("params", models.JSONField(blank=True, default=dict)),
                        ("title", models.CharField(blank=True, max_length=200)),
                        ("body", models.TextField(blank=True)),
                        ("url", models.CharField(blank=True, max_length=300)),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        ("emailed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "recipient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "messaging_notification",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            content_type_to("messaging", "notifications"), content_type_to("notifications", "messaging")
        ),
    ]
