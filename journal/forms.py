import datetime as dt
from typing import ClassVar

from django import forms
from django.core import validators
from django.utils.formats import date_format
from markdownx.widgets import MarkdownxWidget

from journal import push, safefetch
from journal.markdown import MAX_ENTRY_TEXT
from journal.models import (
    AccessToken,
    BlogFeed,
    Challenge,
    Comment,
    Entry,
    Report,
    RestPeriod,
    User,
    Webhook,
    available_time_zones,
)
from journal.porting import images
from journal.porting.limits import MAX_FILE_BYTES, MAX_UPLOAD_BYTES


class TimeZoneInput(forms.TextInput):
    """A text box searchable through the browser's own list of IANA zones."""

    template_name = "includes/time_zone_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["time_zones"] = available_time_zones()
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs']['id']}-choices"
        return context


class TimeZoneSelect(forms.Widget):
    """A list of the IANA zones, in one template loop: Django's Select renders a template
    per option, 45 ms for the 550 zones."""

    template_name = "includes/time_zone_select.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["time_zones"] = available_time_zones()
        return context


class TimeZoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", TimeZoneInput(attrs={"autocomplete": "off", "data-time-zone": ""})
        )
        kwargs.setdefault("help_text", "Your days and streaks follow this zone, e.g. Europe/Paris.")
        super().__init__(max_length=64, **kwargs)

    def clean(self, value):
        value = super().clean(value).strip()
        if value not in available_time_zones():
            raise forms.ValidationError(
                "“%(value)s” is not a time zone we know. Pick one from the list, such as Europe/Paris.",
                params={"value": value},
            )
        return value


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    time_zone = TimeZoneField(initial="UTC")

    def signup(self, request, user):
        user.time_zone = self.cleaned_data["time_zone"]
        user.save(update_fields=["time_zone"])


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField()

    class Meta:
        model = User
        fields = ("display_name", "bio", "learning_focus", "time_zone", "daily_goal_minutes")
        widgets: ClassVar = {"bio": forms.Textarea(attrs={"rows": 4})}
        help_texts: ClassVar = {
            "learning_focus": "One line on what you are learning now, shown on your journey.",
            "daily_goal_minutes": "A day counts towards your streak when you reach it. "
            "The challenge's goal is 60.",
        }


