"""Reasons the platform wrote in French before `decline_reason_kind`: keep the kind, drop the words.

An English reader then reads them in English. A reason that matches none of the known texts (the
client's own words, or a text we don't know) stays as it was written, readable.
Self-contained on purpose: a migration must not import code that later changes.
"""

from django.db import migrations

KINDS = {
    "Le client a retenu une autre soumission.": "awarded_elsewhere",
    "Le client a annulé le projet.": "project_cancelled",
    "Le projet a été fermé sans décision du client.": "project_closed",
}


def forwards(apps, schema_editor):
    Quote = apps.get_model("projects", "Quote")
    for text, kind in KINDS.items():
        Quote.objects.filter(status="declined", decline_reason=text, decline_reason_kind="").update(
            decline_reason_kind=kind, decline_reason="", decline_reason_by_system=True
        )


def backwards(apps, schema_editor):
    Quote = apps.get_model("projects", "Quote")
    for text, kind in KINDS.items():
        Quote.objects.filter(decline_reason_kind=kind, decline_reason="").update(decline_reason=text)


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_quote_decline_reason_kind")]

    operations = [migrations.RunPython(forwards, backwards)]
