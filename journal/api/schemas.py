"""What the API answers and accepts, as typed schemas (they make the OpenAPI document).

Every object carries ``url``, the address of its page on the site.
"""

import datetime as dt
from typing import Literal

from ninja import Field, Schema


class Person(Schema):
    username: str
    name: str
    url: str

    @staticmethod
    def resolve_url(person, context):
        return context["request"].build_absolute_uri(person.get_absolute_url())


class Profile(Person):
    """A person's profile and stored figures: those of public entries to everyone else,
    all of them to the person."""

    bio: str
    learning_focus: str
    daily_goal_minutes: int
    current_streak: int
    longest_streak: int
    entry_count: int
    hours: float

    @staticmethod
    def resolve_entry_count(person, context):
        if _is_self(person, context):
            return person.entry_count
        return person.public_entry_count

    @staticmethod
    def resolve_hours(person, context):
        return person.total_hours if _is_self(person, context) else person.public_hours


def _is_self(person, context):
    return context["request"].user.pk == person.pk


class Topic(Schema):
    name: str
    slug: str


class EntrySummary(Schema):
    id: int
    author: Person
    day: dt.date
    number: int
    title: str
    minutes: int
    topics: list[Topic] = Field(alias="topic_list")
    key_lesson: str
    excerpt: str
    visibility: str
    cheer_count: int
    comment_count: int
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str

    @staticmethod
    def resolve_url(entry, context):
        return context["request"].build_absolute_uri(entry.get_absolute_url())


class Entry(EntrySummary):
    """One entry in full: its Markdown as written, and as the site shows it (sanitised)."""

    body: str
    body_html: str
    reflection: str
    reflection_html: str


class WrittenEntry(Entry):
    milestones: list[str]

    @staticmethod
    def resolve_milestones(entry):
        return [milestone.in_words for milestone in getattr(entry, "milestones", [])]


class EntryPage(Schema):
    items: list[EntrySummary]
    next: str | None = Field(description="The cursor of the next page (?before=), if any.")


class EntryIn(Schema):
    """Today's or yesterday's entry: a new one, or changes to the one already written
    (fields left out keep their value)."""

    day: Literal["today", "yesterday"] | dt.date = "today"
    title: str | None = None
    minutes: int | None = None
    body: str | None = None
    key_lesson: str | None = None
    reflection: str | None = None
    visibility: str | None = None
    topics: list[str] | None = None


class Challenge(Schema):
    slug: str
    title: str
    description_html: str
    creator: Person | None
    daily_minimum: int
    length_days: int | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    closed: bool
    visibility: str
    participant_count: int
    url: str

    @staticmethod
    def resolve_closed(challenge):
        return challenge.closed_at is not None

    @staticmethod
    def resolve_url(challenge, context):
        return context["request"].build_absolute_uri(challenge.get_absolute_url())


class ChallengePage(Schema):
    items: list[Challenge]
    next: str | None


class BoardRow(Schema):
    person: Person
    days_counted: int
    longest_streak: int
    current_streak: int
    day: int | None = Field(description="Their Day N in the challenge today, if begun.")


class BoardPage(Schema):
    items: list[BoardRow]
    next: str | None


class JoinIn(Schema):
    on_board: bool = True
    invite: str | None = None


class Membership(Schema):
    challenge: str
    joined: bool
    participant_count: int


class CheerIn(Schema):
    cheered: bool = True


class CheerOut(Schema):
    cheered: bool
    count: int


class CommentIn(Schema):
    body: str


class Comment(Schema):
    id: int
    author: Person
    body: str
    body_html: str
    created_at: dt.datetime


class Upload(Schema):
    url: str
    markdown: str


class Notification(Schema):
    id: int
    kind: str
    actor: Person
    entry_id: int | None
    challenge: str | None
    milestone: str
    created_at: dt.datetime
    read: bool

    @staticmethod
    def resolve_challenge(item):
        return item.challenge.slug if item.challenge else None

    @staticmethod
    def resolve_read(item):
        return item.read_at is not None


class NotificationPage(Schema):
    items: list[Notification]
    next: str | None


class Me(Profile):
    token_name: str
    token_scope: str

    @staticmethod
    def resolve_token_name(person, context):
        return context["request"].auth.name

    @staticmethod
    def resolve_token_scope(person, context):
        return context["request"].auth.scope
