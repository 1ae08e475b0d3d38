import pytest
from django.urls import reverse

from journal import services
from journal.models import Cheer, Entry, Notification
from tests.conftest import days_ago, make_user, queries_for, write_entry


@pytest.fixture
def entry(alice):
    return write_entry(alice, title="Convolutions at last")


def cheer(client, entry, fields=None, **extra):
    """A press of the entry's cheer button: the page's cheer form, naming the entry."""
    return client.post(reverse("journal:cheer"), {"entry": entry.pk, **(fields or {})}, **extra)


def test_cheering_stores_the_cheer_the_count_and_a_notification(client, bob, entry):
    client.force_login(bob)
    response = cheer(client, entry)
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    assert Cheer.objects.filter(user=bob, entry=entry).exists()
    entry.refresh_from_db()
    assert entry.cheer_count == 1
    notification = Notification.objects.get()
    assert (notification.recipient, notification.actor, notification.kind) == (
        entry.author,
        bob,
        Notification.Kind.CHEER,
    )
    assert notification.entry == entry


def test_cheering_again_takes_the_cheer_and_its_notification_back(client, bob, entry):
    client.force_login(bob)
    cheer(client, entry)
    cheer(client, entry)
    entry.refresh_from_db()
    assert entry.cheer_count == 0
    assert not Cheer.objects.exists()
    assert not Notification.objects.exists()


def test_counts_add_up_over_several_people(client, bob, entry):
    carol = make_user("carol")
    for person in (bob, carol):
        client.force_login(person)
        cheer(client, entry)
    entry.refresh_from_db()
    assert entry.cheer_count == 2
    client.force_login(bob)
    cheer(client, entry)
    entry.refresh_from_db()
    assert entry.cheer_count == 1


def test_script_gets_json(client, bob, entry):
    client.force_login(bob)
    response = cheer(client, entry, headers={"accept": "application/json"})
    assert response.status_code == 200
    assert response.json() == {"cheered": True, "count": 1}
    response = cheer(client, entry, headers={"accept": "application/json"})
    assert response.json() == {"cheered": False, "count": 0}


def test_browser_form_post_is_redirected_not_answered_in_json(client, bob, entry):
    client.force_login(bob)
    response = cheer(
        client,
        entry,
        headers={"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
    )
    assert response.status_code == 302


def test_goes_back_to_a_safe_next(client, bob, entry):
    client.force_login(bob)
    response = cheer(client, entry, {"next": "/feed/?page=2"})
    assert response["Location"] == "/feed/?page=2"


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_ignores_a_next_pointing_elsewhere(client, bob, entry, unsafe):
    client.force_login(bob)
    response = cheer(client, entry, {"next": unsafe})
    assert response["Location"] == entry.get_absolute_url()


def test_get_changes_nothing(client, bob, entry):
    client.force_login(bob)
    response = client.get(reverse("journal:cheer"), {"entry": entry.pk, "next": "/feed/"})
    assert (response.status_code, response["Location"]) == (302, "/feed/")
    assert client.get(reverse("journal:cheer"))["Location"] == reverse("journal:home")
    assert not Cheer.objects.exists()


@pytest.mark.parametrize(
    "named",
    ["", "abc", "-1", "1.5", str(2**63), "9" * 30, "9" * 5000, "\N{ARABIC-INDIC DIGIT ONE}"],
)
def test_a_button_naming_no_entry_is_404_and_changes_nothing(client, bob, entry, named):
    client.force_login(bob)
    assert client.post(reverse("journal:cheer"), {"entry": named}).status_code == 404
    assert not Cheer.objects.exists()


def test_a_page_has_one_cheer_form_for_all_its_buttons(client, alice, bob, entry):
    for n in (1, 2):
        write_entry(alice, day=days_ago(alice, n), title=f"Earlier {n}")
    client.force_login(bob)
    page = client.get(reverse("journal:feed")).content.decode()
    assert page.count('id="cheer-form"') == 1
    assert page.count('form="cheer-form" name="entry"') == 3
    assert f'value="{entry.pk}"' in page


def test_visitors_are_sent_to_log_in_and_back(client, entry):
    response = cheer(client, entry)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert not Cheer.objects.exists()
    page = client.get(entry.get_absolute_url()).content.decode()
    assert f"{reverse('account_login')}?next=/%40alice/{entry.day.isoformat()}/" in page


def test_nobody_cheers_their_own_entry(client, alice, entry):
    client.force_login(alice)
    assert cheer(client, entry).status_code == 404
    page = client.get(entry.get_absolute_url()).content.decode()
    assert f'name="entry" value="{entry.pk}"' not in page
    assert "0 cheers" in page


def test_private_hidden_and_suspended_entries_cannot_be_cheered(client, alice, bob, moderator):
    private = write_entry(alice, visibility=Entry.Visibility.PRIVATE)
    hidden = write_entry(alice, day=days_ago(alice, 1))
    services.entry_set_hidden(moderator=moderator, entry=hidden, hidden=True)
    carol = make_user("carol")
    suspended = write_entry(carol)
    services.user_set_suspended(moderator=moderator, user=carol, suspended=True)
    client.force_login(bob)
    for entry in (private, hidden, suspended):
        assert cheer(client, entry).status_code == 404
    assert not Cheer.objects.exists()


def test_suspended_people_cannot_cheer(client, bob, moderator, entry):
    services.user_set_suspended(moderator=moderator, user=bob, suspended=True)
    client.force_login(bob)
    assert cheer(client, entry).status_code == 403
    assert not Cheer.objects.exists()


def test_button_says_whether_i_cheered(client, bob, entry):
    other = write_entry(entry.author, day=days_ago(entry.author, 1), title="Pooling")
    # The older day takes Day 1, so the first entry's address moved.
    entry.refresh_from_db()
    services.cheer_toggle(user=bob, entry=entry)
    client.force_login(bob)
    feed = client.get(reverse("journal:feed")).content.decode()
    assert feed.count('aria-pressed="true"') == 1
    assert feed.count('aria-pressed="false"') == 1
    assert "1 cheer<" in feed
    page = client.get(entry.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in page
    page = client.get(other.get_absolute_url()).content.decode()
    assert 'aria-pressed="false"' in page


def test_the_button_follows_my_cheers_after_i_have_seen_it(client, bob, entry):
    client.force_login(bob)
    assert 'aria-pressed="false"' in client.get(reverse("journal:feed")).content.decode()
    cheer(client, entry)
    assert 'aria-pressed="true"' in client.get(reverse("journal:feed")).content.decode()
    cheer(client, entry)
    assert 'aria-pressed="false"' in client.get(reverse("journal:feed")).content.decode()


def test_feed_runs_the_same_queries_for_1_and_25_cheered_entries(client, alice, bob):
    people = [make_user(f"reader{n}") for n in range(3)]
    url = reverse("journal:feed")

    def add(n):
        entry = write_entry(alice, day=days_ago(alice, n), topics=["python", f"t{n}"])
        for person in [bob, *people]:
            services.cheer_toggle(user=person, entry=entry)

    add(0)
    client.force_login(bob)
    one = queries_for(client, url)
    for n in range(1, 25):
        add(n)
    assert queries_for(client, url) == one


@pytest.mark.parametrize(
    ("count", "cheers", "comments"),
    [(0, "0 cheers", "0 comments"), (1, "1 cheer", "1 comment"), (2, "2 cheers", "2 comments")],
)
def test_card_figures_agree_with_their_count(count, cheers, comments):
    entry = Entry(cheer_count=count, comment_count=count)
    assert (entry.cheers_label, entry.comments_label) == (cheers, comments)
