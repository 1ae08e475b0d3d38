"""Moderation covers challenges: reported as entries are, hidden from every public place,
kept whole and restored unchanged; a suspended creator's challenge stays for its people."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from journal import services
from journal.models import Challenge, ModerationAction, Participation, Report
from tests.conftest import make_user, queries_for, write_entry
from tests.hostile_inputs import PAYLOADS
from tests.test_hostile_content import assert_safe, html_problems


def start(creator, **fields):
    fields.setdefault("title", "Thirty days of Rust")
    fields.setdefault("description", "Learn **Rust** an hour a day.")
    return services.challenge_create(
        challenge=Challenge(creator=creator, **fields), topic_names=["rust"]
    )


@pytest.fixture
def challenge(alice, bob):
    """alice's public challenge, which bob joined."""
    challenge = start(alice)
    services.challenge_join(person=bob, challenge=challenge)
    return challenge


def report_url(challenge, invite=None):
    url = reverse("journal:report", args=["challenge", challenge.slug])
    return f"{url}?invite={invite}" if invite else url


def act(client, action, target, reason="", back=None, follow=False):
    data = {"action": action, "target": target, "reason": reason}
    if back:
        data["back"] = back
    return client.post(reverse("journal:moderation_act"), data, follow=follow)


def hide(challenge, moderator, reason="Spam"):
    services.challenge_set_hidden(
        moderator=moderator, challenge=challenge, hidden=True, reason=reason
    )
    challenge.refresh_from_db()


def public_places(challenge):
    """Every address where anyone may come across a public challenge."""
    return [
        *(f"{reverse('journal:challenges')}?status={s}" for s in ("running", "soon", "finished")),
        challenge.get_absolute_url(),
        reverse("journal:challenge_atom", args=[challenge.slug]),
    ]


def found_by(client, challenge):
    """The public places where ``client`` finds ``challenge``'s title."""
    return [
        url
        for url in public_places(challenge)
        if (response := client.get(url)).status_code == 200 and challenge.title in response.text
    ]


class TestReporting:
    def test_the_page_offers_a_report_link_to_everyone_but_its_creator(
        self, client, alice, bob, challenge
    ):
        client.force_login(bob)
        assert report_url(challenge) in client.get(challenge.get_absolute_url()).text
        client.force_login(alice)
        assert report_url(challenge) not in client.get(challenge.get_absolute_url()).text

    def test_a_participant_reports_a_challenge_once(self, client, bob, challenge):
        client.force_login(bob)
        form = client.get(report_url(challenge))
        assert "Report this challenge" in form.text
        assert "Thirty days of Rust" in form.text
        response = client.post(report_url(challenge), {"reason": "spam", "note": "Ads"})
        assert response.status_code == 302
        assert response["Location"] == challenge.get_absolute_url()
        report = Report.objects.get()
        assert (report.reporter, report.challenge, report.reason, report.note) == (
            bob,
            challenge,
            "spam",
            "Ads",
        )
        again = client.post(report_url(challenge), {"reason": "abuse"}, follow=True)
        assert "reported this already" in again.text
        assert Report.objects.count() == 1

    def test_a_bad_report_gets_a_message_and_writes_nothing(self, client, bob, challenge):
        client.force_login(bob)
        response = client.post(report_url(challenge), {"reason": "boring", "note": "x" * 501})
        assert response.status_code == 400
        assert "not one of the available choices" in response.text
        assert not Report.objects.exists()

    def test_an_invite_holder_reports_an_invite_only_challenge_and_goes_back_to_it(
        self, client, alice, bob
    ):
        challenge = start(alice, visibility=Challenge.Visibility.INVITE)
        client.force_login(bob)
        assert client.get(report_url(challenge)).status_code == 404
        page = client.get(f"{challenge.get_absolute_url()}?invite={challenge.invite_token}")
        assert report_url(challenge, challenge.invite_token) in page.text
        response = client.post(report_url(challenge, challenge.invite_token), {"reason": "hate"})
        assert response["Location"] == (
            f"{challenge.get_absolute_url()}?invite={challenge.invite_token}"
        )
        assert Report.objects.get().challenge == challenge

    def test_nobody_reports_the_site_challenge(self, client, bob):
        site = Challenge.objects.site()
        client.force_login(bob)
        assert report_url(site) not in client.get(site.get_absolute_url()).text
        assert client.post(report_url(site), {"reason": "spam"}).status_code == 404
        assert not Report.objects.exists()


