from django.urls import path

from crm.contacts import views
from crm.contacts.duplicates import views as duplicates
from crm.contacts.views import territories

app_name = "contacts"
urlpatterns = [
    # accounts
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/new/", views.account_create, name="account_create"),
    path("accounts/bulk/", views.account_bulk, name="account_bulk"),
    path("accounts/recent/", views.account_recent_panel, name="home_recent_accounts"),
    path("accounts/picker/", views.account_picker_options, name="account_picker_options"),
    path(
        "accounts/territories/rematch/", territories.territory_rematch_status, name="territory_rematch_status"
    ),
    path(
        "accounts/territories/rematch/start/",
        territories.territory_rematch_start,
        name="territory_rematch_start",
    ),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/edit/", views.account_update, name="account_update"),
    path("accounts/<int:pk>/fields/<str:key>/", views.account_field, name="account_field"),
    path("accounts/<int:pk>/owner/", views.account_owner, name="account_owner"),
    path("accounts/<int:pk>/delete/", views.account_delete, name="account_delete"),
    path("accounts/<int:pk>/addresses/", views.account_address_add, name="account_address_add"),
    path("accounts/<int:pk>/contacts/link/", views.account_contact_link, name="account_contact_link"),
    path("accounts/<int:pk>/contacts/picker/", views.account_contact_picker, name="account_contact_picker"),
    path("accounts/<int:pk>/owner/form/", views.account_owner_form, name="account_owner_form"),
    path("accounts/<int:pk>/addresses/form/", views.account_address_form, name="account_address_form"),
    path("accounts/<int:pk>/network/", views.account_network, name="account_network"),
    path("accounts/<int:pk>/links/", views.account_link_add, name="account_link_add"),
    path(
        "accounts/<int:pk>/links/<int:link_pk>/remove/", views.account_link_remove, name="account_link_remove"
    ),
    # contacts
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/bulk/", views.contact_bulk, name="contact_bulk"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.contact_update, name="contact_update"),
    path("contacts/<int:pk>/fields/<str:key>/", views.contact_field, name="contact_field"),
    path("contacts/<int:pk>/owner/", views.contact_owner, name="contact_owner"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("contacts/<int:pk>/addresses/", views.contact_address_add, name="contact_address_add"),
    path("contacts/<int:pk>/accounts/link/", views.contact_account_link, name="contact_account_link"),
    path("contacts/<int:pk>/accounts/picker/", views.contact_account_picker, name="contact_account_picker"),
    path("contacts/picker/", views.contact_picker_options, name="contact_picker_options"),
    path("contacts/<int:pk>/network/", views.contact_network, name="contact_network"),
    path("contacts/<int:pk>/links/", views.contact_link_add, name="contact_link_add"),
    path(
        "contacts/<int:pk>/links/<int:link_pk>/remove/", views.contact_link_remove, name="contact_link_remove"
    ),
    path("contacts/<int:pk>/accounts/<int:account_pk>/role/", views.membership_role, name="membership_role"),
    path(
        "contacts/<int:pk>/accounts/<int:account_pk>/unlink/",
        views.membership_remove,
        name="membership_remove",
    ),
    # duplicates and merge
    path("duplicates/", duplicates.duplicate_queue, name="duplicate_queue"),
    path("duplicates/scan/", duplicates.duplicate_scan_start, name="duplicate_scan"),
    path("duplicates/not-duplicate/", duplicates.duplicate_not_duplicate, name="duplicate_not_duplicate"),
    path("duplicates/check/", duplicates.duplicate_check_panel, name="duplicate_check"),
    path("duplicates/merge/", duplicates.duplicate_merge, name="duplicate_merge"),
    path("duplicates/merges/<int:pk>/", duplicates.duplicate_merge_detail, name="duplicate_merge_detail"),
    path("duplicates/merges/<int:pk>/undo/", duplicates.duplicate_merge_undo, name="duplicate_merge_undo"),
    # addresses (of either)
    path("addresses/<int:pk>/edit/", views.address_update, name="address_update"),
    path("addresses/<int:pk>/form/", views.address_form, name="address_form"),
    path("addresses/<int:pk>/remove/", views.address_remove, name="address_remove"),
]
