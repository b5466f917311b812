"""Data: sources, tokenising, vocabulary, splits and batching. No training here."""
