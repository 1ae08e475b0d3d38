"""Certificates: ``/challenges/<slug>/@<username>/``, the page of a participant who
finished a challenge with a length, made to be shared.

Who may see it, and its share image, is ``Participation.objects.certificates_visible_to``:
the challenge page's rule (an invite counting) and a public person; anyone else, and anyone
asking for a person who has not finished, gets a 404. A public challenge's certificate goes through the
page cache, with a copy of their own for the person, who sees their private key lessons
and hours; an invite-only one's is rendered for each request (``Cache-Control: private``).
"""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from journal import sharecards
from journal.caching.pages import shared_page
from journal.models import Entry, Participation
from journal.views.challenges import invite_in

# A run of the longest challenges has a lesson a day: the page shows the first ones.
KEY_LESSONS_SHOWN = 100


@require_safe
def certificate(request, slug, username):
    if "invite" in request.GET:
        return _invited_certificate(request, slug, username)
    # By name: shared_page hands the view's keyword arguments to personal_to.
    return _shared_certificate(request, slug=slug, username=username)


def _certificate_owner(slug, username):
    # The person sees their private key lessons and hours: not the readers' copy.
    return {username}


@shared_page(personal_to=_certificate_owner)
def _shared_certificate(request, slug, username):
    return _certificate_page(request, _finished(request, slug, username))


def _invited_certificate(request, slug, username):
    participation = _finished(request, slug, username, invite=invite_in(request))
    if participation.challenge.is_public:
        # A public challenge's certificate has one address, the one the page cache keeps.
        return redirect(participation)
    return _certificate_page(request, participation, invite=invite_in(request))


def _finished(request, slug, username, invite=None):
    """The finished participation of ``username`` in ``slug``, when the reader may see both
    the challenge and the person; else a 404."""
    return get_object_or_404(
        Participation.objects.certificates_visible_to(request.user, invite=invite).select_related(
            "challenge__creator", "person"
        ),
        challenge__slug=slug,
        person__username=username,
    )


def _certificate_page(request, participation, invite=None):
    challenge, person = participation.challenge, participation.person
    own = request.user.is_authenticated and request.user.pk == person.pk
    topics = list(challenge.topics.all())
    every_minute, public_minutes = participation.finished_minutes()
    card = sharecards.certificate_card(participation, topics, public_minutes, invite or "")
    # The key lessons of the run's days, as the journey shows them to this reader.
    lessons = list(
        Entry.objects.written_by(person, request.user)
        .filter(day__range=(participation.first_day, participation.finished_on))
        .exclude(key_lesson="")
        .only("author_id", "number", "day", "key_lesson")
        .order_by("day")[: KEY_LESSONS_SHOWN + 1]
    )
    for lesson in lessons:
        lesson.author = person
    response = render(
        request,
        "challenges/certificate.html",
        {
            "participation": participation,
            "challenge": challenge,
            "person": person,
            "own": own,
            "topics": topics,
            "dates": sharecards.finished_dates(participation),
            "hours": sharecards.hours(every_minute if own else public_minutes),
            "public_hours": sharecards.hours(public_minutes),
            "lessons": lessons[:KEY_LESSONS_SHOWN],
            "more_lessons": len(lessons) > KEY_LESSONS_SHOWN,
            "certificate_url": request.build_absolute_uri(participation.get_absolute_url()),
            "image": card.path if card else None,
            "share": sharecards.certificate_tags(request, participation, card),
        },
    )
    if not challenge.is_public:
        patch_cache_control(response, private=True)
    return response
