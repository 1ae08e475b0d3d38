"""Random data posted to every form: a clear 4xx or a redirect, never a server error."""

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import services
from journal.models import Webhook
from tests.conftest import make_user, write_entry

FIELDS = {
    "journal:write": ["day", "title", "minutes", "topic_names", "body", "key_lesson", "reflection",
                      "visibility"],
    "journal:entry_edit": ["title", "minutes", "topic_names", "body", "key_lesson", "reflection",
                           "visibility"],
    "journal:settings": ["display_name", "bio", "learning_focus", "time_zone", "daily_goal_minutes"],
    "journal:reminder_settings": ["remind_by_email", "remind_by_push", "reminder_time"],
    "journal:webhooks": ["url", "send_entries", "send_comments", "send_cheers"],
    "journal:webhook_active": ["active"],
    "journal:welcome": ["display_name", "daily_goal_minutes", "time_zone", "learning_focus", "skip"],
    "journal:account_delete": ["password"],
    "journal:rest_settings": ["kind", "weekday", "first_day", "last_day"],
    "journal:tokens": ["name", "scope"],
    "journal:comment_create": ["body", "next"],
    "journal:comment_edit": ["body"],
    "journal:cheer": ["entry", "next"],
    "journal:follow": ["next"],
    "journal:report": ["reason", "note"],
    "journal:moderation_act": ["action", "target", "reason", "back"],
    "journal:markdown_preview": ["content"],
    "journal:import_upload": ["files", "replace"],
    "journal:blog_settings": ["url", "visibility", "remove"],
    "account_signup": ["email", "username", "password1", "password2", "time_zone"],
    "account_login": ["login", "password", "remember"],
}  # fmt: skip

values = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=20_000),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["public", "private", "spam", "hide_entry", "suspend_user", "Europe/Paris",
                     "", "0", "1", "-1", "1e9", "NaN", "null", "//evil.example/", "javascript:x",
                     "hidden", "target", "weekly", "holiday", "on", "http://127.0.0.1/",
                     "http://[::1]:8000/", "https://example.com:99999/", "http://a..b/",
                     "file:///etc/passwd"]),
)  # fmt: skip


def form_data(names):
    return st.dictionaries(st.sampled_from([*names, "unexpected"]), values, max_size=len(names) + 1)


@pytest.fixture
def people(db):
    owner = make_user("owner")
    other = make_user("other")
    staff = make_user("staff", is_staff=True)
    theirs = write_entry(other, title="Other's day")
    comment = services.comment_create(author=owner, entry=theirs, body="Well done")
    # Only someone not welcomed yet reaches the welcome step's form.
    newcomer = make_user("newcomer", welcomed_at=None)
    return {
        "owner": owner,
        "staff": staff,
        "newcomer": newcomer,
        "entry": theirs,
        "comment": comment,
        "webhook": Webhook.objects.create(person=owner, url="https://hooks.example.com/owner"),
    }


def url_for(name, people):
    args = {
        "journal:entry_edit": lambda: [write_entry(people["owner"]).pk],
        "journal:comment_create": lambda: [people["entry"].pk],
        "journal:comment_edit": lambda: [people["comment"].pk],
        "journal:follow": lambda: ["other"],
        "journal:report": lambda: ["entry", people["entry"].pk],
        "journal:webhook_active": lambda: [people["webhook"].pk],
    }.get(name, list)()
    return reverse(name, args=args)


class Rollback(Exception):
    pass


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_random_posts_never_break_the_server(client, people, settings_override, name):
    visitor = {
        "journal:moderation_act": people["staff"],
        "journal:welcome": people["newcomer"],
    }.get(name, people["owner"])
    signed_in = not name.startswith("account_")

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=form_data(FIELDS[name]))
    def post_random(data):
        try:
            with transaction.atomic():
                client.logout()
                if signed_in:
                    client.force_login(visitor)
                response = client.post(url_for(name, people), data)
                assert response.status_code < 500, (name, data, response.status_code)
                raise Rollback
        except Rollback:
            pass

    post_random()


@pytest.fixture
def settings_override(settings):
    # Limits are tested elsewhere; here every example must reach the form.
    settings.MOMENTUM_RATE_LIMITS = dict.fromkeys(settings.MOMENTUM_RATE_LIMITS, (10**6, 60))
    settings.ACCOUNT_RATE_LIMITS = False
