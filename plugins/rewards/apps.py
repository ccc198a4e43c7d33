from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _crud(*models, view_only=False):
    actions = ("view",) if view_only else ("add", "change", "delete", "view")
    return [f"rewards.{action}_{model}" for model in models for action in actions]


# Editors define badges; CX admins run the programme: rules, store, challenges, records. Team managers
# reach the admin for its home page: the redemptions waiting for their approval.
PERMISSIONS = {
    "editor": [*_crud("badge"), "wagtailadmin.access_admin"],
    "team_manager": ["wagtailadmin.access_admin"],
    "cx_admin": [
        *_crud("rule", "badge", "rewarditem", "challenge"),
        *_crud("ledgerentry", "redemption", "balancedrift", "kudos", view_only=True),
    ],
}


class RewardsConfig(AppConfig):
    name = "rewards"
    label = "rewards"
    verbose_name = _("Rewards")
    default_auto_field = "django.db.models.BigAutoField"

    class NpsHubPluginMeta:
        name = "Rewards"
        version = "1.0"
        description = "Points, badges, the rewards store, team challenges, kudos and leaderboards."
        api = "rewards.api.register"
        blocks = "rewards.blocks.BLOCKS"
        urls = "rewards.urls"
        nav = [(_("Rewards"), "rewards:store"), (_("Leaderboards"), "rewards:leaderboards"), (_("My profile"), "rewards:me")]
        settings = {"REWARDS_KUDOS_PER_DAY": 3}
        demo = "rewards.demo.load"
        css = ["rewards/rewards.css"]
        js = ["rewards/rewards.js"]
        sections = "rewards.sections.SECTIONS"  # its parts of the digest and Teams cards
        permissions = PERMISSIONS  # granted by the core (npshub.people.roles.ensure_groups) after migrate
        beat = {
            "rewards-check-balances": {"task": "rewards.check_balances", "schedule": 3600},
            "rewards-settle-challenges": {"task": "rewards.settle_challenges", "schedule": 900},
            # Daily; the task looks at the previous month and awards once (unique per month).
            "rewards-ambassador-of-the-month": {"task": "rewards.award_ambassadors", "schedule": 86400},
        }

    def ready(self):
        from npshub import metrics
        from rewards import services, signal_handlers, tasks  # noqa: F401

        metrics.provide("recognition.user_summary", services.user_summary)
        metrics.provide("recognition.user_summaries", services.user_summaries)
        metrics.provide("recognition.top_teams", services.top_teams)
        metrics.provide("recognition.new_badges", services.new_badges)

