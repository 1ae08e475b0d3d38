"""Share images: the PNG the Open Graph tags of an entry, a journey, a challenge or a
certificate name (journal/sharecards.py)."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_safe

from journal import ratelimit, sharecards
from journal.models import Challenge, Entry, Participation, User, attach_topics
from journal.views.challenges import invite_in

# The address names what the image shows, so what it serves never changes.
FOREVER = "public, max-age=31536000, immutable"
# The image of what only some may see: never kept by a cache shared with others.
MINE = "private, max-age=31536000, immutable"


@require_safe
def entry_image(request, pk, digest):
    entry = get_object_or_404(Entry.objects.public().for_cards(), pk=pk)
    attach_topics([entry])
    return _image(request, sharecards.entry_card(entry), digest)


@require_safe
def person_image(request, username, digest):
    person = get_object_or_404(User.objects.public(), username=username)
    return _image(request, sharecards.person_card(person), digest)


@require_safe
def challenge_image(request, slug, digest):
    challenge = get_object_or_404(Challenge.objects.public().select_related("creator"), slug=slug)
    return _image(
        request, sharecards.challenge_card(challenge, list(challenge.topics.all())), digest
    )


@require_safe
def certificate_image(request, pk, digest):
    # Whoever may see the certificate's page may see its image.
    invite = invite_in(request)
    participation = get_object_or_404(
        Participation.objects.certificates_visible_to(request.user, invite=invite).select_related(
            "challenge__creator", "person"
        ),
        pk=pk,
    )
    _, public_minutes = participation.finished_minutes()
    challenge = participation.challenge
    card = sharecards.certificate_card(
        participation, list(challenge.topics.all()), public_minutes, invite or ""
    )
    return _image(request, card, digest, cache_control=FOREVER if challenge.is_public else MINE)


def _image(request, card, digest, cache_control=FOREVER):
    """The stored PNG of ``card``, drawn first when it is missing (at most one a request,
    within the client's rate limit); an address naming what the image showed before
    leads to what it shows now."""
    if card is None:
        raise Http404("Only what everyone may see has a share image.")
    if digest != card.digest:
        return redirect(card.path)
    if not default_storage.exists(card.storage_name):
        if not ratelimit.hit("share_image", request):
            return ratelimit.too_many_requests(request)
        sharecards.store(card)
    response = FileResponse(default_storage.open(card.storage_name), content_type="image/png")
    response["Cache-Control"] = cache_control
    return response
