import json
from typing import ClassVar

import django_tasks_db.admin  # noqa: F401 (registers DBTaskResult, replaced below)
from allauth.account.adapter import get_adapter
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.tasks import TaskResultStatus
from django.template.defaultfilters import pluralize
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from journal import services
from journal.models import (
    Challenge,
    Cheer,
    Comment,
    Delivery,
    Entry,
    Follow,
    ModerationAction,
    Notification,
    Participation,
    Report,
    RestPeriod,
    Topic,
    User,
    Webhook,
    WebhookDelivery,
)

# Moderation from the admin goes through the same services as /moderation/, so every
# step lands in the moderation log: the actions below are the admin's only way to hide,
# restore or suspend. Change pages show moderation fields, and what people wrote, read-only:
# staff neither moderate without a trace nor rewrite anyone's words.


def _moderation_action(name, description, service, target, **arguments):
    """An admin action that calls a moderation service once per selected row."""

    @admin.action(description=description)
    def action(modeladmin, request, queryset):
        for row in queryset:
            service(moderator=request.user, **{target: row}, **arguments)

    action.__name__ = name
    return action


hide_entries = _moderation_action(
    "hide_entries", "Hide the selected entries", services.entry_set_hidden, "entry",
    hidden=True, reason="Hidden from the admin",
)  # fmt: skip
restore_entries = _moderation_action(
    "restore_entries", "Restore the selected entries", services.entry_set_hidden, "entry",
    hidden=False,
)  # fmt: skip
hide_comments = _moderation_action(
    "hide_comments", "Hide the selected comments", services.comment_set_hidden, "comment",
    hidden=True, reason="Hidden from the admin",
)  # fmt: skip
restore_comments = _moderation_action(
    "restore_comments", "Restore the selected comments", services.comment_set_hidden, "comment",
    hidden=False,
)  # fmt: skip
hide_challenges = _moderation_action(
    "hide_challenges", "Hide the selected challenges", services.challenge_set_hidden,
    "challenge", hidden=True, reason="Hidden from the admin",
)  # fmt: skip
restore_challenges = _moderation_action(
    "restore_challenges", "Restore the selected challenges", services.challenge_set_hidden,
    "challenge", hidden=False,
)  # fmt: skip
unsuspend_people = _moderation_action(
    "unsuspend_people", "Unsuspend the selected people", services.user_set_suspended, "user",
    suspended=False,
)  # fmt: skip


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows staff read and act on through the actions, never add, edit or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(description="Suspend the selected people")
def suspend_people(modeladmin, request, queryset):
    # Never oneself: a moderator locked out of moderation helps nobody.
    for person in queryset.exclude(pk=request.user.pk):
        services.user_set_suspended(
            moderator=request.user, user=person, suspended=True, reason="Suspended from the admin"
        )


@admin.action(description="Dismiss the selected reports")
def dismiss_reports(modeladmin, request, queryset):
    for item in queryset.filter(state=Report.State.OPEN):
        services.report_dismiss(moderator=request.user, report=item)


