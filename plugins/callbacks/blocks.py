from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class CallbackStatsBlock(blocks.StructBlock):
    """Closing the loop: contacted within target, time to first contact, reach, resolution, recovery."""

    title = blocks.CharBlock(max_length=100, default=_("Closing the loop"))
    days = blocks.IntegerBlock(required=False, min_value=1, default=90, help_text=_("Callbacks queued in the last N days (empty: all time)."))

    class Meta:
        icon = "mobile-alt"
        template = "callbacks/blocks/stats.html"
        label = _("Callback statistics")

    def _stats(self, value):
        from datetime import timedelta

        from django.core.cache import cache
        from django.utils import timezone

        from callbacks.stats import stats

        days = value.get("days")
        key = f"callbacks:stats-block:{days}"
        result = cache.get(key)
        if result is None:
            start = timezone.now() - timedelta(days=days) if days else None
            result = stats(start, None)
            cache.set(key, result, 300)
        return result

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["stats"] = self._stats(value)
        return context

    def get_api_representation(self, value, context=None):
        return {"title": value["title"], "days": value.get("days"), **self._stats(value)}


BLOCKS = [("callback_stats", CallbackStatsBlock())]
