"""The stages, one module each (`python -m pipeline <stage>`); the RAE families in families/, what
the stages rely on in infra/.

The Python API: `from pipeline import RAEClassifier` (api.py), imported on first use, so that
`python -m pipeline --help` stays quick.
"""


def __getattr__(name: str):
    if name == "RAEClassifier":
        from pipeline.serving.api import RAEClassifier

        return RAEClassifier
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