class TestQueue:
    @pytest.fixture
    def reported(self, bob, challenge):
        carol = make_user("carol")
        services.report_create(reporter=bob, target=challenge, reason="spam", note="Ads")
        services.report_create(reporter=carol, target=challenge, reason="abuse")
        return challenge

    def test_the_queue_groups_a_challenges_reports_with_its_description(
        self, client, moderator, reported
    ):
        client.force_login(moderator)
        page = client.get(reverse("journal:moderation")).text
        assert page.count("Challenge: <a") == 1
        assert "2 reports" in page
        assert "Learn <strong>Rust</strong> an hour a day." in page
        assert 'value="hide_challenge"' in page
        assert 'value="suspend_user"' in page

    def test_hiding_closes_its_reports_is_logged_and_offers_to_undo(
        self, client, moderator, reported
    ):
        client.force_login(moderator)
        response = act(client, "hide_challenge", reported.pk, reason="Ads", follow=True)
        assert response.redirect_chain == [(reverse("journal:moderation"), 302)]
        page = response.text
        assert "Hid the challenge “Thirty days of Rust”." in page
        undo = page[page.index("undo-message") :]
        undo = undo[: undo.index("</li>")]
        assert 'value="restore_challenge"' in undo
        assert f'value="{reported.pk}"' in undo
        reported.refresh_from_db()
        assert (reported.moderation_state, reported.moderation_reason) == ("hidden", "Ads")
        assert not Report.objects.filter(state=Report.State.OPEN).exists()
        step = ModerationAction.objects.get()
        assert (step.action, step.challenge, step.moderator, step.reason) == (
            "hide_challenge",
            reported,
            moderator,
            "Ads",
        )
        assert "No open reports" in page

        act(client, "restore_challenge", reported.pk)
        reported.refresh_from_db()
        assert (reported.moderation_state, reported.moderation_reason) == ("visible", "")
        assert ModerationAction.objects.first().action == "restore_challenge"

    def test_dismissing_a_report_leaves_the_challenge_alone(self, client, moderator, reported):
        report = Report.objects.get(note="Ads")
        client.force_login(moderator)
        page = act(client, "dismiss_report", report.pk, follow=True).text
        assert "Dismissed the report." in page
        report.refresh_from_db()
        assert report.state == Report.State.DISMISSED
        reported.refresh_from_db()
        assert reported.moderation_state == "visible"

    def test_the_hidden_list_shows_it_until_restored_from_there(self, client, moderator, reported):
        hide(reported, moderator, reason="Ads")
        client.force_login(moderator)
        hidden = client.get(reverse("journal:moderation_hidden")).text
        assert "Challenge: <a" in hidden
        assert "“Ads”" in hidden
        assert 'value="restore_challenge"' in hidden
        response = act(client, "restore_challenge", reported.pk, back="hidden", follow=True)
        assert response.redirect_chain == [(reverse("journal:moderation_hidden"), 302)]
        assert "Challenge: <a" not in response.text
        assert "Nothing is hidden" in response.text

    def test_others_cannot_moderate_a_challenge(self, client, bob, challenge):
        client.force_login(bob)
        assert act(client, "hide_challenge", challenge.pk).status_code == 404
        challenge.refresh_from_db()
        assert challenge.moderation_state == "visible"


