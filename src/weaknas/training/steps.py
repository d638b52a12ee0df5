"""The steps every training here shares: batch augmentations drawn from a given
generator (so a seeded run repeats exactly) and top-1 accuracy in batches."""

from __future__ import annotations


def evaluate(model, x, y, device: str, resize=lambda x: x, batch: int = 500) -> float:
    """Top-1 accuracy (%) of ``model`` on images ``x`` with labels ``y``."""
    import torch

    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(x), batch):
            logits = model(resize(x[start : start + batch]).to(device))
            correct += int((logits.argmax(1).cpu() == y[start : start + batch]).sum())
    return 100.0 * correct / max(1, len(x))


def crop_and_flip(x, generator):
    """Random crops (zero padding of 1/8 of the side) and horizontal flips, per batch."""
    import torch

    pad = max(1, x.shape[-1] // 8)
    side = x.shape[-1]
    padded = torch.nn.functional.pad(x, (pad, pad, pad, pad))
    dy, dx = torch.randint(0, 2 * pad + 1, (2,), generator=generator).tolist()
    x = padded[:, :, dy : dy + side, dx : dx + side]
    flip = torch.rand(len(x), generator=generator) < 0.5
    return torch.where(flip[:, None, None, None], x.flip(-1), x)


def cutout(x, length: int, generator):
    """One zeroed square of side ``length`` per image, centred anywhere (DARTS's cutout)."""
    import torch

    n, _, h, w = x.shape
    top = torch.randint(0, h, (n,), generator=generator)[:, None, None] - length // 2
    left = torch.randint(0, w, (n,), generator=generator)[:, None, None] - length // 2
    rows = torch.arange(h)[None, :, None]
    cols = torch.arange(w)[None, None, :]
    inside = (rows >= top) & (rows < top + length) & (cols >= left) & (cols < left + length)
    return x * (~inside)[:, None].to(x.dtype)


__all__ = ["crop_and_flip", "cutout", "evaluate"]
