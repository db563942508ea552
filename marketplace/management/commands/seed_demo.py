"""Create a realistic French-language demo through the same services the site uses.

~60 freelancers spread over Quebec's regions, ~40 projects in every state, quotes,
invitations and reviews both ways. `--if-empty` does nothing when members exist.
"""

import datetime
import io
import random
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from collectives.services import collective_create, invitation_answer, member_invite
from coworking.services import space_approve, space_propose
from profiles.models import Municipality, User
from profiles.selectors import week_of
from profiles.services import booked_weeks_set, profile_save
from projects.models import Project, ProjectStatus, Quote, QuoteStatus
from projects.services import (
    DECISION_GRACE_DAYS,
    invitation_from_recommendation,
    invitation_pass_on,
    invitation_send,
    project_attachments_add,
    project_cancel,
    project_close_overdue,
    project_complete,
    project_create,
    project_send_decision_reminders,
    quote_accept,
    quote_decline,
    quote_request_revision,
    quote_shortlist,
    quote_submit,
    recommendation_send,
    review_submit,
)

DEMO_PASSWORD = "demo-pigiste-2026"  # noqa: S105 (printed for the demo accounts on purpose)

PLACES = [
    "Rivière-du-Loup",
    "Rimouski",
    "Montréal",
    "Saint-Pascal",
    "Trois-Pistoles",
    "Matane",
    "Montmagny",
    "L'Islet",
    "Saint-Jean-Port-Joli",
    "Lévis",
    "Saint-Georges",
    "Thetford Mines",
    "Québec",
    "Baie-Saint-Paul",
    "La Malbaie",
    "La Pocatière",
    "Laval",
    "Longueuil",
    "Sherbrooke",
    "Magog",
    "Trois-Rivières",
    "Shawinigan",
    "Gatineau",
    "Saguenay",
    "Alma",
    "Rouyn-Noranda",
    "Val-d'Or",
    "Sept-Îles",
    "Baie-Comeau",
    "Gaspé",
    "Joliette",
    "Saint-Jérôme",
    "Mont-Tremblant",
    "Drummondville",
    "Victoriaville",
    "Granby",
    "Saint-Hyacinthe",
    "Saint-Jean-sur-Richelieu",
]

# (first name, "f" or "m"): headlines and bios are written in the person's gender.
FIRST_NAMES = [
    ("Émilie", "f"),
    ("Mathieu", "m"),
    ("Catherine", "f"),
    ("Jean-François", "m"),
    ("Geneviève", "f"),
    ("Olivier", "m"),
    ("Marie-Ève", "f"),
    ("Alexandre", "m"),
    ("Isabelle", "f"),
    ("Maxime", "m"),
    ("Julie", "f"),
    ("Sébastien", "m"),
    ("Valérie", "f"),
    ("Guillaume", "m"),
    ("Annie", "f"),
    ("Félix", "m"),
    ("Mélanie", "f"),
    ("Étienne", "m"),
    ("Audrey", "f"),
    ("Philippe", "m"),
    ("Caroline", "f"),
    ("Samuel", "m"),
    ("Véronique", "f"),
    ("Gabriel", "m"),
    ("Karine", "f"),
    ("Louis", "m"),
    ("Noémie", "f"),
    ("Simon", "m"),
    ("Chloé", "f"),
    ("Antoine", "m"),
]
LAST_NAMES = [
    "Tremblay",
    "Gagnon",
    "Roy",
    "Côté",
    "Bouchard",
    "Gauthier",
    "Morin",
    "Lavoie",
    "Fortin",
    "Gagné",
    "Ouellet",
    "Pelletier",
    "Bélanger",
    "Lévesque",
    "Bergeron",
    "Leblanc",
    "Paquette",
    "Girard",
    "Simard",
    "Boucher",
    "Caron",
    "Beaulieu",
    "Cloutier",
    "Dubé",
    "Poirier",
    "Fournier",
    "Lapointe",
    "Leclerc",
]