class UsernameRule:
    """A user form that holds a new username to sign-up's rule (journal/adapter.py)."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        if username == self.instance.username:
            return username
        return get_adapter().clean_username(username)


class UserCreationForm(UsernameRule, AdminUserCreationForm):
    pass


class UserForm(UsernameRule, UserChangeForm):
    pass


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserForm
    add_form = UserCreationForm
    list_display = (
        "username", "display_name", "email", "time_zone", "entry_count",
        "longest_streak", "date_joined", "is_suspended", "is_staff",
    )  # fmt: skip
    list_filter = ("is_suspended", "is_staff", "is_active", "date_joined")
    actions = (suspend_people, unsuspend_people)
    search_fields = ("username", "display_name", "email")
    # The profile is the person's own (their goal also moves their streaks); suspension
    # is the actions' (suspend_people, unsuspend_people).
    profile_fields = (
        "display_name", "bio", "learning_focus", "time_zone", "daily_goal_minutes",
    )  # fmt: skip
    moderation_fields = ("is_suspended", "suspension_reason")
    figure_fields = (
        "entry_count", "total_minutes", "public_entry_count", "public_minutes",
        "longest_streak", "latest_run_length", "latest_run_end", "last_entry_day",
    )  # fmt: skip
    readonly_fields = (*profile_fields, *moderation_fields, *figure_fields)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Profile", {"fields": profile_fields}),
        ("Moderation", {"fields": moderation_fields}),
        ("Challenge figures", {"fields": figure_fields}),
    )  # fmt: skip

    def delete_model(self, request, obj):
        services.user_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for person in queryset:
            services.user_delete(user=person)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields: ClassVar = {"slug": ("name",)}


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    """Entries are written, edited and deleted by their authors only; staff hide them."""

    list_display = (
        "title", "author", "day", "number", "minutes", "visibility", "moderation_state",
        "created_at",
    )  # fmt: skip
    list_filter = ("visibility", "moderation_state", "day", "topics")
    actions = (hide_entries, restore_entries)
    search_fields = ("title", "key_lesson", "body", "author__username")
    list_select_related = ("author",)
    date_hierarchy = "day"


@admin.register(RestPeriod)
class RestPeriodAdmin(ReadOnlyAdmin):
    """Rest days keep streaks: staff read who declared which, when a streak is questioned.
    Only their person changes them, through the rest page, which counts streaks again."""

    list_display = ("person", "weekday", "first_day", "last_day", "created_at")
    list_filter = ("weekday", "first_day")
    search_fields = ("person__username",)
    list_select_related = ("person",)


@admin.register(Cheer)
class CheerAdmin(admin.ModelAdmin):
    list_display = ("user", "entry", "created_at")
    search_fields = ("user__username", "entry__title")
    list_select_related = ("user", "entry")
    raw_id_fields = ("user", "entry")


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("author", "entry", "moderation_state", "created_at")
    list_filter = ("moderation_state", "created_at")
    actions = (hide_comments, restore_comments)
    search_fields = ("body", "author__username", "entry__title")
    list_select_related = ("author", "entry")


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("follower", "followed", "created_at")
    search_fields = ("follower__username", "followed__username")
    list_select_related = ("follower", "followed")
    raw_id_fields = ("follower", "followed")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "actor", "kind", "created_at", "read_at")
    list_filter = ("kind", "read_at")
    search_fields = ("recipient__username", "actor__username")
    list_select_related = ("recipient", "actor")
    raw_id_fields = ("recipient", "actor", "entry", "comment")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    """Reports are closed by acting on what they target, or dismissed, and both are logged."""

    list_display = (
        "id",
        "reason",
        "state",
        "reporter",
        "entry",
        "comment",
        "reported_user",
        "challenge",
        "created_at",
    )
    list_filter = ("state", "reason", "created_at")
    actions = (dismiss_reports,)
    search_fields = ("note", "reporter__username", "reported_user__username", "entry__title")
    list_select_related = ("reporter", "entry", "comment", "reported_user", "challenge")


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    """The log is append-only: it can be read here, never edited or deleted."""

    list_display = ("created_at", "moderator", "action", "target_label", "reason")
    list_filter = ("action", "created_at")
    search_fields = ("target_label", "reason", "moderator__username")
    list_select_related = ("moderator",)


@admin.register(Challenge)
class ChallengeAdmin(ReadOnlyAdmin):
    """Challenges are their creators' to change (journal/views/challenges.py)."""

    list_display = (
        "title", "slug", "creator", "visibility", "participant_count", "starts_on",
        "length_days", "closed_at", "moderation_state",
    )  # fmt: skip
    list_filter = ("visibility", "moderation_state")
    actions = (hide_challenges, restore_challenges)
    search_fields = ("title", "slug", "creator__username")
    list_select_related = ("creator",)


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyAdmin):
    """Each person's figures in a challenge, kept by every entry write."""

    list_display = (
        "person", "challenge", "joined_at", "on_board", "days_counted", "run_length",
        "longest_streak", "finished_on",
    )  # fmt: skip
    search_fields = ("person__username", "challenge__title")
    list_select_related = ("person", "challenge")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """What was sent to whom, for which day: written by the worker, never by hand."""

    list_display = ("created_at", "kind", "person", "day", "hour", "sent_at")
    list_filter = ("kind", "day")
    search_fields = ("person__username",)
    list_select_related = ("person",)


@admin.register(Webhook)
class WebhookAdmin(ReadOnlyAdmin):
    """People's webhooks, without their secrets: only their owners manage them."""

    list_display = ("created_at", "person", "url", "active")
    list_filter = ("active",)
    search_fields = ("person__username", "url")
    list_select_related = ("person",)
    exclude = ("secret",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """What the worker sent to webhooks, and how it went."""

    list_display = ("created_at", "webhook", "event", "status", "attempts", "last_result")
    list_filter = ("event", "status")
    search_fields = ("webhook__person__username", "webhook__url")
    list_select_related = ("webhook__person",)


# django-tasks-db lists the queue, failed tasks and their tracebacks; staff retry a failed
# one from there. Its own registration is imported first so that it can be replaced.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    actions = ("retry",)

    @admin.action(description="Retry the selected failed tasks")
    def retry(self, request, queryset):
        """Queue each selected failed task again with the same arguments, unless the same
        task with the same arguments is waiting or running already."""
        failed = queryset.filter(status=TaskResultStatus.FAILED)
        waiting = {
            (result.task_path, json.dumps(result.args_kwargs, sort_keys=True))
            for result in DBTaskResult.objects.filter(
                status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING),
                task_path__in={result.task_path for result in failed},
            )
        }
        queued = 0
        for result in failed:
            key = (result.task_path, json.dumps(result.args_kwargs, sort_keys=True))
            if key in waiting:
                continue
            waiting.add(key)
            result.task.enqueue(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
            queued += 1
        self.message_user(
            request,
            f"{queued} task{pluralize(queued)} queued again; "
            f"{failed.count() - queued} already waiting; only failed tasks are retried.",
        )
