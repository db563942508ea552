"""The demo data looks right: titles agree with the person, and initials show every French letter."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont

from marketplace.management.commands.seed_demo import DEMO_PASSWORD, demo_font, initials_image
from profiles.models import FreelancerProfile, User
from projects.models import Project, ProjectStatus

FRENCH_LETTERS = "ÀÂÄÆÇÉÈÊËÎÏÔŒÙÛÜŸàâäæçéèêëîïôœùûüÿ"
NO_SUCH_GLYPH = "\U000f0000"  # a private-use code point no font draws: what a missing letter looks like


def drawn(font, text: str) -> bytes:
    image = Image.new("L", (600, 300))
    ImageDraw.Draw(image).text((300, 150), text, fill=255, font=font, anchor="mm")
    return image.tobytes()


def test_the_check_tells_a_missing_letter_from_a_drawn_one():
    # Pillow's built-in font (what the demo used) draws É as it draws a glyph it doesn't have: a box.
    builtin = ImageFont.load_default(size=150)
    assert drawn(builtin, "É") == drawn(builtin, NO_SUCH_GLYPH)
    assert drawn(builtin, "E") != drawn(builtin, NO_SUCH_GLYPH)


@pytest.mark.parametrize("bold", [True, False])
def test_the_demo_font_draws_every_french_letter(bold):
    font = demo_font(150, bold=bold)
    missing = drawn(font, NO_SUCH_GLYPH)
    assert [letter for letter in FRENCH_LETTERS if drawn(font, letter) == missing] == []
    # And each accented capital differs from its bare letter: the accent is there.
    assert drawn(font, "É") != drawn(font, "E") and drawn(font, "Ç") != drawn(font, "C")


def test_the_initials_avatar_of_emile_ebert_shows_two_e_acute():
    colour = "#1f5fbf"
    avatar = initials_image("Émile Ébert", colour).tobytes()

    assert avatar != initials_image(f"{NO_SUCH_GLYPH} {NO_SUCH_GLYPH}", colour).tobytes()  # no box
    assert avatar != initials_image("Emile Ebert", colour).tobytes()  # the accents are drawn
    assert avatar == initials_image("émile ébert", colour).tobytes()  # initials are capitals


# Told apart from the demo's own data on purpose: a man's title never takes one of these feminine endings,
# a woman's never one of these masculine ones (epicene titles such as "Graphiste" have neither).
MEN = {"Mathieu", "Jean-François", "Olivier", "Alexandre", "Maxime", "Sébastien", "Guillaume", "Félix", "Étienne"}
MEN |= {"Philippe", "Samuel", "Gabriel", "Louis", "Simon", "Antoine"}
FEMININE = re.compile(r"\w+(euse|rice|ière|ienne|ère|ée|eure|nte|ive|elle)\b")
MASCULINE = re.compile(r"\w+(eur|ier|ller|ien|int|if|el)\b")


@pytest.mark.django_db
def test_seeded_titles_agree_with_the_person():
    call_command("seed_demo", stdout=io.StringIO())

    profiles = list(FreelancerProfile.objects.values_list("display_name", "headline", "bio"))
    assert len(profiles) == 60
    for name, headline, bio in profiles:
        if name.split()[0] in MEN:
            assert not FEMININE.search(headline), (name, headline)
            assert "Travailleuse" not in bio, (name, bio)
        else:
            assert not MASCULINE.search(headline), (name, headline)
            assert "Travailleur " not in bio, (name, bio)
    pairs = {(name.split()[0], headline) for name, headline, _bio in profiles}
    # The same specialty, in each person's gender.
    assert ("Mathieu", "Développeur Python et Django") in pairs
    assert ("Caroline", "Développeuse Python et Django") in pairs
    assert ("Émilie", "Développeuse web WordPress et Shopify") in pairs


@pytest.mark.django_db
def test_every_demo_account_has_a_confirmed_e_mail_and_signs_in():
    call_command("seed_demo", stdout=io.StringIO())

    assert not User.objects.exclude(emailaddress__verified=True).exists()
    assert not Project.objects.filter(status=ProjectStatus.AWAITING_EMAIL).exists()
    for email in ("client@pigiste.localhost", "pigiste@pigiste.localhost", "admin@pigiste.localhost"):
        signed_in = Client().post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
        assert signed_in.status_code == 302 and signed_in["Location"] == reverse("dashboard"), email
