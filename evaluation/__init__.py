"""Metrics, baselines, analyses and report writers."""
