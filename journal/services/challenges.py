"""Challenges: starting, editing and closing one, joining and leaving, and each
participant's figures, which follow every entry write.

The rules of counted days, streaks, freezes and the finish are journal/streaks.py's; this
module only picks the days they apply to (``Challenge.counting_days``) and stores the
result on ``Participation``, with each person's rest days (``RestPeriod.objects.calendar``).
A write reads the author's own participations, entries and rest days, never every
participant's.
"""

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from journal import caching, streaks
from journal.models import (
    RESERVED_CHALLENGE_SLUGS,
    Challenge,
    Entry,
    Notification,
    Participation,
    RestPeriod,
    Topic,
    User,
    day_ends_at,
    new_invite_token,
)
from journal.services.push import notifications_push


class ChallengeLocked(Exception):
    """The challenge can no longer be changed that way: it has started, or it is over."""

    OVER = "This challenge is over, so it takes no one new."


class TooManyChallenges(Exception):
    """The person is in as many challenges not yet over as anyone may be."""


# Challenges not yet over that one person may be in at once: each of their entries is
# counted for every one of them, in the write that saves it.
MAX_CHALLENGES = 30


def challenge_create(*, challenge: Challenge, topic_names: Iterable[str]) -> Challenge:
    """Save a new ``challenge`` (its creator set) with its topics; its creator joins it.

    Raises TooManyChallenges when the creator is in MAX_CHALLENGES not yet over.
    """
    creator = challenge.creator
    if creator is None:
        raise ValueError("A challenge people start needs its creator.")
    _check_room(creator)
    with transaction.atomic():
        challenge.slug = _free_slug(challenge.title)
        challenge.save()
        challenge.topics.set(Topic.from_names(topic_names))
        _join(person=creator, challenge=challenge, on_board=True)
        caching.changed(
            public=challenge.is_public, only_added=True, writer=creator, own=_joined(creator)
        )
    return challenge


def _check_room(person: User, *, joining: Challenge | None = None) -> None:
    """Raise TooManyChallenges when ``person`` is in MAX_CHALLENGES not yet over, the one
    they are ``joining`` (if already in it) left out."""
    current = Participation.objects.filter(person=person).exclude(
        challenge__in=Challenge.objects.finished(person.local_today())
    )
    if joining is not None:
        current = current.exclude(challenge=joining)
    if current.count() >= MAX_CHALLENGES:
        raise TooManyChallenges(
            f"You are in {MAX_CHALLENGES} challenges that are not over yet, as many as "
            "anyone can be: leave one to start or join another."
        )


def _free_slug(title: str) -> str:
    """An address for a new challenge: its title's slug, numbered when already taken."""
    base = slugify(title)[:50].strip("-") or "challenge"
    taken = set(
        Challenge.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    ) | set(RESERVED_CHALLENGE_SLUGS)
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


# What an edit changes: the description and dates, with what the model works out of them.
EDITABLE_FIELDS = ("description", "description_html", "starts_on", "length_days", "ends_on")


def challenge_update(*, challenge: Challenge, editor: User) -> Challenge:
    """Save the description and dates its creator changed on ``challenge``.

    Raises PermissionDenied for anyone but the creator, and ChallengeLocked once it can
    no longer be edited (``Challenge.is_editable``, judged on the stored row).
    """
    with transaction.atomic():
        stored = Challenge.objects.select_for_update().get(pk=challenge.pk)
        if stored.creator_id is None or stored.creator_id != editor.pk:
            raise PermissionDenied("Only its creator can edit a challenge.")
        if not stored.is_editable(editor.local_today()):
            raise ChallengeLocked("This challenge has started, so it can no longer be edited.")
        challenge.save(update_fields=EDITABLE_FIELDS)
        # New dates change which days count; before the start that is at most today's.
        participations = list(Participation.objects.filter(challenge=challenge))
        for participation in participations:
            participation.challenge = challenge
        _recount(participations, since=challenge.starts_on)
        caching.changed(public=challenge.is_public)
    return challenge


def challenge_close(*, challenge: Challenge, by: User) -> None:
    """Close ``challenge`` early: no day after today counts. Its creator only."""
    if challenge.creator_id is None or challenge.creator_id != by.pk:
        raise PermissionDenied("Only its creator can close a challenge.")
    if challenge.closed_at is not None:
        return
    challenge.closed_at = timezone.now()
    Challenge.objects.filter(pk=challenge.pk).update(closed_at=challenge.closed_at)
    caching.changed(public=challenge.is_public)


def challenge_renew_invite(*, challenge: Challenge, by: User) -> str:
    """Give ``challenge`` a new invite token, so that the old link stops working. Its
    creator only. No page is made stale: pages of invite-only challenges are never shared."""
    if challenge.creator_id is None or challenge.creator_id != by.pk:
        raise PermissionDenied("Only its creator can renew the invite link.")
    challenge.invite_token = new_invite_token()
    Challenge.objects.filter(pk=challenge.pk).update(invite_token=challenge.invite_token)
    return challenge.invite_token