# (headline for a man, for a woman, skills, hourly rate range, category); an epicene title is written once.
SPECIALTIES = [
    (
        "Développeur web WordPress et Shopify",
        "Développeuse web WordPress et Shopify",
        ["Développement web", "WordPress", "Shopify", "SEO"],
        (55, 95),
        "web",
    ),
    (
        "Développeur Python et Django",
        "Développeuse Python et Django",
        ["Python", "Django", "API REST", "PostgreSQL"],
        (75, 130),
        "web",
    ),
    (
        "Graphiste et illustrateur",
        "Graphiste et illustratrice",
        ["Design graphique", "Illustration", "Identité visuelle", "Adobe Illustrator"],
        (45, 85),
        "design",
    ),
    (
        "Designer graphique, logos et emballages",
        "Designer graphique, logos et emballages",
        ["Logo", "Identité visuelle", "Emballage", "Design graphique"],
        (50, 90),
        "design",
    ),
    (
        "Rédacteur et réviseur",
        "Rédactrice et réviseure",
        ["Rédaction", "Révision", "Rédaction web", "Français"],
        (45, 80),
        "writing",
    ),
    (
        "Traducteur agréé anglais-français",
        "Traductrice agréée anglais-français",
        ["Traduction", "Localisation", "Révision", "Anglais"],
        (50, 85),
        "writing",
    ),
    (
        "Photographe d'événements et de produits",
        "Photographe d'événements et de produits",
        ["Photographie", "Retouche photo", "Photo de produits"],
        (60, 120),
        "photo_video",
    ),
    (
        "Vidéaste et monteur",
        "Vidéaste et monteuse",
        ["Vidéo", "Montage vidéo", "Drone", "Motion design"],
        (60, 110),
        "photo_video",
    ),
    (
        "Gestionnaire de communauté",
        "Gestionnaire de communauté",
        ["Réseaux sociaux", "Facebook", "Instagram", "Stratégie de contenu"],
        (40, 75),
        "marketing",
    ),
    (
        "Conseiller en marketing numérique",
        "Conseillère en marketing numérique",
        ["Marketing numérique", "Google Ads", "Infolettre", "SEO"],
        (60, 110),
        "marketing",
    ),
    (
        "Technicien comptable, tenue de livres",
        "Technicienne comptable, tenue de livres",
        ["Tenue de livres", "Comptabilité", "TPS/TVQ", "QuickBooks"],
        (40, 70),
        "accounting",
    ),
    (
        "Adjoint administratif virtuel",
        "Adjointe administrative virtuelle",
        ["Soutien administratif", "Facturation", "Saisie de données", "Service à la clientèle"],
        (32, 55),
        "admin",
    ),
    (
        "Charpentier-menuisier",
        "Charpentière-menuisière",
        ["Menuiserie", "Rénovation", "Ébénisterie"],
        (45, 75),
        "trades",
    ),
    (
        "Électricien résidentiel",
        "Électricienne résidentielle",
        ["Électricité", "Rénovation", "Domotique"],
        (60, 95),
        "trades",
    ),
    (
        "Formateur en bureautique",
        "Formatrice en bureautique",
        ["Formation", "Excel", "Microsoft 365"],
        (45, 80),
        "training",
    ),
    (
        "Conseiller en gestion de PME",
        "Conseillère en gestion de PME",
        ["Plan d'affaires", "Gestion de projet", "Subventions"],
        (70, 140),
        "consulting",
    ),
    (
        "Animateur et organisateur d'événements",
        "Animatrice et organisatrice d'événements",
        ["Événementiel", "Animation", "Logistique"],
        (40, 80),
        "events",
    ),
    (
        "Agronome-conseil",
        "Agronome-conseil",
        ["Agronomie", "Agriculture biologique", "Environnement"],
        (70, 120),
        "agriculture",
    ),
    ("Ingénieur du son", "Ingénieure du son", ["Prise de son", "Mixage", "Balado"], (50, 95), "audio_music"),
]

# {autonome}: "Travailleur autonome" or "Travailleuse autonome", in the person's gender.
BIOS = [
    "{autonome} depuis {years} ans, j'accompagne surtout des PME et des organismes de la région. "
    "Je privilégie les projets où l'on se rencontre en personne quand c'est possible.",
    "Pigiste à temps plein depuis {years} ans. J'aime les mandats clairs, les échéances réalistes et les "
    "clients qui répondent à leurs courriels. Disponible pour des projets à distance partout au Québec.",
    "Après {years} ans en agence, je suis maintenant à mon compte. Je travaille en français et en anglais, "
    "et je me déplace volontiers dans les environs.",
    "{autonome} depuis {years} ans. Mes clients sont surtout d'ici : érablières, fromageries, gîtes et "
    "festivals de village. Je réponds en moins d'une journée.",
]

