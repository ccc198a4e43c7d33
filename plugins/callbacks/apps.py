import os

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from npshub.env import env_int


class CallbacksConfig(AppConfig):
    name = "callbacks"
    label = "callbacks"
    verbose_name = _("Callbacks")
    default_auto_field = "django.db.models.BigAutoField"

    class NpsHubPluginMeta:
        name = "Callbacks"
        version = "1.0"
        description = "Call back consenting customers, record the calls, learn from them."
        api = "callbacks.api.register"
        urls = "callbacks.urls"
        nav = [(_("Callbacks"), "callbacks:queue", ("caller", "cx_admin")), (_("Training calls"), "callbacks:training")]
        blocks = "callbacks.blocks.BLOCKS"
        demo = "callbacks.demo.load"
        css = ["callbacks/callbacks.css"]
        sections = "callbacks.sections.SECTIONS"  # its parts of the digest and Teams cards
        page_sections = {"home": "callbacks.sections.home"}  # detractors turned promoters
        beat = {
            "callbacks-expire-claims": {"task": "callbacks.expire_claims", "schedule": 60},
            "callbacks-refresh-priorities": {"task": "callbacks.refresh_priorities", "schedule": 900},
            "callbacks-purge-recordings": {"task": "callbacks.purge_recordings", "schedule": 3600},
            "callbacks-purge-interviews": {"task": "callbacks.purge_interviews", "schedule": 3600},
            "callbacks-purge-notes": {"task": "callbacks.purge_notes", "schedule": 24 * 3600},
            "callbacks-purge-audit-log": {"task": "callbacks.purge_audit_log", "schedule": 24 * 3600},
        }
        # Granted by the core (npshub.people.roles.ensure_groups) after migrate. Callers and team
        # managers reach the admin for its home page: the overdue callbacks of their scope.
        permissions = {
            "caller": ["wagtailadmin.access_admin"],
            "team_manager": ["wagtailadmin.access_admin"],
            "cx_admin": [
                "callbacks.view_callback", "callbacks.view_auditlog", "callbacks.add_consentchange",
                "callbacks.view_consentchange", "callbacks.view_playbookaction",
                "callbacks.add_playbook", "callbacks.change_playbook", "callbacks.view_playbook",
                "callbacks.delete_playbook", "callbacks.add_trainingcollection",
                "callbacks.change_trainingcollection", "callbacks.view_trainingcollection",
                # CX researchers: upload research interviews, erase them on request.
                "callbacks.add_interview", "callbacks.view_interview", "callbacks.delete_interview",
            ],
            "editor": [
                "callbacks.add_trainingcollection", "callbacks.change_trainingcollection",
                "callbacks.view_trainingcollection", "callbacks.delete_trainingcollection",
            ],
        }
        settings = {
            "CALLBACKS_MAX_SCORE": 6,                 # detractors: 0..6
            "CALLBACKS_INCLUDE_PASSIVES": False,      # also queue 7..8
            "CALLBACKS_MAX_AGE_DAYS": 30,             # older answers (e.g. history imports) are not queued
            "CALLBACKS_PLAYBOOK_MAX_AGE_DAYS": 7,     # nor e-mailed
            "CALLBACKS_SLA_HOURS": {"detractor": 48, "passive": 120},
            "CALLBACKS_PRIORITY_WEIGHTS": {"score": 3.0, "age": 2.0, "segment": 1.0},
            "CALLBACKS_SEGMENT_VALUES": {"vip": 3, "loyal": 2, "new": 1},
            "CALLBACKS_CLAIM_MINUTES": 30,
            "CALLBACKS_RETRY_HOURS": 4,               # second attempt after "no answer"
            "CALLBACKS_MAX_ATTEMPTS": 3,
            "CALLBACKS_DIAL_URI": os.environ.get("CALLBACKS_DIAL_URI", "tel:{phone}"),
            "CALLBACKS_PBX_DIAL_URL": os.environ.get("CALLBACKS_PBX_DIAL_URL", ""),
            "CALLBACKS_PBX_TIMEOUT": 5,
            "CALLBACKS_PBX_WEBHOOK_SECRET": os.environ.get("CALLBACKS_PBX_WEBHOOK_SECRET", ""),
            "CALLBACKS_RECORDING_MAX_BYTES": 50 * 1024 * 1024,
            "CALLBACKS_RECORDING_RETENTION_DAYS": env_int("CALLBACKS_RECORDING_RETENTION_DAYS", 180),
            "CALLBACKS_RECORDINGS_STORAGE": None,
            "CALLBACKS_CENTRAL_DEPARTMENTS": ["cx"],  # their members see every department's queue
            "CALLBACKS_RECOVERY_MIN_SCORE": 7,
            "CALLBACKS_LISTEN_SESSION_MINUTES": 30,   # one audited listen per user and recording per session
            # Retention (README "Who sees what"): notes a year after the call, audit entries two years.
            "CALLBACKS_NOTES_RETENTION_DAYS": env_int("CALLBACKS_NOTES_RETENTION_DAYS", 365),
            "CALLBACKS_AUDIT_RETENTION_DAYS": env_int("CALLBACKS_AUDIT_RETENTION_DAYS", 730),
        }

    def ready(self):
        from callbacks import metrics_provider, signal_handlers, tasks  # noqa: F401
        from npshub.api.schema import name_enum

        metrics_provider.register()
        # Shared by the list and detail components, under a field name other APIs use for other choices.
        name_enum("CallbackStatusEnum", "callbacks.models.Callback.Status")
        name_enum("InterviewKindEnum", "callbacks.models.Interview.Kind")