def challenge_join(*, person: User, challenge: Challenge, on_board: bool = True) -> Participation:
    """Put ``person`` in ``challenge`` (nothing changes if they are already in it). Their
    entries count from today, their own day, on.

    Raises ChallengeLocked when the challenge is over or closed, TooManyChallenges when
    the person is in MAX_CHALLENGES others not yet over.
    """
    if challenge.is_finished(person.local_today()):
        raise ChallengeLocked(ChallengeLocked.OVER)
    _check_room(person, joining=challenge)
    with transaction.atomic():
        participation = _join(person=person, challenge=challenge, on_board=on_board)
        caching.changed(
            public=challenge.is_public, only_added=True, writer=person, own=_joined(person)
        )
    return participation


def _join(*, person: User, challenge: Challenge, on_board: bool) -> Participation:
    participation, created = Participation.objects.get_or_create(
        person=person,
        challenge=challenge,
        defaults={"counts_from": person.local_today(), "on_board": on_board},
    )
    if created:
        Challenge.objects.filter(pk=challenge.pk).update(
            participant_count=F("participant_count") + 1
        )
        challenge.participant_count += 1
        if challenge.creator_id not in (None, person.pk):
            notification = Notification.objects.create(
                recipient_id=challenge.creator_id,
                actor=person,
                kind=Notification.Kind.JOINED,
                challenge=challenge,
            )
            notifications_push([notification])
        # Today's entry, if written already, counts.
        participation.challenge = challenge
        _recount([participation], person=person, since=participation.counts_from)
    return participation


def challenge_leave(*, person: User, challenge: Challenge) -> None:
    """Take ``person`` out of ``challenge``, with their figures in it."""
    with transaction.atomic():
        deleted, _ = Participation.objects.filter(person=person, challenge=challenge).delete()
        if deleted:
            Challenge.objects.filter(pk=challenge.pk).update(
                participant_count=F("participant_count") - 1
            )
            challenge.participant_count -= 1
            caching.changed(public=challenge.is_public, own=_joined(person))


def participation_set_on_board(*, participation: Participation, on_board: bool) -> None:
    """Show ``participation``'s person on its challenge's board, or leave them off it."""
    participation.on_board = on_board
    Participation.objects.filter(pk=participation.pk).update(on_board=on_board)
    caching.changed(public=participation.challenge.is_public)


def participations_leave_all(*, person: User) -> None:
    """Take ``person`` out of every challenge, before their account is deleted."""
    Challenge.objects.filter(
        pk__in=Participation.objects.filter(person=person).values("challenge")
    ).update(participant_count=F("participant_count") - 1)
    Participation.objects.filter(person=person).delete()


def _joined(person: User) -> list[tuple[str, int]]:
    return [("joined", person.pk), ("progress", person.pk)]


