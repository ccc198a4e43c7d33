"""django-scim2's routes, each marked login_not_required: the directory's client authenticates
with its bearer token (npshub.people.scim.auth), not as an employee."""

from django.contrib.auth.decorators import login_not_required
from django.urls import re_path
from django_scim import urls as scim_urls

urlpatterns = [
    re_path(pattern.pattern.regex.pattern, login_not_required(pattern.callback), name=pattern.name)
    for pattern in scim_urls.urlpatterns
]
