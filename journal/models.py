import dataclasses
import datetime as dt
import functools
import operator
import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify

from journal import charts, streaks
from journal.caching import memos
from journal.markdown import MAX_ENTRY_TEXT, plain_excerpt, render_markdown

MINUTES_IN_A_DAY = 24 * 60
MAX_CHALLENGE_DAYS = 3650


def validate_time_zone(value):
    if value not in available_time_zones():
        raise ValidationError(f"“{value}” is not a time zone we know. Pick one from the list.")


_time_zones = None


def available_time_zones():
    """The IANA zone names people can choose, sorted; read once per process."""
    global _time_zones
    if _time_zones is None:
        _time_zones = sorted(
            name for name in zoneinfo.available_timezones() if "/" in name or name == "UTC"
        )
    return _time_zones


def user_display(user):
    """How a person is named across the site (allauth's ACCOUNT_USER_DISPLAY too)."""
    return user.display_name or user.username


class PersonQuerySet(models.QuerySet):
    """People shown in public places: active and not suspended (staff see everyone)."""

    def public(self):
        return self.filter(is_active=True, is_suspended=False)

    def visible_to(self, viewer):
        if viewer.is_authenticated and viewer.can_moderate:
            return self.filter(is_active=True)
        if viewer.is_authenticated:
            return self.filter(Q(pk=viewer.pk) | Q(is_active=True, is_suspended=False))
        return self.public()


class PersonManager(UserManager.from_queryset(PersonQuerySet)):
    pass


class User(AbstractUser):
    display_name = models.CharField(max_length=80, blank=True)
    bio = models.TextField(max_length=1000, blank=True)
    learning_focus = models.CharField("currently learning", max_length=140, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    daily_goal_minutes = models.PositiveSmallIntegerField(
        "daily goal (minutes)",
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(MINUTES_IN_A_DAY)],
    )
    is_suspended = models.BooleanField(default=False)
    suspension_reason = models.CharField(max_length=300, blank=True)
    # When the person answered or skipped the first day's questions (journal:welcome);
    # until then, logging in leads there.
    welcomed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PersonManager()

    # Kept up to date by journal.services on every entry write, so that no page has to
    # recompute them from all entries.
    entry_count = models.PositiveIntegerField(default=0, editable=False)
    total_minutes = models.PositiveIntegerField(default=0, editable=False)
    # The same two over the entries everyone may see (Entry.objects.with_shown): what
    # everyone but the person is shown, so that private minutes stay private.
    public_entry_count = models.PositiveIntegerField(default=0, editable=False)
    public_minutes = models.PositiveIntegerField(default=0, editable=False)
    longest_streak = models.PositiveIntegerField(default=0, editable=False)
    latest_run_length = models.PositiveIntegerField(default=0, editable=False)
    latest_run_end = models.DateField(null=True, blank=True, editable=False)
    last_entry_day = models.DateField(null=True, blank=True, editable=False)
    # The rest of streaks.Stats: the latest run's first day and the days it saved toward
    # freezes, and the last day it is alive on with the person's rest days.
    latest_run_start = models.DateField(null=True, blank=True, editable=False)
    saved_days = models.PositiveSmallIntegerField(default=0, db_default=0, editable=False)
    streak_alive_until = models.DateField(null=True, blank=True, editable=False)

    # Reminders (journal/reminders.py), off until the person turns them on in settings.
    # Defaults in the database too, for rows written without the ORM (the bench's COPY).
    remind_by_email = models.BooleanField("Email me a reminder", default=False, db_default=False)
    # By browser push, to every device where push is on (PushSubscription); offered only
    # when the site has push keys (journal/push.py).
    remind_by_push = models.BooleanField(
        "Send me a reminder by push", default=False, db_default=False
    )
    reminder_time = models.TimeField(
        "Reminder time", default=dt.time(20, 0), db_default=dt.time(20, 0)
    )
    # When the next reminder is due (UTC), or None when reminders are off; kept by
    # journal.services.reminders whenever the settings change or a reminder is sent.
    next_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The other emails (journal/services/emails.py), on until turned off in settings or
    # from an email's unsubscribe link.
    email_notifications = models.BooleanField(
        "Email me about cheers, comments, follows and my challenges",
        default=True,
        db_default=True,
    )
    email_digest = models.BooleanField("Email me a weekly digest", default=True, db_default=True)

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=Q(daily_goal_minutes__gte=1)
                & Q(daily_goal_minutes__lte=MINUTES_IN_A_DAY),
                name="daily_goal_within_a_day",
            ),
        )
        indexes = (
            # The scheduler's one query: the people whose reminder is due
            # (next_reminder_at <= now); people without reminders are not in it.
            models.Index(
                fields=["next_reminder_at"],
                condition=Q(next_reminder_at__isnull=False),
                name="user_reminder_due_idx",
            ),
        )

    def __str__(self):
        return self.username

    @property
    def name(self):
        return user_display(self)

    @property
    def can_moderate(self):
        """The one rule for every staff power (the moderation queue, the admin, seeing
        suspended people): staff, active and not suspended. Suspension ends them all."""
        return self.is_staff and self.is_active and not self.is_suspended

    @property
    def initials(self):
        words = self.name.split()
        letters = "".join(word[0] for word in words[:2]) if len(words) > 1 else self.name[:2]
        return letters.upper()

    def get_absolute_url(self):
        return memos.url("journal:journey", username=self.username)

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def local_today(self):
        """Today's date where this person lives."""
        return timezone.now().astimezone(self.zone).date()

    @property
    def current_streak(self):
        return streaks.current_streak(
            self.latest_run_length, self.streak_alive_until, self.local_today()
        )

    @property
    def total_hours(self):
        return round(self.total_minutes / 60, 1)

    @property
    def public_hours(self):
        return round(self.public_minutes / 60, 1)

    @property
    def public_milestones(self):
        """The milestones others see on the journey: of streaks, and of hours of public
        entries, as the public totals count."""
        public = streaks.Stats(
            longest_streak=self.longest_streak, total_minutes=self.public_minutes
        )
        return sorted(streaks.milestones_reached(public))

    @property
    def own_milestones(self):
        """Every milestone the person reached, private entries counted: theirs to see."""
        return sorted(streaks.milestones_reached(self))

    def stored_stats(self):
        return streaks.Stats(**{name: getattr(self, name) for name in STATS_FIELDS})

    @property
    def needs_welcome(self):
        """Whether the first day's questions (journal:welcome) are still ahead of them."""
        return self.welcomed_at is None

    def writable_days(self):
        """The days a new entry may be written for, today first: today, and yesterday until
        today ends if the account existed yesterday, in this person's time zone."""
        today = self.local_today()
        yesterday = today - dt.timedelta(days=1)
        joined = self.date_joined.astimezone(self.zone).date()
        return [today, yesterday] if joined <= yesterday else [today]


