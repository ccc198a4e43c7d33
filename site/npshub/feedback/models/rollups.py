"""Rollups of responses at the grains the pages and the API ask for: by day and by month.

Each row counts, for one period (``day``: the local day in the site time zone, or for a monthly
rollup its month's first day) and one combination of its grain's dimensions, the promoters,
passives and detractors, the skipped recommendation answers, and the CSAT/CES answers where
sources ask them.

Two tiers. **Daily** (``DAILY``): narrow grains (each dimension but region alone, region x channel,
product x segment); a rollup by day over every dimension at once would be nearly as large as the raw
table. They answer day and week series and the partial months at a date range's ends. **Monthly** (``MONTHLY``): the same narrow grains, two wider ones that
together keep every pair of dimensions (``place``: segment, region, channel and team; ``product
place``: product, region, channel and team), and one over every dimension (the cube). A month holds
thousands of combinations whatever the number of responses, so at company scale (120 teams, 20
products) the cube is ~90,000 rows for two years at 1M responses, a tenth of the raw rows, and a far
smaller share at 10M. Whole months of any filter and any grouping are read from the monthly tier.

The statistics (``npshub.feedback.rollup_reads``) take the smallest rollup of a tier that covers a
query (each tier is ordered smallest first). Maintained by ``npshub.feedback.rollups`` (``apply``
inside each ingestion transaction, ``rebuild`` in bulk).
"""

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from npshub.feedback.models.responses import DIMENSIONS, Source

# Additive measures every rollup row carries, in this order.
MEASURES = ("promoters", "passives", "detractors", "skipped", "csat_n", "csat_good", "ces_n", "ces_sum")


class Rollup(models.Model):
    # Plain integers, not positive ones: an upsert's candidate row carries negative deltas when
    # updates take counts out, and CHECK constraints see that row before ON CONFLICT adds it.
    day = models.DateField()
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+", db_index=False)
    promoters = models.IntegerField(default=0)
    passives = models.IntegerField(default=0)
    detractors = models.IntegerField(default=0)
    skipped = models.IntegerField(default=0)  # responses without a recommendation score
    csat_n = models.IntegerField(default=0)  # CSAT answers (1..5)
    csat_good = models.IntegerField(default=0)  # of which 4 or 5
    ces_n = models.IntegerField(default=0)  # CES answers (1..7)
    ces_sum = models.BigIntegerField(default=0)

    # The dimensions this grain keeps besides day and source; set by each concrete rollup.
    dimensions = ()
    # What ``day`` keys: "day" (a local day) or "month" (the local month's first day).
    period = "day"

    class Meta:
        abstract = True


def _grain_meta(period, name, code, dimensions):
    """Meta of a rollup added since the first four: its key (period, source, ``dimensions``) is unique,
    and each dimension gets a (dimension, period) index, so a filter on one of them reads its own rows,
    not the table."""
    return type("Meta", (), {
        "constraints": [models.UniqueConstraint(fields=["day", "source", *dimensions], name=f"rollup_{period}_{name}_key")],
        "indexes": [models.Index(fields=[dimension, "day"], name=f"rollup_{code}_{dimension[:4]}_day")
                    for dimension in dimensions],
    })


class DailySourceRollup(Rollup):
    """Day x source: the brand score, trends and the breakdown by source."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "source"], name="rollup_day_source_key")]


class DailyChannelRollup(Rollup):
    """Day x source x channel: day and week series of one channel."""

    channel = models.CharField(max_length=100, blank=True)
    dimensions = ("channel",)
    Meta = _grain_meta("day", "channel", "dchan", dimensions)


class DailySegmentRollup(Rollup):
    """Day x source x segment: day and week series of one segment (a tenth of product x segment's rows)."""

    segment = models.CharField(max_length=100, blank=True)
    dimensions = ("segment",)
    Meta = _grain_meta("day", "segment", "dseg", dimensions)


class DailyProductRollup(Rollup):
    """Day x source x product: day and week series of one product."""

    product = models.CharField(max_length=100, blank=True)
    dimensions = ("product",)
    Meta = _grain_meta("day", "prod", "dprod", dimensions)


class DailyTeamRollup(Rollup):
    """Day x source x team: team pages and team rankings."""

    team = models.CharField(max_length=100, blank=True)
    dimensions = ("team",)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "source", "team"], name="rollup_day_team_key")]
        indexes = [models.Index(fields=["team", "day"], name="rollup_team_day")]


class DailyRegionChannelRollup(Rollup):
    """Day x source x region x channel: regional views and the channel mix."""

    region = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=100, blank=True)
    dimensions = ("region", "channel")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "source", "region", "channel"], name="rollup_day_region_key")
        ]
        indexes = [models.Index(fields=["region", "day"], name="rollup_region_day"),
                   models.Index(fields=["channel", "day"], name="rollup_channel_day")]


