"""The Site that django.contrib.sites (and allauth's e-mails) read takes its name and domain from settings.

Without it, Django creates "example.com", and every allauth e-mail said "[example.com] …" and
"Bonjour, c'est example.com !". Run again (`migrate marketplace zero && migrate`) after changing
SITE_NAME or SITE_URL.
"""

from django.conf import settings
from django.db import migrations


def site_from_settings(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"name": settings.SITE_NAME[:50], "domain": settings.SITE_DOMAIN[:100]}
    )


def site_back_to_django_default(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    Site.objects.filter(pk=settings.SITE_ID).update(name="example.com", domain="example.com")


class Migration(migrations.Migration):
    dependencies = [("sites", "0002_alter_domain_unique")]

    operations = [migrations.RunPython(site_from_settings, site_back_to_django_default)]
