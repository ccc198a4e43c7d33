from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from npshub.people.models import Department, Region, Store, Team


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
