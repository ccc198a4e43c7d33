"""Roles are Django groups with these names; a user may hold several, a superuser holds all."""

from django.contrib.auth.models import Group, Permission

EMPLOYEE = "employee"
CALLER = "caller"
TEAM_MANAGER = "team_manager"
EDITOR = "editor"
CX_ADMIN = "cx_admin"
ALL = (EMPLOYEE, CALLER, TEAM_MANAGER, EDITOR, CX_ADMIN)

LABELS = {
    EMPLOYEE: "Employee",
    CALLER: "Caller",
    TEAM_MANAGER: "Team manager",
    EDITOR: "Editor",
    CX_ADMIN: "CX admin",
}

# Model permissions per role, as "app_label.codename"; unknown ones (a disabled plugin's) are
# skipped. Plugins extend this through their own post_migrate handlers.
PERMISSIONS = {
    EMPLOYEE: [],
    CALLER: [],
    TEAM_MANAGER: [],
    EDITOR: [
        "wagtailadmin.access_admin",
        "wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image",
        "wagtaildocs.add_document", "wagtaildocs.change_document", "wagtaildocs.choose_document",
        "digest.add_announcement", "digest.change_announcement", "digest.view_announcement",
    ],
    CX_ADMIN: [
        "wagtailadmin.access_admin",
        "people.add_department", "people.change_department", "people.view_department",
        "people.add_team", "people.change_team", "people.view_team",
        "people.add_store", "people.change_store", "people.view_store",
        "people.add_region", "people.change_region", "people.view_region",
        "feedback.add_source", "feedback.change_source", "feedback.view_source",
        "feedback.view_response", "feedback.view_purgerun",
        "feedback.add_sourcepull", "feedback.change_sourcepull", "feedback.view_sourcepull",
        "feedback.delete_sourcepull", "feedback.view_pullrun",
        "digest.add_announcement", "digest.change_announcement", "digest.view_announcement",
        "reach.change_awarenesssettings", "reach.view_awarenesssettings",
        "reach.add_embedsite", "reach.change_embedsite", "reach.view_embedsite", "reach.delete_embedsite",
    ],
}


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
    """Create the role groups and give them their permissions. Idempotent."""
    for name in ALL:
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in PERMISSIONS[name]:
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission:
                group.permissions.add(permission)
    _grant_editor_page_permissions()


def _grant_editor_page_permissions():
    """Editors may add, change and publish pages anywhere in the tree."""
    from wagtail.models import GroupPagePermission, Page

    root = Page.get_first_root_node()
    if root is None:
        return
    editor = Group.objects.get(name=EDITOR)
    for codename in ("add_page", "change_page", "publish_page"):
        permission = Permission.objects.filter(
            content_type__app_label="wagtailcore", codename=codename
        ).first()
        if permission:
            GroupPagePermission.objects.get_or_create(group=editor, page=root, permission=permission)


def ensure_groups_after_migrate(sender, apps=None, **kwargs):
    """post_migrate is sent once per app; act on the last one, when every permission exists."""
    from django.apps import apps as global_apps

    with_models = [config for config in global_apps.get_app_configs() if config.models_module]
    if sender.label == with_models[-1].label:
        ensure_groups()
