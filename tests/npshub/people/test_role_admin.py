"""On a freshly migrated database (the test database: no ensure_groups() call here) each role has
the admin README gives it: every menu it should see is in its admin sidebar and opens, and one it
should not see is refused. Plugin menus are checked when the plugin is enabled."""

import re

import pytest
from django.apps import apps
from django.test import Client
from wagtail.models import Collection, GroupCollectionPermission

from npshub.people import roles
from tests import factories as f

pytestmark = pytest.mark.django_db

# role → [(admin URL, in the sidebar menu itself?, app that must be enabled or None)]
SEES = {
    # The admin home only: their panels (overdue callbacks; redemptions to approve).
    "caller": [("/admin/", False, "callbacks")],
    "team_manager": [("/admin/", False, "callbacks"), ("/admin/", False, "rewards")],
    "editor": [
        ("/admin/pages/", True, None),
        ("/admin/images/", True, None),
        ("/admin/images/multiple/add/", False, None),
        ("/admin/documents/", True, None),
        ("/admin/documents/multiple/add/", False, None),
        ("/admin/snippets/feedback/topic/", True, None),
        ("/admin/digest/", True, None),
        ("/admin/snippets/digest/channelpost/", True, None),
        ("/admin/snippets/digest/channelpost/add/", False, None),
        ("/admin/snippets/rewards/badge/", True, "rewards"),
        ("/admin/snippets/callbacks/trainingcollection/", False, "callbacks"),
        ("/admin/media/", True, None),
        ("/admin/media/video/add/", False, None),
        ("/admin/nps_widgets/screen/", True, "nps_widgets"),
    ],
    "cx_admin": [
        ("/admin/media/", True, None),
        ("/admin/media/video/add/", False, None),
        ("/admin/people/department/", True, None),
        ("/admin/people/team/", True, None),
        ("/admin/people/store/", True, None),
        ("/admin/people/region/", True, None),
        ("/admin/feedback/source/", True, None),
        ("/admin/feedback/response/", True, None),
        ("/admin/feedback/sourcepull/", True, None),
        ("/admin/snippets/feedback/topic/", True, None),
        ("/admin/snippets/feedback/dimensionvalue/", True, None),
        ("/admin/snippets/digest/teamschannel/", False, None),
        ("/admin/snippets/digest/teamschannel/add/", False, None),
        ("/admin/digest/mailing/", True, None),
        ("/admin/digest/sendlog/", True, None),
        ("/admin/digest/teamspost/", True, None),
        ("/admin/digest/", True, None),
        ("/admin/digest/outbox/", True, None),
        ("/admin/snippets/digest/channelpost/", True, None),
        ("/admin/nps_widgets/screen/", True, "nps_widgets"),
        ("/admin/nps_widgets/screen/create/", False, "nps_widgets"),
        ("/admin/callbacks/callback/", True, "callbacks"),
        ("/admin/callbacks/consentchange/", True, "callbacks"),
        ("/admin/callbacks/auditlog/", True, "callbacks"),
        ("/admin/callbacks/playbookaction/", True, "callbacks"),
        ("/admin/snippets/callbacks/playbook/", False, "callbacks"),
        ("/admin/snippets/rewards/rule/", True, "rewards"),
        ("/admin/rewards/ledgerentry/", True, "rewards"),
    ],
}
# role → an admin URL it must not open
REFUSED = {
    "employee": "/admin/",
    "caller": "/admin/pages/",
    "team_manager": "/admin/pages/",
    "editor": "/admin/people/team/",
    "cx_admin": "/admin/users/",
}


def _enabled(app_label):
    return app_label is None or apps.is_installed(app_label)


@pytest.mark.parametrize("role", roles.ALL)
def test_each_role_opens_its_admin_menus_on_a_fresh_database(role):
    client = Client()
    client.force_login(f.user(role))
    expected = [(url, in_menu) for url, in_menu, app in SEES.get(role, []) if _enabled(app)]
    if expected:
        home = client.get("/admin/")
        assert home.status_code == 200
        sidebar = home.content.decode()
        missing = [url for url, in_menu in expected if in_menu and not re.search(re.escape(url) + '(?:"|&quot;)', sidebar)]
        assert missing == []
        refused = {url: client.get(url).status_code for url, _in_menu in expected}
        assert {url: status for url, status in refused.items() if status != 200} == {}
    forbidden = client.get(REFUSED[role])
    assert forbidden.status_code == 302 and forbidden.url.startswith(("/admin/login/", "/admin/")), forbidden.url
    if role == "employee":
        assert forbidden.url.startswith("/admin/login/")


def test_editors_may_upload_into_every_collection():
    root = Collection.get_first_root_node()
    granted = set(GroupCollectionPermission.objects.filter(group__name=roles.EDITOR, collection=root)
                  .values_list("permission__content_type__app_label", "permission__codename"))
    assert granted == {("wagtailimages", "add_image"), ("wagtailimages", "change_image"), ("wagtailimages", "choose_image"),
                       ("wagtaildocs", "add_document"), ("wagtaildocs", "change_document"), ("wagtaildocs", "choose_document"),
                       ("wagtailmedia", "add_media"), ("wagtailmedia", "change_media")}


def test_editors_and_cx_admins_may_upload_videos_into_every_collection():
    root = Collection.get_first_root_node()
    for role in (roles.EDITOR, roles.CX_ADMIN):
        granted = set(GroupCollectionPermission.objects.filter(
            group__name=role, collection=root, permission__content_type__app_label="wagtailmedia",
        ).values_list("permission__codename", flat=True))
        assert granted == {"add_media", "change_media"}


def test_plugin_permissions_come_from_their_meta_and_unknown_roles_are_refused():
    from npshub import plugins

    declared = roles.permissions()
    for plugin in plugins.get_plugins():
        for role, codenames in plugin.permissions.items():
            assert set(codenames) <= set(declared[role])

    class Meta:
        name = "Broken"
        permissions = {"admins": ["x.view_y"]}

    class Config:
        label = "broken"
        name = "broken"
        NpsHubPluginMeta = Meta

    with pytest.raises(plugins.PluginError, match="unknown role 'admins'"):
        plugins._build(Config)
