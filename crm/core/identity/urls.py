from django.urls import path

from crm.core.identity.views import auth, profile, roles, teams, users

app_name = "identity"
urlpatterns = [
    # signing in and passwords
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("me/password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("me/password/done/", auth.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password-reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", auth.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # one's own profile and API tokens
    path("me/", profile.profile, name="profile"),
    path("me/tokens/", profile.token_create, name="token_create"),
    path("me/tokens/<int:pk>/revoke/", profile.token_revoke, name="token_revoke"),
    # administration
    path("settings/users/", users.user_list, name="user_list"),
    path("settings/users/new/", users.user_create, name="user_create"),
    path("settings/users/<int:pk>/", users.user_edit, name="user_edit"),
    path("settings/users/<int:pk>/password/", users.user_password, name="user_password"),
    path("settings/users/<int:pk>/reset-link/", users.user_reset_link, name="user_reset_link"),
    path("settings/teams/", teams.team_list, name="team_list"),
    path("settings/teams/new/", teams.team_create, name="team_create"),
    path("settings/teams/<int:pk>/", teams.team_edit, name="team_edit"),
    path("settings/teams/<int:pk>/delete/", teams.team_delete, name="team_delete"),
    path("settings/roles/", roles.role_list, name="role_list"),
    path("settings/roles/new/", roles.role_create, name="role_create"),
    path("settings/roles/<int:pk>/", roles.role_edit, name="role_edit"),
    path("settings/roles/<int:pk>/delete/", roles.role_delete, name="role_delete"),
]
