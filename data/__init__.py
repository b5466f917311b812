"""Data: sources, tokenising, vocabulary, splits, tasks, padded batches and tree batches. No
training here."""