class TopicQuerySet(models.QuerySet):
    def in_use(self):
        """Topics of at least one public entry: the only ones anyone but their writers meet."""
        return self.filter(public_entry_count__gt=0)


class Topic(models.Model):
    name = models.CharField(max_length=50)
    slug = models.SlugField(max_length=50, unique=True)
    # Kept by journal/services.py on every write that changes which entries are public, so
    # that no page counts a topic's entries: at a million entries the count took minutes.
    public_entry_count = models.PositiveIntegerField(default=0)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ("name",)
        indexes = (
            # /topics/: the topics in use, by name.
            models.Index(
                fields=["name"], condition=Q(public_entry_count__gt=0), name="topic_in_use_idx"
            ),
        )

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return memos.url("journal:topic", slug=self.slug)

    @classmethod
    def from_names(cls, names):
        """The topics for free-form ``names``, creating those used for the first time."""
        wanted = {}
        for name in names:
            slug = slugify(name)[:50]
            if slug:
                wanted.setdefault(slug, name.strip()[:50])
        existing = {topic.slug: topic for topic in cls.objects.filter(slug__in=wanted)}
        for slug, name in wanted.items():
            if slug not in existing:
                existing[slug], _ = cls.objects.get_or_create(slug=slug, defaults={"name": name})
        return list(existing.values())


class EntryQuerySet(models.QuerySet):
    """The one visibility rule: every list, page and feed picks entries through these."""

    @staticmethod
    def _shown_by_entry():
        return Q(visibility=Entry.Visibility.PUBLIC, moderation_state=Entry.ModerationState.VISIBLE)

    @classmethod
    def _public(cls):
        return cls._shown_by_entry() & Q(author__is_suspended=False)

    def public(self):
        return self.filter(self._public())

    def visible_to(self, user, *, moderating=False):
        """Public entries, and all of a person's own (private and hidden ones marked).

        ``moderating``, for the entry page: someone who can moderate also sees every entry
        its author made public, hidden or by a suspended person, so as to judge and restore
        it. Only the author ever reads a private entry.
        """
        if not user.is_authenticated:
            return self.public()
        if moderating and user.can_moderate:
            return self.filter(Q(author=user) | Q(visibility=Entry.Visibility.PUBLIC))
        return self.filter(Q(author=user) | self._public())

    def written_by(self, person, viewer):
        """``person``'s entries that ``viewer`` may see: visible_to for one author whose
        account is at hand, so that the queries of a journey need no join to it."""
        entries = self.filter(author=person)
        if viewer.is_authenticated and viewer.pk == person.pk:
            return entries
        if person.is_suspended:
            return entries.none()
        return entries.filter(self._shown_by_entry())

    def with_shown(self):
        """Each entry with ``shown``: whether everyone may see it, by the entry alone (public
        and not hidden). A person's public figures count these; a suspended person leaves
        every public place whole, figures included."""
        return self.annotate(
            shown=ExpressionWrapper(self._shown_by_entry(), output_field=models.BooleanField())
        )

    def for_cards(self):
        """What an entry card shows with its author. The topics are part of the card's
        shared part: journal/caching/cards.py fetches them (attach_topics) only for the cards it
        renders."""
        return self.select_related("author")

    def newest_first(self):
        return self.order_by("-created_at", "-id")


class Entry(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public: anyone can read it"
        PRIVATE = "private", "Private: only me"

    class ModerationState(models.TextChoices):
        VISIBLE = "visible", "Visible"
        HIDDEN = "hidden", "Hidden by a moderator"

    # No index of its own: one_entry_per_author_per_day starts with the author.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entries", db_index=False
    )
    # The author's local day, fixed when written: a later time zone change never moves it.
    day = models.DateField()
    # Day N: the entry's place in the author's challenge, counting entries in day order.
    number = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MINUTES_IN_A_DAY)]
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="entries")
    body = models.TextField("what I studied")
    key_lesson = models.CharField(max_length=500, blank=True)
    reflection = models.TextField(blank=True)
    body_html = models.TextField(editable=False)
    reflection_html = models.TextField(editable=False, blank=True)
    excerpt = models.CharField(max_length=300, editable=False, blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    moderation_state = models.CharField(
        max_length=10, choices=ModerationState.choices, default=ModerationState.VISIBLE
    )
    moderation_reason = models.CharField(max_length=300, blank=True)
    # Kept by journal.services, so that cards show counts without counting.
    cheer_count = models.PositiveIntegerField(default=0, editable=False)
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EntryQuerySet.as_manager()

    # Search results carry a highlighted snippet (journal/search.py); other lists show the
    # excerpt. A default here spares templates a failed lookup on every card.
    snippet = ""
    # A card's shared part, given by journal/caching/cards.py to the entries of a list.
    card_html = ""
    # The milestones a save reached, given by services.entry_save.
    milestones: list[streaks.Milestone]
    # The challenges it counts for, given by attach_counts_for to a page of entries.
    counts_for: list["CountsFor"]

    class Meta:
        verbose_name_plural = "entries"
        constraints = (
            # Also an entry's page (/@username/YYYY-MM-DD/) and a journey's entries by day;
            # on PostgreSQL it carries what the heatmap and hours per topic read (migration
            # 0003), so that they never visit the table.
            models.UniqueConstraint(fields=["author", "day"], name="one_entry_per_author_per_day"),
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=MINUTES_IN_A_DAY),
                name="minutes_within_a_day",
            ),
        )
        indexes = (
            # The public feed and landing page: newest public entries first.
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(visibility="public", moderation_state="visible"),
                name="entry_public_newest_idx",
            ),
            # /@username/day/N/, the old address that redirects to an entry's own: one
            # entry by its author and Day N.
            models.Index(fields=["author", "number"], name="entry_author_number_idx"),
            # Following, for someone who follows few people: their entries, newest first.
            # (A journey goes by day, through one_entry_per_author_per_day.)
            models.Index(fields=["author", "-created_at"], name="entry_author_newest_idx"),
        )

    def __str__(self):
        return f"{self.author.username}, Day {self.number}: {self.title}"

    def save(self, *args, **kwargs):
        self.render()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        # journal:entry_detail, "@<username>/<day>/": below its author's journey, whose
        # address is worked out once per person, as a journey's cards and key lessons all
        # link there. The day, unlike Day N, never changes, so neither does the address.
        # tests/test_reading.py holds it to reverse().
        return f"{self.author.get_absolute_url()}{self.day.isoformat()}/"

    def render(self):
        """Work out the stored HTML of the Markdown fields and the card's excerpt: once on
        write, so that reading never runs Markdown. Bulk writers call it too."""
        self.body_html = render_markdown(self.body)
        self.reflection_html = render_markdown(self.reflection)
        self.excerpt = plain_excerpt(self.body_html)

    @cached_property
    def url(self):
        """get_absolute_url, worked out once: a card links to its entry three times."""
        return self.get_absolute_url()

    @property
    def is_public(self):
        return (
            self.visibility == self.Visibility.PUBLIC
            and self.moderation_state == self.ModerationState.VISIBLE
        )

    @property
    def day_in_words(self):
        return charts.day_in_words(self.day)

    @property
    def hours_label(self):
        hours, minutes = divmod(self.minutes, 60)
        if hours and minutes:
            return f"{hours} h {minutes} min"
        return f"{hours} h" if hours else f"{minutes} min"

    # The figures of a card's footer, each one template variable where a count and its
    # pluralize filter were two: a page of cards shows forty. static/js/cheers.js writes
    # the cheers the same way.
    @property
    def cheers_label(self):
        return f"{self.cheer_count} cheer{'' if self.cheer_count == 1 else 's'}"

    @property
    def comments_label(self):
        return f"{self.comment_count} comment{'' if self.comment_count == 1 else 's'}"

    @property
    def summary(self):
        """What a card quotes: the search snippet where there is one, else the excerpt."""
        return self.snippet or self.excerpt


