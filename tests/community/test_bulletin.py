"""The bulletin board: members only, plain text escaped, 5 000 characters, blocks, unread counts, API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from community import selectors, services
from community.models import GroupAccess, GroupMembership, GroupRole, Post
from marketplace.common.errors import NotFound, PermissionDenied, ValidationFailed
from messaging.models import Block
from tests.factories import GroupFactory, GroupMembershipFactory, UserFactory

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


@pytest.fixture
def group():
    group = GroupFactory(name="Pigistes du Kamouraska")
    organiser = UserFactory(name="Chantal Ouellet")
    GroupMembershipFactory(group=group, member=organiser, role=GroupRole.ORGANISER)
    return group


def _member(group, name):
    return GroupMembershipFactory(group=group, member=UserFactory(name=name)).member


def _unread(user):
    return selectors.group_unread_total(user=user)


def test_a_member_posts_and_replies():
    group = GroupFactory()
    julie, marc = _member(group, "Julie"), _member(group, "Marc")

    post = services.bulletin_post_create(user=julie, group_id=group.pk, body="  Qui va au 5 à 7 jeudi ?  ")
    reply = services.bulletin_post_create(user=marc, group_id=group.pk, body="Moi !", parent_id=post.pk)
    # A reply to a reply joins the thread of its first post.
    again = services.bulletin_post_create(user=julie, group_id=group.pk, body="Super", parent_id=reply.pk)

    assert post.body == "Qui va au 5 à 7 jeudi ?"
    assert (reply.parent_id, again.parent_id) == (post.pk, post.pk)


def test_a_non_member_cannot_post_nor_read(group):
    outsider = UserFactory()
    requested = UserFactory()
    GroupMembershipFactory(group=group, member=requested, status="demande")
    info = selectors.group_access_info(user=outsider, group=group)

    for user in (outsider, requested):
        with pytest.raises(PermissionDenied, match="Seuls les membres du groupe peuvent écrire"):
            services.bulletin_post_create(user=user, group_id=group.pk, body="Bonjour")
    with pytest.raises(PermissionDenied, match="réservé aux membres"):
        selectors.bulletin_posts(user=outsider, group=group, info=info)
    assert not Post.objects.exists()


def test_a_20000_character_post_is_refused_with_its_length_and_nothing_is_saved(group):
    member = _member(group, "Julie")

    with pytest.raises(ValidationFailed) as refused:
        services.bulletin_post_create(user=member, group_id=group.pk, body="a" * 20_000)

    assert refused.value.errors == {
        "body": [
            "Votre message fait 20\u202f000 caractères : le babillard en accepte 5\u202f000 au maximum. "
            "Raccourcissez-le ou publiez-le en plusieurs parties."
        ]
    }
    assert not Post.objects.exists()
    # Exactly 5 000 is fine.
    services.bulletin_post_create(user=member, group_id=group.pk, body="a" * 5000)


def test_an_empty_post_is_refused(group):
    member = _member(group, "Julie")
    with pytest.raises(ValidationFailed, match="Écrivez votre message"):
        services.bulletin_post_create(user=member, group_id=group.pk, body="   \n ")
    with pytest.raises(NotFound):
        services.bulletin_post_create(user=member, group_id=group.pk, body="Oui", parent_id=10**20)


def test_script_tags_are_kept_as_typed_and_shown_as_text_with_links_clickable(group, client):
    member = _member(group, "Julie")
    body = '<script>alert("pirate")</script> Voir https://exemple.qc.ca/atelier'
    post = services.bulletin_post_create(user=member, group_id=group.pk, body=body)
    client.force_login(member)

    page = client.get(reverse("group-detail", args=[group.slug])).content.decode()

    assert Post.objects.get().body == body
    assert '<script>alert("pirate")</script>' not in page
    assert "&lt;script&gt;alert(&quot;pirate&quot;)&lt;/script&gt;" in page
    assert 'href="https://exemple.qc.ca/atelier"' in page
    assert selectors.post_payload(post)["body_html"].startswith("<p>&lt;script&gt;")


def test_a_blocked_person_cannot_reply_to_you_and_you_do_not_see_their_posts(group, client):
    me, blocked, other = _member(group, "Julie"), _member(group, "Troll"), _member(group, "Marc")
    mine = services.bulletin_post_create(user=me, group_id=group.pk, body="Mon atelier de jeudi")
    services.bulletin_post_create(user=blocked, group_id=group.pk, body="Message du troll")
    Block.objects.create(blocker=me, blocked=blocked)

    with pytest.raises(PermissionDenied, match="Vous ne pouvez pas répondre"):
        services.bulletin_post_create(user=blocked, group_id=group.pk, body="Réponse", parent_id=mine.pk)
    services.bulletin_post_create(user=blocked, group_id=group.pk, body="Encore le troll")
    client.force_login(me)
    my_page = client.get(reverse("group-detail", args=[group.slug])).content.decode()
    client.force_login(other)
    other_page = client.get(reverse("group-detail", args=[group.slug])).content.decode()

    assert Post.objects.filter(author=blocked, parent__isnull=False).count() == 0
    assert "troll" not in my_page and "Mon atelier de jeudi" in my_page
    assert "Message du troll" in other_page and "Encore le troll" in other_page


def test_unread_counts_other_members_posts_after_the_read_mark_and_opening_the_board_reads_it(group, client):
    me, marc = _member(group, "Julie"), _member(group, "Marc")
    other_group = GroupFactory()
    GroupMembershipFactory(group=other_group, member=me)
    GroupMembershipFactory(group=other_group, member=marc)

    services.bulletin_post_create(user=marc, group_id=group.pk, body="Un")
    services.bulletin_post_create(user=marc, group_id=group.pk, body="Deux")
    services.bulletin_post_create(user=me, group_id=group.pk, body="Le mien ne compte pas")
    services.bulletin_post_create(user=marc, group_id=other_group.pk, body="Ailleurs")

    assert _unread(me) == 3
    assert selectors.group_unread_counts(user=me) == {group.pk: 2, other_group.pk: 1}
    assert _unread(marc) == 1
    client.force_login(me)
    header = client.get(reverse("group-list")).content.decode()
    assert 'data-live-badge="groups" data-count="3"' in header

    client.get(reverse("group-detail", args=[group.slug]))

    assert _unread(me) == 1
    assert selectors.group_unread_totals_many(user_ids=[me.pk, marc.pk]) == {me.pk: 1, marc.pk: 1}


def test_a_blocked_person_s_posts_do_not_count_as_unread(group):
    me, troll = _member(group, "Julie"), _member(group, "Troll")
    Block.objects.create(blocker=troll, blocked=me)

    services.bulletin_post_create(user=troll, group_id=group.pk, body="Invisible")

    assert _unread(me) == 0
    assert selectors.group_unread_totals_many(user_ids=[me.pk]) == {me.pk: 0}


def test_the_read_mark_never_moves_back_nor_past_the_last_post(group):
    me, marc = _member(group, "Julie"), _member(group, "Marc")
    first = services.bulletin_post_create(user=marc, group_id=group.pk, body="Un")
    second = services.bulletin_post_create(user=marc, group_id=group.pk, body="Deux")

    assert services.bulletin_mark_read(user=me, group_id=group.pk, up_to=second.pk + 1000) == second.pk
    assert services.bulletin_mark_read(user=me, group_id=group.pk, up_to=first.pk) == second.pk
    assert GroupMembership.objects.get(group=group, member=me).last_read_post_id == second.pk


def test_posting_from_the_page_and_a_refusal_keeps_the_text(group, client):
    me = _member(group, "Julie")
    client.force_login(me)

    too_long = client.post(reverse("group-post-create", args=[group.slug]), {"body": "é" * 20_000})
    posted = client.post(reverse("group-post-create", args=[group.slug]), {"body": "Bonjour à tous"})

    assert too_long.status_code == 400
    text = too_long.content.decode()
    assert "le babillard en accepte 5\u202f000 au maximum" in text and "é" * 100 in text
    assert posted.status_code == 302
    assert list(Post.objects.values_list("body", flat=True)) == ["Bonjour à tous"]


def test_the_live_fragment_of_a_post_is_for_members_only(group, client):
    me = _member(group, "Julie")
    post = services.bulletin_post_create(user=me, group_id=group.pk, body="Fragment")
    client.force_login(me)
    shown = client.get(reverse("group-post-fragment", args=[group.slug, post.pk]))
    client.force_login(UserFactory())
    refused = client.get(reverse("group-post-fragment", args=[group.slug, post.pk]))

    assert shown.status_code == 200 and "Fragment" in shown.content.decode()
    assert refused.status_code == 403


def test_api_posts_replies_list_and_read(group):
    me, marc = _member(group, "Julie"), _member(group, "Marc")
    api_me, api_marc = APIClient(), APIClient()
    api_me.force_authenticate(me)
    api_marc.force_authenticate(marc)
    base = f"/api/v1/groups/{group.pk}"

    created = api_marc.post(f"{base}/posts/", {"body": "<b>Salut</b>"}, format="json")
    replied = api_me.post(f"{base}/posts/{created.json()['id']}/replies/", {"body": "Allo"}, format="json")
    mine = api_me.get("/api/v1/groups/mine/").json()["results"]
    listed = api_me.get(f"{base}/posts/").json()
    read = api_me.post(f"{base}/read/", {}, format="json")
    too_long = api_me.post(f"{base}/posts/", {"body": "x" * 20_000}, format="json")
    outsider = APIClient()
    outsider.force_authenticate(UserFactory())
    forbidden = outsider.post(f"{base}/posts/", {"body": "Bonjour"}, format="json")

    assert created.status_code == 201 and created.json()["body_html"] == "<p>&lt;b&gt;Salut&lt;/b&gt;</p>"
    assert replied.status_code == 201 and replied.json()["parent"] == created.json()["id"]
    assert [(g["group"]["id"], g["unread"]) for g in mine] == [(group.pk, 1)]
    assert [(t["body"], [r["body"] for r in t["replies"]]) for t in listed["results"]] == [("<b>Salut</b>", ["Allo"])]
    assert read.json() == {"group": group.pk, "up_to": replied.json()["id"]}
    assert too_long.status_code == 400 and "20" in too_long.json()["body"][0]
    assert forbidden.status_code == 403


def test_invitation_group_board_is_not_found_for_outsiders_through_the_api():
    group = GroupFactory(access=GroupAccess.INVITATION)
    api = APIClient()
    api.force_authenticate(UserFactory())

    assert api.get(f"/api/v1/groups/{group.pk}/posts/").status_code == 404
    assert api.post(f"/api/v1/groups/{group.pk}/posts/", {"body": "Bonjour"}, format="json").status_code == 404


def test_the_group_page_reads_a_busy_board_in_a_bounded_number_of_queries(group, client, django_assert_max_num_queries):
    me = _member(group, "Julie")
    members = [_member(group, f"Membre {n}") for n in range(8)]
    for n, author in enumerate(members):
        post = services.bulletin_post_create(user=author, group_id=group.pk, body=f"Message {n}")
        for replier in members[:3]:
            services.bulletin_post_create(user=replier, group_id=group.pk, body="Réponse", parent_id=post.pk)
    client.force_login(me)
    client.get(reverse("group-detail", args=[group.slug]))  # sessions and caches warmed

    with django_assert_max_num_queries(30):
        page = client.get(reverse("group-detail", args=[group.slug]))

    assert page.content.decode().count('class="bulletin-reply"') == 24
