from django.urls import path

from crm.catalog import views

app_name = "catalog"
urlpatterns = [
    path("products/", views.product_list, name="product_list"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("products/<int:pk>/edit/", views.product_update, name="product_update"),
    path("products/<int:pk>/delete/", views.product_delete, name="product_delete"),
    path("products/<int:pk>/prices/", views.product_price_set, name="product_price_set"),
    path(
        "products/<int:pk>/prices/<int:book_pk>/remove/",
        views.product_price_remove,
        name="product_price_remove",
    ),
    path("settings/price-books/", views.price_book_list, name="price_book_list"),
    path("settings/price-books/new/", views.price_book_create, name="price_book_create"),
    path("settings/price-books/<int:pk>/", views.price_book_update, name="price_book_update"),
    path("settings/price-books/<int:pk>/delete/", views.price_book_delete, name="price_book_delete"),
    path("settings/currencies/", views.currency_list, name="currency_list"),
    path("settings/currencies/new/", views.currency_create, name="currency_create"),
    path("settings/currencies/<str:code>/", views.currency_detail, name="currency_detail"),
    path("settings/currencies/<str:code>/company/", views.currency_set_company, name="currency_set_company"),
    path("settings/currencies/<str:code>/delete/", views.currency_delete, name="currency_delete"),
    path("settings/currencies/<str:code>/rates/", views.exchange_rate_add, name="exchange_rate_add"),
    path(
        "settings/currencies/<str:code>/rates/<int:pk>/delete/",
        views.exchange_rate_delete,
        name="exchange_rate_delete",
    ),
    path("settings/taxes/", views.tax_list, name="tax_list"),
    path("settings/taxes/new/", views.tax_create, name="tax_create"),
    path("settings/taxes/<int:pk>/", views.tax_update, name="tax_update"),
    path("settings/taxes/<int:pk>/delete/", views.tax_delete, name="tax_delete"),
]
