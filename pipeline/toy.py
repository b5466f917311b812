"""The original toy experiment: one-hot streams through the linear RAE, unrolled back.

Writes reports/toy/toy.json, toy.png (inputs above the unrolled reconstruction, per recipe),
training.png (recall as training goes) and sweep.png (recall against sequence length at two
hidden sizes).
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from evaluation import figures
from pipeline.infra.artifacts import save_json
from pipeline.infra.options import command_line, seed_value
from pipeline.infra.provenance import provenance
from pipeline.infra.runtime import set_seed
from training.toy import RECIPES, ToyResult, one_hot_stream, train

LENGTH, HIDDEN = 8, 24  # the original experiment


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=seed_value, default=0,
                        help="seeds the initialisation (default: 0)")
    parser.add_argument("--steps", type=_positive, default=3000,
                        help="training steps, the same budget for every recipe (default: 3000)")
    parser.add_argument("--longer", type=_positive, default=10,
                        help="also train the original recipe this many times longer (default: 10)")
    parser.add_argument("--repeats", type=_positive, default=5,
                        help="also train seeds SEED+1 .. SEED+repeats-1, to show the result "
                             "does not hang on one initialisation (default: 5)")
    parser.add_argument("--sweep-lengths", type=_positive, nargs="*",
                        default=[8, 16, 24, 32, 48, 64], help="sequence lengths of the sweep")
    parser.add_argument("--sweep-hidden", type=_positive, nargs="*", default=[HIDDEN, 96],
                        help="hidden sizes of the sweep (default: 24 96)")
    parser.add_argument("--reports", default="reports", help="folder for reports")


def main(args: argparse.Namespace) -> None:
    set_seed(args.seed)
    results = {name: train(name, LENGTH, HIDDEN, args.steps, args.seed) for name in RECIPES}
    longer = f"original, {args.longer}x steps"
    results[longer] = dataclasses.replace(
        train("original", LENGTH, HIDDEN, args.steps * args.longer, args.seed), name=longer)
    repeats = [{"seed": seed,
                "recalled": {name: train(name, LENGTH, HIDDEN, args.steps, seed).recalled
                             for name in RECIPES}}
               for seed in range(args.seed, args.seed + args.repeats)]
    sweep = _sweep(args)
    _write(args, results, repeats, sweep, Path(args.reports) / "toy")
    for r in results.values():
        print(f"{r.name}: {r.recalled}/{LENGTH} recalled, loss {r.loss:.4f}, {r.steps} steps, "
              f"{r.seconds:.1f}s")
    for name in RECIPES:
        print(f"{name}, recalled for seeds {repeats[0]['seed']}..{repeats[-1]['seed']}: "
              + ", ".join(str(row["recalled"][name]) for row in repeats))


def _sweep(args: argparse.Namespace) -> list[dict]:
    """Recall of the unrolled recipe against sequence length, at each hidden size."""
    sweep = []
    for hidden in args.sweep_hidden:
        for length in args.sweep_lengths:
            result = train("unrolled", length, hidden, args.steps, args.seed)
            sweep.append({"recipe": "unrolled", "hidden": hidden, "length": length,
                          "recalled": result.recalled, "loss": result.loss,
                          "seconds": result.seconds})
            print(f"sweep: hidden {hidden}, length {length}: {result.recalled}/{length} recalled",
                  flush=True)
    return sweep


def _write(args: argparse.Namespace, results: dict[str, ToyResult], repeats: list[dict],
           sweep: list[dict], out: Path) -> None:
    report = {
        "length": LENGTH,
        "hidden": HIDDEN,
        "seed": args.seed,
        "settings": [{k: v for k, v in dataclasses.asdict(r).items() if k != "unrolled"}
                     for r in results.values()],
        "steps_to_full_recall": {r.name: next((step for step, n in r.trace if n == LENGTH), None)
                                 for r in results.values()},
        "recipes": {name: dataclasses.asdict(recipe) for name, recipe in RECIPES.items()},
        "repeats": repeats,
        "sweep": sweep,
        "provenance": provenance(command_line()),
    }
    out.mkdir(parents=True, exist_ok=True)
    figures.toy_reconstruction(one_hot_stream(LENGTH)[0].tolist(),
                               {name: r.unrolled for name, r in results.items()},
                               {name: r.recalled for name, r in results.items()},
                               out / "toy.png")
    figures.toy_sweep(sweep, out / "sweep.png")
    # The plain original run is the start of the longer one (same initialisation): drawn once.
    figures.toy_training({r.name: r.trace for r in results.values() if r.name != "original"},
                         LENGTH, args.steps, out / "training.png")
    save_json(report, out / "toy.json")
    print(f"-> {out}/toy.json, toy.png, training.png, sweep.png")
