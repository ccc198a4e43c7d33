"""One error format for the whole API: ``{"detail": "..."}`` plus, for invalid input, the
field errors under ``errors``. Never an HTML page, never a 500 for bad input."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


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


def exception_handler(exc, context):
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