def attach_topics(entries):
    """Each entry's topics, by name, in ``entry.topic_list``, in one query for them all: a
    plain list, where ``entry.topics.all()`` builds a manager and a queryset at every read."""
    by_id = {entry.pk: entry for entry in entries}
    for entry in by_id.values():
        entry.topic_list = []
    # Rows rather than link and topic instances: a page of cards has a hundred links.
    links = (
        Entry.topics.through.objects.filter(entry_id__in=by_id)
        .order_by("topic__name")
        .values_list("entry_id", "topic_id", "topic__name", "topic__slug")
    )
    topics = {}
    for entry_id, topic_id, name, slug in links:
        if topic_id not in topics:
            topics[topic_id] = Topic(id=topic_id, name=name, slug=slug)
        by_id[entry_id].topic_list.append(topics[topic_id])


class Cheer(models.Model):
    """One person's encouragement of one entry (a toggle: at most one each)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cheers"
    )
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="cheers")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["entry", "user"], name="one_cheer_per_person_per_entry"
            ),
        )
        indexes = (
            # "Did I cheer these entries?" for the signed-in reader of a page of cards.
            models.Index(fields=["user", "entry"], name="cheer_user_entry_idx"),
        )

    def __str__(self):
        return f"{self.user} cheered {self.entry_id}"


class CommentQuerySet(models.QuerySet):
    @staticmethod
    def _public():
        return Q(moderation_state=Comment.ModerationState.VISIBLE, author__is_suspended=False)

    def public(self):
        return self.filter(self._public())

    def visible_to(self, user, *, moderating=False):
        """Public comments, and a person's own comments even when hidden (marked as such).

        ``moderating``, for the entry page: someone who can moderate sees every comment,
        those taken away marked, so as to judge and restore them.
        """
        if not user.is_authenticated:
            return self.public()
        if moderating and user.can_moderate:
            return self.all()
        return self.filter(Q(author=user) | self._public())


class Comment(models.Model):
    ModerationState = Entry.ModerationState

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    body = models.TextField(max_length=5000)
    body_html = models.TextField(editable=False)
    moderation_state = models.CharField(
        max_length=10, choices=ModerationState.choices, default=ModerationState.VISIBLE
    )
    moderation_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        indexes = (
            # An entry's comments, oldest first (newest last) on the entry page.
            models.Index(fields=["entry", "created_at"], name="comment_entry_created_idx"),
        )

    def __str__(self):
        return f"Comment by {self.author} on {self.entry_id}"

    def save(self, *args, **kwargs):
        self.render()
        super().save(*args, **kwargs)

    def render(self):
        """Work out the stored HTML of the comment (see Entry.render)."""
        self.body_html = render_markdown(self.body)


class Follow(models.Model):
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following_links"
    )
    followed = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follower_links"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["follower", "followed"], name="follow_once"),
            models.CheckConstraint(
                condition=~Q(follower=models.F("followed")), name="no_following_oneself"
            ),
        )
        indexes = (
            # "Who follows me", for notifications and follower counts.
            models.Index(fields=["followed", "follower"], name="follow_followed_idx"),
        )

    def __str__(self):
        return f"{self.follower} follows {self.followed}"


class NotificationQuerySet(models.QuerySet):
    def inbox(self, user):
        """``user``'s notifications that can be shown: none from suspended people or
        about hidden comments (the entries are the recipient's own, so always theirs to see).
        """
        return self.filter(recipient=user, actor__is_suspended=False).exclude(
            comment__moderation_state=Comment.ModerationState.HIDDEN
        )

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class Kind(models.TextChoices):
        CHEER = "cheer", "cheered"
        COMMENT = "comment", "commented on"
        FOLLOW = "follow", "followed you"
        MILESTONE = "milestone", "reached a milestone"
        JOINED = "joined", "joined your challenge"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A milestone as journal.streaks words it ("a 7-day streak", "100 hours of learning").
    milestone = models.CharField(max_length=40, blank=True)
    challenge = models.ForeignKey(
        "Challenge", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # When it went out in a notification email (journal/services/emails.py); None while
    # it waits for the next one, or for good when the person reads it first.
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        indexes = (
            # A person's notifications, newest first, and their unread count in the navigation.
            models.Index(
                fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx"
            ),
            # The scheduler's query for notification emails: the recent ones not emailed yet.
            models.Index(
                fields=["created_at"],
                condition=models.Q(emailed_at__isnull=True, read_at__isnull=True),
                name="notification_unemailed_idx",
            ),
        )
        constraints = (
            # Each milestone is announced once, even when a deletion lowered the figures
            # and a later entry reaches it again.
            models.UniqueConstraint(
                fields=["recipient", "milestone"],
                condition=models.Q(kind="milestone"),
                name="one_notification_per_milestone",
            ),
        )

    def __str__(self):
        return f"{self.actor} {self.get_kind_display()} ({self.recipient})"


def _exactly_one_of(*fields):
    """The condition that exactly one of the foreign keys ``fields`` is set."""
    return functools.reduce(
        operator.or_,
        (Q(**{f"{field}__isnull": field != chosen for field in fields}) for chosen in fields),
    )


class ReportQuerySet(models.QuerySet):
    def queue(self):
        """Open reports, the oldest waiting first, with what they target (the staff queue)."""
        return (
            self.filter(state=Report.State.OPEN)
            .select_related(
                "reporter",
                "entry__author",
                "comment__author",
                "comment__entry__author",
                "reported_user",
                "challenge__creator",
            )
            .order_by("created_at", "pk")
        )


class Report(models.Model):
    """A participant's report of an entry, a comment, a person or a challenge, for the
    moderators."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abuse or harassment"
        HATE = "hate", "Hateful content"
        UNSAFE = "unsafe", "Unsafe or illegal content"
        OTHER = "other", "Something else"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports_made"
    )
    entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reported_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports_received",
    )
    # Challenge is declared further down this module.
    challenge = models.ForeignKey(
        "Challenge", null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReportQuerySet.as_manager()

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=_exactly_one_of("entry", "comment", "reported_user", "challenge"),
                name="report_has_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["reporter", "entry"],
                condition=Q(entry__isnull=False),
                name="report_entry_once",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(comment__isnull=False),
                name="report_comment_once",
            ),
            models.UniqueConstraint(
                fields=["reporter", "reported_user"],
                condition=Q(reported_user__isnull=False),
                name="report_user_once",
            ),
            models.UniqueConstraint(
                fields=["reporter", "challenge"],
                condition=Q(challenge__isnull=False),
                name="report_challenge_once",
            ),
        )
        indexes = (
            # The moderation queue: open reports, oldest first.
            models.Index(fields=["state", "created_at"], name="report_queue_idx"),
        )

    def __str__(self):
        return f"Report {self.pk} ({self.get_reason_display()}, {self.state})"


