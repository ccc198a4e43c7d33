import socket

from celery import shared_task


@shared_task(name="npshub.ping")
def ping():
    """Health check: proves a worker is consuming the queue (see `make check-worker`)."""
    return {"pong": True, "host": socket.gethostname()}
