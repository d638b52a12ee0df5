"""Zero-cost proxies: scores of an untrained network from one mini-batch, no training.

Definitions follow the papers that proposed or compared them:

* ``synflow`` (Tanaka et al., 2020; as a NAS proxy Abdelfattah et al., ICLR 2021):
  data-free. Every weight replaced by its absolute value, an all-ones input, ``R`` the
  sum of the outputs; the score is ``sum |theta * dR/dtheta|`` over convolution and linear
  weights. Computed in float32, and again in float64 when that overflows (deep networks
  do), with batch norm in eval mode: at initialisation its running statistics make it
  the identity (up to its eps), which is the usual "synflow without batch norm".
* ``grad_norm``: the sum over convolution and linear weights of the Euclidean norm of the
  cross-entropy loss gradient on the batch.
* ``snip`` (Lee et al., 2019): ``sum |theta * dL/dtheta|`` over the same weights.
* ``naswot`` (Mellor et al., ICML 2021): the binary codes of every ReLU's activations for
  each input of the batch; ``K[i, j]`` counts the units where inputs ``i`` and ``j`` agree;
  the score is ``log |det K|``.
* ``params``: trainable parameters. ``flops``: multiply-adds of convolutions and linear
  layers for one input (``torch.utils.flop_counter``, divided by 2).

Each takes a freshly built network (it may change its weights and modes) and is
deterministic given the network's initialisation and the batch.
"""

from __future__ import annotations

import numpy as np

PROXIES = ("synflow", "grad_norm", "snip", "naswot", "params", "flops")
DATA_FREE = ("synflow", "params", "flops")


def _torch():
    try:
        import torch
        from torch import nn
    except ImportError as exc:
        raise ImportError("zero-cost proxies need PyTorch: pip install 'weaknas[torch]'") from exc
    return torch, nn


def _weights(model):
    """The weights of convolution and linear layers (what every proxy here sums over)."""
    _, nn = _torch()
    return [
        module.weight
        for module in model.modules()
        if isinstance(module, nn.Conv2d | nn.Linear) and module.weight.requires_grad
    ]


def synflow(model, input_shape: tuple[int, ...]) -> float:
    """In float32 (fast kernels); again in float64 when float32 overflows."""
    torch, _ = _torch()
    model.eval()
    with torch.no_grad():
        signs = [p.sign() for p in model.parameters()]
        for p in model.parameters():
            p.abs_()
    try:
        score = _synflow_pass(model, input_shape, torch.float32)
        if not np.isfinite(score):
            score = _synflow_pass(model.double(), input_shape, torch.float64)
    finally:
        model.float()
        with torch.no_grad():
            for p, sign in zip(model.parameters(), signs, strict=True):
                p.mul_(sign)
    return score


def _synflow_pass(model, input_shape, dtype) -> float:
    torch, _ = _torch()
    model.zero_grad()
    output = model(torch.ones((1, *input_shape), dtype=dtype, device=_device_of(model)))
    output = output[0] if isinstance(output, tuple) else output
    output.sum().backward()
    with torch.no_grad():
        return sum(float((w * w.grad).abs().sum()) for w in _weights(model) if w.grad is not None)


def torch_no_grad():
    torch, _ = _torch()
    return torch.no_grad()


def _loss_gradients(model, inputs, targets) -> None:
    torch, nn = _torch()
    model.train()
    model.zero_grad()
    output = model(inputs)
    output = output[0] if isinstance(output, tuple) else output
    nn.functional.cross_entropy(output, targets).backward()


def grad_norm(model, inputs, targets) -> float:
    _loss_gradients(model, inputs, targets)
    with torch_no_grad():
        return sum(float(w.grad.norm()) for w in _weights(model) if w.grad is not None)


def snip(model, inputs, targets) -> float:
    _loss_gradients(model, inputs, targets)
    with torch_no_grad():
        return sum(float((w * w.grad).abs().sum()) for w in _weights(model) if w.grad is not None)


def naswot(model, inputs) -> float:
    torch, nn = _torch()
    n = len(inputs)
    kernel = torch.zeros((n, n), dtype=torch.float64)

    def record(module, args, output):
        codes = (output.detach().reshape(n, -1) > 0).double().cpu()
        kernel.add_(codes @ codes.T + (1 - codes) @ (1 - codes).T)

    hooks = [m.register_forward_hook(record) for m in model.modules() if isinstance(m, nn.ReLU)]
    try:
        model.train()  # batch statistics, as the paper computes it on an untrained network
        with torch.no_grad():
            model(inputs)
    finally:
        for hook in hooks:
            hook.remove()
    sign, logdet = torch.linalg.slogdet(kernel)
    return float(logdet) if sign != 0 else float("-inf")


def params(model) -> float:
    return float(sum(p.numel() for p in model.parameters() if p.requires_grad))


def flops(model, input_shape: tuple[int, ...]) -> float:
    torch, _ = _torch()
    from torch.utils.flop_counter import FlopCounterMode

    model.eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros((1, *input_shape), device=_device_of(model)))
    return counter.get_total_flops() / 2


def _device_of(model):
    """Where the model's parameters are (inputs made here go there too)."""
    parameter = next(model.parameters(), None)
    return None if parameter is None else parameter.device


def compute(name: str, model, inputs=None, targets=None) -> float:
    """Proxy ``name`` of ``model``; data-dependent ones need ``inputs`` (and ``targets``)."""
    if name not in PROXIES:
        raise ValueError(f"unknown proxy {name!r}; expected one of {PROXIES}")
    if name not in DATA_FREE and inputs is None:
        raise ValueError(f"proxy {name!r} needs a batch of inputs")
    if name == "params":
        return params(model)
    if inputs is None:  # the data-free ones left need the input shape
        raise ValueError(f"proxy {name!r} needs the input shape: give a batch of inputs")
    shape = tuple(inputs.shape[1:])
    if name == "synflow":
        return synflow(model, shape)
    if name == "flops":
        return flops(model, shape)
    if name == "naswot":
        return naswot(model, inputs)
    if targets is None:
        raise ValueError(f"proxy {name!r} needs the batch's labels")
    return (
        grad_norm(model, inputs, targets) if name == "grad_norm" else snip(model, inputs, targets)
    )


def finite(value: float) -> float:
    """NaN for an infinite score, which a search then records as a failed evaluation."""
    return float(value) if np.isfinite(value) else float("nan")