class ModerationActionQuerySet(models.QuerySet):
    def in_force(self):
        """The steps that took something away and still stand, newest first: for each entry
        comment or challenge still hidden, or person still suspended, the step that did it, with who
        took it and what it took (the staff's Hidden list)."""
        Action = ModerationAction.Action
        # A later step of the same kind on the same thing supersedes this one.
        later = ModerationAction.objects.filter(action=OuterRef("action"), pk__gt=OuterRef("pk"))
        return (
            self.filter(
                Q(action=Action.HIDE_ENTRY, entry__moderation_state=Entry.ModerationState.HIDDEN)
                & ~Exists(later.filter(entry=OuterRef("entry")))
                | Q(
                    action=Action.HIDE_COMMENT,
                    comment__moderation_state=Comment.ModerationState.HIDDEN,
                )
                & ~Exists(later.filter(comment=OuterRef("comment")))
                | Q(action=Action.SUSPEND_USER, user__is_suspended=True)
                & ~Exists(later.filter(user=OuterRef("user")))
                | Q(
                    action=Action.HIDE_CHALLENGE,
                    challenge__moderation_state=Challenge.ModerationState.HIDDEN,
                )
                & ~Exists(later.filter(challenge=OuterRef("challenge")))
            )
            .select_related(
                "moderator",
                "entry__author",
                "comment__author",
                "comment__entry__author",
                "user",
                "challenge__creator",
            )
            .order_by("-created_at", "-pk")
        )


class ModerationAction(models.Model):
    """The append-only log of every moderation step."""

    class Action(models.TextChoices):
        HIDE_ENTRY = "hide_entry", "Hid an entry"
        RESTORE_ENTRY = "restore_entry", "Restored an entry"
        HIDE_COMMENT = "hide_comment", "Hid a comment"
        RESTORE_COMMENT = "restore_comment", "Restored a comment"
        SUSPEND_USER = "suspend_user", "Suspended a person"
        UNSUSPEND_USER = "unsuspend_user", "Unsuspended a person"
        HIDE_CHALLENGE = "hide_challenge", "Hid a challenge"
        RESTORE_CHALLENGE = "restore_challenge", "Restored a challenge"
        DISMISS_REPORT = "dismiss_report", "Dismissed a report"

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    challenge = models.ForeignKey(
        "Challenge", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    # What the action was about, kept readable after the target itself is deleted.
    target_label = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ModerationActionQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)
        indexes = (
            # The log on /moderation/, newest first.
            models.Index(fields=["-created_at"], name="moderation_log_idx"),
        )

    def __str__(self):
        return f"{self.moderator} {self.get_action_display()} {self.target_label}"


# The site's own challenge, which everyone is in from sign-up on (migration 0008 made it).
SITE_CHALLENGE_SLUG = "one-hour-a-day"
# Addresses below /challenges/ that a challenge's slug must not take.
RESERVED_CHALLENGE_SLUGS = frozenset({"new", "join", "mine"})


