"""Browser push for one's devices (the settings' push section and its script), and the
pieces that make Momentum an installable app: the service worker, the manifest and the
page shown offline."""

import json
from functools import cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from journal import push
from journal.forms import PushSubscriptionForm
from journal.services import push as push_services

# A browser's subscription is a few hundred bytes; anything much larger is not one.
MAX_BODY = 4096


def _json_body(request) -> dict | None:
    """The request's JSON object, or None when it is too large, not JSON or not an object."""
    if len(request.body) > MAX_BODY:
        return None
    try:
        data = json.loads(request.body)
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _refused(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400)


@login_required
@require_POST
def push_subscribe(request):
    """Turn push on for the browser that posts its subscription (PushSubscription.toJSON())."""
    if not push.enabled():
        return _refused("Push is not offered on this site.")
    data = _json_body(request)
    if data is None:
        return _refused("Send the browser's push subscription as JSON.")
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    form = PushSubscriptionForm(
        {"endpoint": data.get("endpoint"), "p256dh": keys.get("p256dh"), "auth": keys.get("auth")}
    )
    if not form.is_valid():
        return _refused("This is not a browser's push subscription.")
    try:
        subscription = push_services.push_subscribe(
            person=request.user,
            device=push.device_name(request.headers.get("User-Agent", "")),
            **form.cleaned_data,
        )
    except push_services.TooManyDevices:
        return _refused(
            f"Push is on for {push_services.MAX_DEVICES} devices already: remove one first."
        )
    return JsonResponse({"device": subscription.device}, status=201)


@login_required
@require_POST
def push_unsubscribe(request):
    """Turn push off for the browser that posts its endpoint."""
    data = _json_body(request)
    endpoint = data.get("endpoint") if data else None
    if not isinstance(endpoint, str) or len(endpoint) > push.ENDPOINT_MAX:
        return _refused("Send the browser's push endpoint as JSON.")
    removed = push_services.push_unsubscribe(person=request.user, endpoint=endpoint)
    return JsonResponse({"removed": removed})


@login_required
@require_POST
def push_device_remove(request, pk):
    """Turn push off for one of one's devices, from the list in settings (no script needed)."""
    if not push_services.push_unsubscribe(person=request.user, pk=pk):
        raise Http404("No such device of yours.")
    messages.success(request, "Push is off for that device.")
    return redirect("journal:settings")


@cache
def _service_worker() -> bytes:
    return (settings.BASE_DIR / "static" / "sw.js").read_bytes()


# The worker must be served from the root for its scope to be the whole site, and looked
# at again on every visit (no-cache) so that a new release replaces it.
@require_GET
@cache_control(no_cache=True, max_age=0)
def service_worker(request):
    return HttpResponse(_service_worker(), content_type="text/javascript; charset=utf-8")


@require_GET
@cache_control(max_age=86400, public=True)
def manifest(request):
    """The web app manifest: what a phone needs to install Momentum on its home screen."""
    icons = [
        {"src": static(f"img/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ]
    icons.append(
        {
            "src": static("img/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        }
    )
    return JsonResponse(
        {
            "name": "Momentum",
            "short_name": "Momentum",
            "description": "One hour of learning a day, one honest reflection, together.",
            "id": "/",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#fbfaf7",
            "theme_color": "#c2461e",
            "icons": icons,
        },
        content_type="application/manifest+json",
    )


@require_GET
def offline(request):
    """What the service worker shows for a page that is not saved on the device when the
    network is gone; the same for everyone, so the worker keeps it from the install on."""
    return render(request, "journal/offline.html")
