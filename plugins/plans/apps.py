from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    label = "plans"
    verbose_name = _("Action plans")
    default_auto_field = "django.db.models.BigAutoField"

    class NpsHubPluginMeta:
        name = "Action plans"
        version = "1.0"
        description = "Team and department action plans with actions, check-ins and their measured effect; the weekly team meeting."
        api = "plans.api.register"
        urls = "plans.urls"
        nav = [(_("Action plans"), "plans:overview")]
        demo = "plans.demo.load"
        css = ["plans/plans.css"]
        page_sections = {"home": "plans.sections.home", "team": "plans.sections.team"}
        beat = {"plans-remind-check-ins": {"task": "plans.remind_check_ins", "schedule": 3600}}
        settings = {
            "PLANS_BASELINE_MIN_DAYS": 28,   # the effect compares the plan's days with at least this many before it
            "PLANS_REMIND_TEAMS": True,      # also post check-in reminders to the Teams channels of weekly results
        }

    def ready(self):
        from npshub.api.schema import name_enum
        from plans import signal_handlers, tasks  # noqa: F401

        name_enum("PlanStatusEnum", "plans.models.Plan.Status")
        name_enum("PlanActionStatusEnum", "plans.models.Action.Status")
