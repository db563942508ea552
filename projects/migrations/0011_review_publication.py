from django.db import migrations, models


def publish_existing(apps, schema_editor):
    """Reviews written before the blind rule were already visible: they are published when they were written."""
    Review = apps.get_model("projects", "Review")
    Review.objects.filter(published_at__isnull=True).update(published_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0010_joint_quotes"),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="published_at",
            field=models.DateTimeField(blank=True, db_index=True, null=True),
        ),
        migrations.RunPython(publish_existing, migrations.RunPython.noop),
    ]
