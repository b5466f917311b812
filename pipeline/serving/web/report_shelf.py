"""What the page shows of reports/: each task's runs, their accuracy tables and figures, and
the test sentences a model got wrong. Only files found by listing reports/ are read; a name a
client sends is looked up among them, never joined onto a path."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from evaluation.predictions import wrong_predictions


class ReportShelf:
    def __init__(self, root: Path):
        self.root = root

    def _runs(self) -> dict[tuple[str, str], Path]:
        """(task, run) -> its report folder, for every reports/<task>/<run>/accuracy.json."""
        if not self.root.is_dir():
            return {}
        return {(path.parent.parent.name, path.parent.name): path.parent
                for path in sorted(self.root.glob("*/*/accuracy.json"))}

    def reports(self) -> list[dict]:
        shown = []
        for (task, run), folder in self._runs().items():
            try:
                report = json.loads((folder / "accuracy.json").read_text(encoding="utf-8"))
                rows = [{"model": r["model"], "accuracy": r["accuracy"], "std": r.get("std")}
                        for r in report["results"]]
            except (OSError, ValueError, KeyError, TypeError):
                continue  # a report being written, or not one of ours: not shown
            shown.append({
                "task": task, "run": run, "protocol": report.get("protocol"),
                "seed": report.get("seed"), "rows": rows,
                "reported": [{"model": r.get("model"), "accuracy": r.get("accuracy"),
                              "source": r.get("source")} for r in report.get("references", [])],
                "figures": [f"{task}/{run}/{png.name}" for png in sorted(folder.glob("*.png"))],
                "errors": (folder / "predictions.json").is_file()})
        return shown

    def errors(self, task: str, run: str, model: str | None, label: str | None,
               limit: int) -> dict | None:
        """None: no such report. Else the models and classes to filter by, how many
        sentences `model` got wrong (of true class `label`) and the first `limit`."""
        folder = self._runs().get((task, run))
        if folder is None or not (folder / "predictions.json").is_file():
            return None
        path = folder / "predictions.json"
        predictions = _read(path, path.stat().st_mtime_ns)
        models = list(predictions["predicted"])
        model = model if model in models else models[-1]
        wrong = wrong_predictions(predictions, model, label or None)
        return {"models": models, "labels": predictions["class_names"], "model": model,
                "total": len(wrong), "errors": wrong[:limit]}


@lru_cache(maxsize=8)
def _read(path: Path, modified: int) -> dict:
    """Parsed once per version of the file (its modification time is part of the key)."""
    return json.loads(path.read_text(encoding="utf-8"))
