import re

import pytest
from django.urls import reverse

from journal import services
from journal.models import Comment, Entry, ModerationAction, Report
from tests.conftest import make_user, write_entry


@pytest.fixture
def reported_entry(alice):
    return write_entry(alice, title="Buy cheap pills", body="spam spam")


def report_url(kind, key):
    return reverse("journal:report", args=[kind, key])


def act(client, action, target, reason="", back=None, follow=False):
    data = {"action": action, "target": target, "reason": reason}
    if back:
        data["back"] = back
    return client.post(reverse("journal:moderation_act"), data, follow=follow)


class TestReporting:
    def test_a_participant_reports_an_entry_once(self, client, bob, reported_entry):
        client.force_login(bob)
        response = client.post(
            report_url("entry", reported_entry.pk), {"reason": "spam", "note": "Pill ads"}
        )
        assert response.status_code == 302
        report = Report.objects.get()
        assert (report.reporter, report.entry, report.reason, report.note) == (
            bob,
            reported_entry,
            "spam",
            "Pill ads",
        )

        again = client.post(
            report_url("entry", reported_entry.pk), {"reason": "abuse"}, follow=True
        )
        assert "reported this already" in again.content.decode()
        assert Report.objects.count() == 1

    def test_comments_and_people_can_be_reported(self, client, alice, bob, reported_entry):
        comment = Comment.objects.create(entry=reported_entry, author=alice, body="rude")
        client.force_login(bob)
        client.post(report_url("comment", comment.pk), {"reason": "abuse"})
        client.post(report_url("person", "alice"), {"reason": "spam"})
        assert Report.objects.filter(comment=comment).exists()
        assert Report.objects.filter(reported_user=alice).exists()

    def test_the_form_offers_the_reasons_and_nothing_else(self, client, bob, reported_entry):
        client.force_login(bob)
        response = client.get(report_url("entry", reported_entry.pk))
        radios = re.findall(r'<input type="radio" name="reason" value="([^"]*)"', response.text)
        assert radios == list(Report.Reason.values)
        assert "---------" not in response.text

    def test_the_form_refuses_an_unknown_reason_and_writes_nothing(
        self, client, bob, reported_entry
    ):
        client.force_login(bob)
        response = client.post(report_url("entry", reported_entry.pk), {"reason": "boring"})
        assert response.status_code == 400
        assert "not one of the available choices" in response.content.decode()
        assert not Report.objects.exists()

    @pytest.mark.parametrize(("kind", "key"), [("entry", "999"), ("entry", "abc"), ("planet", "1")])
    def test_unknown_targets_are_404(self, client, bob, kind, key):
        client.force_login(bob)
        assert client.get(report_url(kind, key)).status_code == 404

    def test_nobody_reports_what_they_cannot_see_or_themselves(self, client, alice, bob):
        private = write_entry(alice, visibility=Entry.Visibility.PRIVATE)
        client.force_login(bob)
        assert client.post(report_url("entry", private.pk), {"reason": "spam"}).status_code == 404
        assert client.post(report_url("person", "bob"), {"reason": "spam"}).status_code == 404
        assert not Report.objects.exists()

    def test_visitors_are_asked_to_log_in(self, client, reported_entry):
        response = client.get(report_url("entry", reported_entry.pk))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


