from django.db import migrations, models

# The reasons the services wrote before the flag existed (they were stored in French: no translation catalogue yet).
SYSTEM_REASONS = [
    "Le client a retenu une autre soumission.",
    "Le client a annulé le projet.",
    "Le projet a été fermé sans décision du client.",
]


def flag_system_reasons(apps, schema_editor):
    Quote = apps.get_model("projects", "Quote")
    Quote.objects.filter(status="declined", decline_reason__in=SYSTEM_REASONS).update(decline_reason_by_system=True)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="quote",
            name="decline_reason_by_system",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(flag_system_reasons, migrations.RunPython.noop),
    ]