def user_join_site_challenge(
    sender: type, instance: User, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """Everyone who signs up (or is made any other way) is in the site's own challenge,
    where every entry of theirs counts. A post_save receiver of User (journal/apps.py)."""
    if created and not raw:
        site = Challenge.objects.site()
        Participation.objects.create(person=instance, challenge=site, counts_from=None)
        Challenge.objects.filter(pk=site.pk).update(participant_count=F("participant_count") + 1)


# Figures


def participations_follow_entry(
    *,
    author: User,
    day: dt.date,
    minutes: int | None,
    rest_days: streaks.RestCalendar,
) -> None:
    """Keep ``author``'s figures in each of their challenges after their entry on ``day``
    was written with ``minutes``, or deleted (``minutes`` None); ``rest_days`` are the
    author's.

    The common write, a counted day after every counted one, appends to the stored
    figures; a day after them that does not count changes nothing; anything else (an
    earlier day, an edit, a deletion) counts the participation again from the author's
    entries. Must run inside the write's transaction, with the author locked.
    """
    again = []
    for participation in Participation.objects.filter(person=author).select_related("challenge"):
        participation.person = author
        challenge = participation.challenge
        first, last = challenge.counting_days(participation)
        if (first is not None and day < first) or (last is not None and day > last):
            continue
        if participation.run_end is not None and day <= participation.run_end:
            again.append(participation)
        elif minutes is not None and streaks.counts(minutes, challenge.daily_minimum):
            progress = streaks.append_counted_day(
                participation.progress(), day, rest_days=rest_days
            )
            _store(participation, progress, today=author.local_today(), rest_days=rest_days)
    if again:
        _recount(again, person=author, rest_days=rest_days)


def participations_recount(*, person: User, rest_days: streaks.RestCalendar | None = None) -> None:
    """Count all of ``person``'s challenge figures again from their entries (after an
    import, which may add any number of days, or a change of their rest days)."""
    _recount(
        Participation.objects.filter(person=person).select_related("challenge"),
        person=person,
        rest_days=rest_days,
    )


def participations_recount_all(*, batch: int) -> None:
    """Count every participation's figures again, ``batch`` people at a time (after rows
    were written in bulk, past the services: the scale seeder)."""
    people = list(
        Participation.objects.order_by("person_id").values_list("person_id", flat=True).distinct()
    )
    for start in range(0, len(people), batch):
        _recount(
            Participation.objects.filter(person__in=people[start : start + batch]).select_related(
                "challenge"
            )
        )


def _recount(
    participations: Iterable[Participation],
    *,
    person: User | None = None,
    since: dt.date | None = None,
    rest_days: streaks.RestCalendar | None = None,
) -> None:
    """Count ``participations`` again from their people's entries (those from ``since`` on
    when given) and rest days, in one query for each. ``person``: the one person they are
    all about, already at hand, and ``rest_days`` theirs when at hand too."""
    participations = list(participations)
    if not participations:
        return
    entries = Entry.objects.filter(author__in={p.person_id for p in participations})
    if since is not None:
        entries = entries.filter(day__gte=since)
    days: dict[int, list[tuple[dt.date, int]]] = {}
    for author_id, day, minutes in entries.values_list("author_id", "day", "minutes"):
        days.setdefault(author_id, []).append((day, minutes))
    people = {person.pk: person} if person else {}
    people |= User.objects.in_bulk({p.person_id for p in participations} - people.keys())
    if person is not None and rest_days is not None:
        calendars = {person.pk: rest_days}
    else:
        calendars = RestPeriod.objects.calendars(people)
    for participation in participations:
        participation.person = people[participation.person_id]
        calendar = calendars[participation.person_id]
        progress = streaks.compute_progress(
            _counted_days(participation, days.get(participation.person_id, [])),
            rest_days=calendar,
        )
        _store(
            participation, progress, today=participation.person.local_today(), rest_days=calendar
        )


def _counted_days(
    participation: Participation, days: Iterable[tuple[dt.date, int]]
) -> list[dt.date]:
    """The days of ``days`` ((day, minutes) pairs) that count for ``participation``."""
    challenge = participation.challenge
    # The rolling challenge's last day follows from the Day 1 worked out here.
    participation.first_counted = None
    first, last = challenge.counting_days(participation)
    counted = sorted(
        day
        for day in streaks.counted_days(days, challenge.daily_minimum)
        if (first is None or day >= first) and (last is None or day <= last)
    )
    if counted and challenge.starts_on is None and challenge.length_days:
        end = counted[0] + dt.timedelta(days=challenge.length_days - 1)
        counted = [day for day in counted if day <= end]
    return counted


def _store(
    participation: Participation,
    progress: streaks.Progress,
    *,
    today: dt.date,
    rest_days: streaks.RestCalendar,
) -> None:
    """Store ``progress`` and what it finished on the participation's row and object."""
    challenge = participation.challenge
    finished_on = None
    first_day = challenge.starts_on or progress.first_counted
    if challenge.length_days and first_day is not None:
        finished_on = streaks.finish_date(
            progress,
            first_day=first_day,
            length=challenge.length_days,
            rest_days=rest_days,
            today=today,
        )
    figures = {
        **dataclasses.asdict(progress),
        "finished_on": finished_on,
        **_check_in(participation, progress.run_end),
    }
    for field, value in figures.items():
        setattr(participation, field, value)
    Participation.objects.filter(pk=participation.pk).update(**figures)
    # The person's day part shows whether today counts in each of their challenges.
    caching.changed(public=False, own=[("progress", participation.person_id)])


def _check_in(participation: Participation, latest_counted: dt.date | None) -> dict[str, Any]:
    """The check-in columns for ``latest_counted``, the participation's new latest counted
    day: checked in from now when that day is new, until it ends on the person's clock."""
    if latest_counted is None:
        return {"checked_in_at": None, "checked_in_until": None}
    checked_in_at = participation.checked_in_at
    if checked_in_at is None or latest_counted != participation.run_end:
        checked_in_at = timezone.now()
    return {
        "checked_in_at": checked_in_at,
        "checked_in_until": day_ends_at(latest_counted, participation.person.zone),
    }


def participations_follow_zone(*, person: User) -> None:
    """Move the end of ``person``'s check-in day to their new time zone's midnight."""
    participations = list(
        Participation.objects.filter(person=person, run_end__isnull=False).only(
            "pk", "run_end", "checked_in_until"
        )
    )
    for participation in participations:
        participation.checked_in_until = day_ends_at(participation.run_end, person.zone)
    Participation.objects.bulk_update(participations, ["checked_in_until"])