class ChallengeQuerySet(models.QuerySet):
    """The one visibility rule for challenges: every list, page and form picks them here."""

    @staticmethod
    def _public():
        # A suspended person leaves every public place, the challenges they started too.
        return Q(
            visibility=Challenge.Visibility.PUBLIC,
            moderation_state=Challenge.ModerationState.VISIBLE,
        ) & ~Q(creator__is_suspended=True)

    def public(self):
        """Challenges anyone may find: public, not hidden by a moderator, and not started by
        a suspended person."""
        return self.filter(self._public())

    def visible_to(self, user, *, invite=None, moderating=False):
        """Public challenges, and invite-only ones to their creator and participants, or to
        anyone holding the current ``invite`` token. Hidden ones only to their creator.

        A suspended creator's challenge stays for its participants (their days in it still
        count) but leaves public places and takes nobody new in: its invite link stops.

        ``moderating``, for the challenge's page: someone who can moderate also sees the
        public challenges taken away (hidden, or by a suspended person) and the invite-only
        ones a participant reported or a moderator hid, so as to judge and restore them.
        """
        visible = Q(moderation_state=Challenge.ModerationState.VISIBLE)
        shown = self._public()
        if invite:
            shown |= Q(invite_token=invite) & visible & ~Q(creator__is_suspended=True)
        if user.is_authenticated:
            shown |= Q(creator=user) | visible & Q(
                pk__in=Participation.objects.filter(person=user).values("challenge")
            )
            if moderating and user.can_moderate:
                shown |= (
                    Q(visibility=Challenge.Visibility.PUBLIC)
                    | Q(moderation_state=Challenge.ModerationState.HIDDEN)
                    | Q(pk__in=Report.objects.filter(challenge__isnull=False).values("challenge"))
                )
        return self.filter(shown)

    def running(self, today):
        """Started on or before ``today`` (rolling ones always have), not closed nor over."""
        return self.filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=today),
            Q(ends_on__isnull=True) | Q(ends_on__gte=today),
            closed_at__isnull=True,
        )

    def starting_after(self, today):
        return self.filter(starts_on__gt=today, closed_at__isnull=True)

    def finished(self, today):
        return self.filter(Q(closed_at__isnull=False) | Q(ends_on__lt=today))

    def most_joined_first(self):
        return self.order_by("-participant_count", "-id")

    def site(self):
        """The site's own challenge, "One hour a day", made again if it is missing (a test
        database flushed after the migration that made it)."""
        challenge, _ = self.get_or_create(
            slug=SITE_CHALLENGE_SLUG,
            defaults={
                "title": "One hour a day",
                "description": "At least one hour of learning a day, and one honest "
                "reflection written down. Everyone on Momentum is in it.",
            },
        )
        return challenge


def new_invite_token():
    """A fresh, unguessable invite token for an invite-only challenge's link."""
    return secrets.token_urlsafe(16)


class Challenge(models.Model):
    """A challenge people join: a daily minimum, a length or none (open-ended), a start date
    or none (rolling: each participant's Day 1 is their first counted day). The rules of
    its days are journal/streaks.py's; ``Participation`` keeps each person's figures."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public: listed, anyone can find and join it"
        INVITE = "invite", "Invite-only: only people with the invite link find it"

    ModerationState = Entry.ModerationState

    slug = models.SlugField(max_length=60, unique=True)
    # None for the site's own challenge, and once its creator deleted their account: the
    # challenge stays for the people in it.
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="challenges_created",
    )
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=MAX_ENTRY_TEXT, blank=True)
    description_html = models.TextField(editable=False, blank=True)
    daily_minimum = models.PositiveSmallIntegerField(
        "daily minimum (minutes)",
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(MINUTES_IN_A_DAY)],
    )
    length_days = models.PositiveSmallIntegerField(
        "length (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CHALLENGE_DAYS)],
        help_text="Empty: open-ended.",
    )
    starts_on = models.DateField(null=True, blank=True, help_text="Empty: rolling.")
    # starts_on + length_days - 1, stored so that lists can tell running from finished.
    ends_on = models.DateField(null=True, blank=True, editable=False)
    topics = models.ManyToManyField(Topic, blank=True, related_name="challenges")
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    invite_token = models.CharField(max_length=32, default=new_invite_token, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderation_state = models.CharField(
        max_length=10, choices=ModerationState.choices, default=ModerationState.VISIBLE
    )
    moderation_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Kept by journal/services/challenges.py on join and leave.
    participant_count = models.PositiveIntegerField(default=0, editable=False)

    objects = ChallengeQuerySet.as_manager()

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=Q(daily_minimum__gte=1) & Q(daily_minimum__lte=MINUTES_IN_A_DAY),
                name="challenge_minimum_within_a_day",
            ),
            models.CheckConstraint(
                condition=Q(length_days__isnull=True) | Q(length_days__gte=1),
                name="challenge_length_positive",
            ),
        )
        indexes = (
            # /challenges/: public challenges, most participants first.
            models.Index(
                fields=["-participant_count", "-id"],
                condition=Q(visibility="public", moderation_state="visible"),
                name="challenge_public_popular_idx",
            ),
            # /challenges/join/<token>/: a challenge by its invite token.
            models.Index(fields=["invite_token"], name="challenge_invite_idx"),
        )

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.render()
        self.ends_on = self.last_day()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("journal:challenge_detail", kwargs={"slug": self.slug})

    def public_entries(self):
        """The public entries of its participants, from its start on: its page and its
        Atom feed show the newest of them."""
        entries = Entry.objects.public().filter(author__participations__challenge=self)
        if self.starts_on is not None:
            entries = entries.filter(day__gte=self.starts_on)
        return entries

    def render(self):
        """Work out the stored HTML of the description (see Entry.render)."""
        self.description_html = render_markdown(self.description)

    def last_day(self):
        """A dated challenge's last day, or None (open-ended or rolling)."""
        if self.starts_on is None or self.length_days is None:
            return None
        return self.starts_on + dt.timedelta(days=self.length_days - 1)

    @property
    def is_site_challenge(self):
        return self.slug == SITE_CHALLENGE_SLUG

    @property
    def is_public(self):
        """Whether everyone may find it (ChallengeQuerySet.public, for this row)."""
        return (
            self.visibility == self.Visibility.PUBLIC
            and self.moderation_state == self.ModerationState.VISIBLE
            and (self.creator is None or not self.creator.is_suspended)
        )

    def local_today(self):
        """Today on the challenge's own calendar, its creator's (UTC for the site's own): the
        start date is a day of the calendar its creator picked it in."""
        if self.creator is None:
            return timezone.now().astimezone(dt.UTC).date()
        return self.creator.local_today()

    def has_started(self, today):
        return self.starts_on is None or self.starts_on <= today

    def is_finished(self, today):
        return self.closed_at is not None or (self.ends_on is not None and self.ends_on < today)

    def is_editable(self, today):
        """Whether its creator may still change the description and dates: a dated challenge
        before its first day, a rolling one until someone else joins it (from then on people
        are in it on its terms). Never once closed."""
        if self.closed_at is not None:
            return False
        if self.starts_on is None:
            return self.participant_count <= 1
        return today < self.starts_on

    def day_on(self, today):
        """``streaks.ChallengeDay`` for a dated challenge on ``today`` (None before its start,
        and for a rolling one, whose days are each participant's own)."""
        if (
            self.starts_on is None
            or (number := streaks.dated_day_number(self.starts_on, today)) is None
        ):
            return None
        return streaks.ChallengeDay(number, self.length_days)

    def counting_days(self, participation):
        """The first and last local days (None: no bound) whose entries count for
        ``participation``: from the day they joined (every day in the site's own challenge)
        and the start, to the last day (a rolling one's from the participant's Day 1) and
        the day it closed."""
        first, last = participation.counts_from, self.ends_on
        if self.starts_on is None and self.length_days and participation.first_counted:
            last = participation.first_counted + dt.timedelta(days=self.length_days - 1)
        if self.starts_on is not None:
            first = max(first, self.starts_on) if first else self.starts_on
        if self.closed_at is not None:
            closed = self.closed_at.astimezone(participation.person.zone).date()
            last = min(last, closed) if last else closed
        return first, last


