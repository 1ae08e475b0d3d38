import datetime as dt

from django.urls import path, register_converter
from django.urls.converters import StringConverter
from django.views.decorators.http import require_safe

from journal import feeds
from journal.caching.pages import shared_page
from journal.views import (
    accounts,
    certificates,
    challenges,
    discover,
    entries,
    health,
    moderation,
    porting,
    push,
    reading,
    rest,
    sharing,
    social,
    webhooks,
)


class UsernameConverter(StringConverter):
    """A username as User.username_validator allows it: anything else (a NUL byte, which
    PostgreSQL refuses in a query) is no one's, and its address a 404 before any view."""

    regex = r"[\w.@+-]+"


register_converter(UsernameConverter, "username")


class DateConverter:
    """A calendar date as YYYY-MM-DD, given to the view as a ``datetime.date``: a day that
    does not exist (2025-02-30) or any other spelling is a 404 before any view."""

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> dt.date:
        # fromisoformat's ValueError is how a converter says the address matches no page.
        return dt.date.fromisoformat(value)

    def to_url(self, value: dt.date | str) -> str:
        # A date's str() is its ISO form; reverse() holds the result to the regex.
        return str(value)


register_converter(DateConverter, "date")

app_name = "journal"

urlpatterns = [
    path("", reading.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("feed/atom/", require_safe(shared_page()(feeds.LatestEntries())), name="atom"),
    path("feed/", reading.feed, name="feed"),
    path(
        "@<username:username>/atom/",
        require_safe(shared_page()(feeds.PersonEntries())),
        name="journey_atom",
    ),
    path("@<username:username>/", reading.journey, name="journey"),
    path("@<username:username>/<date:day>/", reading.entry_detail, name="entry_detail"),
    path("@<username:username>/day/<int:number>/", reading.entry_by_number, name="entry_by_number"),
    path("@<username:username>/follow/", social.follow, name="follow"),
    # Share images, by id rather than by the page's address, and by what they show.
    path("share/entries/<int:pk>/<slug:digest>.png", sharing.entry_image, name="share_entry"),
    path(
        "share/people/<username:username>/<slug:digest>.png",
        sharing.person_image,
        name="share_person",
    ),
    path(
        "share/challenges/<slug:slug>/<slug:digest>.png",
        sharing.challenge_image,
        name="share_challenge",
    ),
    path(
        "share/certificates/<int:pk>/<slug:digest>.png",
        sharing.certificate_image,
        name="share_certificate",
    ),
    path("following/", social.following, name="following"),
    path("encourage/", social.encourage, name="encourage"),
    path("cheers/", social.cheer, name="cheer"),
    path("entries/<int:pk>/comments/", social.comment_create, name="comment_create"),
    path("comments/<int:pk>/edit/", social.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", social.comment_delete, name="comment_delete"),
    path("notifications/", social.notifications, name="notifications"),
    path("notifications/read/", social.notifications_mark_read, name="notifications_mark_read"),
    path("challenges/", challenges.challenge_list, name="challenges"),
    path("challenges/new/", challenges.challenge_new, name="challenge_new"),
    path("challenges/mine/", challenges.challenges_mine, name="challenges_mine"),
    path("challenges/join/<slug:token>/", challenges.challenge_invite, name="challenge_invite"),
    path("challenges/<slug:slug>/", challenges.challenge_detail, name="challenge_detail"),
    path(
        "challenges/<slug:slug>/@<username:username>/",
        certificates.certificate,
        name="certificate",
    ),
    path(
        "challenges/<slug:slug>/atom/",
        require_safe(shared_page()(feeds.ChallengeEntries())),
        name="challenge_atom",
    ),
    path("challenges/<slug:slug>/join/", challenges.challenge_join, name="challenge_join"),
    path("challenges/<slug:slug>/leave/", challenges.challenge_leave, name="challenge_leave"),
    path("challenges/<slug:slug>/board/", challenges.challenge_board, name="challenge_board"),
    path("challenges/<slug:slug>/edit/", challenges.challenge_edit, name="challenge_edit"),
    path("challenges/<slug:slug>/close/", challenges.challenge_close, name="challenge_close"),
    path(
        "challenges/<slug:slug>/invite/",
        challenges.challenge_renew_invite,
        name="challenge_renew_invite",
    ),
    path("topics/", discover.topic_index, name="topics"),
    path(
        "topics/<slug:slug>/atom/",
        require_safe(shared_page()(feeds.TopicEntries())),
        name="topic_atom",
    ),
    path("topics/<slug:slug>/", discover.topic, name="topic"),
    path("search/", discover.search, name="search"),
    path("people/", discover.people, name="people"),
    path("write/", entries.write, name="write"),
    path("entries/<int:pk>/edit/", entries.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/delete/", entries.entry_delete, name="entry_delete"),
    path("markdown/preview/", entries.markdown_preview, name="markdown_preview"),
    path("markdown/upload/", entries.image_upload, name="image_upload"),
    path("welcome/", accounts.welcome, name="welcome"),
    path("settings/", accounts.profile_settings, name="settings"),
    path("settings/reminders/", accounts.reminder_settings, name="reminder_settings"),
    path("settings/emails/", accounts.email_settings, name="email_settings"),
    path("settings/rest/", rest.rest_settings, name="rest_settings"),
    path("settings/rest/<int:pk>/end/", rest.rest_period_end, name="rest_period_end"),
    path("settings/blog/", accounts.blog_settings, name="blog_settings"),
    path("settings/push/subscribe/", push.push_subscribe, name="push_subscribe"),
    path("settings/push/unsubscribe/", push.push_unsubscribe, name="push_unsubscribe"),
    path(
        "settings/push/devices/<int:pk>/remove/",
        push.push_device_remove,
        name="push_device_remove",
    ),
    # The installable app: the worker's scope is the directory it is served from, so it is
    # served from the root.
    path("sw.js", push.service_worker, name="service_worker"),
    path("manifest.webmanifest", push.manifest, name="manifest"),
    path("offline/", push.offline, name="offline"),
    path("settings/tokens/", accounts.tokens, name="tokens"),
    path("settings/tokens/<int:pk>/revoke/", accounts.token_revoke, name="token_revoke"),
    path("settings/webhooks/", webhooks.webhook_list, name="webhooks"),
    path("settings/webhooks/<int:pk>/ping/", webhooks.webhook_ping, name="webhook_ping"),
    path("settings/webhooks/<int:pk>/active/", webhooks.webhook_active, name="webhook_active"),
    path("settings/webhooks/<int:pk>/delete/", webhooks.webhook_delete, name="webhook_delete"),
    path("unsubscribe/<str:token>/", accounts.unsubscribe, name="unsubscribe"),
    path("settings/delete/", accounts.account_delete, name="account_delete"),
    path("settings/export/", porting.export, name="export"),
    path("settings/import/", porting.import_upload, name="import_upload"),
    path("settings/import/preview/", porting.import_preview, name="import_preview"),
    # The key is a username or an entry's or comment's id, both in a username's characters.
    path("report/<str:kind>/<username:key>/", moderation.report, name="report"),
    path("moderation/", moderation.queue, name="moderation"),
    path("moderation/hidden/", moderation.hidden, name="moderation_hidden"),
    path("moderation/act/", moderation.act, name="moderation_act"),
]
