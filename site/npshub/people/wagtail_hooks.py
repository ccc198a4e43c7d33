from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from npshub.people import admin_views
from npshub.people.models import Department, Region, Store, Team
from npshub.people.roles import CX_ADMIN, has_role


class DepartmentAdmin(ModelAdmin):
    model = Department
    menu_icon = "group"
    list_display = ("name", "slug", "parent")
    list_filter = ("parent",)
    search_fields = ("name", "slug")


class TeamAdmin(ModelAdmin):
    model = Team
    menu_icon = "group"
    list_display = ("name", "slug", "department", "store", "manager")
    list_filter = ("department",)
    search_fields = ("name", "slug")
    list_export = ("name", "slug", "department", "store")


class StoreAdmin(ModelAdmin):
    model = Store
    menu_icon = "home"
    list_display = ("name", "slug", "region", "city")
    list_filter = ("region",)
    search_fields = ("name", "city")


class RegionAdmin(ModelAdmin):
    model = Region
    menu_icon = "site"
    list_display = ("name", "slug")


@modeladmin_register
class OrganisationGroup(ModelAdminGroup):
    menu_label = "Organisation"
    menu_icon = "group"
    menu_order = 300
    items = (DepartmentAdmin, TeamAdmin, StoreAdmin, RegionAdmin)


@hooks.register("register_admin_urls")
def signin_admin_urls():
    return [
        path("sign-in-lockouts/", admin_views.lockouts, name="people_lockouts"),
        path("sign-in-lockouts/unlock/", admin_views.unlock, name="people_lockouts_unlock"),
    ]


class CxAdminMenuItem(MenuItem):
    def is_shown(self, request):
        return has_role(request.user, CX_ADMIN)


@hooks.register("register_settings_menu_item")
def lockouts_menu_item():
    return CxAdminMenuItem(_("Sign-in lockouts"), reverse("people_lockouts"), icon_name="lock", order=900)