class TestHidden:
    def test_a_hidden_challenge_leaves_every_public_place_and_comes_back_unchanged(
        self, alice, bob, moderator, challenge
    ):
        write_entry(bob, title="Borrow checker", minutes=90)
        visitor, participant, stranger = Client(), Client(), Client()
        participant.force_login(bob)
        stranger.force_login(make_user("carol"))
        everywhere = public_places(challenge)
        for reader in (visitor, participant, stranger):
            assert found_by(reader, challenge) == [everywhere[0], *everywhere[3:]]
        before = list(Participation.objects.filter(challenge=challenge).values())

        hide(challenge, moderator)
        for reader in (visitor, participant, stranger):
            assert found_by(reader, challenge) == []
        assert challenge.title not in participant.get(reverse("journal:challenges_mine")).text

        services.challenge_set_hidden(moderator=moderator, challenge=challenge, hidden=False)
        for reader in (visitor, participant, stranger):
            assert found_by(reader, challenge) == [everywhere[0], *everywhere[3:]]
        assert list(Participation.objects.filter(challenge=challenge).values()) == before
        challenge.refresh_from_db()
        assert challenge.participant_count == 2

    def test_the_cached_page_is_not_served_once_hidden(
        self, moderator, challenge, settings, django_capture_on_commit_callbacks
    ):
        settings.MOMENTUM_PAGE_CACHE = True
        visitor = Client()
        assert visitor.get(challenge.get_absolute_url()).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            hide(challenge, moderator)
        assert visitor.get(challenge.get_absolute_url()).status_code == 404

    def test_its_creator_sees_it_marked_with_the_reason(self, client, alice, moderator, challenge):
        hide(challenge, moderator, reason="Misleading title")
        client.force_login(alice)
        page = client.get(challenge.get_absolute_url()).text
        assert "A moderator hid this challenge" in page
        assert "Misleading title" in page
        assert "Restore challenge" not in page
        mine = client.get(reverse("journal:challenges_mine")).text
        assert "Thirty days of Rust" in mine
        assert "Misleading title" in mine

    def test_staff_open_it_to_judge_and_restore_it(self, client, moderator, challenge):
        hide(challenge, moderator, reason="Misleading title")
        client.force_login(moderator)
        page = client.get(challenge.get_absolute_url()).text
        assert "Hidden by moderators" in page
        assert 'value="restore_challenge"' in page
        assert "Join the challenge" not in page
        assert report_url(challenge) not in page
        response = act(client, "restore_challenge", challenge.pk, back="target", follow=True)
        assert response.redirect_chain == [(challenge.get_absolute_url(), 302)]
        assert "Restored the challenge “Thirty days of Rust”." in response.text

    def test_the_days_written_while_hidden_still_count(self, bob, moderator, challenge):
        hide(challenge, moderator)
        write_entry(bob, minutes=60)
        assert Participation.objects.get(person=bob, challenge=challenge).days_counted == 1


class TestInviteOnly:
    def test_staff_open_one_only_once_reported(self, client, alice, bob, moderator):
        challenge = start(alice, visibility=Challenge.Visibility.INVITE)
        client.force_login(moderator)
        assert client.get(challenge.get_absolute_url()).status_code == 404
        services.report_create(reporter=bob, target=challenge, reason="abuse")
        assert client.get(challenge.get_absolute_url()).status_code == 200


