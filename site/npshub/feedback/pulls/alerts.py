"""Telling CX admins that a pull keeps failing: a branded e-mail to each (in their language) and
a card to the Teams channels that take alerts."""

import logging

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from npshub.people import roles

logger = logging.getLogger("npshub.pulls")


def cx_admins():
    return get_user_model().objects.filter(is_active=True).exclude(email="").filter(
        Q(is_superuser=True) | Q(groups__name=roles.CX_ADMIN)).select_related("profile").distinct()


def failing(pull, run, failures):
    from npshub.digest import mailing, tasks, teams
    from npshub.digest.transactional import send_branded_email

    source = pull.source
    link = f"{mailing.base_url()}/admin/feedback/pullrun/?pull__id__exact={pull.pk}"
    sent = 0
    for admin in cx_admins():
        language = getattr(getattr(admin, "profile", None), "language", "en") or "en"
        with translation.override(language):
            subject = ngettext("NPS Hub: pulling “%(source)s” failed %(count)s time in a row",
                               "NPS Hub: pulling “%(source)s” failed %(count)s times in a row", failures) % {
                "source": source.name, "count": failures}
            message = ngettext(
                "The last %(count)s run of the pull of “%(source)s” failed, so no new responses came in from it. "
                "The last error:\n%(error)s\n\nNPS Hub keeps retrying with longer pauses.",
                "The last %(count)s runs of the pull of “%(source)s” failed, so no new responses came in from it. "
                "The last error:\n%(error)s\n\nNPS Hub keeps retrying with longer pauses.", failures) % {
                "count": failures, "source": source.name, "error": run.error}
            sent += send_branded_email(admin.email, subject, "thank_you", {
                "heading": subject, "name": admin.get_full_name() or admin.get_username(), "message": message,
                "button_url": link, "button_label": _("See the run history")}, language=language)
    def card(language):  # in each channel's language
        title = ngettext("Pulling “%(source)s” failed %(count)s time in a row",
                         "Pulling “%(source)s” failed %(count)s times in a row", failures) % {
            "source": source.name, "count": failures}
        return teams.alert_card(title, run.error[:1000], link, _("See the run history"))

    tasks.post_alert(f"pull {pull.pk} failing", card)
    logger.warning("Pull of %s: %s failures in a row, %s CX admins e-mailed", source.slug, failures, sent)
    return sent
