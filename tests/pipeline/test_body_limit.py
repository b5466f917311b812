"""BodyLimit (pipeline/serving/web/app.py) answers 413 to a body over its limit, whether the request
declares its length or streams it; driven through ASGI here, so no socket races the answer."""

import asyncio

import pytest
from fastapi import FastAPI, Request

from pipeline.serving.web.app import BodyLimit

LIMIT = 10


def _echo_length() -> FastAPI:
    app = FastAPI()

    @app.post("/")
    async def length(request: Request) -> int:
        return len(await request.body())

    return app


def _status(chunks: list[bytes], declared: int | None) -> int:
    """The status BodyLimit(app) answers a POST whose body comes in `chunks`."""
    headers = [] if declared is None else [(b"content-length", str(declared).encode())]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/", "raw_path": b"/",
             "query_string": b"", "root_path": "", "headers": headers,
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    messages = [{"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
                for i, chunk in enumerate(chunks)]
    sent = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(BodyLimit(_echo_length(), LIMIT)(scope, receive, send))
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


@pytest.mark.parametrize("declared", [None, 11])
def test_a_body_over_the_limit_gets_413(declared):
    assert _status([b"x" * 6, b"x" * 5], declared) == 413


def test_a_declared_length_over_the_limit_gets_413_before_any_body_is_read():
    assert _status([], 1_000_000) == 413


@pytest.mark.parametrize("declared", [None, 10])
def test_a_body_at_the_limit_is_answered(declared):
    assert _status([b"x" * 4, b"x" * 6], declared) == 200