PROJECTS = [
    (
        "Refonte du site web d'une fromagerie",
        "web",
        ["Développement web", "WordPress"],
        "Notre fromagerie artisanale cherche un pigiste pour refaire son site vitrine : présentation des produits, "
        "points de vente, formulaire de contact. Le site doit être bilingue et facile à mettre à jour nous-mêmes.",
    ),
    (
        "Boutique en ligne Shopify pour une microbrasserie",
        "web",
        ["Shopify", "Développement web"],
        "Nous voulons vendre nos bières et produits dérivés en ligne avec cueillette sur place. Environ 40 produits.",
    ),
    (
        "Logo et identité visuelle pour un gîte",
        "design",
        ["Logo", "Identité visuelle"],
        "Gîte de cinq chambres au bord du fleuve. Nous cherchons un logo, une palette de couleurs et des cartes d'affaires.",
    ),
    (
        "Étiquettes pour une gamme de confitures",
        "design",
        ["Emballage", "Design graphique"],
        "Six saveurs, format 250 ml. Style champêtre et moderne. Impression chez un imprimeur local.",
    ),
    (
        "Rédaction de fiches produits (60 fiches)",
        "writing",
        ["Rédaction web", "Rédaction"],
        "Quincaillerie régionale : rédiger 60 fiches produits claires et optimisées pour le référencement.",
    ),
    (
        "Traduction d'un site touristique vers l'anglais",
        "writing",
        ["Traduction", "Anglais"],
        "Environ 12 000 mots à traduire pour la saison estivale. Connaissance de la région appréciée.",
    ),
    (
        "Photos de produits pour un vignoble",
        "photo_video",
        ["Photographie", "Photo de produits"],
        "Une demi-journée de séance photo au vignoble : bouteilles, paysages et équipe.",
    ),
    (
        "Vidéo promotionnelle d'une minute",
        "photo_video",
        ["Vidéo", "Montage vidéo", "Drone"],
        "Vidéo pour présenter notre centre de plein air, avec images de drone si possible.",
    ),
    (
        "Gestion de nos réseaux sociaux pour 3 mois",
        "marketing",
        ["Réseaux sociaux", "Facebook", "Instagram"],
        "Trois publications par semaine, réponses aux commentaires et un rapport mensuel.",
    ),
    (
        "Campagne Google Ads pour une clinique",
        "marketing",
        ["Google Ads", "Marketing numérique"],
        "Mise en place et suivi d'une campagne locale pour une clinique de physiothérapie.",
    ),
    (
        "Tenue de livres mensuelle d'un dépanneur",
        "accounting",
        ["Tenue de livres", "TPS/TVQ"],
        "Saisie des dépenses, conciliation bancaire et déclarations de TPS/TVQ trimestrielles.",
    ),
    (
        "Soutien administratif 10 h par semaine",
        "admin",
        ["Soutien administratif", "Facturation"],
        "Petite entreprise de paysagement : facturation, suivi des courriels et des rendez-vous.",
    ),
    (
        "Rénovation d'une galerie en bois",
        "trades",
        ["Menuiserie", "Rénovation"],
        "Galerie de 4 m × 3 m à refaire, avec garde-corps. Matériaux fournis ou à discuter.",
    ),
    (
        "Installation de bornes de recharge",
        "trades",
        ["Électricité"],
        "Deux bornes de niveau 2 à installer dans le stationnement d'un commerce.",
    ),
    (
        "Formation Excel pour notre équipe",
        "training",
        ["Formation", "Excel"],
        "Deux demi-journées pour 8 personnes : tableaux croisés dynamiques et formules courantes.",
    ),
    (
        "Plan d'affaires pour une demande de financement",
        "consulting",
        ["Plan d'affaires", "Subventions"],
        "Projet de boulangerie coopérative : plan d'affaires complet et prévisions financières sur trois ans.",
    ),
    (
        "Animation d'un festival de village",
        "events",
        ["Animation", "Événementiel"],
        "Animation de la scène principale pendant deux jours, en août.",
    ),
    (
        "Plan de fertilisation pour une ferme maraîchère",
        "agriculture",
        ["Agronomie", "Agriculture biologique"],
        "Ferme de 5 hectares en transition biologique : plan agroenvironnemental de fertilisation.",
    ),
    (
        "Montage de 10 épisodes de balado",
        "audio_music",
        ["Mixage", "Balado"],
        "Balado sur l'histoire régionale, épisodes de 30 minutes, enregistrés à distance.",
    ),
    (
        "Application de réservation pour un salon de coiffure",
        "web",
        ["Python", "Django", "API REST"],
        "Réservation en ligne, rappels par texto et gestion des horaires de 4 coiffeuses.",
    ),
]

