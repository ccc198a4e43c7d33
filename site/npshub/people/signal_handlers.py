from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from npshub.people.models import Profile


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="people.create_profile")
def create_profile(sender, instance, created, raw=False, **kwargs):
    """Every user has a profile, however the user was created (admin, CSV, SSO, shell)."""
    if created and not raw:
        Profile.objects.get_or_create(user=instance)
