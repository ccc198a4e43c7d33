"""Roles are Django groups with these names; a user may hold several, a superuser holds all."""

from django.contrib.auth.models import Group, Permission
from django.db import models
from django.utils.translation import gettext_lazy as _



class Role(models.TextChoices):
    """The roles, with their labels for forms (audiences of announcements...)."""

    EMPLOYEE = "employee", _("Employee")
    CALLER = "caller", _("Caller")
    TEAM_MANAGER = "team_manager", _("Team manager")
    EDITOR = "editor", _("Editor")
    CX_ADMIN = "cx_admin", _("CX admin")


EMPLOYEE, CALLER, TEAM_MANAGER, EDITOR, CX_ADMIN = Role.values  # plain names, also the groups' names
ALL = (EMPLOYEE, CALLER, TEAM_MANAGER, EDITOR, CX_ADMIN)

LABELS = {
    EMPLOYEE: "Employee",
    CALLER: "Caller",
    TEAM_MANAGER: "Team manager",
    EDITOR: "Editor",
    CX_ADMIN: "CX admin",
}


def _crud(app_label, *model_names, actions=("add", "change", "delete", "view")):
    return [f"{app_label}.{action}_{model}" for model in model_names for action in actions]


# The core's model permissions per role, as "app_label.codename". Enabled plugins add theirs through
# NpsHubPluginMeta.permissions; ensure_groups grants both (unknown ones, a disabled app's, are skipped).
PERMISSIONS = {
    EMPLOYEE: [],
    CALLER: [],
    TEAM_MANAGER: [],
    EDITOR: [
        "wagtailadmin.access_admin",
        *_crud("feedback", "topic"),
        *_crud("digest", "announcement", actions=("add", "change", "view")),
        *_crud("digest", "channelpost"),
    ],
    CX_ADMIN: [
        "wagtailadmin.access_admin",
        *_crud("people", "department", "team", "store", "region", actions=("add", "change", "view")),
        *_crud("feedback", "source", actions=("add", "change", "view")),
        "feedback.view_response", "feedback.view_purgerun", "feedback.view_pullrun",
        *_crud("feedback", "sourcepull", "topic", "dimensionvalue"),
        *_crud("digest", "teamschannel"),
        *_crud("digest", "mailing", "sendlog", "teamspost", actions=("view",)),
        *_crud("digest", "announcement", actions=("add", "change", "view")),
        *_crud("digest", "channelpost"),
        *_crud("reach", "awarenesssettings", actions=("change", "view")),
        *_crud("reach", "embedsite"),
    ],
}

# Permissions on the root collection (and so every collection below it): editors upload and
# choose images and documents for pages; editors and CX admins upload and choose videos (wagtailmedia
# has no "choose" permission: its chooser lists what one may change).
MEDIA_PERMISSIONS = ["wagtailmedia.add_media", "wagtailmedia.change_media"]
COLLECTION_PERMISSIONS = {
    EDITOR: [
        "wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image",
        "wagtaildocs.add_document", "wagtaildocs.change_document", "wagtaildocs.choose_document",
        *MEDIA_PERMISSIONS,
    ],
    CX_ADMIN: MEDIA_PERMISSIONS,
}


def permissions():
    """{role: ["app_label.codename", ...]}: the core's and the enabled plugins' declarations."""
    from npshub.plugins import plugin_permissions

    declared = {role: list(codenames) for role, codenames in PERMISSIONS.items()}
    for role, codenames in plugin_permissions().items():
        declared[role].extend(c for c in codenames if c not in declared[role])
    return declared


def _permission(dotted):
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()


def user_roles(user):
    if not user or not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(ALL)
    cached = getattr(user, "_npshub_roles", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=ALL).values_list("name", flat=True))
        user._npshub_roles = cached
    return cached


def has_role(user, role):
    return role in user_roles(user)


def has_any_role(user, role_names):
    return bool(user_roles(user) & set(role_names))


def grant(user, *role_names):
    for name in role_names:
        if name not in ALL:
            raise ValueError(f"Unknown role {name!r}; roles are {', '.join(ALL)}.")
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    user.__dict__.pop("_npshub_roles", None)


def revoke(user, *role_names):
    user.groups.remove(*Group.objects.filter(name__in=role_names))
    user.__dict__.pop("_npshub_roles", None)


def ensure_groups():
    """Create the role groups and give them their permissions. Idempotent; the one place roles get
    permissions (after every migrate, from load_demo, and in tests)."""
    for name, dotted_names in permissions().items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*filter(None, map(_permission, dotted_names)))
    _grant_collection_permissions()
    _grant_editor_page_permissions()


def _grant_collection_permissions():
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node()
    if root is None:
        return
    for name, dotted_names in COLLECTION_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        for permission in filter(None, map(_permission, dotted_names)):
            GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)


def _grant_editor_page_permissions():
    """Editors may add, change and publish pages anywhere in the tree."""
    from wagtail.models import GroupPagePermission, Page

    root = Page.get_first_root_node()
    if root is None:
        return
    editor = Group.objects.get(name=EDITOR)
    for codename in ("add_page", "change_page", "publish_page"):
        permission = _permission(f"wagtailcore.{codename}")
        if permission:
            GroupPagePermission.objects.get_or_create(group=editor, page=root, permission=permission)


def ensure_groups_after_migrate(sender, apps=None, using=None, **kwargs):
    """post_migrate is sent once per app with models; act on the last one. Django creates each app's
    permissions in its own post_migrate receiver, which may run after this one (people comes before
    django.contrib.auth in INSTALLED_APPS), so create them first: every permission exists when the
    roles get theirs, on a fresh database too."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    with_models = [config for config in global_apps.get_app_configs() if config.models_module]
    if sender.label != with_models[-1].label:
        return
    for config in with_models:
        create_permissions(config, verbosity=0, using=using or "default", apps=global_apps)
    ensure_groups()