DECLINE_REASONS = [
    "Le budget proposé dépasse ce que nous pouvons investir cette année.",
    "Nous avons choisi quelqu'un de plus proche de chez nous.",
    "",
]


def headline_for(specialty: tuple, gender: str) -> str:
    """The specialty's title in the person's gender ("Développeur" / "Développeuse")."""
    masculine, feminine = specialty[0], specialty[1]
    return feminine if gender == "f" else masculine


# DejaVu Sans (Debian's fonts-dejavu-core, which `make run` and `make test` install) has every letter of
# French. Pillow's built-in font has none of the accented ones: "Émile Ébert" came out as "▯▯".
DEMO_FONTS = {True: "DejaVuSans-Bold.ttf", False: "DejaVuSans.ttf"}
DEMO_FONT_DIR = "/usr/share/fonts/truetype/dejavu"


def demo_font(size: int, *, bold: bool = True) -> ImageFont.FreeTypeFont:
    """DejaVu Sans at `size`; a clear error when the font is not installed, rather than boxes for letters."""
    name = DEMO_FONTS[bold]
    for candidate in (name, f"{DEMO_FONT_DIR}/{name}"):  # Pillow also looks in the system's font folders
        try:
            return ImageFont.truetype(candidate, size)
        except OSError:
            continue
    raise CommandError(
        _(
            "%(font)s est introuvable : installez fonts-dejavu-core (apt-get install fonts-dejavu-core ; make run le fait)."
        )
        % {"font": name}
    )


def initials_image(name: str, colour: str) -> Image.Image:
    """A coloured disc with the initials of `name` ("Émile Ébert" → "ÉÉ")."""
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    image = Image.new("RGB", (400, 400), "#f6f7f9")
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, 399, 399), fill=colour)
    draw.text((200, 200), initials, fill="white", font=demo_font(150), anchor="mm")
    return image


def _avatar(name: str, rng: random.Random) -> SimpleUploadedFile:
    """The initials avatar as a JPEG upload, through the same upload path as a real photo."""
    colours = ["#1f5fbf", "#1d7a46", "#8a3ffc", "#b3261e", "#d97706", "#0f766e", "#be185d"]
    image = initials_image(name, rng.choice(colours))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return SimpleUploadedFile("avatar.jpg", buffer.getvalue(), content_type="image/jpeg")


def _brief_pdf(title: str, description: str) -> SimpleUploadedFile:
    """A one-page "cahier des charges" as a real PDF (Pillow writes it), for the project documents."""
    page = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi
    draw = ImageDraw.Draw(page)
    draw.text((110, 120), "Cahier des charges", fill="#1f5fbf", font=demo_font(54))
    draw.text((110, 210), title, fill="black", font=demo_font(34))
    body = demo_font(26, bold=False)
    words, line, y = description.split(), "", 300
    for word in words:
        if draw.textlength(f"{line} {word}", font=body) > 1020:
            draw.text((110, y), line, fill="#333333", font=body)
            line, y = word, y + 40
        else:
            line = f"{line} {word}".strip()
    draw.text((110, y), line, fill="#333333", font=body)
    buffer = io.BytesIO()
    page.save(buffer, format="PDF", resolution=150)
    return SimpleUploadedFile("Cahier des charges.pdf", buffer.getvalue(), content_type="application/pdf")


