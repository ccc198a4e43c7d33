from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from npshub.pages.blocks import SlugsBlock
from npshub.people.models import Team
from rewards import challenges, services


class ChallengeProgressBlock(blocks.StructBlock):
    """A team's running challenges with their progress, computed from the real data."""

    title = blocks.CharBlock(max_length=100, default=_("Team challenges"))
    team = SlugsBlock(max_length=100, help_text=_("Team slug; empty: the reader's own team."))

    class Meta:
        icon = "pick"
        template = "rewards/blocks/challenge_progress.html"
        label = _("Team challenge progress")

    def _team(self, value, context):
        if value.get("team"):
            return Team.objects.filter(slug=value["team"]).first()
        request = (context or {}).get("request")
        user = getattr(request, "user", None)
        profile = getattr(user, "profile", None) if user and user.is_authenticated else None
        return getattr(profile, "team", None)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        team = self._team(value, parent_context)
        context["team"] = team
        context["progress"] = [challenges.progress(c) for c in challenges.current_for_team(team)] if team else []
        return context

    def get_api_representation(self, value, context=None):
        team = self._team(value, context)
        items = challenges.current_for_team(team) if team else []
        return {"title": value["title"], "team": team.slug if team else None,
                "challenges": [challenges.progress(c).as_dict() for c in items]}


class LeaderboardBlock(blocks.StructBlock):
    """The top colleagues or teams by points earned this period."""

    title = blocks.CharBlock(max_length=100, default=_("Leaderboard"))
    kind = blocks.ChoiceBlock(choices=[("individual", _("Colleagues")), ("team", _("Teams"))], default="individual")
    period = blocks.ChoiceBlock(choices=[("week", _("This week")), ("month", _("This month")), ("quarter", _("This quarter")), ("all", _("All time"))], default="month")
    size = blocks.IntegerBlock(default=5, min_value=1, max_value=20)

    class Meta:
        icon = "list-ol"
        template = "rewards/blocks/leaderboard.html"
        label = _("Points leaderboard")

    def rows(self, value, viewer=None):
        if value["kind"] == "team":
            return services.team_board(value["period"], limit=value["size"])
        return services.individual_board(value["period"], viewer=viewer, limit=value["size"])

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        request = (parent_context or {}).get("request")
        context["rows"] = self.rows(value, getattr(request, "user", None))
        return context

    def get_api_representation(self, value, context=None):
        return {"title": value["title"], "kind": value["kind"], "period": value["period"], "rows": self.rows(value)}


BLOCKS = [("challenge_progress", ChallengeProgressBlock()), ("leaderboard", LeaderboardBlock())]
