"""The statistics benchmark's data (bench/run.py): company-shaped responses made fast, loaded by COPY
(PostgreSQL) or executemany (SQLite) with the response table's secondary indexes rebuilt afterwards."""

import datetime
import json
import random
import time

DAYS = 730


def log(message):
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


# --- data generation ---------------------------------------------------------------------------
# The company comes from content.responses (its shapes, sources, unit draws, scores, CSAT/CES and
# comments): the bench only makes rows fast. Units are drawn per 30-day epoch with the shape's
# own ``draw_unit`` (stores and products open as the two years go on), a pool per epoch; each
# row picks a day, a unit of that day's pool and an answer from pre-drawn answers for the row's
# underlying NPS (``nps_target`` of its day plus the unit's effects), so a row costs one f-string.

EPOCH_DAYS = 30
POOL_BITS = 13  # units per epoch: 8,192


def shape_named(name):
    from content import responses

    return responses.company_shape() if name == "company" else responses.DEMO


class Plan:
    """Everything the row loop needs, drawn once from ``shape`` with ``seed``."""

    def __init__(self, shape, seed, source_ids, end):
        from content import comments, responses
        from npshub.feedback import nps

        rng = random.Random(seed)
        start = end - datetime.timedelta(days=DAYS)
        self.days = [(start + datetime.timedelta(days=d)).isoformat() + " " for d in range(DAYS + 1)]
        # Later days get more answers (the programme grows), as in generate_records: day = DAYS * sqrt(u).
        self.day_pick = [int(DAYS * ((i + 0.5) / 65536) ** 0.5) for i in range(65536)]
        self.times = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(5, 19) for m in range(60) for s in (7, 31)]  # UTC
        self.pools = []
        for epoch in range(DAYS // EPOCH_DAYS + 1):
            pool = []
            for _ in range(1 << POOL_BITS):
                source, channel, segment, product, region, team = responses.draw_unit(rng, shape, epoch * EPOCH_DAYS)
                kind = 2 if source in responses.CES_SOURCES else 1 if source in responses.CSAT_SOURCES else 0
                dims = (segment, product, channel, region, team)
                pool.append((source_ids[source], round(shape.effect(product, region, segment)), kind, dims,
                             "\t".join(dims)))
            self.pools.append(pool)
        self.day_target = [round(responses.nps_target(d, DAYS)) for d in range(DAYS + 1)]
        low = min(self.day_target) + min(p[1] for pool in self.pools for p in pool)
        high = max(self.day_target) + max(p[1] for pool in self.pools for p in pool)
        self.offset = -low
        # answers[kind][target + offset]: 100 (score, csat, ces, category) draws; the last 3 skip the score.
        self.answers = []
        for kind in range(3):
            by_target = []
            for target in range(low, high + 1):
                drawn = []
                for index in range(100):
                    score = responses.draw_score(rng, target) if index < 97 else None
                    csat = responses.draw_csat(rng, score) if kind and score is not None else None
                    ces = responses.draw_ces(rng, score) if kind == 2 and score is not None else None
                    drawn.append((score, csat, ces, nps.category(score) if score is not None else "passive"))
                by_target.append(drawn)
            self.answers.append(by_target)
        self.comments = {(language, category): [comments.compose(rng, language, category, product)
                                                for product, _ in shape.products for _ in range(8)]
                         for language in ("ru", "en") for category in ("promoter", "passive", "detractor")}
        self.varied = shape.varied_comments
        self.rng = rng

    def rows(self, count):
        """Yield (source_id, n, submitted_at, score, csat, ces, comment, dims, dims_text, language) per row."""
        rand, getrandbits = self.rng.random, self.rng.getrandbits
        days, day_pick, times, pools = self.days, self.day_pick, self.times, self.pools
        day_target, answers, offset, texts = self.day_target, self.answers, self.offset, self.comments
        n_times = len(times)
        for n in range(count):
            day = day_pick[getrandbits(16)]
            source_id, effect, kind, dims, dims_text = pools[day // EPOCH_DAYS][getrandbits(POOL_BITS)]
            score, csat, ces, category = answers[kind][day_target[day] + effect + offset][int(rand() * 100)]
            language = "ru" if rand() < 0.55 else "en"
            roll = rand()
            comment = ""
            if roll < 0.45:
                pool = texts[language, category]
                comment = pool[int(roll * 1_000_003) % len(pool)]
                if self.varied and roll < 0.225:
                    comment += f" {'Заказ' if language == 'ru' else 'Order'} {100000 + n % 900000}."
            yield (source_id, n, f"{days[day]}{times[int(rand() * n_times)]}", score, csat, ces, comment, dims,
                   dims_text, language)


GENERATED = ("source", "external_id", "submitted_at", "score", "csat", "ces", "comment", "segment", "product",
             "channel", "region", "team", "language", "created_at", "updated_at")


def _columns():
    from npshub.feedback.models import Response

    by_name = {f.name: f for f in Response._meta.concrete_fields}
    constants = [f for f in Response._meta.concrete_fields
                 if not f.primary_key and f.name not in GENERATED and not f.null]
    return [by_name[name].column for name in GENERATED] + [f.column for f in constants], constants


def generate(plan, rows):
    """Yield (columns, list of tuples) of 50k rows (SQLite executemany)."""
    columns, constants = _columns()
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
    tail = (now, now, *(f.get_default() for f in constants))
    chunk = []
    for source_id, n, moment, score, csat, ces, comment, dims, _text, language in plan.rows(rows):
        chunk.append((source_id, f"b{n}", moment, score, csat, ces, comment, *dims, language, *tail))
        if len(chunk) >= 50_000:
            yield columns, chunk
            chunk = []
    if chunk:
        yield columns, chunk


def generate_copy(plan, rows):
    """Yield (columns, COPY text, row count) of ~100k rows (PostgreSQL COPY FROM STDIN)."""
    columns, constants = _columns()
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
    tail = f"\t{now}\t{now}" + "".join("\t" + _copy_text(f.get_default()) for f in constants) + "\n"
    null = "\\N"
    chunk = []
    for source_id, n, moment, score, csat, ces, comment, _dims, text, language in plan.rows(rows):
        chunk.append(f"{source_id}\tb{n}\t{moment}\t{null if score is None else score}\t"
                     f"{null if csat is None else csat}\t{null if ces is None else ces}\t{comment}\t{text}\t"
                     f"{language}{tail}")
        if len(chunk) >= 100_000:
            yield columns, "".join(chunk), len(chunk)
            chunk = []
    if chunk:
        yield columns, "".join(chunk), len(chunk)


def _copy_text(value):
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dict):
        value = json.dumps(value)
    return str(value)


CLUSTER_INDEX = "response_submitted"  # Response's index on submitted_at


def load(args, rows):
    from django.db import connection, transaction

    from npshub.feedback.models import Response, Source
    from npshub.feedback.models.rollups import GRAINS

    from content.responses import SOURCES

    postgres = connection.vendor == "postgresql"
    source_ids = {}
    for slug, name, kind, _share in SOURCES:
        source_ids[slug] = Source.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})[0].pk
    plan_started = time.monotonic()
    plan = Plan(shape_named(args.shape), args.seed, source_ids, datetime.date.today())
    log(f"{args.shape} shape drawn in {time.monotonic() - plan_started:.1f} s")
    table = Response._meta.db_table
    log(f"emptying {table} and the rollups")
    with connection.cursor() as cursor:
        if postgres:
            tables = ", ".join([table, *(m._meta.db_table for m in GRAINS)])
            cursor.execute(f"TRUNCATE {tables} CASCADE")
        else:
            for related in connection.introspection.table_names():
                if related.startswith("feedback_response_") or related in ("feedback_customercontact",
                                                                           "feedback_responsechange"):
                    cursor.execute(f'DELETE FROM "{related}"')
            cursor.execute(f'DELETE FROM "{table}"')
            for model in GRAINS:
                cursor.execute(f'DELETE FROM "{model._meta.db_table}"')
    # Secondary indexes are rebuilt once after the load: far faster than maintaining them per row.
    indexes = list(Response._meta.indexes)
    # (SQLite can only drop a constraint by remaking the table from the model, which keeps it.)
    uniques = [c for c in Response._meta.constraints if c.__class__.__name__ == "UniqueConstraint"] if postgres else []
    with connection.cursor() as cursor:  # IF EXISTS: an interrupted load may have dropped them already
        for index in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{index.name}"')
        for constraint in uniques:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{constraint.name}"')
    started = time.monotonic()
    done = 0
    if postgres:
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for columns, text, count in generate_copy(plan, rows):
                with raw.copy(f'COPY {table} ({", ".join(columns)}) FROM STDIN') as copy:
                    copy.write(text)
                done += count
                if done % 1_000_000 == 0:
                    log(f"  {done:,} rows ({done / (time.monotonic() - started):,.0f}/s)")
    else:
        for columns, chunk in generate(plan, rows):
            placeholders = ", ".join(["?"] * len(columns))
            sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({placeholders})'
            with transaction.atomic():
                connection.cursor().cursor.executemany(sql, chunk)
            done += len(chunk)
            if done % 200_000 == 0:
                log(f"  {done:,} rows ({done / (time.monotonic() - started):,.0f}/s)")
    load_seconds = time.monotonic() - started
    log(f"loaded {done:,} rows in {load_seconds:.1f} s ({done / load_seconds:,.0f}/s); building indexes")
    started = time.monotonic()
    with connection.schema_editor() as editor:
        for constraint in uniques:
            editor.add_constraint(Response, constraint)
        for index in indexes:
            editor.add_index(Response, index)
    index_seconds = time.monotonic() - started
    log(f"indexes in {index_seconds:.1f} s")
    cluster_seconds = None
    if postgres:
        # The rows are drawn in random order of time; a company's answers arrive day after day, so a
        # month's rows sit together in the table. CLUSTER puts them in that order (raw-row reads of a
        # date range then fetch a few pages, not one page per row all over the table).
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(f'CLUSTER "{table}" USING "{CLUSTER_INDEX}"')
        cluster_seconds = round(time.monotonic() - started, 1)
        log(f"rows put in time order (CLUSTER) in {cluster_seconds} s")
    return {"load_seconds": round(load_seconds, 1), "rows_per_second": round(done / load_seconds),
            "index_seconds": round(index_seconds, 1), "cluster_seconds": cluster_seconds}


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
