from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from npshub.people.roles import CX_ADMIN, has_role
from npshub.reach.models import EmbedSite


class EmbedSiteViewSet(SnippetViewSet):
    model = EmbedSite
    icon = "code"
    menu_label = _("Embedded score")
    list_display = ("name", "origins", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("name", "origins")
    add_to_admin_menu = False


register_snippet(EmbedSiteViewSet)


class ReachMenuItem(MenuItem):
    def is_shown(self, request):
        return has_role(request.user, CX_ADMIN)


@hooks.register("register_admin_menu_item")
def reach_dashboard_menu_item():
    return ReachMenuItem(_("Reach dashboard"), "/reach/", icon_name="view", order=950)
