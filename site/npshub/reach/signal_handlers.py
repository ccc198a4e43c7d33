from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from npshub.reach.models import EmbedSite


@receiver([post_save, post_delete], sender=EmbedSite, dispatch_uid="reach.forget_embed_site")
def forget_embed_site(sender, instance, **kwargs):
    """A revoked, changed or deleted embed site takes effect at once, cache or not."""
    from npshub.reach import embed

    embed.forget(instance)
