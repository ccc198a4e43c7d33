"""Admin: rules, badges, store items and challenges are snippets (CX admins and editors create and
reuse them); the ledger, redemptions, drift records and kudos are read-only ModelAdmin records."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup
from wagtail_modeladmin.helpers import ButtonHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from npshub import formats
from npshub.admin_home import Figure, HubPanel, add_panel
from npshub.admin_records import ReadOnlyPermissionHelper
from npshub.people import roles
from rewards import ledger, services
from rewards.models import BalanceDrift, Badge, Challenge, Kudos, LedgerEntry, Redemption, RewardItem, Rule


class RuleViewSet(SnippetViewSet):
    model = Rule
    icon = "pick"
    menu_label = _("Points rules")
    list_display = ["name", "event_type", "amount", "daily_cap", "monthly_cap", "cooldown_minutes", "active"]
    list_filter = ["event_type", "active"]


class BadgeViewSet(SnippetViewSet):
    model = Badge
    icon = "success"
    menu_label = _("Badges")
    list_display = ["name", "tier", "criterion", "event_type", "threshold", "active"]
    list_filter = ["tier", "criterion", "active"]


class RewardItemViewSet(SnippetViewSet):
    model = RewardItem
    icon = "tag"
    menu_label = _("Store items")
    list_display = ["name", "price", "stock", "per_person_limit", "needs_approval", "active"]
    list_filter = ["active", "needs_approval"]


class ChallengeViewSet(SnippetViewSet):
    model = Challenge
    icon = "group"
    menu_label = _("Team challenges")
    list_display = ["title", "team", "goal", "target", "starts_on", "ends_on", "reached_at"]
    list_filter = ["goal"]


class RewardsSnippets(SnippetViewSetGroup):
    items = (RuleViewSet, BadgeViewSet, RewardItemViewSet, ChallengeViewSet)
    menu_icon = "pick"
    menu_label = _("Rewards setup")
    menu_name = "rewards-setup"
    menu_order = 250


register_snippet(RewardsSnippets)


class LedgerButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        if (roles.has_role(self.request.user, roles.CX_ADMIN) and obj.kind != LedgerEntry.REVERSAL
                and obj.user_id != self.request.user.pk):
            buttons.append({
                "url": reverse("rewards_reverse_entry", args=[obj.pk]), "label": _("Reverse"),
                "classname": "button button-secondary button-small", "title": _("Write a reversing entry"),
            })
        return buttons


class LedgerEntryAdmin(ModelAdmin):
    model = LedgerEntry
    menu_label = _("Points ledger")
    menu_icon = "list-ul"
    list_display = ("created_at", "user", "amount", "kind", "reason", "event_type", "event_id", "approved_by")
    list_filter = ("kind", "event_type")
    search_fields = ("reason", "event_id", "user__username", "user__last_name")
    list_export = ("created_at", "user", "amount", "kind", "reason", "event_type", "event_id", "rule", "approved_by", "reverses")
    list_select_related = ("user", "approved_by")
    inspect_view_enabled = True
    permission_helper_class = ReadOnlyPermissionHelper
    button_helper_class = LedgerButtonHelper


class RedemptionButtonHelper(ButtonHelper):
    """Approve or reject from the admin, for whoever may decide (never on their own request)."""

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        if obj.status == Redemption.PENDING and services.can_decide(self.request.user, obj):
            buttons.append({
                "url": reverse("rewards_decide_redemption", args=[obj.pk]), "label": _("Decide"),
                "classname": "button button-small", "title": _("Approve or reject this redemption"),
            })
        return buttons


class RedemptionAdmin(ModelAdmin):
    model = Redemption
    menu_label = _("Redemptions")
    menu_icon = "tag"
    list_display = ("created_at", "user", "item", "price", "status", "decided_by")
    list_filter = ("status", "item")
    search_fields = ("user__username", "user__last_name", "item__name")
    list_export = ("id", "created_at", "user", "user__email", "user__profile__team", "item", "price", "status", "decided_by", "decided_at")
    export_filename = "redemptions"
    list_select_related = ("user__profile__team", "item", "decided_by")
    inspect_view_enabled = True
    permission_helper_class = ReadOnlyPermissionHelper
    button_helper_class = RedemptionButtonHelper


class DriftAdmin(ModelAdmin):
    model = BalanceDrift
    menu_label = _("Balance checks")
    menu_icon = "warning"
    list_display = ("detected_at", "user", "wallet_balance", "ledger_sum", "difference")
    list_export = ("detected_at", "user", "wallet_balance", "ledger_sum")
    permission_helper_class = ReadOnlyPermissionHelper


class KudosAdmin(ModelAdmin):
    model = Kudos
    menu_label = _("Kudos")
    menu_icon = "openquote"
    list_display = ("created_at", "giver", "receiver", "message")
    search_fields = ("message", "giver__username", "receiver__username")
    list_export = ("created_at", "giver", "receiver", "message")
    permission_helper_class = ReadOnlyPermissionHelper


@modeladmin_register
class RewardsRecords(ModelAdminGroup):
    menu_label = _("Rewards records")
    menu_icon = "list-ul"
    menu_order = 260
    items = (LedgerEntryAdmin, RedemptionAdmin, DriftAdmin, KudosAdmin)


def reverse_entry_view(request, entry_id):
    """Confirm, then write the reversing entry (CX admins only)."""
    if not roles.has_role(request.user, roles.CX_ADMIN):
        raise PermissionDenied
    entry = get_object_or_404(LedgerEntry.objects.select_related("user"), pk=entry_id)
    index_url = reverse("rewards_ledgerentry_modeladmin_index")
    if entry.user_id == request.user.pk:  # four eyes: a reversal of one's own entry is someone else's call
        raise PermissionDenied(_("Nobody reverses their own ledger entries: another CX admin has to."))
    if request.method == "POST":
        try:
            ledger.reverse(entry, request.user, request.POST.get("reason", "").strip())
        except (ValueError, ledger.InsufficientPoints) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Entry %(pk)s reversed.") % {"pk": entry.pk})
        return redirect(index_url)
    return TemplateResponse(request, "rewards/admin/reverse_entry.html", {"entry": entry, "index_url": index_url})


def decide_redemption_view(request, redemption_id):
    """Approve or reject a pending redemption: its requester's team manager or a CX admin, never
    the requester (services.decision_refusal)."""
    redemption = get_object_or_404(Redemption.objects.select_related("item", "user__profile__team"), pk=redemption_id)
    refusal = services.decision_refusal(request.user, redemption)
    if refusal:
        raise PermissionDenied(refusal)
    index_url = reverse("rewards_redemption_modeladmin_index")
    if request.method == "POST":
        approve = request.POST.get("decision") == "approve"
        try:
            services.decide(redemption.pk, request.user, approve)
        except services.StoreConflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Approved.") if approve else _("Rejected; the points were refunded."))
        return redirect(index_url)
    return TemplateResponse(request, "rewards/admin/decide_redemption.html", {"redemption": redemption, "index_url": index_url})


@hooks.register("register_admin_urls")
def register_reverse_url():
    return [
        path("rewards/ledger/<int:entry_id>/reverse/", reverse_entry_view, name="rewards_reverse_entry"),
        path("rewards/redemptions/<int:redemption_id>/decide/", decide_redemption_view, name="rewards_decide_redemption"),
    ]


class PendingRedemptionsPanel(HubPanel):
    """The admin home: redemptions waiting for this person's decision (team managers, CX admins)."""

    name = "pending-redemptions"
    heading = _("Redemptions awaiting approval")
    roles = (roles.TEAM_MANAGER, roles.CX_ADMIN)
    order = 40

    def figures(self):
        self.pending = services.pending_for(self.user)
        oldest = self.pending[0].created_at if self.pending else None
        return [Figure(_("Waiting for you"), formats.number(len(self.pending)),
                       note=_("oldest %(ago)s") % {"ago": formats.ago(oldest)} if oldest else "")]

    def links(self):
        return [(_("Approvals"), reverse("rewards:approvals"))]


@hooks.register("construct_homepage_panels")
def pending_redemptions_panel(request, panels):
    add_panel(request, panels, PendingRedemptionsPanel)
