from django.urls import path

from journal.views import accounts, entries, health, moderation, reading

app_name = "journal"

urlpatterns = [
    path("", reading.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("feed/", reading.feed, name="feed"),
    path("@<str:username>/", reading.journey, name="journey"),
    path("@<str:username>/day/<int:number>/", reading.entry_detail, name="entry_detail"),
    path("write/", entries.write, name="write"),
    path("entries/<int:pk>/edit/", entries.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/delete/", entries.entry_delete, name="entry_delete"),
    path("markdown/preview/", entries.markdown_preview, name="markdown_preview"),
    path("markdown/upload/", entries.image_upload, name="image_upload"),
    path("settings/", accounts.profile_settings, name="settings"),
    path("settings/delete/", accounts.account_delete, name="account_delete"),
    path("report/<str:kind>/<str:key>/", moderation.report, name="report"),
    path("moderation/", moderation.queue, name="moderation"),
    path("moderation/act/", moderation.act, name="moderation_act"),
]
