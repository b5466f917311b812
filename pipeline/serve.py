"""Serve the web page: type sentences and see a model's tree of each (the tree a phrase model's
parser gives it, or the one the greedy RAE builds), every node coloured by its own prediction;
every task's reports; the test sentences a model got wrong. `make serve` exports the models
first and passes their folders, the default one first (pipeline/serving/web/ is the page).

It listens on 127.0.0.1 unless --host says otherwise: the page is for the person at this
machine, and it serves nothing but the page, reports/ and answers of the model folders.
"""

from __future__ import annotations

import argparse
import socket
from pathlib import Path

from pipeline.infra.config import ConfigError
from pipeline.infra.options import device_value
from pipeline.infra.runtime import DEVICES, resolve_device
from pipeline.serving.model_folder import load_folder


def port_value(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number in 1..65535, got {text!r}")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", required=True, action="append", metavar="FOLDER",
                        dest="models",
                        help="a model folder (`make export`) the page offers, under the "
                             "folder's name; repeat it for more; the first is the default")
    parser.add_argument("--reports", default="reports",
                        help="the reports to show (default: %(default)s)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: %(default)s, this machine only)")
    parser.add_argument("--port", type=port_value, default=8000,
                        help="port to listen on (default: %(default)s)")
    parser.add_argument("--device", type=device_value, default="auto",
                        help=f"where the models run: {DEVICES} (default: auto)")


def main(args: argparse.Namespace) -> None:
    # imported here: `python -m pipeline --help` should not wait for the web framework
    import uvicorn

    from pipeline.serving.web.app import Models, create_app

    device = resolve_device(args.device)
    folders = [Path(folder) for folder in args.models]
    names = [folder.resolve().name for folder in folders]
    if len(set(names)) < len(names):
        raise ConfigError(f"the page names a model by its folder, and two are named alike: "
                          f"{', '.join(map(str, folders))}")
    models = Models({name: load_folder(folder).to(device)
                     for name, folder in zip(names, folders, strict=True)})
    app = create_app(models, Path(args.reports))
    listening = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((args.host, args.port))
    except OSError as err:
        raise ConfigError(f"cannot listen on {args.host}:{args.port} ({err.strerror}); "
                          f"pass another PORT=") from None
    print(f"serving http://{args.host}:{args.port}/ (Ctrl-C stops)", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[listening])