class TestQueue:
    def test_only_staff_see_the_queue(self, client, bob, moderator):
        assert client.get(reverse("journal:moderation")).status_code == 302
        client.force_login(bob)
        assert client.get(reverse("journal:moderation")).status_code == 404
        assert act(client, "hide_entry", 1).status_code == 404
        client.force_login(moderator)
        assert client.get(reverse("journal:moderation")).status_code == 200

    def test_reports_are_grouped_by_target_oldest_first(self, client, alice, bob, moderator):
        older = write_entry(alice, title="First reported")
        newer = write_entry(bob, title="Second reported")
        carol = make_user("carol")
        services.report_create(reporter=bob, target=older, reason="spam")
        services.report_create(reporter=alice, target=newer, reason="abuse")
        services.report_create(reporter=carol, target=older, reason="spam")
        client.force_login(moderator)
        page = client.get(reverse("journal:moderation")).content.decode()
        assert page.index("First reported") < page.index("Second reported")
        assert page.count("2 reports") == 1

    def test_the_queue_shows_sanitised_content(self, client, alice, bob, moderator):
        entry = write_entry(alice, body="<script>alert(1)</script>**bold**")
        services.report_create(reporter=bob, target=entry, reason="spam")
        client.force_login(moderator)
        page = client.get(reverse("journal:moderation")).content.decode()
        assert "<strong>bold</strong>" in page
        assert "<script>alert" not in page

    def test_hiding_an_entry_keeps_it_logs_it_and_resolves_its_reports(
        self, client, bob, moderator, reported_entry
    ):
        services.report_create(reporter=bob, target=reported_entry, reason="spam")
        client.force_login(moderator)
        act(client, "hide_entry", reported_entry.pk, reason="Advertising")
        reported_entry.refresh_from_db()
        assert reported_entry.moderation_state == Entry.ModerationState.HIDDEN
        assert reported_entry.moderation_reason == "Advertising"
        assert Report.objects.get().state == Report.State.RESOLVED
        log = ModerationAction.objects.get()
        assert (log.moderator, log.action, log.entry, log.reason) == (
            moderator,
            "hide_entry",
            reported_entry,
            "Advertising",
        )
        assert "Advertising" in client.get(reverse("journal:moderation")).content.decode()

    def test_dismissing_closes_the_report_and_changes_nothing_else(
        self, client, bob, moderator, reported_entry
    ):
        report = services.report_create(reporter=bob, target=reported_entry, reason="spam")
        client.force_login(moderator)
        act(client, "dismiss_report", report.pk)
        report.refresh_from_db()
        reported_entry.refresh_from_db()
        assert report.state == Report.State.DISMISSED
        assert report.resolved_by == moderator
        assert reported_entry.moderation_state == Entry.ModerationState.VISIBLE
        assert ModerationAction.objects.get().action == "dismiss_report"

    def test_a_malformed_action_changes_nothing(self, client, moderator, reported_entry):
        client.force_login(moderator)
        response = act(client, "delete_everything", reported_entry.pk)
        assert response.status_code == 302
        assert not ModerationAction.objects.exists()
        assert act(client, "hide_entry", 99999).status_code == 404

    def test_moderators_cannot_suspend_themselves(self, client, moderator):
        client.force_login(moderator)
        act(client, "suspend_user", moderator.pk)
        moderator.refresh_from_db()
        assert not moderator.is_suspended


class TestHiddenAndSuspended:
    def test_a_hidden_entry_leaves_public_places_and_its_author_sees_why(
        self, client, alice, bob, moderator, reported_entry
    ):
        services.entry_set_hidden(
            moderator=moderator, entry=reported_entry, hidden=True, reason="Spam links"
        )
        url = reported_entry.get_absolute_url()
        for viewer in (None, bob):
            if viewer:
                client.force_login(viewer)
            assert client.get(url).status_code == 404
            assert "Buy cheap pills" not in client.get(reverse("journal:feed")).content.decode()
            journey = client.get(reverse("journal:journey", args=["alice"])).content.decode()
            assert "Buy cheap pills" not in journey
        client.force_login(alice)
        page = client.get(url).content.decode()
        assert "A moderator hid this entry: Spam links" in page

        services.entry_set_hidden(moderator=moderator, entry=reported_entry, hidden=False)
        client.logout()
        assert client.get(url).status_code == 200
        assert Entry.objects.filter(pk=reported_entry.pk).exists()

    def test_a_suspended_person_reads_but_cannot_write(self, client, alice, bob, moderator):
        entry = write_entry(bob)
        services.user_set_suspended(moderator=moderator, user=alice, suspended=True, reason="Spam")
        client.force_login(alice)
        assert client.get(reverse("journal:feed")).status_code == 200
        for url in (reverse("journal:write"), report_url("entry", entry.pk)):
            response = client.post(url, {"reason": "spam", "title": "x"})
            assert response.status_code == 403
            assert "Your account is suspended" in response.content.decode()
            assert "Spam" in response.content.decode()
        assert not Report.objects.exists()

    def test_a_suspended_persons_content_leaves_and_comes_back(self, client, alice, bob, moderator):
        entry = write_entry(alice, title="Alice learns")
        services.user_set_suspended(moderator=moderator, user=alice, suspended=True)
        assert client.get(reverse("journal:journey", args=["alice"])).status_code == 404
        assert client.get(entry.get_absolute_url()).status_code == 404
        assert "Alice learns" not in client.get(reverse("journal:feed")).content.decode()

        services.user_set_suspended(moderator=moderator, user=alice, suspended=False)
        assert client.get(entry.get_absolute_url()).status_code == 200
        assert "Alice learns" in client.get(reverse("journal:feed")).content.decode()
        actions = list(ModerationAction.objects.values_list("action", flat=True))
        assert actions == ["unsuspend_user", "suspend_user"]


