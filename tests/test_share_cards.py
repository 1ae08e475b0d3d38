"""Share cards: the Open Graph tags of entries and journeys, and the images they name."""

import html
import io
import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from journal import services, sharecards
from journal.models import Challenge, Entry, Participation, Topic
from tests.conftest import write_entry
from tests.test_certificates import certificate_url, run, start

TAG = re.compile(r'<meta (?:property|name)="([\w:]+)" content="([^"]*)">')


def share_tags(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return {name: html.unescape(value) for name, value in TAG.findall(response.content.decode())}


@pytest.fixture
def lesson(alice):
    return write_entry(
        alice,
        title="Convolutions, finally clicked",
        minutes=75,
        topics=["Computer Vision", "maths"],
        key_lesson="Padding is a choice about the edges, not a detail.",
    )


@pytest.fixture
def drawn(monkeypatch):
    """Every drawing made, by the card it showed."""
    cards = []
    draw = sharecards.draw

    def spy(card):
        cards.append(card)
        return draw(card)

    monkeypatch.setattr(sharecards, "draw", spy)
    return cards


def image_path(tags):
    url = tags["og:image"]
    assert url.startswith("http://testserver/share/")
    return url.removeprefix("http://testserver")


def assert_share_image(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "immutable" in response["Cache-Control"]
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
        assert image.format == "PNG"
        assert image.size == (1200, 630)


def test_a_public_entry_carries_its_card(client, lesson):
    tags = share_tags(client, lesson.get_absolute_url())
    assert tags["og:type"] == "article"
    assert tags["og:title"] == "Day 1: Convolutions, finally clicked · Alice Martin"
    assert tags["og:description"] == "Padding is a choice about the edges, not a detail."
    assert tags["og:url"] == f"http://testserver{lesson.get_absolute_url()}"
    assert tags["og:image"].startswith(f"http://testserver/share/entries/{lesson.pk}/")
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["twitter:card"] == "summary_large_image"
    for shown in ("Alice Martin (@alice)", "Day 1", "1 h 15 min of learning", "#maths"):
        assert shown in tags["og:image:alt"]


def test_a_public_journey_carries_its_card(client, alice, lesson):
    alice.learning_focus = "Computer vision"
    alice.save()
    tags = share_tags(client, reverse("journal:journey", args=["alice"]))
    assert tags["og:type"] == "profile"
    assert tags["og:title"] == "Alice Martin's journey"
    assert tags["og:description"] == (
        "Currently learning Computer vision. 1 day in a row, 1.2 hours learned on Momentum."
    )
    assert tags["og:url"] == "http://testserver/@alice/"
    assert tags["og:image"].startswith("http://testserver/share/people/alice/")
    assert tags["twitter:card"] == "summary_large_image"


def test_the_tags_are_the_same_for_every_reader(client, alice, bob, lesson):
    # Pages are cached per audience: the author's own copy, a reader's and a visitor's
    # must name the same image.
    for url in (lesson.get_absolute_url(), reverse("journal:journey", args=["alice"])):
        seen = []
        for reader in (None, bob, alice):
            client.logout()
            if reader:
                client.force_login(reader)
            seen.append(share_tags(client, url))
        assert seen[0] == seen[1] == seen[2]
        assert "og:image" in seen[0]


def test_private_and_hidden_entries_have_no_card(client, alice, moderator, lesson, drawn):
    image = image_path(share_tags(client, lesson.get_absolute_url()))
    client.force_login(alice)
    for change in ("private", "hidden"):
        if change == "private":
            lesson.visibility = Entry.Visibility.PRIVATE
            services.entry_save(entry=lesson, topic_names=["maths"])
        else:
            lesson.visibility = Entry.Visibility.PUBLIC
            services.entry_save(entry=lesson, topic_names=["maths"])
            services.entry_set_hidden(moderator=moderator, entry=lesson, hidden=True)
        # Its author still reads it, without anything to share it by.
        tags = share_tags(client, lesson.get_absolute_url())
        assert not any(name.startswith(("og:", "twitter:")) for name in tags), change
        assert client.get(image).status_code == 404
    assert drawn == []


def test_a_suspended_persons_journey_and_entries_have_no_card(
    client, alice, moderator, lesson, drawn
):
    journey = reverse("journal:journey", args=["alice"])
    images = [image_path(share_tags(client, url)) for url in (journey, lesson.get_absolute_url())]
    services.user_set_suspended(moderator=moderator, user=alice, suspended=True)
    for reader in (alice, moderator):
        client.force_login(reader)
        for url in (journey, lesson.get_absolute_url()):
            tags = share_tags(client, url)
            assert not any(name.startswith(("og:", "twitter:")) for name in tags)
        for image in images:
            assert client.get(image).status_code == 404
    assert drawn == []


def test_other_pages_have_no_card(client, lesson):
    assert "og:image" not in share_tags(client, reverse("journal:feed"))


def test_the_entry_image_is_drawn_once(client, lesson, drawn):
    image = image_path(share_tags(client, lesson.get_absolute_url()))
    assert_share_image(client.get(image))
    assert_share_image(client.get(image))
    assert len(drawn) == 1
    assert drawn[0].title == "Convolutions, finally clicked"
    assert drawn[0].topics == ("#computer-vision", "#maths")
    assert default_storage.exists(drawn[0].storage_name)


def test_the_journey_image_is_drawn_once(client, alice, lesson, drawn):
    image = image_path(share_tags(client, reverse("journal:journey", args=["alice"])))
    assert_share_image(client.get(image))
    assert_share_image(client.get(image))
    assert [card.figures for card in drawn] == [
        (("1", "day in a row"), ("1.2", "hours learned"), ("1", "entry"))
    ]


def test_an_edit_draws_a_new_image_under_a_new_name(client, alice, lesson, drawn):
    url = lesson.get_absolute_url()
    first = image_path(share_tags(client, url))
    assert_share_image(client.get(first))
    journey = reverse("journal:journey", args=["alice"])
    first_journey = image_path(share_tags(client, journey))
    assert_share_image(client.get(first_journey))
    lesson.title = "Strides, too"
    lesson.minutes = 90
    services.entry_save(entry=lesson, topic_names=["maths"])
    second = image_path(share_tags(client, url))
    assert second != first
    assert_share_image(client.get(second))
    second_journey = image_path(share_tags(client, journey))
    assert second_journey != first_journey
    assert_share_image(client.get(second_journey))
    assert [card.title for card in drawn if card.kind == "entry"] == [
        "Convolutions, finally clicked",
        "Strides, too",
    ]
    assert drawn[2].details[0] == "1 h 30 min of learning"
    assert drawn[-1].figures[1] == ("1.5", "hours learned")
    # The old address leads to what the image shows now, without drawing it again.
    response = client.get(first)
    assert response.status_code == 302
    assert response["Location"] == second
    assert len(drawn) == 4


def test_drawing_is_rate_limited(client, alice, bob, settings, drawn):
    settings.MOMENTUM_RATE_LIMITS = {**settings.MOMENTUM_RATE_LIMITS, "share_image": (2, 600)}
    entries = [write_entry(person) for person in (alice, bob)]
    images = [image_path(share_tags(client, entry.get_absolute_url())) for entry in entries]
    images.append(image_path(share_tags(client, reverse("journal:journey", args=["bob"]))))
    assert_share_image(client.get(images[0]))
    assert_share_image(client.get(images[1]))
    assert client.get(images[2]).status_code == 429
    # What was drawn is still served.
    assert_share_image(client.get(images[0]))
    assert len(drawn) == 2


def test_long_text_fits_the_image(alice):
    entry = write_entry(
        alice,
        title="W" * 200,
        topics=[f"topic {n}" for n in range(12)],
    )
    entry.topic_list = list(entry.topics.all())
    alice.display_name = "Ŵ" * 80
    card = sharecards.entry_card(entry)
    with Image.open(io.BytesIO(sharecards.draw(card))) as image:
        assert image.size == (1200, 630)
    canvas = sharecards._Canvas()
    lines = canvas.wrap("word " * 100, 66, 1040, 3, bold=True)
    assert len(lines) == 3
    assert lines[-1].endswith("…")
    assert all(canvas.length(line, 66, bold=True) <= 1040 for line in lines)
    assert canvas.wrap("A short title", 66, 1040, 3) == ["A short title"]


# Challenges and certificates


@pytest.fixture
def sprint(clock, alice):
    """Alice's public three-day challenge on two topics, which she finished."""
    challenge = start(alice, title="Three days of Rust")
    run(clock, {alice: 75})
    return challenge


def test_a_public_challenge_carries_its_card(client, alice, sprint):
    tags = share_tags(client, sprint.get_absolute_url())
    assert tags["og:type"] == "website"
    assert tags["og:title"] == "Three days of Rust · a learning challenge on Momentum"
    assert tags["og:description"] == (
        f"60 minutes a day, {sharecards.challenge_dates(sprint)}. 1 participant so far."
    )
    assert tags["og:image"].startswith(f"http://testserver/share/challenges/{sprint.slug}/")
    assert tags["twitter:card"] == "summary_large_image"
    for shown in ("Three days of Rust", "60 minutes a day", "1 participant", "#rust #systems"):
        assert shown in tags["og:image:alt"]


def test_a_certificate_carries_its_card(client, alice, bob, sprint):
    url = certificate_url(sprint, alice)
    tags = share_tags(client, url)
    assert tags["og:type"] == "article"
    assert tags["og:title"] == "Alice Martin finished Three days of Rust"
    assert tags["og:description"] == (
        f"3 days counted and 3.8 hours of learning, {sharecards.challenge_dates(sprint)}, "
        "on Momentum."
    )
    assert tags["og:url"] == f"http://testserver{url}"
    assert tags["og:image"].startswith("http://testserver/share/certificates/")
    for shown in ("Alice Martin (@alice)", "3 days counted", "3.8 hours of learning", "#rust"):
        assert shown in tags["og:image:alt"]
    # The same for every reader, the person included, whose copy shows private minutes.
    for reader in (bob, alice):
        client.force_login(reader)
        assert share_tags(client, url) == tags


@pytest.mark.parametrize("page", ["challenge", "certificate"])
def test_challenge_and_certificate_images_are_drawn_once(client, alice, sprint, drawn, page):
    url = sprint.get_absolute_url() if page == "challenge" else certificate_url(sprint, alice)
    image = image_path(share_tags(client, url))
    assert_share_image(client.get(image))
    assert_share_image(client.get(image))
    assert [card.kind for card in drawn] == [page]
    assert drawn[0].headline == "Three days of Rust"
    assert drawn[0].topics == ("#rust", "#systems")


def test_a_challenge_image_changes_when_someone_joins(client, alice, bob, sprint, drawn):
    # Open-ended again, so that Bob may still join it.
    sprint.ends_on = None
    Challenge.objects.filter(pk=sprint.pk).update(ends_on=None, length_days=None)
    first = image_path(share_tags(client, sprint.get_absolute_url()))
    services.challenge_join(person=bob, challenge=sprint)
    second = image_path(share_tags(client, sprint.get_absolute_url()))
    assert second != first
    assert_share_image(client.get(second))
    assert drawn[-1].figures == (("2", "participants"),)
    response = client.get(first)
    assert response.status_code == 302
    assert response["Location"] == second


def test_a_certificate_image_changes_when_its_hours_do(client, alice, sprint, drawn):
    url = certificate_url(sprint, alice)
    first = image_path(share_tags(client, url))
    entry = Entry.objects.filter(author=alice, day=sprint.starts_on).get()
    entry.minutes = 135
    services.entry_save(entry=entry, topic_names=[])
    second = image_path(share_tags(client, url))
    assert second != first
    # A private day keeps its minutes off the image.
    entry.visibility = Entry.Visibility.PRIVATE
    services.entry_save(entry=entry, topic_names=[])
    third = image_path(share_tags(client, url))
    assert third not in (first, second)
    assert_share_image(client.get(third))
    assert drawn[-1].figures == (("3", "days counted"), ("2.5", "hours of learning"))
    assert client.get(first).status_code == 302


@pytest.mark.parametrize("change", ["invite-only", "hidden", "suspended"])
def test_invite_only_hidden_and_suspended_have_no_card(
    client, alice, moderator, sprint, drawn, change
):
    challenge_image, certificate_image = [
        image_path(share_tags(client, url))
        for url in (sprint.get_absolute_url(), certificate_url(sprint, alice))
    ]
    if change == "invite-only":
        Challenge.objects.filter(pk=sprint.pk).update(visibility=Challenge.Visibility.INVITE)
    elif change == "hidden":
        Challenge.objects.filter(pk=sprint.pk).update(
            moderation_state=Challenge.ModerationState.HIDDEN
        )
    else:
        services.user_set_suspended(moderator=moderator, user=alice, suspended=True)
    # Its creator, a member, still reads the pages, with nothing to share them by.
    client.force_login(alice)
    pages = [sprint.get_absolute_url()]
    if change != "suspended":
        pages.append(certificate_url(sprint, alice))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "og:image" not in response.content.decode()
        assert "twitter:card" not in response.content.decode()
    assert client.get(challenge_image).status_code == 404
    # The certificate's image opens to whoever may see its page: its member, not a visitor.
    member_sees_it = change != "suspended"
    assert client.get(certificate_image).status_code == (200 if member_sees_it else 404)
    client.logout()
    assert client.get(certificate_image).status_code == 404
    assert len(drawn) == int(member_sees_it)


def test_an_invite_only_certificate_image_opens_with_the_invite(client, alice, sprint, drawn):
    Challenge.objects.filter(pk=sprint.pk).update(visibility=Challenge.Visibility.INVITE)
    sprint.refresh_from_db()
    url = certificate_url(sprint, alice)
    page = client.get(f"{url}?invite={sprint.invite_token}").content.decode()
    assert "og:image" not in page
    download = re.search(r'href="([^"]+)" download>Download the image', page)
    assert download, "an invite holder can download the image"
    image = html.unescape(download.group(1))
    assert image.endswith(f"?invite={sprint.invite_token}")
    response = client.get(image)
    assert_share_image(response)
    assert "private" in response["Cache-Control"]
    assert client.get(image.split("?")[0]).status_code == 404
    # A renewed invite closes the old image address with the old link.
    services.challenge_renew_invite(challenge=sprint, by=alice)
    assert client.get(image).status_code == 404


def test_long_certificate_and_challenge_text_fits_the_image(alice, sprint):
    participation = Participation.objects.select_related("challenge__creator", "person").get(
        person=alice, challenge=sprint
    )
    participation.person.display_name = "Ŵ" * 80
    participation.challenge.title = "W" * 120
    topics = Topic.from_names([f"topic {n}" for n in range(12)])
    for card in (
        sharecards.certificate_card(participation, topics, 6000),
        sharecards.challenge_card(participation.challenge, topics),
    ):
        with Image.open(io.BytesIO(sharecards.draw(card))) as image:
            assert image.size == (1200, 630)
