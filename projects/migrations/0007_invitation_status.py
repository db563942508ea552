"""Invitations get the freelancer's answer; those already answered by a quote read as accepted."""

from django.db import migrations, models


def quoted_invitations_accepted(apps, schema_editor):
    Invitation = apps.get_model("projects", "Invitation")
    Quote = apps.get_model("projects", "Quote")
    first_quote = Quote.objects.filter(
        project_id=models.OuterRef("project_id"), freelancer_id=models.OuterRef("freelancer_id")
    ).order_by("created_at")
    Invitation.objects.filter(models.Exists(first_quote)).update(
        status="accepted", answered_at=models.Subquery(first_quote.values("created_at")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_quote_decline_reason_kind_from_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="answered_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="invitation",
            name="status",
            field=models.CharField(
                choices=[("pending", "En attente de réponse"), ("accepted", "Acceptée"), ("declined", "Déclinée")],
                default="pending",
                max_length=10,
            ),
        ),
        migrations.RunPython(quoted_invitations_accepted, migrations.RunPython.noop),
    ]
