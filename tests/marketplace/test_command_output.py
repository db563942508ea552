"""Management commands speak the site's language: French by default, English when that is active."""

import pytest
from django.core.management import call_command
from django.utils import translation

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.mark.parametrize(
    ("command", "french", "english"),
    [
        (
            "privacy_purge",
            "0 comptes effacés.\n0 archives de données expirées.\n",
            "0 accounts erased.\n0 data archives expired.\n",
        ),
        (
            "follow_up_overdue_projects",
            "0 rappels envoyés.\n0 projets fermés.\n",
            "0 reminders sent.\n0 projects closed.\n",
        ),
        (
            "search_saved_digest",
            "0 résumés de recherches sauvegardées envoyés.\n",
            "0 saved-search digests sent.\n",
        ),
        (
            "invoice_reminders",
            "0 rappels de factures envoyés.\n",
            "0 invoice reminders sent.\n",
        ),
        (
            "publish_due_reviews",
            "0 évaluations publiées.\n",
            "0 reviews published.\n",
        ),
    ],
)
def test_a_command_reports_in_french_and_in_english(capsys, command, french, english):
    call_command(command)
    assert capsys.readouterr().out == french

    with translation.override("en"):
        call_command(command)
    assert capsys.readouterr().out == english


def test_the_demo_command_reports_in_french(capsys):
    from tests.factories import UserFactory

    UserFactory()

    call_command("seed_demo", "--if-empty")

    assert capsys.readouterr().out == "Les données de démonstration sont déjà là.\n"
