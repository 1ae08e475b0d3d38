"""A person's own settings, and the welcome step of their first day."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from journal import emails, push, services
from journal.access import participant_required
from journal.forms import (
    AccessTokenForm,
    AccountDeleteForm,
    BlogFeedForm,
    EmailSettingsForm,
    ProfileForm,
    ReminderForm,
    WelcomeForm,
)
from journal.models import AccessToken, BlogFeed
from journal.ratelimit import rate_limited
from journal.services import blogfeeds, reminders
from journal.services import emails as email_services


def settings_page(request, *, form=None, reminder_form=None, email_form=None):
    """The settings page, with the form that was posted (and refused) in place."""
    form = form or ProfileForm(instance=request.user)
    reminder_form = reminder_form or ReminderForm(instance=request.user)
    email_form = email_form or EmailSettingsForm(instance=request.user)
    refused = bool(form.errors or reminder_form.errors or email_form.errors)
    return render(
        request,
        "journal/settings.html",
        {
            "form": form,
            "reminder_form": reminder_form,
            "email_form": email_form,
            "push_enabled": push.enabled(),
            "push_vapid_key": settings.VAPID_PUBLIC_KEY,
            # The devices where push is on (includes/push_settings.html reads them).
            "push_devices": request.user.push_subscriptions.order_by("created_at"),
        },
        status=400 if refused else 200,
    )


@login_required
def profile_settings(request):
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=request.user, **form.cleaned_data)
        messages.success(request, "Your profile is saved.")
        return redirect("journal:settings")
    return settings_page(request, form=form)


@login_required
@require_POST
def reminder_settings(request):
    form = ReminderForm(request.POST, instance=request.user)
    if not form.is_valid():
        return settings_page(request, reminder_form=form)
    reminders.reminder_settings_update(user=request.user, **form.cleaned_data)
    messages.success(
        request,
        f"You will get a reminder at {request.user.reminder_time:%H:%M} "
        f"{reminder_ways(request.user)} on days you have not written yet."
        if request.user.remind_by_email or request.user.remind_by_push
        else "Reminders are off.",
    )
    return redirect("journal:settings")


def reminder_ways(person) -> str:
    """How ``person``'s reminders come, in words."""
    ways = [
        way
        for way, on in (("by email", person.remind_by_email), ("by push", person.remind_by_push))
        if on
    ]
    return " and ".join(ways)


@login_required
@require_POST
def email_settings(request):
    form = EmailSettingsForm(request.POST, instance=request.user)
    if not form.is_valid():
        return settings_page(request, email_form=form)
    email_services.email_settings_update(user=request.user, **form.cleaned_data)
    messages.success(request, "Your email settings are saved.")
    return redirect("journal:settings")


@participant_required
def blog_settings(request):
    """The learner's own blog: its feed's address, and how its last fetch went. A POST
    with ``remove`` stops reading it. Its posts become entries, so suspended people, who
    cannot write, cannot set it."""
    feed = BlogFeed.objects.filter(person=request.user).first()
    if request.method == "POST" and "remove" in request.POST:
        blogfeeds.blog_feed_remove(user=request.user)
        messages.success(request, "Your blog is no longer read. Its entries stay.")
        return redirect("journal:blog_settings")
    if request.method == "POST" and "fetch_now" in request.POST and feed is not None:
        again_at = blogfeeds.blog_feed_fetch_soon(user=request.user)
        if again_at is None:
            messages.success(request, "Your blog is read within a minute.")
        else:
            local = timezone.localtime(again_at, request.user.zone)
            messages.error(
                request,
                f"Your blog was read less than five minutes ago: it can be read again "
                f"from {local:%H:%M} (your time).",
            )
        return redirect("journal:blog_settings")
    form = BlogFeedForm(request.POST if request.method == "POST" else None, instance=feed)
    if request.method == "POST" and form.is_valid():
        blogfeeds.blog_feed_save(user=request.user, **form.cleaned_data)
        messages.success(request, "Your blog is saved. Its feed is read within a minute.")
        return redirect("journal:blog_settings")
    return render(
        request,
        "journal/blog_settings.html",
        {"form": form, "feed": feed},
        status=400 if form.errors else 200,
    )


# The signed token is the authorization: mail clients unsubscribe with a bare POST from
# the List-Unsubscribe header (RFC 8058), which cannot carry a CSRF token.
@csrf_exempt
def unsubscribe(request, token):
    """Stop one kind of email (the one the link came in) without logging in: a GET asks
    to confirm, a POST does it."""
    target = emails.unsubscribe_target(token)
    if target is None:
        return render(request, "journal/unsubscribe.html", {"refused": True}, status=400)
    person, kind = target
    if request.method == "POST":
        email_services.email_unsubscribe(user=person, kind=kind)
    return render(
        request,
        "journal/unsubscribe.html",
        {
            "person": person,
            "kind": kind,
            "kind_name": emails.kind_name(kind),
            "done": request.method == "POST",
        },
    )


@login_required
def welcome(request):
    """A new person's first questions, asked once (journal.adapter leads there): answered or
    skipped, they go on to write Day 1, and the page sends them to their settings after."""
    person = request.user
    if not person.needs_welcome:
        return redirect("journal:settings")
    if request.method == "POST" and "skip" in request.POST:
        services.user_welcomed(user=person)
        return redirect("journal:write")
    form = WelcomeForm(request.POST if request.method == "POST" else None, instance=person)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=person, welcomed=True, **form.cleaned_data)
        messages.success(request, f"Welcome to the challenge, {person.name}.")
        return redirect("journal:write")
    return render(
        request, "journal/welcome.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def account_delete(request):
    """Delete my account with my entries, comments, cheers and follows; nothing else.

    Open to suspended people too: leaving is always allowed.
    """
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        person = request.user
        with transaction.atomic():
            services.user_delete(user=person)
        logout(request)
        messages.success(request, "Your account and everything you wrote are deleted. Take care.")
        return redirect("journal:home")
    return render(
        request, "journal/account_delete.html", {"form": form}, status=400 if form.errors else 200
    )


@participant_required
@rate_limited("token")
def tokens(request):
    """Personal access tokens for the API: made here, their secret shown once (this
    response, never stored, never cached), listed with their last use, revoked."""
    form = AccessTokenForm(request.POST if request.method == "POST" else None, person=request.user)
    secret = None
    if request.method == "POST" and form.is_valid():
        _, secret = services.token_create(person=request.user, **form.cleaned_data)
        form = AccessTokenForm(person=request.user)
    response = render(
        request,
        "journal/tokens.html",
        {"form": form, "secret": secret, "tokens": request.user.access_tokens.all()},
        status=400 if form.errors else 200,
    )
    patch_cache_control(response, no_store=True, private=True)
    return response


@participant_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(AccessToken, pk=pk, person=request.user)
    services.token_revoke(token=token)
    messages.success(request, f"“{token.name}” is revoked: it no longer opens the API.")
    return redirect("journal:tokens")
