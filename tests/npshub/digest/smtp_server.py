"""A real SMTP server process for tests and the benchmark (aiosmtpd).

    python smtp_server.py PORT OUTDIR [--discard] [--pipelining] [--slow-after N --slow-seconds S] [--refuse ADDR,...]

Writes each accepted message to OUTDIR/<n>.eml (or only counts it with --discard, writing the count
to OUTDIR/count on exit). --slow-after N: from the N+1th message on, waits S seconds at RCPT TO,
before the message is transferred, so a test can kill the sending worker mid-batch while nothing
of that message has been accepted. --refuse: answer 550 for these recipients (a bounce);
--tempfail: 451 for these, once each. --pipelining: offer PIPELINING in the EHLO reply, as MTAs do
(aiosmtpd reads commands from a buffered stream one after the other, so pipelined commands work;
it only does not advertise it). --fast-data: read each message up to its final dot in one search
instead of line by line (stock aiosmtpd spends about 1.4 microseconds of CPU per line, and a digest
has over a thousand 76-character lines); for the benchmark only: no line-length or size checks, and
an empty message (a lone dot right after the 354) is not supported.
"""

import argparse
import asyncio
import os
import signal
import sys
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class FastDataSMTP(SMTP):
    """aiosmtpd 1.4 with DATA read in one block (``--fast-data``); the rest is aiosmtpd's own."""

    async def smtp_DATA(self, arg):
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        if not self.envelope.rcpt_tos:
            await self.push("503 Error: need RCPT command")
            return
        if arg:
            await self.push("501 Syntax: DATA")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        self._reader._limit = 1 << 26  # the stream's limit is one line's length otherwise
        try:
            data = await self._reader.readuntil(b"\r\n.\r\n")
        finally:
            self._reader._limit = self.line_length_limit
        content = data[:-3]  # the message keeps its last CRLF, as aiosmtpd keeps it
        content = (content[1:] if content.startswith(b".") else content).replace(b"\r\n.", b"\r\n")  # un-stuff
        self.envelope.content = self.envelope.original_content = content
        status = await self._call_handler_hook("DATA")
        self._set_post_data_state()
        await self.push(status)


class FastDataController(Controller):
    def factory(self):
        return FastDataSMTP(self.handler, **self.SMTP_kwargs)


class Handler:
    def __init__(self, args):
        self.args, self.count = args, 0
        self.out = Path(args.outdir)
        self.refuse = set(filter(None, (args.refuse or "").split(",")))
        self.tempfail = set(filter(None, (args.tempfail or "").split(",")))
        self.rcpts_seen = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.args.pipelining:
            responses.insert(len(responses) - 1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpts_seen += 1
        if self.args.slow_after is not None and self.rcpts_seen > self.args.slow_after:
            await asyncio.sleep(self.args.slow_seconds)
        if address in self.refuse:
            return "550 5.1.1 No such user"
        if address in self.tempfail:
            self.tempfail.discard(address)
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        if not self.args.discard:
            tmp = self.out / f".{self.count}.tmp"
            tmp.write_bytes(envelope.original_content or envelope.content)
            os.replace(tmp, self.out / f"{self.count:06d}.eml")
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("outdir")
    parser.add_argument("--discard", action="store_true")
    parser.add_argument("--pipelining", action="store_true")
    parser.add_argument("--fast-data", action="store_true")
    parser.add_argument("--slow-after", type=int)
    parser.add_argument("--slow-seconds", type=float, default=30)
    parser.add_argument("--refuse")
    parser.add_argument("--tempfail")
    args = parser.parse_args()
    Path(args.outdir).mkdir(parents=True, exist_ok=True)
    handler = Handler(args)
    controller = (FastDataController if args.fast_data else Controller)(handler, hostname="127.0.0.1", port=args.port, data_size_limit=10_000_000)
    controller.start()
    (Path(args.outdir) / "ready").write_text("ok")

    def stop(*_):
        controller.stop()
        (Path(args.outdir) / "count").write_text(str(handler.count))
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.pause()


if __name__ == "__main__":
    main()
