# The Export model, moved here from the reports app (now dashboards/, label "reports"):
# state only, since its table (reports_export) was made by reports' migration 0004.

import django.contrib.postgres.fields
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('reports', '0007_export_moves_to_exports'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Export',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='started at')),
                        ('datasets', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=30), verbose_name='datasets')),
                        ('team_ids', django.contrib.postgres.fields.ArrayField(base_field=models.UUIDField(), verbose_name='teams')),
                        ('first_month', models.DateField(verbose_name='from')),
                        ('last_month', models.DateField(verbose_name='to')),
                        ('period', models.CharField(choices=[('month', 'Months'), ('quarter', 'Quarters')], default='month', max_length=10, verbose_name='dates as')),
                        ('format', models.CharField(choices=[('csv', 'CSV files (zipped)'), ('xlsx', 'Excel workbooks (zipped)')], default='csv', max_length=10, verbose_name='format')),
                        ('k', models.PositiveSmallIntegerField(default=11, verbose_name='smallest group (k)')),
                        ('status', models.CharField(choices=[('queued', 'Waiting to start'), ('running', 'Being written'), ('done', 'Ready'), ('failed', 'Failed'), ('expired', 'Expired')], default='queued', max_length=10, verbose_name='status')),
                        ('step', models.CharField(blank=True, max_length=30)),
                        ('steps_done', models.PositiveSmallIntegerField(default=0)),
                        ('rows_written', models.PositiveBigIntegerField(default=0)),
                        ('task_id', models.CharField(blank=True, max_length=64)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='expires at')),
                        ('file_name', models.CharField(blank=True, max_length=200)),
                        ('file_size', models.PositiveBigIntegerField(default=0)),
                        ('summary', models.JSONField(blank=True, default=dict)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='started by')),
                    ],
                    options={
                        'verbose_name': 'export',
                        'verbose_name_plural': 'exports',
                        'db_table': 'reports_export',
                        'indexes': [models.Index(fields=['created_by', '-created_at'], name='export_owner_recent_idx'), models.Index(condition=models.Q(('file_name', ''), _negated=True), fields=['expires_at'], name='export_expiry_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('k__gte', 5)), name='export_k_at_least_5'), models.CheckConstraint(condition=models.Q(('first_month__lte', models.F('last_month'))), name='export_period')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
