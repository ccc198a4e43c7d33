"""The anchor for bench/live.py: a bare ASGI app (no Django) that holds SSE streams and, on
``POST /publish`` with a body, writes that body as one event to every stream it holds.

    uvicorn bench.sse_anchor:app
"""

import asyncio

queues = set()


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    if scope["method"] == "POST":
        body = (await receive())["body"]
        event = b"data: " + body + b"\n\n"
        for queue in queues:
            queue.put_nowait(event)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body"})
        return
    queue = asyncio.Queue()
    queues.add(queue)
    try:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]})
        await send({"type": "http.response.body", "body": b": connected\n\n", "more_body": True})
        while True:
            await send({"type": "http.response.body", "body": await queue.get(), "more_body": True})
    finally:
        queues.discard(queue)