class TestAdminActions:
    @pytest.fixture
    def admin_client(self, client, db):
        admin = make_user("root", is_staff=True, is_superuser=True)
        client.force_login(admin)
        return client

    def test_admin_actions_moderate_through_the_log(self, admin_client, alice, bob):
        entry = write_entry(alice)
        comment = Comment.objects.create(entry=entry, author=bob, body="hey")
        report = services.report_create(reporter=bob, target=entry, reason="spam")
        changelist = "admin:journal_{}_changelist"
        for model, action, pk in [
            ("entry", "hide_entries", entry.pk),
            ("comment", "hide_comments", comment.pk),
            ("user", "suspend_people", bob.pk),
            ("report", "dismiss_reports", report.pk),
        ]:
            response = admin_client.post(
                reverse(changelist.format(model)), {"action": action, "_selected_action": [pk]}
            )
            assert response.status_code == 302
        entry.refresh_from_db()
        comment.refresh_from_db()
        bob.refresh_from_db()
        assert entry.moderation_state == "hidden"
        assert comment.moderation_state == "hidden"
        assert bob.is_suspended
        assert ModerationAction.objects.count() == 3
        # Hiding the entry resolved its report before the dismissal could reach it.
        report.refresh_from_db()
        assert report.state == Report.State.RESOLVED

    def test_admin_actions_restore_what_they_hid(self, admin_client, alice, bob, moderator):
        entry = write_entry(alice)
        comment = Comment.objects.create(entry=entry, author=bob, body="hey")
        services.entry_set_hidden(moderator=moderator, entry=entry, hidden=True)
        services.comment_set_hidden(moderator=moderator, comment=comment, hidden=True)
        services.user_set_suspended(moderator=moderator, user=bob, suspended=True)
        for model, action, pk in [
            ("entry", "restore_entries", entry.pk),
            ("comment", "restore_comments", comment.pk),
            ("user", "unsuspend_people", bob.pk),
        ]:
            admin_client.post(
                reverse(f"admin:journal_{model}_changelist"),
                {"action": action, "_selected_action": [pk]},
            )
        entry.refresh_from_db()
        comment.refresh_from_db()
        bob.refresh_from_db()
        assert (entry.moderation_state, comment.moderation_state) == ("visible", "visible")
        assert not bob.is_suspended
        assert (
            ModerationAction.objects.filter(
                action__in=["restore_entry", "restore_comment", "unsuspend_user"]
            ).count()
            == 3
        )

    def test_the_log_cannot_be_edited_in_the_admin(self, admin_client, alice, moderator):
        services.user_set_suspended(moderator=moderator, user=alice, suspended=True)
        log = ModerationAction.objects.get()
        url = reverse("admin:journal_moderationaction_delete", args=[log.pk])
        assert admin_client.post(url, {"post": "yes"}).status_code == 403
        assert ModerationAction.objects.filter(pk=log.pk).exists()


class TestSuspendedStaff:
    """Suspension ends every staff power, wherever it is used."""

    @pytest.fixture
    def rogue(self, moderator):
        rogue = make_user("rogue", is_staff=True, is_superuser=True)
        services.user_set_suspended(moderator=moderator, user=rogue, suspended=True)
        rogue.refresh_from_db()
        return rogue

    def test_the_queue_and_its_actions_refuse_them(self, client, alice, bob, rogue, reported_entry):
        client.force_login(rogue)
        response = client.get(reverse("journal:moderation"))
        assert response.status_code == 403
        assert "Your account is suspended" in response.content.decode()
        for action, target in [("hide_entry", reported_entry.pk), ("suspend_user", bob.pk)]:
            assert act(client, action, target, reason="I can").status_code == 403
        reported_entry.refresh_from_db()
        bob.refresh_from_db()
        assert reported_entry.moderation_state == Entry.ModerationState.VISIBLE
        assert not bob.is_suspended
        assert list(ModerationAction.objects.values_list("action", flat=True)) == ["suspend_user"]

    def test_the_admin_refuses_them(self, client, alice, bob, rogue, reported_entry):
        client.force_login(rogue)
        for url in (reverse("admin:index"), reverse("admin:journal_entry_changelist")):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))
        assert client.get(reverse("admin:login")).status_code == 403
        response = client.post(
            reverse("admin:journal_entry_changelist"),
            {"action": "hide_entries", "_selected_action": [reported_entry.pk]},
        )
        assert response.status_code == 302
        response = client.post(
            reverse("admin:journal_user_changelist"),
            {"action": "suspend_people", "_selected_action": [bob.pk]},
        )
        assert response.status_code == 302
        reported_entry.refresh_from_db()
        bob.refresh_from_db()
        assert reported_entry.moderation_state == Entry.ModerationState.VISIBLE
        assert not bob.is_suspended

    def test_they_no_longer_see_what_only_staff_see(self, client, alice, bob, moderator, rogue):
        services.user_set_suspended(moderator=moderator, user=bob, suspended=True)
        bob_journey = reverse("journal:journey", args=["bob"])
        client.force_login(moderator)
        assert client.get(bob_journey).status_code == 200
        assert (
            'href="/moderation/">Moderation' in client.get(reverse("journal:feed")).content.decode()
        )
        client.force_login(rogue)
        assert client.get(bob_journey).status_code == 404
        assert "/moderation/" not in client.get(reverse("journal:feed")).content.decode()


