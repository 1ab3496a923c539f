"""Sign in and out, change a forgotten or known password: Django's auth views with our templates."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse_lazy

from crm.core.identity.forms import LoginForm, PasswordResetForm


class LoginView(auth_views.LoginView):
    template_name = "identity/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        cache.delete(form._throttle_key())
        if not form.cleaned_data.get("remember_me"):
            self.request.session.set_expiry(0)  # until the browser closes
        return response


class LogoutView(auth_views.LogoutView):
    next_page = "identity:login"  # a URL name: resolved by Django


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "identity/password_change.html"
    success_url = reverse_lazy("identity:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "identity/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "identity/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "identity/password_reset_email.txt"
    subject_template_name = "identity/password_reset_subject.txt"
    success_url = reverse_lazy("identity:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "identity/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "identity/password_reset_confirm.html"
    success_url = reverse_lazy("identity:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "identity/password_reset_complete.html"
