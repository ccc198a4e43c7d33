"""Employees, their teams and departments, stores and regions.

Employees are the project's user model (settings.AUTH_USER_MODEL, Django's own) with a Profile:
code refers to users only through get_user_model() / settings.AUTH_USER_MODEL, so a custom
user model for SSO can replace it later.
"""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _new_directory_id():
    return uuid.uuid4().hex


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
    # The company directory's identifiers: the OpenID Connect subject (issuer-scoped ``sub``) and
    # the SCIM resource id we gave the directory's client, with the directory's own externalId.
    sso_subject = models.CharField(max_length=255, null=True, blank=True, unique=True, editable=False)
    scim_id = models.CharField(max_length=64, null=True, unique=True, default=_new_directory_id, editable=False)
    scim_external_id = models.CharField(max_length=255, blank=True, editable=False)

    def __str__(self):
        return f"Profile of {self.user}"

    @property
    def region(self):
        return self.store.region if self.store_id else None


class DirectoryGroup(models.Model):
    """A group of the company directory, pushed by its SCIM client (Users and Groups). Membership
    gives roles through DIRECTORY_ROLE_MAPPING (by display name or external id); unmapped groups
    are kept so that the directory can read back what it wrote."""

    scim_id = models.CharField(max_length=64, unique=True, default=_new_directory_id, editable=False)
    display_name = models.CharField(_("name"), max_length=255)
    external_id = models.CharField(_("external id"), max_length=255, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="directory_groups")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("directory group")

    def __str__(self):
        return self.display_name


class ProvisioningToken(models.Model):
    """A bearer token of a directory's SCIM client. Only a SHA-256 hash of it is stored: the
    token is shown once, by `python manage.py create_scim_token NAME`."""

    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("starts with"), max_length=8, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("SCIM token")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key):
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, name):
        """A new token: returns (row, the key in clear, to show once)."""
        key = secrets.token_urlsafe(32)
        return cls.objects.create(name=name, key_hash=cls.hash(key), prefix=key[:8]), key

    @classmethod
    def verify(cls, key):
        """The active token with this key, or None; records when it was last used."""
        from django.utils import timezone

        if not key:
            return None
        token = cls.objects.filter(key_hash=cls.hash(key), active=True).first()
        if token is not None:
            cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token
