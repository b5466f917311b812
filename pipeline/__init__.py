"""Entry points, one per stage: `python -m pipeline <stage>`."""
