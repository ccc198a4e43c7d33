"""One error format for the whole API: ``{"detail": "..."}`` plus, for invalid input, the
field errors under ``errors``. Never an HTML page, never a 500 for bad input."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from rest_framework import exceptions, status
from django.utils.translation import gettext as _
from rest_framework.views import exception_handler as drf_exception_handler

from npshub.params import BadParameter


def _first_message(errors):
    if isinstance(errors, dict):
        for field, value in errors.items():
            message = _first_message(value)
            if message:
                return message if field in ("non_field_errors", "detail") else f"{field}: {message}"
    if isinstance(errors, list):
        for value in errors:
            message = _first_message(value)
            if message:
                return message
    if isinstance(errors, str):
        return errors
    return None


# Errors that only bad input causes (an id beyond 64 bits, a date past year 9999, JSON nested a
# thousand deep, text with a lone surrogate): a 400 whatever code meets them, never a 500.
BAD_INPUT = (RecursionError, OverflowError, UnicodeError, BadParameter)


def describe_bad_input(exc):
    """A short, safe sentence for a BAD_INPUT exception (our own date messages name the field)."""
    if isinstance(exc, BadParameter):
        return str(exc)
    if isinstance(exc, RecursionError):
        return _("The request is nested too deeply.")
    if isinstance(exc, OverflowError):
        return _("A number or date in the request is out of range.")
    return _("The request holds text that is not valid Unicode (for example a lone surrogate).")


def exception_handler(exc, context):
    if isinstance(exc, BAD_INPUT):
        exc = exceptions.ParseError(describe_bad_input(exc))
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        detail = _first_message(data) or "Invalid input."
        response.data = {"detail": detail, "errors": data}
    elif not (isinstance(data, dict) and "detail" in data):
        response.data = {"detail": _first_message(data) or "Error."}
    return response


def json_error(status_code, detail):
    return JsonResponse({"detail": detail}, status=status_code)


@login_not_required  # an API client gets a JSON 404, never the sign-in page
def not_found(request, exception=None):
    return json_error(status.HTTP_404_NOT_FOUND, f"No API route matches {request.path}.")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict."
    default_code = "conflict"