class ReminderForm(forms.ModelForm):
    """The reminder section of the settings (journal:reminder_settings)."""

    class Meta:
        model = User
        fields = ("remind_by_email", "remind_by_push", "reminder_time")
        widgets: ClassVar = {
            "reminder_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
        }
        help_texts: ClassVar = {
            "remind_by_email": "Only on days you have not written yet.",
            "remind_by_push": "To every device where push is on (below).",
            "reminder_time": "On your own clock, in the time zone of your profile.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Without the site's push keys there is no push to choose.
        if not push.enabled():
            self.fields.pop("remind_by_push", None)

    def clean_reminder_time(self):
        # Reminders go out on the minute; seconds typed by hand would only confuse.
        return self.cleaned_data["reminder_time"].replace(second=0, microsecond=0)


class WelcomeForm(ProfileForm, ReminderForm):
    """The first day's questions (journal:welcome): some of the profile's fields and the
    offer of a reminder, checked as the settings check them, with the time zone picked
    from a list."""

    class Meta(ProfileForm.Meta):
        fields = (
            "display_name",
            "daily_goal_minutes",
            "time_zone",
            "learning_focus",
            # Push needs a device turned on in settings first; the welcome offers email.
            "remind_by_email",
            "reminder_time",
        )
        widgets: ClassVar = {**ProfileForm.Meta.widgets, **ReminderForm.Meta.widgets}
        help_texts: ClassVar = {**ProfileForm.Meta.help_texts, **ReminderForm.Meta.help_texts}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # data-time-zone: static/js/site.js selects the browser's zone in place of UTC.
        self.fields["time_zone"].widget = TimeZoneSelect(attrs={"data-time-zone": ""})


class TopicNamesForm(forms.Form):
    """The topics of an entry or a challenge, typed in one field, separated by commas."""

    topic_names = forms.CharField(
        label="Topics",
        required=False,
        max_length=300,
        help_text="Separated by commas, e.g. python, computer vision. New topics are created.",
    )

    def topic_list(self):
        return [
            name for name in self.cleaned_data.get("topic_names", "").split(",") if name.strip()
        ]


class EntryForm(TopicNamesForm, forms.ModelForm):
    day = forms.DateField(label="Day", widget=forms.Select)

    class Meta:
        model = Entry
        fields = ("day", "title", "minutes", "body", "key_lesson", "reflection", "visibility")
        labels: ClassVar = {
            "body": "What I studied",
            "minutes": "Minutes of learning",
            "key_lesson": "Key lesson",
        }
        help_texts: ClassVar = {
            "body": "Courses, books, papers, projects. Markdown: # headings, ``` code, images.",
            "key_lesson": "The one thing worth remembering from today.",
            "reflection": "An honest reflection: what went well, what was hard. Markdown too.",
        }
        widgets: ClassVar = {
            "body": MarkdownxWidget(attrs={"rows": 10, "maxlength": MAX_ENTRY_TEXT}),
            "reflection": MarkdownxWidget(attrs={"rows": 6, "maxlength": MAX_ENTRY_TEXT}),
            "key_lesson": forms.TextInput(),
            "visibility": forms.RadioSelect(),
            "minutes": forms.NumberInput(attrs={"min": 1, "max": 1440, "step": 1}),
        }

    def __init__(self, *args, author, **kwargs):
        super().__init__(*args, **kwargs)
        self.author = author
        self.instance.author = author
        if self.instance.pk:
            # The day of a written entry is fixed.
            del self.fields["day"]
            self.initial["topic_names"] = ", ".join(t.name for t in self.instance.topics.all())
        else:
            self.fields["minutes"].initial = author.daily_goal_minutes
        self.fields["minutes"].min_value = 1
        for name in ("body", "reflection"):
            field = self.fields[name]
            field.validators.append(validators.MaxLengthValidator(MAX_ENTRY_TEXT))
            field.error_messages["max_length"] = _too_long(MAX_ENTRY_TEXT)

    def offer_days(self, open_days):
        """The days a new entry can be given, for the form shown: those without one yet."""
        today = self.author.local_today()
        self.fields["day"].widget.choices = [
            (day.isoformat(), _day_label(day, today)) for day in open_days
        ]

    def clean_day(self):
        # Whether the day already has an entry is settled under the author's lock when
        # saving (services.DayTaken), where two tabs submitting at once cannot both pass.
        day = self.cleaned_data["day"]
        today, *earlier = self.author.writable_days()
        if day in (today, *earlier):
            return day
        if day == today - dt.timedelta(days=1):
            raise forms.ValidationError(
                "You joined Momentum today, so there is no yesterday to record: your "
                "challenge starts with today's entry."
            )
        raise forms.ValidationError(
            "You can write today's entry, or yesterday's until your today ends."
        )

    def refuse_taken_day(self):
        """Tell the writer their day already has an entry (services.DayTaken)."""
        day = self.cleaned_data["day"]
        self.add_error("day", f"You already have an entry for {_day_name(day)}. Edit it instead.")

    def validate_constraints(self):
        # The minutes' CheckConstraint repeats the field's own validators, which have
        # already given a clearer message: checking it again would cost a query per write.
        exclude = self._get_validation_exclusions() | {"minutes"}
        try:
            self.instance.validate_constraints(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)


def _too_long(limit):
    return f"This can be {limit} characters at most (it has %(show_value)d)."


def _day_label(day, today):
    word = "Today" if day == today else "Yesterday"
    return f"{word}, {_day_name(day)}"


def _day_name(day):
    return date_format(day, "l j F")


class ImageUploadForm(forms.Form):
    """An image for an entry: PNG, JPEG or WebP that Pillow can open, 5 MB at most; the
    checks and the storing are journal.porting.images', which the import shares."""

    image = forms.FileField()

    def clean_image(self):
        upload = self.cleaned_data["image"]
        try:
            self.image_format = images.check_image(upload, upload.size)
        except images.RefusedImage as error:
            raise forms.ValidationError(str(error)) from None
        return upload

    def save(self):
        """Store the image, re-encoded under a random name; returns its storage name."""
        return images.store_image(
            *images.encode_image(self.cleaned_data["image"], self.image_format)
        )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Your account was not deleted.")
        return password


class ReportForm(forms.ModelForm):
    # Declared rather than generated: the model field's form field would offer an empty
    # "---------" choice among the reasons.
    reason = forms.ChoiceField(
        label="What is wrong?", choices=Report.Reason.choices, widget=forms.RadioSelect
    )

    class Meta:
        model = Report
        fields = ("reason", "note")
        widgets: ClassVar = {"note": forms.Textarea(attrs={"rows": 3})}
        labels: ClassVar = {"note": "Anything the moderators should know?"}
        help_texts: ClassVar = {"note": "Optional, 500 characters at most."}


class ModerationForm(forms.Form):
    """One moderator action on one target, from the queue."""

    ACTIONS = (
        ("hide_entry", "Hide entry"),
        ("restore_entry", "Restore entry"),
        ("hide_comment", "Hide comment"),
        ("restore_comment", "Restore comment"),
        ("suspend_user", "Suspend person"),
        ("unsuspend_user", "Unsuspend person"),
        ("hide_challenge", "Hide challenge"),
        ("restore_challenge", "Restore challenge"),
        ("dismiss_report", "Dismiss report"),
    )
    action = forms.ChoiceField(choices=ACTIONS)
    target = forms.IntegerField(min_value=1)
    reason = forms.CharField(max_length=300, required=False)


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ("body",)
        labels: ClassVar = {"body": "Your comment"}
        help_texts: ClassVar = {"body": "Markdown works: **bold**, _italic_, `code`, links."}
        widgets: ClassVar = {"body": forms.Textarea(attrs={"rows": 4})}
        error_messages: ClassVar = {
            "body": {"max_length": _too_long(Comment._meta.get_field("body").max_length)}
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input, each checked as a FileField checks one."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(upload, initial) for upload in files]


class ImportForm(forms.Form):
    """Markdown files or ZIP archives to import; what is inside them is read by
    journal.porting, which reports file by file."""

    MAX_FILES = 500

    files = MultipleFileField(
        label="Markdown files or a ZIP archive",
        widget=MultipleFileInput(attrs={"accept": ".md,.markdown,.zip"}),
        help_text="One or more .md files (Jekyll or Hugo posts, notes, a log.md), or a .zip "
        f"of them: {MAX_FILE_BYTES // 2**20} MB per Markdown file, "
        f"{MAX_UPLOAD_BYTES // 2**20} MB in all.",
    )

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        if len(uploads) > self.MAX_FILES:
            raise forms.ValidationError(
                "Choose at most %(count)s files, or put them in one ZIP archive.",
                params={"count": self.MAX_FILES},
            )
        if sum(upload.size for upload in uploads) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "These files are larger than %(limit)s MB together; import them in smaller batches.",
                params={"limit": MAX_UPLOAD_BYTES // 2**20},
            )
        return uploads


class ChallengeForm(TopicNamesForm, forms.ModelForm):
    """A new challenge (journal:challenge_new); ``ChallengeEditForm`` changes it before it
    starts."""

    class Meta:
        model = Challenge
        fields = (
            "title",
            "description",
            "daily_minimum",
            "length_days",
            "starts_on",
            "visibility",
        )
        labels: ClassVar = {
            "daily_minimum": "Daily minimum (minutes)",
            "length_days": "Length in days",
            "starts_on": "Start date",
        }
        help_texts: ClassVar = {
            "description": "What it is about and how to take part. Markdown works.",
            "daily_minimum": "A day counts when its entry reaches this many minutes.",
            "length_days": "e.g. 30 or 100. Leave empty for an open-ended challenge.",
            "starts_on": "Today or later; everyone's Day 1 is this date. Leave empty for a "
            "rolling challenge, where each person's Day 1 is their first counted day.",
        }
        widgets: ClassVar = {
            "description": MarkdownxWidget(attrs={"rows": 8, "maxlength": MAX_ENTRY_TEXT}),
            "daily_minimum": forms.NumberInput(attrs={"min": 1, "max": 1440, "step": 1}),
            "length_days": forms.NumberInput(attrs={"min": 1, "max": 3650, "step": 1}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "visibility": forms.RadioSelect(),
        }
        error_messages: ClassVar = {
            "description": {"max_length": _too_long(MAX_ENTRY_TEXT)},
        }

    def __init__(self, *args, creator, **kwargs):
        super().__init__(*args, **kwargs)
        self.creator = creator
        if self.instance.pk is None:
            self.instance.creator = creator

    def clean_starts_on(self):
        starts_on = self.cleaned_data["starts_on"]
        today = self.creator.local_today()
        if starts_on is not None and starts_on < today:
            raise forms.ValidationError(
                "A challenge starts today or later: pick a date from %(today)s on, or leave "
                "it empty for a rolling challenge.",
                params={"today": _day_name(today)},
            )
        return starts_on


class ChallengeEditForm(ChallengeForm):
    """What the creator may change before the start: the description and the dates."""

    class Meta(ChallengeForm.Meta):
        fields = ("description", "length_days", "starts_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["topic_names"]


class EmailSettingsForm(forms.ModelForm):
    """The emails section of the settings (journal:email_settings); reminders have theirs."""

    class Meta:
        model = User
        fields = ("email_notifications", "email_digest")
        help_texts: ClassVar = {
            "email_notifications": "At most one email an hour, with what happened since the "
            "last one. Nothing you have already read on the site.",
            "email_digest": "On Monday morning: your week's hours, days, topics and key "
            "lessons, and the most cheered entries of the people you follow.",
        }


class RestPeriodForm(forms.Form):
    """A rest period's shape (journal:rest_settings); the rules that depend on the other
    declarations and on today are journal/services/rest.py's."""

    WEEKLY, HOLIDAY = "weekly", "holiday"
    # Far enough for a holiday booked ahead, near enough for every date sum to stay a date.
    LONGEST = dt.timedelta(days=366)

    kind = forms.ChoiceField(
        label="Rest on",
        choices=[(WEEKLY, "A weekday, every week"), (HOLIDAY, "A holiday: every day of a range")],
        widget=forms.RadioSelect,
        initial=WEEKLY,
    )
    weekday = forms.TypedChoiceField(
        label="Weekday",
        choices=[("", "Choose a weekday"), *RestPeriod.Weekday.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="For a weekday every week.",
    )
    first_day = forms.DateField(
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Tomorrow at the earliest.",
    )
    last_day = forms.DateField(
        label="Until",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The holiday's last day; for a weekday, empty means every week from now on.",
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["first_day"].widget.attrs["min"] = (today + dt.timedelta(days=1)).isoformat()

    def clean(self):
        cleaned = super().clean()
        kind, weekday = cleaned.get("kind"), cleaned.get("weekday")
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if kind == self.WEEKLY and weekday is None:
            self.add_error("weekday", "Choose the weekday you rest on.")
        if kind == self.HOLIDAY:
            cleaned["weekday"] = None
            if last is None:
                self.add_error("last_day", "A holiday needs its last day.")
        if first is not None and first > self.today + self.LONGEST:
            self.add_error("first_day", "Rest days are declared up to a year ahead.")
        if first is not None and last is not None:
            if last < first:
                self.add_error("last_day", "The last day cannot come before the first.")
            elif last - first > self.LONGEST:
                self.add_error("last_day", "A rest period lasts a year at most.")
        return cleaned

    def declaration_fields(self):
        """The cleaned fields services.rest_period_declare takes."""
        return {name: self.cleaned_data[name] for name in ("first_day", "last_day", "weekday")}


class BlogFeedForm(forms.ModelForm):
    """The learner's own blog (journal:blog_settings): its feed's address and whether the
    entries its posts become are public."""

    url = forms.URLField(
        label="Feed address",
        max_length=BlogFeed._meta.get_field("url").max_length,
        assume_scheme="https",
        validators=[validators.URLValidator(schemes=["http", "https"])],
        help_text="The Atom or RSS feed of your blog, such as https://example.com/feed.xml "
        "(Jekyll), /index.xml (Hugo) or /feed/ (WordPress).",
    )

    class Meta:
        model = BlogFeed
        fields = ("url", "visibility")
        widgets: ClassVar = {"visibility": forms.RadioSelect()}
        help_texts: ClassVar = {
            "visibility": "For posts read from now on; entries already made keep theirs.",
        }


class PushSubscriptionForm(forms.Form):
    """A browser's push subscription (its PushSubscription.toJSON(), flattened), as the
    settings' script posts it (journal:push_subscribe)."""

    endpoint = forms.URLField(max_length=push.ENDPOINT_MAX, assume_scheme="https")
    p256dh = forms.CharField(max_length=push.KEY_LENGTHS["p256dh"][1])
    auth = forms.CharField(max_length=push.KEY_LENGTHS["auth"][1])

    def clean_endpoint(self):
        endpoint = self.cleaned_data["endpoint"]
        # Push services are reached over TLS only (RFC 8030 §8).
        if not endpoint.startswith("https://"):
            raise forms.ValidationError("A push endpoint is an https:// address.")
        return endpoint

    def _clean_key(self, name):
        key = push.key_bytes(self.cleaned_data[name], name=name)
        if key is None:
            raise forms.ValidationError("This is not a browser's push key.")
        return key

    def clean_p256dh(self):
        return self._clean_key("p256dh")

    def clean_auth(self):
        return self._clean_key("auth")


class AccessTokenForm(forms.ModelForm):
    """A new personal access token for the API (journal:tokens)."""

    class Meta:
        model = AccessToken
        fields = ("name", "scope")
        widgets: ClassVar = {"scope": forms.RadioSelect()}
        help_texts: ClassVar = {
            "name": "Where you will use it, e.g. “my editor” or “study log script”.",
        }

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean(self):
        if self.person.access_tokens.filter(revoked_at__isnull=True).count() >= MAX_TOKENS:
            raise forms.ValidationError(
                f"You have {MAX_TOKENS} tokens in use, the most one can have: revoke one first."
            )
        return super().clean()


MAX_TOKENS = 20


class WebhookForm(forms.ModelForm):
    """A new webhook (journal:webhooks): a public web address, and what to send it."""

    url = forms.URLField(
        label="Address",
        max_length=500,
        assume_scheme="https",
        validators=[validators.URLValidator(schemes=["http", "https"])],
        help_text="A web address of yours that accepts POST requests, such as "
        "https://example.com/momentum-hook.",
    )

    class Meta:
        model = Webhook
        fields = ("url", "send_entries", "send_comments", "send_cheers")

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            # Resolved here to tell the owner at once; the worker checks again at each
            # delivery, as the name may later point elsewhere.
            safefetch.check_address(url)
        except safefetch.Refused as refused:
            raise forms.ValidationError(f"Momentum cannot send there: {refused}") from None
        return url
