from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm


class AnnouncementForm(WagtailAdminModelForm):
    """Roles as tick boxes (stored as a JSON list of role names)."""

    roles = forms.MultipleChoiceField(
        label=_("roles"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None: every role."),
        choices=[("employee", _("Employee")), ("caller", _("Caller")), ("team_manager", _("Team manager")),
                 ("editor", _("Editor")), ("cx_admin", _("CX admin"))])
