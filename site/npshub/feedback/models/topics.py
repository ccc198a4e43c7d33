"""Topics that comments are tagged with, by keyword and phrase rules CX admins edit (a snippet)."""

from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from npshub.translated import TranslatedFields

def split_terms(text):
    """Keywords/phrases as typed by an editor: one per line or comma-separated."""
    return [term.strip() for line in (text or "").splitlines() for term in line.split(",") if term.strip()]


class Topic(TranslatedFields, models.Model):
    """A theme customers talk about (delivery, price, staff...), matched on word stems.

    Each keyword matches any word with the same stem ("delivery" matches "deliveries"; "курьер"
    matches "курьера"); a keyword ending in ``*`` matches every word whose stem starts with it;
    a phrase of several words matches those stems in that order, next to each other.
    """

    name = models.CharField(_("name"), max_length=100)
    name_ru = models.CharField(_("name in Russian"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True, help_text=_("What the topic covers, for people reading it."))
    description_ru = models.TextField(_("description in Russian"), blank=True)
    keywords_en = models.TextField(
        _("English keywords and phrases"), blank=True,
        help_text=_("One per line or comma-separated. Word forms match by stem; end a word with * to match every word starting with it."),
    )
    keywords_ru = models.TextField(
        _("Russian keywords and phrases"), blank=True,
        help_text=_("Одно на строку или через запятую. Формы слова совпадают по основе."),
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    # One row per topic (responses are tagged with it): the Russian texts sit beside the English ones.
    translated_fields = ("name", "description")

    panels = [
        MultiFieldPanel([FieldPanel("name"), FieldPanel("name_ru"), FieldPanel("slug"), FieldPanel("active")], heading=_("Topic")),
        MultiFieldPanel([FieldPanel("description"), FieldPanel("description_ru")], heading=_("Description")),
        MultiFieldPanel([FieldPanel("keywords_en"), FieldPanel("keywords_ru")], heading=_("Rules")),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    def terms(self):
        return split_terms(self.keywords_en) + split_terms(self.keywords_ru)


@receiver(post_save, sender=Topic, dispatch_uid="feedback.topic_saved_retag")
def _retag_after_rule_change(sender, instance, raw=False, **kwargs):
    """A rule changed: retag every comment for this topic in Celery, once the save is committed."""
    if raw:
        return
    from npshub.feedback.tasks import retag_topic

    retag_topic.delay_on_commit(instance.pk)
