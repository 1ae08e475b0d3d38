"""A person's own settings, and the welcome step of their first day."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render

from journal import services
from journal.forms import AccountDeleteForm, ProfileForm, WelcomeForm


@login_required
def profile_settings(request):
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=request.user, **form.cleaned_data)
        messages.success(request, "Your profile is saved.")
        return redirect("journal:settings")
    return render(
        request, "journal/settings.html", {"form": form}, status=400 if form.errors else 200
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
