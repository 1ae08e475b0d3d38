"""A person's webhooks (/settings/webhooks/): add, pause, ping, delete, and the latest
deliveries. Only one's own: anyone else's hook is a 404."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from journal.access import participant_required
from journal.forms import WebhookForm
from journal.models import Webhook, WebhookDelivery
from journal.ratelimit import rate_limited
from journal.services import webhooks


@participant_required
@rate_limited("webhook")
def webhook_list(request):
    """The person's webhooks with their latest deliveries, and the form to add one."""
    form = WebhookForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            webhooks.webhook_create(person=request.user, **form.cleaned_data)
        except webhooks.WebhookRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, "The webhook is added. Give its secret to your receiver to check it."
            )
            return redirect("journal:webhooks")
    hooks = list(Webhook.objects.filter(person=request.user).order_by("created_at", "pk"))
    by_hook = {hook.pk: hook for hook in hooks}
    for hook in hooks:
        hook.latest = []
    # At most MAX_WEBHOOKS × KEPT_DELIVERIES rows: older ones are pruned as new ones come.
    for delivery in WebhookDelivery.objects.filter(webhook__in=hooks).order_by("-id"):
        by_hook[delivery.webhook_id].latest.append(delivery)
    return render(
        request,
        "journal/webhooks.html",
        {
            "form": form,
            "hooks": hooks,
            "room_left": len(hooks) < webhooks.MAX_WEBHOOKS,
            "max_webhooks": webhooks.MAX_WEBHOOKS,
            "kept": webhooks.KEPT_DELIVERIES,
        },
        status=400 if form.errors else 200,
    )


def _own_webhook(request, pk):
    return get_object_or_404(Webhook, pk=pk, person=request.user)


def _back_to(hook):
    return redirect(f"{reverse('journal:webhooks')}#webhook-{hook.pk}")


@participant_required
@require_POST
@rate_limited("webhook")
def webhook_ping(request, pk):
    hook = _own_webhook(request, pk)
    webhooks.webhook_ping(webhook=hook)
    messages.success(request, "A test ping is on its way. Reload in a moment to see how it went.")
    return _back_to(hook)


@participant_required
@require_POST
def webhook_active(request, pk):
    """Pause or resume: the form says which, so that a second click changes nothing."""
    hook = _own_webhook(request, pk)
    active = request.POST.get("active") == "on"
    webhooks.webhook_set_active(webhook=hook, active=active)
    messages.success(request, "The webhook is on again." if active else "The webhook is paused.")
    return _back_to(hook)


@participant_required
@require_POST
def webhook_delete(request, pk):
    hook = _own_webhook(request, pk)
    hook.delete()
    messages.success(request, f"The webhook to {hook.url} is deleted.")
    return redirect("journal:webhooks")
