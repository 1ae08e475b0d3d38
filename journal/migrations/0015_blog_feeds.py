import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('journal', '0014_challenge_moderation'),
    ]

    operations = [
        migrations.CreateModel(
            name='BlogFeed',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('url', models.URLField(max_length=500, verbose_name='Feed address')),
                ('visibility', models.CharField(choices=[('public', 'Public: anyone can read it'), ('private', 'Private: only me')], default='public', max_length=10, verbose_name='Entries from the blog are')),
                ('etag', models.CharField(blank=True, max_length=500)),
                ('last_modified', models.CharField(blank=True, max_length=100)),
                ('next_fetch_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('fetched_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('problem', models.CharField(blank=True, editable=False, max_length=300)),
                ('outcome', models.TextField(blank=True, editable=False, max_length=2000)),
                ('person', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='blog_feed', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(fields=['next_fetch_at'], name='blog_feed_due')],
            },
        ),
        migrations.CreateModel(
            name='BlogPost',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=64)),
                ('digest', models.CharField(max_length=64)),
                ('entry', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='journal.entry')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='blog_posts', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('person', 'key'), name='one_blog_post_per_person')],
            },
        ),
    ]
