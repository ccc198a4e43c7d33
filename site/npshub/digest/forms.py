import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from npshub.people import roles


class AnnouncementForm(WagtailAdminModelForm):
    """Roles as tick boxes (stored as a JSON list of role names)."""

    roles = forms.MultipleChoiceField(
        label=_("roles"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None: every role."),
        choices=roles.Role.choices)


HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")


class ChannelPostForm(WagtailAdminModelForm):
    """Writing a channel post: both languages or one, plain text only, and only draft or scheduled
    (the pipeline moves it on). A post that has started sending can no longer change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from npshub.digest.models import ChannelPost

        if "status" in self.fields:
            self.fields["status"].widget = forms.RadioSelect()
            self.fields["status"].choices = [(ChannelPost.Status.DRAFT, _("Keep as a draft")),
                                             (ChannelPost.Status.SCHEDULED, _("Schedule it"))]
            self.fields["status"].label = _("Publish")
        if "channels" in self.fields:
            self.fields["channels"].widget = forms.CheckboxSelectMultiple(choices=self.fields["channels"].choices)
            self.fields["channels"].required = False
        if self.instance.pk and self.instance.locked:
            for field in self.fields.values():
                field.disabled = True

    def clean(self):
        from npshub.digest.models import ChannelPost

        data = super().clean()
        if self.instance.pk and ChannelPost.objects.filter(pk=self.instance.pk, status__in=ChannelPost.LOCKED).exists():
            raise forms.ValidationError(_("This post has been sent to the channels and can no longer be changed."))
        complete = []
        for code, _name in settings.LANGUAGES:
            title, body = data.get(f"title_{code}", ""), data.get(f"body_{code}", "")
            for name in (f"title_{code}", f"body_{code}"):
                if data.get(name) and HTML_TAG.search(data[name]):
                    self.add_error(name, _("Posts are plain text: HTML tags are not allowed. Use **bold**, "
                                           "_italic_, [text](https://…) and lines starting with “- ”."))
            if bool(title) != bool(body):
                self.add_error(f"body_{code}" if title else f"title_{code}",
                               _("Write both the title and the text in this language, or neither."))
            elif title:
                complete.append(code)
        if not complete and not self.errors:
            raise forms.ValidationError(_("Write the post in at least one language."))
        if data.get("status") == ChannelPost.Status.SCHEDULED and not data.get("channels"):
            self.add_error("channels", _("Choose at least one channel to schedule the post."))
        return data