def hidden_list(client, cursor=None):
    url = reverse("journal:moderation_hidden")
    return client.get(url, {"before": cursor} if cursor else {})


class TestHiddenList:
    def test_it_lists_what_is_away_the_latest_first_with_who_when_and_why(
        self, client, alice, bob, moderator, reported_entry
    ):
        comment = services.comment_create(author=bob, entry=reported_entry, body="Rude words")
        services.entry_set_hidden(
            moderator=moderator, entry=reported_entry, hidden=True, reason="Spam links"
        )
        services.comment_set_hidden(moderator=moderator, comment=comment, hidden=True)
        services.user_set_suspended(moderator=moderator, user=bob, suspended=True, reason="Spam")
        client.force_login(moderator)
        page = hidden_list(client).content.decode()
        person, said, entry = (
            page.index('href="/@bob/">Bob Stone</a> (@bob)'),
            page.index("Rude words"),
            page.index(f'href="{reported_entry.get_absolute_url()}">Buy cheap pills</a>'),
        )
        assert person < said < entry
        assert "Suspended by mod" in page
        assert "“Spam”" in page
        assert "Hidden by mod" in page
        assert "“Spam links”" in page
        assert "no reason given" in page
        assert f'href="{reported_entry.get_absolute_url()}#comment-{comment.pk}"' in page
        for action, target in [
            ("restore_entry", reported_entry.pk),
            ("restore_comment", comment.pk),
            ("unsuspend_user", bob.pk),
        ]:
            assert (
                f'name="action" value="{action}">\n  <input type="hidden" name="target" '
                f'value="{target}">\n  <input type="hidden" name="back" value="hidden">'
            ) in page

    def test_restored_things_leave_it_and_a_thing_hidden_again_shows_once(
        self, client, moderator, reported_entry
    ):
        for reason in ("First time", "Second time"):
            services.entry_set_hidden(
                moderator=moderator, entry=reported_entry, hidden=True, reason=reason
            )
        client.force_login(moderator)
        page = hidden_list(client).content.decode()
        assert page.count("Buy cheap pills") == 1
        assert "Second time" in page
        assert "First time" not in page

        services.entry_set_hidden(moderator=moderator, entry=reported_entry, hidden=False)
        page = hidden_list(client).content.decode()
        assert "Buy cheap pills" not in page
        assert "Nothing is hidden and nobody is suspended." in page

    def test_restoring_from_it_brings_the_thing_back_and_returns_to_it(
        self, client, alice, moderator, reported_entry
    ):
        services.entry_set_hidden(moderator=moderator, entry=reported_entry, hidden=True)
        client.force_login(moderator)
        response = act(client, "restore_entry", reported_entry.pk, back="hidden", follow=True)
        assert response.redirect_chain == [(reverse("journal:moderation_hidden"), 302)]
        page = response.content.decode()
        assert "Restored the entry “Buy cheap pills” by Alice Martin." in page
        assert "Undo" not in page
        reported_entry.refresh_from_db()
        assert reported_entry.moderation_state == Entry.ModerationState.VISIBLE
        assert list(ModerationAction.objects.values_list("action", flat=True)) == [
            "restore_entry",
            "hide_entry",
        ]
        client.logout()
        assert client.get(reported_entry.get_absolute_url()).status_code == 200

    def test_an_entry_made_private_since_is_listed_without_a_link(
        self, client, alice, moderator, reported_entry
    ):
        services.entry_set_hidden(moderator=moderator, entry=reported_entry, hidden=True)
        reported_entry.visibility = Entry.Visibility.PRIVATE
        services.entry_save(entry=reported_entry, topic_names=[])
        client.force_login(moderator)
        page = hidden_list(client).content.decode()
        assert 'Buy cheap pills <span class="badge">Private now</span>' in page
        assert f'href="{reported_entry.get_absolute_url()}"' not in page
        assert 'value="restore_entry"' in page

    def test_pages_cost_the_same_whatever_is_hidden(
        self, client, alice, moderator, django_assert_num_queries
    ):
        client.force_login(moderator)

        def hide(count):
            for number in range(count):
                person = make_user(f"spammer{ModerationAction.objects.count()}")
                entry = write_entry(person, title=f"Spam {number}")
                services.comment_create(author=alice, entry=entry, body="Rude")
                services.entry_set_hidden(moderator=moderator, entry=entry, hidden=True)
                services.comment_set_hidden(
                    moderator=moderator, comment=entry.comments.get(), hidden=True
                )
                services.user_set_suspended(moderator=moderator, user=person, suspended=True)

        hide(1)
        hidden_list(client)
        # The session, the moderator and one page of the log with what it names.
        with django_assert_num_queries(3):
            assert hidden_list(client).status_code == 200
        hide(9)
        with django_assert_num_queries(3):
            first = hidden_list(client)
        assert first.context["page"].has_next
        with django_assert_num_queries(3):
            second = hidden_list(client, first.context["page"].next_cursor)
        shown = [step.pk for step in [*first.context["page"], *second.context["page"]]]
        assert shown == list(ModerationAction.objects.in_force().values_list("pk", flat=True))
        assert len(shown) == 30

    def test_a_cursor_it_did_not_write_is_refused(self, client, moderator):
        client.force_login(moderator)
        assert hidden_list(client, "yesterday").status_code == 400