def day_ends_at(day, zone):
    """The moment local ``day`` ends in ``zone`` (the next day's midnight there), aware."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)


class ParticipationQuerySet(models.QuerySet):
    def checked_in(self, now):
        """Those whose latest counted day is their own today at ``now``: their check-in
        day has not ended yet on their clock."""
        return self.filter(checked_in_until__gt=now)

    def finished(self):
        """Participations whose challenge was finished: each has a certificate."""
        return self.filter(finished_on__isnull=False)

    def certificates_visible_to(self, user, *, invite=None):
        """The finished ones whose certificate ``user`` may see: the challenge as its page
        shows it to them (``invite`` counting), of a person everyone may see."""
        return self.finished().filter(
            challenge__in=Challenge.objects.visible_to(user, invite=invite),
            person__in=User.objects.public(),
        )


class Participation(models.Model):
    """A person in a challenge, with their figures in it (journal/streaks.py's Progress),
    kept by journal/services/challenges.py on every entry write."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="participations"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    # The first local day whose entry counts: the day they joined; None in the site's own
    # challenge, where every entry counts (imported older days too).
    counts_from = models.DateField(null=True, blank=True)
    # Whether the person appears on the challenge's board.
    on_board = models.BooleanField(default=True)

    # streaks.Progress, field by field (PROGRESS_FIELDS), as of the latest counted day.
    days_counted = models.PositiveIntegerField(default=0, editable=False)
    longest_streak = models.PositiveIntegerField(default=0, editable=False)
    run_length = models.PositiveIntegerField(default=0, editable=False)
    run_start = models.DateField(null=True, blank=True, editable=False)
    run_end = models.DateField(null=True, blank=True, editable=False)
    saved_days = models.PositiveSmallIntegerField(default=0, editable=False)
    # Day 1 of a rolling challenge.
    first_counted = models.DateField(null=True, blank=True, editable=False)
    # The day a challenge with a length was finished (streaks.finish_date), when known
    # at a write.
    finished_on = models.DateField(null=True, blank=True, editable=False)
    # Today's check-ins, in each person's own day: when the latest counted day (run_end)
    # was first counted, and the moment that day ends on the person's clock. The person
    # has checked in today while ``checked_in_until`` is still ahead, whatever their time
    # zone, so one comparison with now serves everyone (``checked_in``).
    checked_in_at = models.DateTimeField(null=True, blank=True, editable=False)
    checked_in_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["person", "challenge"], name="one_participation_per_person"
            ),
        )
        indexes = (
            # A challenge's board: those on it, most days counted first.
            models.Index(
                fields=["challenge", "-days_counted", "-id"],
                condition=Q(on_board=True),
                name="participation_board_idx",
            ),
            # Today's check-ins: the latest who checked in, of those on the board.
            models.Index(
                fields=["challenge", "-checked_in_at"],
                condition=Q(on_board=True),
                name="participation_checkin_idx",
            ),
            # Today's check-ins: how many have checked in, the board's or not.
            models.Index(
                fields=["challenge", "checked_in_until"], name="participation_checked_in_idx"
            ),
            # (A person's participations, on every entry write, go through
            # one_participation_per_person, which starts with the person.)
        )

    def __str__(self):
        return f"{self.person} in {self.challenge}"

    def get_absolute_url(self):
        """Its certificate, once finished."""
        return reverse(
            "journal:certificate",
            kwargs={"slug": self.challenge.slug, "username": self.person.username},
        )

    def progress(self):
        """The stored figures as ``streaks.Progress``, whose fields they are named after."""
        return streaks.Progress(**{name: getattr(self, name) for name in PROGRESS_FIELDS})

    def streak(self, today, rest_days):
        """``streaks.Streak`` on the person's ``today``, with their ``rest_days``
        (``RestPeriod.objects.calendar``)."""
        return streaks.streak_on(
            self.progress(), today=today, rest_days=rest_days, last_day=self.challenge.ends_on
        )

    @property
    def first_day(self):
        """Day 1 for this participant: a dated challenge's start, a rolling one's first
        counted day (None before it)."""
        return self.challenge.starts_on or self.first_counted

    def finished_entries(self):
        """The entries that counted for a finished run (its days, the challenge's minimum
        reached): at most one a day of the challenge's length."""
        return Entry.objects.filter(
            author_id=self.person_id,
            day__range=(self.first_day, self.finished_on),
            minutes__gte=self.challenge.daily_minimum,
        )

    def finished_minutes(self):
        """The minutes of the entries that counted for a finished run: of all of them, and
        of those everyone may see (one query, bounded by the challenge's length)."""
        minutes = (
            self.finished_entries()
            .with_shown()
            .aggregate(every=Sum("minutes"), public=Sum("minutes", filter=Q(shown=True)))
        )
        return minutes["every"] or 0, minutes["public"] or 0

    def day_on(self, today):
        """The person's ``streaks.ChallengeDay`` on ``today``, or None before their Day 1."""
        challenge = self.challenge
        if challenge.starts_on is not None:
            return challenge.day_on(today)
        number = streaks.rolling_day_number(self.first_counted, today)
        return None if number is None else streaks.ChallengeDay(number, challenge.length_days)

    def day_counted(self, day, minutes):
        """The challenge's Day N that an entry of ``minutes`` on ``day`` counts as, or None
        when it does not count for it (below its minimum, or outside ``counting_days``).
        ``self.person`` must be at hand."""
        challenge = self.challenge
        if not streaks.counts(minutes, challenge.daily_minimum):
            return None
        first, last = challenge.counting_days(self)
        if (first is not None and day < first) or (last is not None and day > last):
            return None
        challenge_day = self.day_on(day)
        return None if challenge_day is None else challenge_day.number


