"""One read-only admin for records that only the system writes (audit logs, send logs, playbook
actions, the points ledger...): listed, filtered, searched, inspected and exported through
wagtail-modeladmin, never added, edited or deleted from the admin, by anyone (superusers too).

    from npshub.admin_records import RecordAdmin

    class AuditLogAdmin(RecordAdmin):
        model = AuditLog

Only the model's ``view`` permission counts (and is offered in the Wagtail group editor): add,
change and delete mean nothing for such a record.
"""

from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin


class ReadOnlyPermissionHelper(PermissionHelper):
    def get_all_model_permissions(self):
        return super().get_all_model_permissions().filter(codename=self.get_perm_codename("view"))

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class RecordAdmin(ModelAdmin):
    permission_helper_class = ReadOnlyPermissionHelper
    inspect_view_enabled = True
