"""Wagtail's page_published -> the core's article_published event (first publication only)."""

from django.dispatch import receiver
from wagtail.signals import page_published

from npshub import events


@receiver(page_published, dispatch_uid="npshub.digest.article_published")
def article_published(sender, instance, revision=None, **kwargs):
    from npshub.pages.models import ArticlePage

    if not isinstance(instance, ArticlePage) or instance.author_id is None:
        return
    # Re-publishing an edited article is not a new publication: one event per article.
    if instance.first_published_at and instance.last_published_at and \
            (instance.last_published_at - instance.first_published_at).total_seconds() > 1:
        return
    events.publish(events.article_published, sender=ArticlePage, page=instance, user=instance.author,
                   event_id=f"article_published:{instance.pk}")