class TestStaffReview:
    """Staff open what was taken away, to judge it and restore it; nobody else does."""

    @pytest.fixture
    def hidden_entry(self, moderator, reported_entry):
        services.entry_set_hidden(
            moderator=moderator, entry=reported_entry, hidden=True, reason="Spam links"
        )
        return reported_entry

    def test_staff_open_a_hidden_entry_with_the_reason_and_a_way_back(
        self, client, moderator, hidden_entry
    ):
        client.force_login(moderator)
        page = client.get(hidden_entry.get_absolute_url()).content.decode()
        assert "<strong>Hidden by moderators</strong>: Spam links." in page
        assert "spam spam" in page
        assert 'value="restore_entry"' in page
        assert 'name="back" value="target"' in page
        # Nothing on it that only works on what others can see.
        assert "Report this entry" not in page
        assert "data-cheer" not in page.split('id="cheer-form"')[0]
        assert "Post comment" not in page
        assert "No one can comment while only the moderators can see this entry." in page

    def test_its_author_sees_why_and_everyone_else_finds_nothing(
        self, client, alice, bob, hidden_entry
    ):
        client.force_login(alice)
        page = client.get(hidden_entry.get_absolute_url()).content.decode()
        assert "A moderator hid this entry: Spam links. Only you and the moderators" in page
        assert "Restore entry" not in page
        client.force_login(bob)
        assert client.get(hidden_entry.get_absolute_url()).status_code == 404
        client.logout()
        assert client.get(hidden_entry.get_absolute_url()).status_code == 404

    def test_restoring_from_the_entry_returns_to_it_public_again(
        self, client, moderator, hidden_entry
    ):
        client.force_login(moderator)
        response = act(client, "restore_entry", hidden_entry.pk, back="target")
        assert response["Location"] == hidden_entry.get_absolute_url()
        page = client.get(response["Location"]).content.decode()
        assert "Restored the entry" in page
        assert "Hidden by moderators" not in page
        client.logout()
        assert client.get(hidden_entry.get_absolute_url()).status_code == 200

    def test_private_entries_stay_their_authors_even_hidden(
        self, client, alice, moderator, hidden_entry
    ):
        hidden_entry.visibility = Entry.Visibility.PRIVATE
        services.entry_save(entry=hidden_entry, topic_names=[])
        client.force_login(moderator)
        assert client.get(hidden_entry.get_absolute_url()).status_code == 404

    def test_staff_see_a_suspended_persons_entry_marked(self, client, alice, moderator):
        entry = write_entry(alice, title="Alice learns")
        services.user_set_suspended(moderator=moderator, user=alice, suspended=True, reason="Bots")
        client.force_login(moderator)
        page = client.get(entry.get_absolute_url()).content.decode()
        assert "Its author is suspended: Bots. Only the moderators can see this entry." in page
        assert "Report this entry" not in page

    def test_hidden_comments_show_to_staff_in_place_with_a_way_back(
        self, client, alice, bob, moderator
    ):
        entry = write_entry(alice, title="Alice learns")
        kind = services.comment_create(author=bob, entry=entry, body="Well done")
        rude = services.comment_create(author=bob, entry=entry, body="Buy pills")
        services.comment_set_hidden(moderator=moderator, comment=rude, hidden=True, reason="Ads")
        client.force_login(moderator)
        page = client.get(entry.get_absolute_url()).content.decode()
        assert page.index("Well done") < page.index("Hidden by moderators</strong>: Ads")
        assert page.index("Hidden by moderators") < page.index("Buy pills")
        restore = (
            f'value="restore_comment">\n  <input type="hidden" name="target" value="{rude.pk}"'
        )
        assert restore in page
        assert f"/report/comment/{kind.pk}/" in page
        assert f"/report/comment/{rude.pk}/" not in page

        response = act(client, "restore_comment", rude.pk, back="target")
        assert response["Location"] == f"{entry.get_absolute_url()}#comment-{rude.pk}"
        client.force_login(make_user("carol"))
        assert "Buy pills" in client.get(entry.get_absolute_url()).content.decode()

    def test_a_hidden_comment_shows_to_no_other_reader(self, client, alice, bob, moderator):
        entry = write_entry(alice, title="Alice learns")
        rude = services.comment_create(author=bob, entry=entry, body="Buy pills")
        services.comment_set_hidden(moderator=moderator, comment=rude, hidden=True, reason="Ads")
        for reader in (None, alice, make_user("carol")):
            client.logout()
            if reader:
                client.force_login(reader)
            page = client.get(entry.get_absolute_url()).content.decode()
            assert "Buy pills" not in page
            assert "Restore comment" not in page
        client.force_login(bob)
        page = client.get(entry.get_absolute_url()).content.decode()
        assert "A moderator hid this comment: Ads. Only you and the moderators" in page
        assert "Restore comment" not in page


