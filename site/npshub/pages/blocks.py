"""Content blocks of the core, and the hub StreamField that plugin blocks plug into."""

import copy

from django.db.models import Field
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageBlock

from npshub import plugins


class SlugsBlock(blocks.CharBlock):
    """Slugs (a dimension value or a comma-separated list): keys, the same in every language, so
    never offered to translators (wagtail-localize asks blocks for their segments)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def get_translatable_segments(self, value):
        return []

    def restore_translated_segments(self, value, segments):
        return value


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200)
    level = blocks.ChoiceBlock(choices=[("h2", "H2"), ("h3", "H3")], default="h2")

    class Meta:
        icon = "title"
        template = "blocks/heading.html"


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False, default="")
    link = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False, help_text=_("Used when no page is chosen."))
    button = blocks.CharBlock(max_length=40, default=_("Learn more"))

    class Meta:
        icon = "link"
        template = "blocks/call_to_action.html"

    def get_api_representation(self, value, context=None):
        return {
            "title": value["title"],
            "text": value["text"],
            "url": value["link"].url if value["link"] else value["url"],
            "button": value["button"],
        }


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=150, default="")

    class Meta:
        icon = "openquote"
        template = "blocks/quote.html"


def content_blocks():
    return [
        ("heading", HeadingBlock()),
        ("paragraph", blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "h3"], icon="pilcrow")),
        ("image", ImageBlock()),
        ("quote", QuoteBlock()),
        ("embed", EmbedBlock(icon="media")),
        ("call_to_action", CallToActionBlock()),
    ]


class HubStreamBlock(blocks.StreamBlock):
    """The core's content blocks plus every enabled plugin's blocks, resolved when first used."""

    def __init__(self, local_blocks=None, **kwargs):
        plugin_blocks = [(name, copy.deepcopy(block)) for name, block in plugins.plugin_blocks()]
        super().__init__([*content_blocks(), *plugin_blocks, *(local_blocks or [])], **kwargs)


class HubStreamField(StreamField):
    """A StreamField of HubStreamBlock whose migration state names no block.

    So enabling or disabling a plugin needs no migration; content of a disabled plugin's blocks
    stays in the database and is simply not rendered.
    """

    def __init__(self, *args, **kwargs):
        kwargs.pop("block_lookup", None)
        super().__init__(HubStreamBlock, **kwargs)

    def deconstruct(self):
        name, _path, _args, kwargs = Field.deconstruct(self)
        return name, "npshub.pages.blocks.HubStreamField", [], kwargs


# --- Education and guide book --------------------------------------------------------------

class QuizQuestionBlock(blocks.StructBlock):
    """One multiple-choice question: choices, the index of the correct one, and why."""

    question = blocks.CharBlock(max_length=300)
    choices = blocks.ListBlock(blocks.CharBlock(max_length=200), min_num=2, max_num=6)
    correct = blocks.IntegerBlock(min_value=1, max_value=6, help_text=_("Number of the right choice, from 1."))
    explanation = blocks.TextBlock(required=False, default="", help_text=_("Shown after answering."))

    class Meta:
        icon = "help"


class DownloadBlock(blocks.StructBlock):
    """A downloadable asset (logo pack, template) from the Wagtail document library."""

    document = DocumentChooserBlock()
    description = blocks.CharBlock(max_length=200, required=False, default="")

    class Meta:
        icon = "doc-full"
        template = "blocks/download.html"