class TestSuspendedCreator:
    @pytest.fixture
    def suspended(self, alice, moderator, challenge):
        services.user_set_suspended(
            moderator=moderator, user=alice, suspended=True, reason="Spam account"
        )
        return challenge

    def test_it_leaves_public_places_but_stays_for_its_participants_unnamed(
        self, client, bob, suspended
    ):
        assert found_by(Client(), suspended) == []
        stranger = Client()
        stranger.force_login(make_user("carol"))
        assert found_by(stranger, suspended) == []
        client.force_login(bob)
        page = client.get(suspended.get_absolute_url())
        assert page.status_code == 200
        assert "Thirty days of Rust" in page.text
        assert "Alice Martin" not in page.text
        assert "/@alice/" not in page.text
        assert "Thirty days of Rust" in client.get(reverse("journal:challenges_mine")).text

    def test_it_takes_no_one_new_even_through_its_invite_link(self, client, alice, moderator):
        challenge = start(
            alice,
            visibility=Challenge.Visibility.INVITE,
            starts_on=alice.local_today() + dt.timedelta(days=1),
        )
        services.user_set_suspended(moderator=moderator, user=alice, suspended=True)
        carol = make_user("carol")
        client.force_login(carol)
        link = reverse("journal:challenge_invite", args=[challenge.invite_token])
        assert client.get(link).status_code == 404
        join = reverse("journal:challenge_join", args=[challenge.slug])
        assert client.post(f"{join}?invite={challenge.invite_token}").status_code == 404
        assert not Participation.objects.filter(person=carol).exclude(
            challenge=Challenge.objects.site()
        )

    def test_staff_see_who_started_it_and_why_they_are_suspended(
        self, client, moderator, suspended
    ):
        client.force_login(moderator)
        page = client.get(suspended.get_absolute_url()).text
        assert "Alice Martin" in page
        assert "Its creator is suspended: Spam account." in page

    def test_unsuspending_brings_it_back_unchanged(self, alice, moderator, suspended):
        services.user_set_suspended(moderator=moderator, user=alice, suspended=False)
        assert len(found_by(Client(), suspended)) == 3


def test_the_admin_hides_and_restores_challenges_through_the_log(client, moderator, challenge):
    moderator.is_superuser = True
    moderator.save()
    client.force_login(moderator)
    changelist = reverse("admin:journal_challenge_changelist")
    for action, state in (("hide_challenges", "hidden"), ("restore_challenges", "visible")):
        client.post(changelist, {"action": action, "_selected_action": [challenge.pk]})
        challenge.refresh_from_db()
        assert challenge.moderation_state == state
    assert list(ModerationAction.objects.values_list("action", flat=True)) == [
        "restore_challenge",
        "hide_challenge",
    ]


def test_the_moderation_pages_cost_the_same_whatever_the_number_of_challenges(
    client, alice, moderator
):
    client.force_login(moderator)

    def report_and_hide(count):
        for _ in range(count):
            challenge = start(alice)
            reporter = make_user(f"reporter{Report.objects.count()}")
            services.report_create(reporter=reporter, target=challenge, reason="spam")
            hidden = start(alice)
            services.report_create(reporter=reporter, target=hidden, reason="spam")
            hide(hidden, moderator)

    report_and_hide(1)
    pages = [reverse("journal:moderation"), reverse("journal:moderation_hidden")]
    counts = [queries_for(client, url) for url in pages]
    report_and_hide(5)
    assert [queries_for(client, url) for url in pages] == counts


def test_hostile_titles_descriptions_notes_and_reasons_are_shown_safely(
    client, monkeypatch, alice, bob, moderator
):
    # Alice starts one challenge per payload: more than anyone may be in at once.
    monkeypatch.setattr("journal.services.challenges.MAX_CHALLENGES", len(PAYLOADS) + 1)
    for index, payload in enumerate(PAYLOADS):
        challenge = start(alice, title=payload.text[:120] or f"c{index}", description=payload.text)
        services.report_create(
            reporter=bob, target=challenge, reason="spam", note=payload.text[:500]
        )
        if index % 2:
            hide(challenge, moderator, reason=payload.text[:300])
    client.force_login(moderator)
    for url in (reverse("journal:moderation"), reverse("journal:moderation_hidden")):
        assert_safe(html_problems(client.get(url).text), url)
    client.force_login(alice)
    for challenge in Challenge.objects.filter(creator=alice, moderation_state="hidden")[:10]:
        page = client.get(challenge.get_absolute_url())
        assert page.status_code == 200
        assert_safe(html_problems(page.text), challenge.slug)
    client.force_login(bob)
    for challenge in Challenge.objects.filter(creator=alice, moderation_state="visible")[:10]:
        page = client.get(reverse("journal:report", args=["challenge", challenge.slug]))
        assert_safe(html_problems(page.text), challenge.slug)
