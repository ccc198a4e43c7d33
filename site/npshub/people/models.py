"""Employees, their teams and departments, stores and regions.

Employees are the project's user model (settings.AUTH_USER_MODEL, Django's own) with a Profile:
code refers to users only through get_user_model() / settings.AUTH_USER_MODEL, so a custom
user model for SSO can replace it later.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Store(models.Model):
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="stores")
    city = models.CharField(_("city"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Department(models.Model):
    """A node of the organisation chart; ``parent`` makes the hierarchy."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def ancestors(self):
        node, chain = self.parent, []
        while node is not None and node not in chain:
            chain.append(node)
            node = node.parent
        return chain

    def descendant_ids(self):
        """Ids of this department and every department below it (one query per level)."""
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(
                Department.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            ids.extend(frontier)
        return ids


class Team(models.Model):
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(unique=True, help_text=_("Also the 'team' value of customer responses."))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="teams")
    store = models.ForeignKey(Store, null=True, blank=True, on_delete=models.SET_NULL, related_name="teams")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_teams"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Profile(models.Model):
    LANGUAGES = [("en", "English"), ("ru", "Русский")]

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    store = models.ForeignKey(Store, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff")
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES, default="en")
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)

    def __str__(self):
        return f"Profile of {self.user}"

    @property
    def region(self):
        return self.store.region if self.store_id else None