PROGRESS_FIELDS = tuple(field.name for field in dataclasses.fields(streaks.Progress))
STATS_FIELDS = tuple(field.name for field in dataclasses.fields(streaks.Stats))


class RestPeriodQuerySet(models.QuerySet):
    def calendar(self, person):
        """``person``'s rest days as a ``streaks.RestCalendar``, in one query."""
        return self.calendars([person.pk])[person.pk]

    def calendars(self, person_ids):
        """{person id: ``streaks.RestCalendar``} for ``person_ids``, in one query.

        A person has at most MAX_UPCOMING_REST_PERIODS declarations ahead at a time, and
        those behind are the history of their streak."""
        declarations = {person_id: [] for person_id in person_ids}
        for period in self.filter(person__in=declarations):
            declarations[period.person_id].append(period.declaration)
        return {person_id: streaks.RestCalendar(each) for person_id, each in declarations.items()}


# A bound on what a person declares at a time, so that every rest calendar stays small.
MAX_UPCOMING_REST_PERIODS = 10


class RestPeriod(models.Model):
    """Rest days a person declared ahead of time (journal/streaks.py's RestDeclaration):
    one weekday every week from ``first_day`` (until ``last_day`` when set), or every day
    from ``first_day`` to ``last_day`` (a holiday). Kept by journal/services/rest.py."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rest_periods"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, null=True, blank=True)
    first_day = models.DateField()
    last_day = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = RestPeriodQuerySet.as_manager()

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=Q(weekday__isnull=True) | Q(weekday__lte=6), name="rest_weekday_valid"
            ),
            models.CheckConstraint(
                condition=Q(weekday__isnull=False) | Q(last_day__isnull=False),
                name="rest_holiday_has_last_day",
            ),
            models.CheckConstraint(
                condition=Q(last_day__isnull=True) | Q(last_day__gte=F("first_day")),
                name="rest_ends_after_it_starts",
            ),
        )
        # (A person's declarations, on their writes and pages, go through the index of the
        # person foreign key.)

    def __str__(self):
        return f"{self.person}: {self.in_words}"

    def has_days_after(self, day):
        """Whether any of its days comes after ``day``: what is left to end."""
        end = self.last_day or day + dt.timedelta(weeks=1)
        return next(self.declaration.days(day + dt.timedelta(days=1), end), None) is not None

    @property
    def declaration(self):
        return streaks.RestDeclaration(
            first=self.first_day, last=self.last_day, weekday=self.weekday
        )

    @property
    def in_words(self):
        """ "Every Sunday from 7 Dec 2026", "Every Sunday, 7 Dec to 28 Dec 2026", "24 Dec 2026
        to 2 Jan 2027"."""
        first, last = charts.day_in_words(self.first_day), self.last_day
        if self.weekday is None:
            return f"{first} to {charts.day_in_words(last)}"
        every = f"Every {self.get_weekday_display()}"
        if last is None:
            return f"{every} from {first}"
        return f"{every}, {first} to {charts.day_in_words(last)}"


@dataclasses.dataclass(frozen=True)
class CountsFor:
    """A challenge an entry counts for, and which of its days the entry is there."""

    url: str
    title: str
    number: int


def attach_counts_for(entries, *, challenges=None):
    """Each entry's ``counts_for``: the challenges of ``challenges`` (public ones unless
    given) it counts for, in one query for a whole page of entries, their authors at hand.

    The site's own challenge is left out: every entry of an hour or more counts for it, so
    it would be on nearly every card, and its Day N (days since one's first counted day)
    would sit beside the entry's own Day N (entries written) and confuse.
    """
    entries = list(entries)
    for entry in entries:
        entry.counts_for = []
    if not entries:
        return
    if challenges is None:
        challenges = Challenge.objects.public()
    rows = (
        Participation.objects.filter(
            person__in={entry.author_id for entry in entries},
            challenge__in=challenges.exclude(slug=SITE_CHALLENGE_SLUG),
        )
        .select_related("challenge")
        .order_by("joined_at", "pk")
    )
    by_person = {}
    for row in rows:
        by_person.setdefault(row.person_id, []).append(row)
    for entry in entries:
        for row in by_person.get(entry.author_id, ()):
            row.person = entry.author
            if number := row.day_counted(entry.day, entry.minutes):
                entry.counts_for.append(
                    CountsFor(
                        memos.url("journal:challenge_detail", slug=row.challenge.slug),
                        row.challenge.title,
                        number,
                    )
                )


# Nobody declares rest days yet: every challenge figure is worked out without them.
NO_REST_DAYS: frozenset[dt.date] = frozenset()


