"""What every stage relies on: config, run options and paths, artifacts, checkpoints, locks,
provenance, and loading what earlier stages built."""
