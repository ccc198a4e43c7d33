"""The API's JSON parser: DRF's, but a body nested too deeply or holding a lone surrogate is a 400
naming the problem (``npshub.safejson``), never a 500 later on."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json as drf_json

from npshub import safejson


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read() if stream is not None else b""
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            if encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
                body = body.decode(encoding)
            return safejson.loads(body, parse_constant=drf_json.strict_constant if self.strict else None)
        except safejson.BadJSON as exc:
            raise ParseError(str(exc)) from None
        except (LookupError, UnicodeDecodeError):
            raise ParseError(f"The body is not {encoding} text.") from None
