"""A bare WSGI app answering fixed TwiML in the shape of a NightDesk call (greeting, hold and
redirect polls, one question, goodbye), with no signature check, database or queue: the floor
that bench/webhook_latency.py compares NightDesk's webhooks with, under the same gunicorn
settings. Stateless: /voice/next?turn=T&poll=P answers a hold until P reaches POLLS."""
from __future__ import annotations

from urllib.parse import parse_qs

POLLS = 2
HEAD = '<?xml version="1.0" encoding="UTF-8"?><Response>'


def _gather(host: str, turn: int, say: str) -> str:
    return (f'{HEAD}<Gather action="http://{host}/voice/gather?turn={turn}" input="speech" '
            f'method="POST" speechTimeout="2"><Say>{say}</Say></Gather></Response>')


def answer(path: str, query: dict, host: str) -> str:
    turn = int(query.get("turn", ["1"])[0])
    poll = int(query.get("poll", ["0"])[0])
    if path == "/voice/incoming":
        return _gather(host, 1, "You've reached the after-hours IT line. What's wrong?")
    if path == "/voice/gather":
        return (f'{HEAD}<Say>Thanks. One moment.</Say>'
                f'<Redirect method="POST">http://{host}/voice/next?turn={turn}</Redirect></Response>')
    if path == "/voice/next" and poll < POLLS:
        return (f'{HEAD}<Pause length="1"/><Redirect method="POST">'
                f'http://{host}/voice/next?turn={turn}&amp;poll={poll + 1}</Redirect></Response>')
    if path == "/voice/next" and turn == 1:
        return _gather(host, 2, "Is it just you, or is everyone affected?")
    if path == "/voice/next":
        return f"{HEAD}<Say>Your ticket number is 5 0 0 0 1. Goodbye.</Say><Hangup/></Response>"
    return f"{HEAD}</Response>"


def app(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    environ["wsgi.input"].read(length)  # read the form as any webhook would
    body = answer(environ.get("PATH_INFO", ""), parse_qs(environ.get("QUERY_STRING", "")),
                  environ.get("HTTP_HOST", "127.0.0.1")).encode()
    start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))])
    return [body]
