from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from npshub.feedback.models import Topic
from plans.models import Action, CheckIn, Plan


class DateInput(forms.DateInput):
    input_type = "date"


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "team", "department", "goal", "target", "topic", "starts_on", "ends_on", "rhythm"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, teams, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams.order_by("name")
        self.fields["department"].queryset = departments.order_by("name")
        self.fields["topic"].queryset = Topic.objects.filter(active=True).order_by("name")
        self.fields["team"].help_text = _("A team, or leave empty and choose a department.")


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["title", "owner", "due_on"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.filter(is_active=True)
        if plan is not None and plan.team_id:
            people = people.filter(profile__team=plan.team) | people.filter(pk=plan.owner_id)
        elif plan is not None:
            people = people.filter(profile__department_id__in=plan.department.descendant_ids()) | people.filter(pk=plan.owner_id)
        self.fields["owner"].queryset = people.distinct().order_by("first_name", "username")
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class CheckInForm(forms.ModelForm):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)

    class Meta:
        model = CheckIn
        fields = ["progress", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