class Delivery(models.Model):
    """A message that went out, written before it is sent: the unique constraint is what
    keeps two schedulers or workers racing from sending it twice."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "daily reminder"
        NOTIFICATIONS = "notifications", "notification email"
        DIGEST = "digest", "weekly digest"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries"
    )
    # The person's local day the message is about; for a weekly digest, the Monday it is
    # sent on; for notification emails, the UTC day of the hour below.
    day = models.DateField()
    # The UTC hour of a notification email (one per person and hour); 0 for the others.
    hour = models.PositiveSmallIntegerField(default=0, db_default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # None while a queued email waits for its worker, or for the mail server to come back.
    sent_at = models.DateTimeField(null=True, blank=True, default=timezone.now)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["kind", "person", "day", "hour"], name="one_delivery_per_kind_person_slot"
            ),
        )
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"{self.get_kind_display()} to {self.person} for {self.day}"


class BlogFeed(models.Model):
    """A learner's own blog, whose posts become their entries (journal/services/blogfeeds.py)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blog_feed"
    )
    url = models.URLField("Feed address", max_length=500)
    visibility = models.CharField(
        "Entries from the blog are",
        max_length=10,
        choices=Entry.Visibility.choices,
        default=Entry.Visibility.PUBLIC,
    )
    # What the blog answered last time, sent back so that an unchanged feed answers 304.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    # When the scheduler next hands this feed to a worker; moved on when it claims it.
    next_fetch_at = models.DateTimeField(default=timezone.now, editable=False)
    fetched_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Why the last fetch failed, in plain words, or "".
    problem = models.CharField(max_length=300, blank=True, editable=False)
    # What the last fetch did ("Imported 2 entries. …"), for the settings page.
    outcome = models.TextField(max_length=2000, blank=True, editable=False)

    class Meta:
        indexes = (
            # The scheduler's pass: feeds due now, soonest first (next_fetch_at <= now).
            models.Index(fields=["next_fetch_at"], name="blog_feed_due"),
        )

    def __str__(self):
        return f"{self.person}'s blog {self.url}"


class BlogPost(models.Model):
    """A post of a learner's blog that was read once: never imported twice, and an edit of
    it updates the entry it became."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blog_posts"
    )
    # sha256 of the post's id (Atom id, RSS guid, else its link): ids have no length limit.
    key = models.CharField(max_length=64)
    # The entry it became; None when its day was already written on Momentum, or when the
    # learner deleted the entry: either way it is left alone from then on.
    entry = models.ForeignKey(Entry, on_delete=models.SET_NULL, null=True, blank=True)
    # sha256 of what was imported (day, title, body, topics): another one means an edit.
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["person", "key"], name="one_blog_post_per_person"),
        )

    def __str__(self):
        return f"{self.person}'s post {self.key[:8]}"


class PushSubscription(models.Model):
    """A browser where a person turned push on: where the push service takes messages for
    it (``endpoint``, a secret URL of that service) and the keys messages are encrypted
    with (RFC 8291). Removed when the service answers that it is gone (404, 410)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
        db_index=False,  # push_person_idx below starts with it
    )
    endpoint = models.URLField(max_length=500, unique=True)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=50)
    # Which browser it is, in words (from its User-Agent), so a person can tell their
    # devices apart in settings.
    device = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = (
            # A person's devices: the settings list and every message sent to them.
            models.Index(fields=["person", "created_at"], name="push_person_idx"),
        )

    def __str__(self):
        return f"{self.device} of {self.person}"

    @property
    def info(self) -> dict:
        """What pywebpush takes as the subscription (the browser's PushSubscription)."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class AccessTokenQuerySet(models.QuerySet):
    def in_force(self):
        """Tokens that still open the API: not revoked, and their person active and not
        suspended."""
        return self.filter(
            revoked_at__isnull=True, person__is_active=True, person__is_suspended=False
        )


class AccessToken(models.Model):
    """A personal access token for the JSON API (journal/api/). Only a hash of its secret
    is stored: the secret is shown once, when made (journal.services.tokens)."""

    class Scope(models.TextChoices):
        READ = "read", "Read: my private entries and notifications"
        READ_WRITE = "read-write", "Read and write: also post entries, images, cheers, comments"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(max_length=80)
    # The first characters of the secret, shown in settings so that a person can tell
    # their tokens apart; too short to find one by.
    prefix = models.CharField(max_length=16, editable=False)
    # sha256 of the whole secret, in hex: the secret is random, so no salt is needed.
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        # (Every API request finds its token by the unique digest's index; the settings
        # page lists a person's tokens through the foreign key's.)
        ordering = ("-created_at", "-id")

    def __str__(self):
        return f"{self.person}: {self.name} ({self.prefix}…)"

    @property
    def can_write(self):
        return self.scope == self.Scope.READ_WRITE


def new_webhook_secret() -> str:
    return secrets.token_hex(32)


class Webhook(models.Model):
    """An address of a person's own that receives a signed POST when something happens to
    their entries (journal/services/webhooks.py sends them, through the worker)."""

    class Event(models.TextChoices):
        ENTRY_PUBLISHED = "entry.published", "entry published"
        ENTRY_EDITED = "entry.edited", "entry edited"
        COMMENT_RECEIVED = "comment.received", "comment received"
        CHEER_RECEIVED = "cheer.received", "cheer received"
        PING = "ping", "test ping"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField("Address", max_length=500)
    # Signs every delivery (HMAC-SHA256); shown to its owner so that the receiver can check.
    secret = models.CharField(max_length=64, default=new_webhook_secret, editable=False)
    send_entries = models.BooleanField("When I publish or edit an entry", default=True)
    send_comments = models.BooleanField("When someone comments on my entry", default=True)
    send_cheers = models.BooleanField("When someone cheers my entry", default=True)
    # A paused hook keeps its address and secret but is sent nothing but test pings.
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["person", "url"], name="one_webhook_per_address"),
            models.CheckConstraint(
                condition=Q(send_entries=True) | Q(send_comments=True) | Q(send_cheers=True),
                name="webhook_listens_to_something",
                violation_error_message="Choose at least one thing to send.",
            ),
        )
        # No index of its own: one_webhook_per_address starts with the person, which is how
        # every query finds hooks (the settings page, and an event's hooks).

    def __str__(self):
        return f"{self.person}'s webhook to {self.url}"


class WebhookDelivery(models.Model):
    """One event on its way to one webhook: written when the event happens, then sent and
    retried by the worker. Only the latest few of each hook are kept."""

    class Status(models.TextChoices):
        PENDING = "pending", "waiting"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=20, choices=Webhook.Event.choices)
    # What the event is about, as the receiver gets it under "data".
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # How the last attempt went, in plain words ("HTTP 200", "Could not connect to ...").
    last_result = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        indexes = (
            # A hook's latest deliveries: the settings page, and pruning all but the latest.
            models.Index(fields=["webhook", "-id"], name="webhook_delivery_latest_idx"),
        )

    def __str__(self):
        return f"{self.get_event_display()} to {self.webhook.url}: {self.get_status_display()}"
