# Rollups for the statistics, CSAT/CES answers and the raw-row indexes (written for Django 5.2).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='DailySourceRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('promoters', models.IntegerField(default=0)),
                ('passives', models.IntegerField(default=0)),
                ('detractors', models.IntegerField(default=0)),
                ('skipped', models.IntegerField(default=0)),
                ('csat_n', models.IntegerField(default=0)),
                ('csat_good', models.IntegerField(default=0)),
                ('ces_n', models.IntegerField(default=0)),
                ('ces_sum', models.BigIntegerField(default=0)),
                ('source', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='feedback.source')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('day', 'source',), name='rollup_day_source_key')],
            },
        ),
        migrations.CreateModel(
            name='DailyTeamRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('promoters', models.IntegerField(default=0)),
                ('passives', models.IntegerField(default=0)),
                ('detractors', models.IntegerField(default=0)),
                ('skipped', models.IntegerField(default=0)),
                ('csat_n', models.IntegerField(default=0)),
                ('csat_good', models.IntegerField(default=0)),
                ('ces_n', models.IntegerField(default=0)),
                ('ces_sum', models.BigIntegerField(default=0)),
                ('team', models.CharField(blank=True, max_length=100)),
                ('source', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='feedback.source')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('day', 'source', 'team',), name='rollup_day_team_key')],
            },
        ),
        migrations.CreateModel(
            name='DailyRegionChannelRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('promoters', models.IntegerField(default=0)),
                ('passives', models.IntegerField(default=0)),
                ('detractors', models.IntegerField(default=0)),
                ('skipped', models.IntegerField(default=0)),
                ('csat_n', models.IntegerField(default=0)),
                ('csat_good', models.IntegerField(default=0)),
                ('ces_n', models.IntegerField(default=0)),
                ('ces_sum', models.BigIntegerField(default=0)),
                ('region', models.CharField(blank=True, max_length=100)),
                ('channel', models.CharField(blank=True, max_length=100)),
                ('source', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='feedback.source')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('day', 'source', 'region', 'channel',), name='rollup_day_region_key')],
            },
        ),
        migrations.CreateModel(
            name='DailyProductSegmentRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('promoters', models.IntegerField(default=0)),
                ('passives', models.IntegerField(default=0)),
                ('detractors', models.IntegerField(default=0)),
                ('skipped', models.IntegerField(default=0)),
                ('csat_n', models.IntegerField(default=0)),
                ('csat_good', models.IntegerField(default=0)),
                ('ces_n', models.IntegerField(default=0)),
                ('ces_sum', models.BigIntegerField(default=0)),
                ('product', models.CharField(blank=True, max_length=100)),
                ('segment', models.CharField(blank=True, max_length=100)),
                ('source', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='feedback.source')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('day', 'source', 'product', 'segment',), name='rollup_day_product_key')],
            },
        ),
        migrations.AddField(
            model_name='response',
            name='csat',
            field=models.PositiveSmallIntegerField(blank=True, help_text='Satisfaction 1..5, where the source asks it.', null=True, verbose_name='CSAT'),
        ),
        migrations.AddField(
            model_name='response',
            name='ces',
            field=models.PositiveSmallIntegerField(blank=True, help_text='Customer effort 1..7, where the source asks it.', null=True, verbose_name='CES'),
        ),
        migrations.AddIndex(
            model_name='response',
            index=models.Index(fields=['source', 'submitted_at'], name='response_source_day'),
        ),
        migrations.AddIndex(
            model_name='response',
            index=models.Index(fields=['team', 'submitted_at'], name='response_team_day'),
        ),
        migrations.AddIndex(
            model_name='response',
            index=models.Index(fields=['region', 'submitted_at'], name='response_region_day'),
        ),
        migrations.AddIndex(
            model_name='response',
            index=models.Index(fields=['product', 'submitted_at'], name='response_product_day'),
        ),
        migrations.AddConstraint(
            model_name='response',
            constraint=models.CheckConstraint(condition=models.Q(('csat__isnull', True), models.Q(('csat__gte', 1), ('csat__lte', 5)), _connector='OR'), name='response_csat_1_5'),
        ),
        migrations.AddConstraint(
            model_name='response',
            constraint=models.CheckConstraint(condition=models.Q(('ces__isnull', True), models.Q(('ces__gte', 1), ('ces__lte', 7)), _connector='OR'), name='response_ces_1_7'),
        ),
    ]
