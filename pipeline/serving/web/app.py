"""The web page's server (FastAPI: request checking and JSON from type hints, on uvicorn).

- GET /: the page (static/); GET /reports/...: files under reports/, nothing outside it;
- GET /api/models: the models it serves, by name (their folders'), the default first, each
  with its class names and their colours;
- POST /predict {"texts": [...], "model": name, "tree": false}: the answers `python -m
  pipeline predict --model FOLDER` prints, one per text (the default model when no name is
  given; with "tree", also each text's tree), and with "svg" each tree drawn;
- GET /api/reports: every task's accuracy tables and figures;
- GET /api/errors?task=&run=&model=&label=: the test sentences a model got wrong.

Requests are size-limited; every response forbids scripts and styles from anywhere but the
page's own files, so text that looks like markup can only ever be shown as text.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from pipeline.predict import as_json
from pipeline.serving.trained import TrainedModel
from pipeline.serving.web.report_shelf import ReportShelf
from pipeline.serving.web.tree_svg import class_colours, tree_svg

STATIC = Path(__file__).parent / "static"
MAX_BODY = 2_000_000  # bytes of a request: a 1 MB line fits, a flood does not
MAX_TEXTS = 256
MAX_ERRORS = 500
HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self'; object-src 'none'",
           "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


@dataclass(frozen=True)
class Models:
    by_name: dict[str, TrainedModel]  # one or more, in the page's order, the default first

    @property
    def default(self) -> str:
        return next(iter(self.by_name))

    def named(self, name: str | None) -> TrainedModel:
        if name is None:
            return self.by_name[self.default]
        if name not in self.by_name:
            raise HTTPException(404, f"no model {name!r} here; the page serves "
                                     f"{', '.join(self.by_name)}")
        return self.by_name[name]

    def described(self) -> list[dict]:
        return [{"name": name, "family": trained.family.name,
                 "dataset": trained.made_from.get("dataset"), "labels": trained.labels,
                 "colours": class_colours(trained.labels), "trees": trained.draws_trees}
                for name, trained in self.by_name.items()]


class PredictRequest(BaseModel):
    texts: list[str] = Field(min_length=1, max_length=MAX_TEXTS)
    model: str | None = None  # a served model's name; none: the default
    tree: bool = False
    svg: bool = False


class BodyLimit:
    """ASGI middleware: a request body over `limit` bytes is answered 413 before it is read
    whole (Content-Length, when sent, is checked first)."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.limit:
            return await _too_large(scope, receive, send, self.limit)
        received = 0

        async def counted():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise HTTPException(413, f"a request may hold {self.limit:,} bytes at most")
            return message

        return await self.app(scope, counted, send)


async def _too_large(scope, receive, send, limit: int):
    response = JSONResponse({"detail": f"a request may hold {limit:,} bytes at most"}, 413,
                            headers=HEADERS)
    await response(scope, receive, send)


def create_app(models: Models, reports: Path) -> FastAPI:
    app = FastAPI(title="RAE sentence classification", docs_url=None, redoc_url=None)
    shelf = ReportShelf(reports)
    # One forward pass at a time: torch already spreads each one over the cores.
    model_lock = threading.Lock()

    @app.middleware("http")
    async def security_headers(request, call_next):
        response = await call_next(request)
        response.headers.update(HEADERS)
        return response

    @app.get("/")
    def page():
        return FileResponse(STATIC / "index.html")

    @app.get("/api/models")
    def models_list() -> dict:
        return {"default": models.default, "models": models.described()}

    @app.post("/predict")
    def predict(request: PredictRequest) -> dict:
        start = time.perf_counter()
        trained = models.named(request.model)
        if request.tree and not trained.draws_trees:
            raise HTTPException(422, f"the {trained.family.name} model builds no trees; "
                                     f"ask it without \"tree\"")
        with model_lock:
            answers = trained.answers(request.texts, request.tree)
        shown = []
        for text, answer in zip(request.texts, answers, strict=True):
            drawn = {"svg": tree_svg(answer["tree"], trained.labels)} \
                if request.tree and request.svg else {}
            shown.append({**as_json(text, answer), **drawn})
        return {"answers": shown, "model": request.model or models.default,
                "seconds": round(time.perf_counter() - start, 4)}

    @app.get("/api/reports")
    def reports_list() -> list[dict]:
        return shelf.reports()

    @app.get("/api/errors")
    def errors(task: str, run: str, model: str | None = None, label: str | None = None,
               limit: int = 200) -> dict:
        found = shelf.errors(task, run, model, label, min(max(limit, 1), MAX_ERRORS))
        if found is None:
            raise HTTPException(404, f"no predictions for {task} {run} under reports/")
        return found

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    if reports.is_dir():
        app.mount("/reports", StaticFiles(directory=reports), name="reports")
    app.add_middleware(BodyLimit, limit=MAX_BODY)
    return app