class TestUndo:
    def test_hiding_from_the_queue_offers_to_undo_it_once(
        self, client, bob, moderator, reported_entry
    ):
        services.report_create(reporter=bob, target=reported_entry, reason="spam")
        client.force_login(moderator)
        response = act(client, "hide_entry", reported_entry.pk, reason="Ads", follow=True)
        assert response.redirect_chain == [(reverse("journal:moderation"), 302)]
        page = response.content.decode()
        assert "Hid the entry “Buy cheap pills” by Alice Martin." in page
        undo = page[page.index("undo-message") :]
        undo = undo[: undo.index("</li>")]
        assert 'value="restore_entry"' in undo
        assert f'value="{reported_entry.pk}"' in undo
        assert ">Undo</button>" in undo
        # Shown once, like a message.
        assert "undo-message" not in client.get(reverse("journal:moderation")).content.decode()

        act(client, "restore_entry", reported_entry.pk)
        reported_entry.refresh_from_db()
        assert reported_entry.moderation_state == Entry.ModerationState.VISIBLE
        assert list(ModerationAction.objects.values_list("action", flat=True)) == [
            "restore_entry",
            "hide_entry",
        ]

    @pytest.mark.parametrize(
        ("action", "target", "undo"),
        [
            ("hide_comment", "comment", "restore_comment"),
            ("suspend_user", "person", "unsuspend_user"),
        ],
    )
    def test_every_step_that_takes_away_offers_its_undo(
        self, client, alice, bob, moderator, reported_entry, action, target, undo
    ):
        comment = services.comment_create(author=bob, entry=reported_entry, body="Rude")
        pk = {"comment": comment.pk, "person": bob.pk}[target]
        client.force_login(moderator)
        page = act(client, action, pk, follow=True).content.decode()
        undo_form = page[page.index("undo-message") :]
        assert f'value="{undo}"' in undo_form
        assert f'value="{pk}"' in undo_form

    def test_dismissing_is_confirmed_without_an_undo(self, client, bob, moderator, reported_entry):
        report = services.report_create(reporter=bob, target=reported_entry, reason="spam")
        client.force_login(moderator)
        page = act(client, "dismiss_report", report.pk, follow=True).content.decode()
        assert "Dismissed the report." in page
        assert "undo-message" not in page