class Command(BaseCommand):
    help = "Create a realistic French-language demo (members, projects, quotes, reviews)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when members already exist.")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, if_empty=False, seed=2026, **options):
        if if_empty and User.objects.exists():
            self.stdout.write(_("Les données de démonstration sont déjà là."))
            return
        if not Municipality.objects.exists():
            from django.core.management import call_command

            call_command("load_municipalities")
        rng = random.Random(seed)
        # In the order of PLACES, so each specialty lands in the same towns on every machine.
        by_name = {place.name: place for place in Municipality.objects.filter(name__in=PLACES)}
        places = [by_name[name] for name in PLACES if name in by_name]
        if not places:
            places = list(Municipality.objects.order_by("-population")[:40])

        freelancers = self._freelancers(rng, places)
        clients = self._clients(rng, places)
        self._projects(rng, places, clients, freelancers)
        self._collective(freelancers)

        admin = User.objects.create_superuser(
            email="admin@pigiste.localhost", password=DEMO_PASSWORD, name="Équipe Pigiste QC"
        )
        # Accounts sign in once their e-mail is confirmed: the demo's are.
        EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
        self._coworking(freelancers, admin)
        self.stdout.write(
            self.style.SUCCESS(
                _("Démo prête. Mot de passe de chaque compte de démonstration : %(password)s")
                % {"password": DEMO_PASSWORD}
            )
        )
        self.stdout.write(_("  client :       %(email)s") % {"email": "client@pigiste.localhost"})
        self.stdout.write(_("  pigiste :      %(email)s") % {"email": "pigiste@pigiste.localhost"})
        self.stdout.write(_("  personnel :    %(email)s (/admin/)") % {"email": "admin@pigiste.localhost"})

    def _user(self, email: str, name: str) -> User:
        # Hashing once: seventy slow password hashes would make the first `make run` crawl.
        if not hasattr(self, "_password_hash"):
            self._password_hash = make_password(DEMO_PASSWORD)
        user = User.objects.create_user(email=email, password=None, name=name)
        user.password = self._password_hash
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    def _freelancers(self, rng: random.Random, places) -> list[User]:
        users = []
        for index in range(60):
            (first, gender), last = FIRST_NAMES[index % len(FIRST_NAMES)], rng.choice(LAST_NAMES)
            email = "pigiste@pigiste.localhost" if index == 0 else f"pigiste{index}@pigiste.localhost"
            user = self._user(email, f"{first} {last}")
            specialty = SPECIALTIES[index % len(SPECIALTIES)]
            headline = headline_for(specialty, gender)
            skills, (low, high) = specialty[2], specialty[3]
            place = places[index % len(places)]
            availability = rng.choice(["now", "now", "now", "from_date", "unavailable"])
            data = {
                "display_name": f"{first} {last}",
                "headline": headline,
                "bio": rng.choice(BIOS).format(
                    years=rng.randint(2, 18),
                    autonome="Travailleuse autonome" if gender == "f" else "Travailleur autonome",
                ),
                "skills": skills,
                "hourly_rate": None if index % 9 == 4 else str(rng.randrange(low, high, 5)),
                "languages": rng.choice([["fr"], ["fr", "en"], ["fr", "en"], ["fr", "en", "es"]]),
                "availability": availability,
                "available_from": (timezone.localdate() + datetime.timedelta(days=rng.randint(7, 60))).isoformat()
                if availability == "from_date"
                else None,
                "remote": rng.random() < 0.7,
                "municipality": place.pk,
                "travel_radius_km": rng.choice([0, 25, 50, 75, 100, 150]),
            }
            profile_save(user=user, data=data, avatar=_avatar(f"{first} {last}", rng))
            if availability != "unavailable" and rng.random() < 0.4:
                # Booked a few of the coming weeks, as people are: the calendar and "libre à partir de" show it.
                this_week = week_of(timezone.localdate())
                weeks = {this_week + datetime.timedelta(weeks=rng.randint(0, 10)) for _ in range(rng.randint(1, 4))}
                booked_weeks_set(user=user, weeks=sorted(weeks))
            users.append(user)
        return users

    def _collective(self, freelancers) -> None:
        """A collective of three in Kamouraska, run by the demo freelancer: « Mes collectifs » has something."""
        home = (
            Municipality.objects.filter(name="Saint-Pascal", mrc__name="Kamouraska").first()
            or Municipality.objects.filter(mrc__name="Kamouraska").order_by("-population").first()
        )
        admin = freelancers[0]
        # Neighbours first: members who live in Kamouraska, then anyone.
        near = [u for u in freelancers[1:] if home and u.freelancer_profile.municipality_id == home.pk]
        members = (near + [u for u in freelancers[1:] if u not in near])[:2]
        collective = collective_create(
            creator=admin,
            name="Collectif Kamouraska Créatif",
            kind="collectif",
            description=(
                "Trois pigistes du Kamouraska qui soumissionnent ensemble : design, rédaction et site web, "
                "de l'idée à la mise en ligne. Un seul interlocuteur, une seule soumission."
            ),
            municipality=home,
        )
        for member in members:
            invitation = member_invite(collective=collective, by=admin, member=member)
            invitation_answer(membership=invitation, by=member, accept=True)

    def _coworking(self, freelancers, admin) -> None:
        """Coworking spaces in converted village buildings, approved by staff but one: « À approuver » has it."""
        spaces = [
            (
                "L'Église numérique",
                "Saint-Jean-Port-Joli",
                "L'Islet",
                "#7c3aed",
                True,
                {
                    "description": "Une église de 1779 reconvertie : postes sous la voûte, bureaux fermés dans "
                    "l'ancienne sacristie, studio de balado dans le jubé. Fibre optique, café local.",
                    "address": "2, avenue de Gaspé Est",
                    "desks": 14,
                    "closed_offices": 3,
                    "meeting_rooms": 1,
                    "has_studio": True,
                    "internet_mbps": 500,
                    "price_hour": "8",
                    "price_day": "25",
                    "price_month": "220",
                    "opening_hours": "Lundi au vendredi, 8 h à 18 h; samedi, 9 h à 13 h",
                    "email": "bonjour@eglise-numerique.localhost",
                    "phone": "418 555-0142",
                },
            ),
            (
                "Le Couvent des Idées",
                "Kamouraska",
                "Kamouraska",
                "#0f766e",
                True,
                {
                    "description": "L'ancien couvent des sœurs au bord du fleuve : quatre bureaux fermés dans "
                    "les chambres, une grande salle commune, deux salles de réunion et une vue sur les îles.",
                    "address": "80, avenue Morel",
                    "desks": 10,
                    "closed_offices": 4,
                    "meeting_rooms": 2,
                    "internet_mbps": 150,
                    "price_day": "20",
                    "price_month": "180",
                    "opening_hours": "Tous les jours, 7 h à 21 h pour les membres",
                    "website": "https://couvent-des-idees.localhost",
                },
            ),
            (
                "La Gare du Fleuve",
                "Rivière-du-Loup",
                "Rivière-du-Loup",
                "#1f5fbf",
                True,
                {
                    "description": "Postes nomades et bureaux dans l'ancienne gare, à deux pas du traversier.",
                    "desks": 24,
                    "closed_offices": 6,
                    "meeting_rooms": 3,
                    "internet_mbps": 1000,
                    "price_hour": "10",
                    "price_day": "30",
                    "price_month": "275",
                    "opening_hours": "Lundi au vendredi, 8 h 30 à 17 h 30",
                },
            ),
            (
                "Le Presbytère partagé",
                "Saint-Pascal",
                "Kamouraska",
                "#b3261e",
                False,
                {
                    "description": "Six postes dans le presbytère, Internet par la coopérative locale.",
                    "desks": 6,
                    "internet_mbps": 50,
                    "price_day": "15",
                },
            ),
        ]
        for index, (name, town, mrc, colour, approved, data) in enumerate(spaces):
            place = (
                Municipality.objects.filter(name=town, mrc__name=mrc).first()
                or Municipality.objects.filter(name=town).first()
            )
            buffer = io.BytesIO()
            initials_image(name.replace("L'", "").replace("Le ", "").replace("La ", ""), colour).save(
                buffer, format="JPEG", quality=88
            )
            photo = SimpleUploadedFile("espace.jpg", buffer.getvalue(), content_type="image/jpeg")
            space = space_propose(
                user=freelancers[index % len(freelancers)],
                data={"name": name, "municipality": place.pk if place else None, **data},
                photos=[photo],
            )
            if approved:
                space_approve(user=admin, space_id=space.pk)

    def _clients(self, rng: random.Random, places) -> list[User]:
        names = [
            ("client@pigiste.localhost", "Fromagerie du Fleuve"),
            ("gite@pigiste.localhost", "Gîte La Maison du Quai"),
            ("brasserie@pigiste.localhost", "Microbrasserie Le Loup"),
            ("vignoble@pigiste.localhost", "Vignoble des Côtes"),
            ("quincaillerie@pigiste.localhost", "Quincaillerie Pelletier"),
            ("pleinair@pigiste.localhost", "Centre de plein air Kamouraska"),
            ("clinique@pigiste.localhost", "Clinique Physio Plus"),
            ("ferme@pigiste.localhost", "Ferme Les Jardins d'Ariane"),
            ("festival@pigiste.localhost", "Festival du village"),
            ("boulangerie@pigiste.localhost", "Boulangerie coopérative"),
        ]
        return [self._user(email, name) for email, name in names]

    def _pass_on(self, rng: random.Random, owner, project, bidders, freelancers) -> list:
        """The first invited freelancer is booked and recommends a colleague, whom the client invites."""
        busy = bidders[0]
        colleague = rng.choice([f for f in freelancers if f not in bidders])
        invitation = busy.invitations.get(project=project)
        invitation_pass_on(
            user=busy,
            invitation_id=invitation.pk,
            colleague_profile_ids=[colleague.freelancer_profile.pk],
            note="Je suis complet ce mois-ci, mais je travaille souvent avec cette personne : fiable et soignée.",
        )
        recommendation = project.recommendations.get(colleague=colleague)
        invitation_from_recommendation(user=owner, recommendation_id=recommendation.pk)
        return [*bidders[1:], colleague]

    def _projects(self, rng: random.Random, places, clients, freelancers) -> None:
        today = timezone.localdate()
        # States for 40 projects: most open, some awarded, completed, cancelled, closed, draft.
        plan = ["open"] * 20 + ["awarded"] * 6 + ["completed"] * 8 + ["cancelled"] * 2 + ["closed"] * 2 + ["draft"] * 2
        rng.shuffle(plan)
        for index, state in enumerate(plan):
            title, category, skills, description = PROJECTS[index % len(PROJECTS)]
            if index >= len(PROJECTS):
                title = f"{title} (2e phase)"
            owner = clients[index % len(clients)]
            budget_type = rng.choice(["fixed", "fixed", "hourly", "to_discuss"])
            low = Decimal(rng.choice([500, 1000, 1500, 2500, 4000]))
            data = {
                "title": title,
                "description": description,
                "category": category,
                "skills": skills,
                "budget_type": budget_type,
                "budget_min": None if budget_type == "to_discuss" else str(low if budget_type == "fixed" else 40),
                "budget_max": None if budget_type == "to_discuss" else str(low * 2 if budget_type == "fixed" else 90),
                "starts_on": (today + datetime.timedelta(days=rng.randint(7, 28))).isoformat()
                if rng.random() < 0.6
                else None,
                "deadline": (today + datetime.timedelta(days=rng.randint(30, 120))).isoformat(),
                "municipality": rng.choice(places).pk,
                "remote": rng.random() < 0.5,
                "quotes_due": (today + datetime.timedelta(days=rng.randint(5, 25))).isoformat(),
                "visibility": "invited" if index % 13 == 5 else "public",
            }
            with transaction.atomic():
                project = project_create(owner=owner, data=data, publish=state != "draft")
            if owner == clients[0] and state in ("open", "awarded"):
                project_attachments_add(user=owner, project_id=project.pk, uploads=[_brief_pdf(title, description)])
            if state == "draft":
                continue
            matching = [f for f in freelancers if SPECIALTIES[freelancers.index(f) % len(SPECIALTIES)][4] == category]
            bidders = rng.sample(matching or freelancers, k=min(len(matching or freelancers), rng.randint(1, 5)))
            if data["visibility"] == "invited":
                for bidder in bidders:
                    invitation_send(
                        user=owner,
                        project_id=project.pk,
                        freelancer_profile_id=bidder.freelancer_profile.pk,
                        message="Bonjour, votre profil correspond à ce que nous cherchons.",
                    )
                if state == "open":
                    bidders = self._pass_on(rng, owner, project, bidders, freelancers)
            elif state == "open" and index % 4 == 0:
                # A colleague passes the project on, unasked ("Recommander à un collègue").
                recommender, colleague = rng.sample([f for f in freelancers if f not in bidders], k=2)
                recommendation_send(
                    user=recommender,
                    project_id=project.pk,
                    colleague_profile_ids=[colleague.freelancer_profile.pk],
                    note="J'ai pensé à toi : c'est tout à fait ton domaine, et c'est près de chez toi.",
                )
            quotes = []
            for bidder in bidders:
                hourly = budget_type == "hourly"
                quotes.append(
                    quote_submit(
                        user=bidder,
                        project_id=project.pk,
                        data={
                            "pricing": "hourly" if hourly else "fixed",
                            "amount": str(rng.randrange(45, 95, 5) if hourly else rng.randrange(600, 9000, 50)),
                            "estimated_hours": str(rng.randint(10, 80)) if hourly else None,
                            "delivery_days": rng.randint(5, 45),
                            "charges_taxes": rng.random() < 0.7,
                            "message": "Bonjour! Votre projet m'intéresse beaucoup. J'ai réalisé des mandats "
                            "semblables dans la région et je peux commencer dès la semaine prochaine.",
                        },
                    )
                )
            if state == "open" and len(quotes) >= 3:
                quote_shortlist(user=owner, quote_id=quotes[0].pk)
                quote_request_revision(
                    user=owner, quote_id=quotes[1].pk, note="Pourriez-vous détailler le prix par étape?"
                )
                quote_decline(user=owner, quote_id=quotes[2].pk, reason=rng.choice(DECLINE_REASONS))
            elif state in ("awarded", "completed"):
                winner = quotes[0]
                quote_accept(user=owner, quote_id=winner.pk)
                if state == "completed":
                    project_complete(user=owner, project_id=project.pk)
                    review_submit(
                        user=owner,
                        project_id=project.pk,
                        data={
                            "rating": rng.choice([4, 5, 5, 5]),
                            "comment": rng.choice(
                                [
                                    "Excellent travail, à l'écoute et livré à temps. Je recommande!",
                                    "Très professionnel, communication facile. Merci!",
                                    "Bon travail, quelques retards mais le résultat est là.",
                                ]
                            ),
                        },
                    )
                    review_submit(
                        user=winner.freelancer,
                        project_id=project.pk,
                        data={
                            "rating": rng.choice([3, 4, 5, 5]),
                            "comment": rng.choice(
                                ["Client clair dans ses attentes.", "Très agréable à travailler avec eux.", ""]
                            ),
                            "paid_as_agreed": rng.choice(["yes", "yes", "yes", "late"]),
                        },
                    )
            elif state == "cancelled":
                project_cancel(user=owner, project_id=project.pk)
            elif state == "closed":
                # Past its closing date without a decision: the same services the daily job runs,
                # as if the reminder had gone out a while ago.
                Project.objects.filter(pk=project.pk).update(quotes_due=today - datetime.timedelta(days=10))
                project_send_decision_reminders(on=today)
                Project.objects.filter(pk=project.pk).update(
                    reminder_sent_at=timezone.now() - datetime.timedelta(days=DECISION_GRACE_DAYS + 1)
                )
                project_close_overdue()
        self.stdout.write(
            _("%(projects)s projets, %(quotes)s soumissions (%(accepted)s acceptées), %(completed)s terminés.")
            % {
                "projects": Project.objects.count(),
                "quotes": Quote.objects.count(),
                "accepted": Quote.objects.filter(status=QuoteStatus.ACCEPTED).count(),
                "completed": Project.objects.filter(status=ProjectStatus.COMPLETED).count(),
            }
        )
