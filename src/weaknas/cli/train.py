"""``weaknas train``: the final training of a search's best architecture (or any given
one) with its space's published recipe; the same command continues a killed run."""

from __future__ import annotations

import argparse
from pathlib import Path

from weaknas.cli.export import architecture_source

MODEL_FILE = "model.torchscript.pt"  # the trained network, loadable without weaknas


def train_command(args: argparse.Namespace) -> int:
    from weaknas.export import Network, build_network, metadata, write_network
    from weaknas.export.networks import space_family
    from weaknas.training.final import RECIPES, FinalTraining, TrainSettings, training_network

    source = architecture_source(args, "nb201, nb101, darts, mobilenetv3")
    family = space_family(source.get("space"), source.get("benchmark"))
    if family not in RECIPES:
        raise ValueError(
            f"weaknas train has the published recipes of {', '.join(RECIPES)}; a space of "
            "your own is trained by your own code (weaknas export --builder gives its network)"
        )
    supernet = args.supernet or source.get("supernet")
    if args.width_scale != 1.0 and family == "mobilenetv3":
        raise ValueError("--width-scale is for nb201, nb101 and darts (mobilenetv3: --width)")
    settings = TrainSettings(
        space=family,
        arch=source["arch"],
        data=args.data,
        epochs=args.epochs or RECIPES[family].epochs,
        seed=args.seed,
        width_scale=args.width_scale,
        batch_size=args.batch_size,
        max_images=args.max_images,
        source=source.get("run"),
    )
    width = source.get("width") or 1.0

    def network(in_channels: int, n_classes: int, side: int):
        if family != "mobilenetv3":
            return training_network(
                family, settings.arch, in_channels, n_classes, args.width_scale, side
            )
        built = build_network("mobilenetv3", settings.arch, width_mult=width, supernet=supernet)
        model = built.model
        if built.details["classes"] != n_classes:  # a new head for this data's classes
            from torch import nn

            model.classifier.linear = nn.Linear(model.classifier.linear.in_features, n_classes)
        return model

    default = Path(args.run) / "train" if args.run else Path(f"runs/train_{family}_seed{args.seed}")
    out = Path(args.out) if args.out else default
    training = FinalTraining(settings, out, network, device=args.device, progress=not args.quiet)
    try:
        summary = training.run()
    except KeyboardInterrupt:
        print(
            f"weaknas: interrupted; every finished epoch is in {out / 'checkpoint.pt'}: "
            "the same command continues from the last one",
        )
        return 130
    trained = Network(training.model.cpu(), training.input_shape, family, settings.arch)
    trained.details = {"trained": str(out), "weights": "trained by weaknas train"}
    about = metadata(trained, {k: v for k, v in source.items() if k != "arch"})
    write_network(trained, out / MODEL_FILE, "torchscript", about)
    if not args.quiet:
        test = summary["test_accuracy"]
        print(f"trained {family} for {summary['epochs']} epochs in {out}")
        print(f"  validation accuracy  {summary['final_val_accuracy']:.2f} (last epoch)")
        print(f"  test accuracy        {'n/a (no test split)' if test is None else f'{test:.2f}'}")
        curves = summary["curves"] or "(no PNG: pip install 'weaknas[report]')"
        print(f"  files                {MODEL_FILE}, metrics.csv, {curves}")
    return 0
