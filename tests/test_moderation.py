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


def act(client, action, target, reason=""):
    return client.post(
        reverse("journal:moderation_act"), {"action": action, "target": target, "reason": reason}
    )


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

    def test_the_form_refuses_an_unknown_reason_and_writes_nothing(
        self, client, bob, reported_entry
    ):
        client.force_login(bob)
        response = client.post(report_url("entry", reported_entry.pk), {"reason": "boring"})
        assert response.status_code == 400
        assert "not one of the available choices" in response.content.decode()
        assert not Report.objects.exists()

    @pytest.mark.parametrize("kind,key", [("entry", "999"), ("entry", "abc"), ("planet", "1")])
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