class DailyProductSegmentRollup(Rollup):
    """Day x source x product x segment: the statistics page's main filters."""

    product = models.CharField(max_length=100, blank=True)
    segment = models.CharField(max_length=100, blank=True)
    dimensions = ("product", "segment")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "source", "product", "segment"], name="rollup_day_product_key")
        ]
        # A filtered series or breakdown reads one dimension value's days, not every row.
        indexes = [models.Index(fields=["product", "day"], name="rollup_product_day"),
                   models.Index(fields=["segment", "day"], name="rollup_segment_day")]


class MonthlyRollup(Rollup):
    period = "month"

    class Meta:
        abstract = True


class MonthlySourceRollup(MonthlyRollup):
    """Month x source."""

    Meta = _grain_meta("month", "source", "msrc", ())


class MonthlyRegionChannelRollup(MonthlyRollup):
    region = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=100, blank=True)
    dimensions = ("region", "channel")
    Meta = _grain_meta("month", "region", "mrc", dimensions)


class MonthlyTeamRollup(MonthlyRollup):
    team = models.CharField(max_length=100, blank=True)
    dimensions = ("team",)
    Meta = _grain_meta("month", "team", "mteam", dimensions)


class MonthlyProductSegmentRollup(MonthlyRollup):
    product = models.CharField(max_length=100, blank=True)
    segment = models.CharField(max_length=100, blank=True)
    dimensions = ("product", "segment")
    Meta = _grain_meta("month", "product", "mps", dimensions)


class MonthlyPlaceRollup(MonthlyRollup):
    """Where and who: every pair of segment, region, channel and team."""

    segment = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=100, blank=True)
    team = models.CharField(max_length=100, blank=True)
    dimensions = ("segment", "region", "channel", "team")
    Meta = _grain_meta("month", "place", "mpl", dimensions)


class MonthlyProductPlaceRollup(MonthlyRollup):
    """Products by region, channel and team: the pairs of the product with each of them."""

    product = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=100, blank=True)
    team = models.CharField(max_length=100, blank=True)
    dimensions = ("product", "region", "channel", "team")
    Meta = _grain_meta("month", "prodplace", "mpp", dimensions)


class MonthlyCubeRollup(MonthlyRollup):
    """Every dimension: any combination of filters and grouping, a month at a time."""

    segment = models.CharField(max_length=100, blank=True)
    product = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    team = models.CharField(max_length=100, blank=True)
    dimensions = DIMENSIONS
    Meta = _grain_meta("month", "cube", "mcube", dimensions)


# Each tier from the smallest to the largest grain (rows at company shape): statistics take the
# first that covers a query. GRAINS is every rollup maintained.
DAILY = (DailySourceRollup, DailyChannelRollup, DailySegmentRollup, DailyRegionChannelRollup, DailyProductRollup,
         DailyTeamRollup, DailyProductSegmentRollup)
MONTHLY = (MonthlySourceRollup, MonthlyRegionChannelRollup, MonthlyTeamRollup, MonthlyProductSegmentRollup,
           MonthlyPlaceRollup, MonthlyProductPlaceRollup, MonthlyCubeRollup)
GRAINS = (*DAILY, *MONTHLY)


# One-off saves and deletes (the admin, scripts, tests) keep the rollups right too. Ingestion
# writes in bulk (bulk_create / bulk_update send no signals) and calls rollups.apply() itself;
# QuerySet.update() and raw SQL bypass both: run rebuild_rollups after those.
ROLLUP_FIELDS = {"submitted_at", "score", "csat", "ces", "source", "source_id", *DIMENSIONS}


def _touches_rollups(update_fields):
    return update_fields is None or bool(ROLLUP_FIELDS & set(update_fields))


@receiver(pre_save, sender="feedback.Response", dispatch_uid="feedback_rollups_pre_save")
def remember_previous_version(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or not _touches_rollups(update_fields):
        return
    instance._rollup_previous = (
        sender.objects.filter(pk=instance.pk).only("submitted_at", "score", "csat", "ces", "source", *DIMENSIONS).first()
    )


@receiver(post_save, sender="feedback.Response", dispatch_uid="feedback_rollups_post_save")
def follow_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not _touches_rollups(update_fields):
        return
    from npshub.feedback import rollups

    previous = instance.__dict__.pop("_rollup_previous", None)
    rollups.apply(added=[instance], removed=[previous] if previous is not None else [])


@receiver(post_delete, sender="feedback.Response", dispatch_uid="feedback_rollups_post_delete")
def follow_delete(sender, instance, **kwargs):
    from npshub.feedback import rollups

    rollups.apply(removed=[instance])
