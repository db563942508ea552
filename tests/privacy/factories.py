"""A member with something in every corner of the site, and strangers around them."""

import io
import uuid
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from messaging import services as messaging_services
from messaging.models import Conversation, Message
from notifications.models import NotificationKind
from notifications.services import notify
from profiles import services as profile_services
from profiles.models import FreelancerProfile, User
from projects.models import Invitation, Project, ProjectStatus, Quote, Review
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory, ReviewFactory, UserFactory
from tests.profiles.factories import image_bytes, upload

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Scene:
    member: User
    profile: FreelancerProfile
    open_project: Project  # The member's, open, with a live quote from `bidder`.
    bidder: User
    bidder_quote: Quote
    completed_project: Project  # The member's, completed; they reviewed `hired` and were reviewed back.
    hired: User
    review_written: Review
    review_received: Review
    client: User  # Owns `client_project`, on which the member has a live quote and a conversation.
    client_project: Project
    member_quote: Quote
    conversation: Conversation
    member_message: Message
    client_message: Message
    stranger_project: Project
    stranger_message: Message


def send(user, conversation, body, uploads=()):
    message, _created = messaging_services.message_send(
        user=user, conversation_id=conversation.pk, client_id=uuid.uuid4(), body=body, uploads=uploads
    )
    return message


def pdf_upload(name="devis.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def member_with_everything() -> Scene:
    """Build the scene through the real services wherever files are involved."""
    member = UserFactory(email="josee.pigiste@exemple.qc.ca", name="Josée Tremblay")
    profile = FreelancerProfileFactory(user=member, display_name="Josée Graphiste", bio="Ma bio très personnelle")
    profile_services.profile_save(user=member, data={}, avatar=upload(image_bytes(), name="moi.jpg"))
    profile_services.portfolio_item_create(
        user=member,
        data={"title": "Affiche du festival", "description": "Pour le festival du Bas-Saint-Laurent."},
        images=[upload(image_bytes(width=120, height=90), name="affiche.jpg")],
    )
    profile.refresh_from_db()

    open_project = ProjectFactory(owner=member, title="Logo pour ma microbrasserie")
    bidder = FreelancerProfileFactory(display_name="Marc Soumissionnaire").user
    bidder_quote = QuoteFactory(project=open_project, freelancer=bidder, message="Je peux le faire en 10 jours.")
    Invitation.objects.create(project=open_project, freelancer=bidder, message="Votre style me plaît, Marc.")

    completed_project = ProjectFactory(owner=member, title="Site de la fromagerie", status=ProjectStatus.COMPLETED)
    hired = FreelancerProfileFactory(display_name="Luc Développeur").user
    review_written = ReviewFactory(
        project=completed_project,
        author=member,
        subject=hired,
        author_is_client=True,
        comment="Luc a livré un site superbe.",
    )
    review_received = ReviewFactory(
        project=completed_project,
        author=hired,
        subject=member,
        author_is_client=False,
        rating=4,
        comment="Josée paie rubis sur l'ongle.",
        paid_as_agreed="yes",
    )

    client = UserFactory(email="client.dupuis@exemple.qc.ca", name="Paul Dupuis")
    client_project = ProjectFactory(owner=client, title="Brochure pour le camping")
    member_quote = QuoteFactory(project=client_project, freelancer=member, message="Ma soumission personnelle")
    conversation, _created = messaging_services.conversation_open(
        user=client, project_id=client_project.pk, with_user_id=member.pk
    )
    client_message = send(client, conversation, "Bonjour Josée, avez-vous des exemples ?")
    member_message = send(
        member,
        conversation,
        "Oui, voici mon portfolio et mon numéro : 418 555-0199",
        uploads=[upload(image_bytes(width=50, height=40), name="exemple.jpg"), pdf_upload()],
    )
    notify(
        recipient=member,
        kind=NotificationKind.QUOTE_RECEIVED,
        params={"title": "Site de Josée", "name": "Marc"},
        url="/",
    )

    # Strangers: a conversation the member is not part of.
    stranger_project = ProjectFactory(owner=client, title="Projet d'un autre membre")
    stranger = FreelancerProfileFactory(display_name="Autre Pigiste").user
    QuoteFactory(project=stranger_project, freelancer=stranger, message="Soumission d'un autre")
    other_conversation, _created = messaging_services.conversation_open(
        user=client, project_id=stranger_project.pk, with_user_id=stranger.pk
    )
    stranger_message = send(stranger, other_conversation, "Secret entre Paul et l'autre pigiste")
    return Scene(
        member=member,
        profile=profile,
        open_project=open_project,
        bidder=bidder,
        bidder_quote=bidder_quote,
        completed_project=completed_project,
        hired=hired,
        review_written=review_written,
        review_received=review_received,
        client=client,
        client_project=client_project,
        member_quote=member_quote,
        conversation=conversation,
        member_message=member_message,
        client_message=client_message,
        stranger_project=stranger_project,
        stranger_message=stranger_message,
    )


def zip_bytes(data: bytes):
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data))
