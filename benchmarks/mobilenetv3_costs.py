"""MobileNetV3 (OFA) space: analytic costs checked, extremes listed, pool creation timed.

1. Analytic multiply-adds and parameters (``MobileNetV3Space.macs``/``params``) vs the
   PyTorch build counted by ``torch.utils.flop_counter`` (FLOPs / 2) and by summing its
   parameters, on ``--archs`` random sub-networks per width at several resolutions.
2. The same vs the sub-networks the ``ofa`` package extracts from its own
   ``OFAMobileNetV3`` supernet and counts with its own ``count_net_flops`` /
   ``count_parameters``, where it is installed (``pip install --no-deps ofa``; its
   network code needs only torch, but ``import ofa`` reaches a data loader that imports
   torchvision, which is stubbed out here: nothing of it runs).
3. The smallest and largest sub-network of each width, and OFA's published
   ``flops@595M_top1@80.0_finetune@75`` (README: 595M MACs, 9.1M parameters).
4. Pool creation: 10,000 distinct sub-networks within 550-600 MFLOPs (median of
   ``--repeats``), and the pool's FLOPs distribution.

    python benchmarks/mobilenetv3_costs.py --archs 100 \
        | tee benchmarks/results/mobilenetv3_costs.log
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

from weaknas.spaces.mobilenetv3 import KS, MobileNetV3Space, canonical, format_config
from weaknas.spaces.mobilenetv3_layout import RESOLUTIONS

OFA_595M = {
    "ks": [3, 5, 3, 3, 5, 5, 3, 5, 7, 5, 3, 5, 3, 5, 7, 3, 3, 3, 5, 3],
    "e": [3, 4, 3, 3, 4, 4, 6, 3, 6, 6, 3, 4, 6, 6, 6, 4, 6, 6, 6, 3],
    "d": [3, 4, 4, 4, 4],
    "r": 236,
}


def check_against_torch(n_archs: int) -> None:
    import torch

    from weaknas.training.mobilenetv3_net import (
        build_network,
        count_multiply_adds,
        count_parameters,
    )

    torch.set_num_threads(1)
    resolutions = (128, 160, 192, 224)
    for width in (1.0, 1.2):
        space = MobileNetV3Space(
            pool_size=n_archs, seed=11, width_mult=width, resolutions=resolutions
        )
        mac_errors, param_errors = [], []
        for row in space.rows:
            network = build_network(row, width)
            macs = count_multiply_adds(network, int(row[-1]))
            params = count_parameters(network)
            mac_errors.append(abs(space.macs(row[None])[0] * 1e6 - macs) / macs)
            param_errors.append(abs(space.params(row[None])[0] * 1e6 - params) / params)
        used = sorted({int(r) for r in space.rows[:, -1]})
        print(
            f"width {width}: {space.size} random sub-networks at resolutions {used}: max "
            f"relative error vs torch.utils.flop_counter: MACs {max(mac_errors):.2e}, "
            f"params {max(param_errors):.2e}"
        )


def check_against_ofa(n_archs: int) -> None:
    try:
        import torch

        from weaknas.testing.extras import import_without_torchvision

        networks = import_without_torchvision("ofa.imagenet_classification.elastic_nn.networks")
        utils = import_without_torchvision("ofa.utils.pytorch_utils")
        OFAMobileNetV3 = networks.OFAMobileNetV3  # noqa: N806
        count_net_flops, count_parameters = utils.count_net_flops, utils.count_parameters
    except ImportError as exc:
        print(f"ofa package: not installed ({exc}); skipped")
        return
    from importlib.metadata import version

    torch.set_num_threads(1)
    print(f"ofa package {version('ofa')}:")
    for width in (1.0, 1.2):
        supernet = OFAMobileNetV3(
            ks_list=[3, 5, 7], expand_ratio_list=[3, 4, 6], depth_list=[2, 3, 4], width_mult=width
        )
        space = MobileNetV3Space(pool_size=n_archs, seed=12, width_mult=width)
        rows = list(space.rows)
        rows.append(canonical(np.array([3] * 40 + [2] * 5 + [space.resolutions[0]]))[0])
        rows.append(canonical(np.array([7] * 20 + [6] * 20 + [4] * 5 + [224]))[0])
        worst_macs = worst_params = 0.0
        for row in rows:
            config = format_config(row)
            supernet.set_active_subnet(ks=config["ks"], e=config["e"], d=config["d"])
            subnet = supernet.get_active_subnet(preserve_weight=False)
            side = config["r"]
            macs = count_net_flops(subnet, (1, 3, side, side))
            params = count_parameters(subnet)
            ours_macs, ours_params = (
                space.macs(row[None])[0] * 1e6,
                space.params(row[None])[0] * 1e6,
            )
            worst_macs = max(worst_macs, abs(ours_macs - macs) / macs)
            worst_params = max(worst_params, abs(ours_params - params) / params)
        print(
            f"  width {width}: {len(rows)} sub-networks (random, smallest, largest) extracted "
            f"by OFAMobileNetV3.get_active_subnet: max relative error MACs {worst_macs:.2e}, "
            f"params {worst_params:.2e}"
        )


def extremes() -> None:
    print("smallest and largest sub-networks (MACs in millions, OFA's MFLOPs; params in M):")
    for width in (1.0, 1.2):
        space = MobileNetV3Space(pool_size=1, width_mult=width, resolutions=RESOLUTIONS)
        for name, values in (("smallest", (3, 3, 2)), ("largest", (7, 6, 4))):
            for resolution in (128, 160, 224):
                k, e, d = values
                row = canonical(np.array([k] * 20 + [e] * 20 + [d] * 5 + [resolution]))
                print(
                    f"  w{width} {name:8} r{resolution}: {space.macs(row)[0]:8.2f} MMACs "
                    f"{space.params(row)[0]:7.3f} M params"
                )
    space = MobileNetV3Space(pool_size=1, width_mult=1.2, resolutions=236)
    from weaknas.spaces.mobilenetv3 import parse_config

    row = parse_config(OFA_595M, (236,))[None]
    print(
        f"  OFA flops@595M_top1@80.0 (w1.2, r236): {space.macs(row)[0]:.2f} MMACs, "
        f"{space.params(row)[0]:.3f} M params (OFA README: 595M MACs, 9.1M params)"
    )


def pool_timing(repeats: int) -> None:
    settings = {
        "w1.2, r224 (the paper's)": dict(width_mult=1.2, resolutions=224),
        "w1.2, r160..224": dict(width_mult=1.2),
    }
    for label, options in settings.items():
        seconds = []
        for seed in range(repeats):
            started = time.perf_counter()
            space = MobileNetV3Space(pool_size=10_000, seed=seed, flops=(550, 600), **options)
            seconds.append(time.perf_counter() - started)
        macs = space.macs()
        counts, edges = np.histogram(macs, bins=10, range=(550, 600))
        print(
            f"pool of 10,000 within 550-600 MFLOPs, {label}: median {np.median(seconds):.2f} s "
            f"(min {min(seconds):.2f}, max {max(seconds):.2f}, {repeats} seeds)"
        )
        print(
            f"  MFLOPs percentiles 5/25/50/75/95: "
            f"{' / '.join(f'{v:.1f}' for v in np.percentile(macs, [5, 25, 50, 75, 95]))}"
        )
        print("  histogram (5-MFLOP bins from 550): " + " ".join(str(c) for c in counts))
        depth = space.rows[:, 40:45].sum(axis=1)
        kernels = space.rows[:, KS][space.rows[:, KS] > 0]
        print(
            f"  mean blocks {depth.mean():.1f} of 20; kernel 3/5/7 shares "
            + "/".join(f"{(kernels == k).mean():.2f}" for k in (3, 5, 7))
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archs", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    check_against_torch(args.archs)
    check_against_ofa(max(args.archs // 5, 5))
    extremes()
    pool_timing(args.repeats)


if __name__ == "__main__":
    main()
