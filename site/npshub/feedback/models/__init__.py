"""Feedback models, one module per concern; each is re-exported here for Django and callers."""

from npshub.feedback.models.responses import DIMENSIONS, CustomerContact, Response, Source
from npshub.feedback.models.topics import Topic
from npshub.feedback.models.reference import DimensionValue
from npshub.feedback.models.changes import ResponseChange, WebhookDelivery
from npshub.feedback.models.privacy import ConsentTombstone, PurgeRun
from npshub.feedback.models.pulls import PullRun, SourcePull
from npshub.feedback.models.rollups import (
    DailyChannelRollup, DailyProductRollup, DailyProductSegmentRollup, DailyRegionChannelRollup, DailySegmentRollup,
    DailySourceRollup, DailyTeamRollup, MonthlyCubeRollup,
    MonthlyPlaceRollup, MonthlyProductPlaceRollup, MonthlyProductSegmentRollup, MonthlyRegionChannelRollup,
    MonthlySourceRollup, MonthlyTeamRollup,
)

__all__ = ["DIMENSIONS", "CustomerContact", "Response", "Source", "DailySourceRollup", "DailyTeamRollup",
           "DailyRegionChannelRollup", "DailyProductSegmentRollup", "DailyChannelRollup", "DailySegmentRollup",
           "DailyProductRollup", "MonthlySourceRollup", "MonthlyRegionChannelRollup",
           "MonthlyTeamRollup", "MonthlyProductSegmentRollup", "MonthlyPlaceRollup", "MonthlyProductPlaceRollup",
           "MonthlyCubeRollup"]
__all__ += ["Topic", "ResponseChange", "WebhookDelivery", "DimensionValue", "ConsentTombstone", "PurgeRun"]
__all__ += ["PullRun", "SourcePull"]
