"""The site's ASGI application with a ``Server-Timing: app;dur=<ms>`` header on every HTTP answer, for
bench/load.py: the time from uvicorn handing the request to the application until the application
starts its answer (Django's whole request, its wait for the process's sync thread included),
without the network and the load generator's own delays. Nothing else changes.

    uvicorn server_timing:application --workers 2      (with bench/ on PYTHONPATH)
"""

import time

from npshub.asgi import application as site_application


class ServerTiming:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()

        async def timed_send(message):
            if message["type"] == "http.response.start":
                took = (time.perf_counter() - started) * 1000
                headers = [*message.get("headers", ()), (b"server-timing", f"app;dur={took:.2f}".encode())]
                message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, timed_send)


application = ServerTiming(site_application)
