from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_project_attachments"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="project", name="project_open_list_idx"),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                condition=models.Q(("is_hidden", False), ("status", "open"), ("visibility", "public")),
                fields=["-published_at", "-id"],
                include=("quotes_due", "category", "remote"),
                name="project_open_public_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["owner", "status"], name="project_owner_status_idx"),
        ),
    ]
