#!/usr/bin/env python3
"""Finetune a timm image classifier for ONE epoch per call, following quicktune's command-trainer protocol.

    quicktune search --dataset ./imgs --trainer command \
        --trainer-cmd "python3 examples/timm_trainer.py --workers 8"

Protocol (docs/command-trainer.md): the step request arrives as one JSON object on stdin (and in QT_*
environment variables): config, epoch, max_epochs, data, checkpoint_in, checkpoint_out, seed. The script
resumes from checkpoint_in (absent at epoch 1), trains one epoch, evaluates top-1 accuracy on the validation
split, writes its checkpoint to checkpoint_out and prints ONE JSON line on stdout:
    {"score": <top-1 accuracy as a fraction>, "seconds": <this epoch's train + validation seconds>}
Everything else goes to stderr. A non-zero exit means the step failed.

Hyperparameters: those of the Quick-Tune search space (metadata/search-space.yaml), written as in the
Quick-Tune meta-dataset (clip_grad / layer_decay -1 = off, opt_betas "[0.9, 0.999]" or "None", ...); see
docs/command-trainer.md for what is supported. cotuning_reg > 0 is not (warned and ignored; v6 fixes it at 0).

Dataset layout: DATA/train/<class>/* and DATA/val/<class>/*, or DATA/<class>/* split 80/20 per class with
the request's seed (the same split at every epoch).

Requires: torch, torchvision, timm (>= 0.9), pillow.
"""
import argparse
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import timm
from timm.data import Mixup, resolve_data_config
from timm.data.auto_augment import auto_augment_transform, rand_augment_transform
from timm.loss import LabelSmoothingCrossEntropy, SoftTargetCrossEntropy
from timm.optim import create_optimizer_v2
from timm.scheduler import create_scheduler_v2
from torch.utils.data import DataLoader, Subset
from torchvision import datasets, transforms

CHECKPOINT = "checkpoint.pt"


def log(message):
    print(f"timm_trainer: {message}", file=sys.stderr, flush=True)


def number(config, name, default):
    value = config.get(name)
    return default if value is None or value == "None" else float(value)


class StochNorm2d(nn.BatchNorm2d):
    """StochNorm (Kou et al., 2020): in training, each channel uses the batch statistics or the moving ones at random."""

    def __init__(self, source, p=0.5):
        super().__init__(source.num_features, source.eps, source.momentum, source.affine, source.track_running_stats)
        self.load_state_dict(source.state_dict())
        self.p = p

    def forward(self, x):
        if not self.training:
            return super().forward(x)
        # NOTE: the moving-statistics branch is computed before the batch branch updates the running stats.
        moving = F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.eps)
        batch = super().forward(x)
        mask = torch.bernoulli(torch.full((1, x.size(1), 1, 1), self.p, device=x.device, dtype=x.dtype))
        return mask * moving + (1 - mask) * batch


def use_stoch_norm(module):
    for name, child in module.named_children():
        if isinstance(child, nn.BatchNorm2d) and not isinstance(child, StochNorm2d):
            setattr(module, name, StochNorm2d(child))
        else:
            use_stoch_norm(child)


def build_transforms(config, data_config):
    size = data_config["input_size"][-1]
    mean, std = data_config["mean"], data_config["std"]
    hparams = {"translate_const": int(size * 0.45), "img_mean": tuple(round(255 * m) for m in mean)}
    train = [transforms.RandomResizedCrop(size, interpolation=transforms.InterpolationMode.BICUBIC), transforms.RandomHorizontalFlip()]
    augmentation = config.get("data_augmentation", "None")
    if augmentation == "trivial_augment":
        train.append(transforms.TrivialAugmentWide())
    elif augmentation == "random_augment":
        magnitude = int(number(config, "ra_magnitude", 9))
        ops = int(number(config, "ra_num_ops", 2))
        train.append(rand_augment_transform(f"rand-m{magnitude}-n{ops}", hparams))
    elif augmentation == "auto_augment":
        train.append(auto_augment_transform(str(config.get("auto_augment", "v0")), hparams))
    train += [transforms.ToTensor(), transforms.Normalize(mean, std)]
    crop_pct = data_config.get("crop_pct") or 0.875
    evaluation = [
        transforms.Resize(int(math.floor(size / crop_pct)), interpolation=transforms.InterpolationMode.BICUBIC),
        transforms.CenterCrop(size),
        transforms.ToTensor(),
        transforms.Normalize(mean, std),
    ]
    return transforms.Compose(train), transforms.Compose(evaluation)


def split_layout(root):
    return os.path.isdir(os.path.join(root, "train")) and os.path.isdir(os.path.join(root, "val"))


def count_classes(root):
    classes, _ = datasets.folder.find_classes(os.path.join(root, "train") if split_layout(root) else root)
    return len(classes)


def build_datasets(root, train_tf, eval_tf, seed):
    if split_layout(root):
        train = datasets.ImageFolder(os.path.join(root, "train"), transform=train_tf)
        val = datasets.ImageFolder(os.path.join(root, "val"), transform=eval_tf)
        if train.classes != val.classes:
            raise SystemExit(f"train and val classes differ under {root}")
        return train, val
    train_all = datasets.ImageFolder(root, transform=train_tf)
    eval_all = datasets.ImageFolder(root, transform=eval_tf)
    by_class = {}
    for index, (_, label) in enumerate(train_all.samples):
        by_class.setdefault(label, []).append(index)
    rng = random.Random(seed)
    train_idx, val_idx = [], []
    for label in sorted(by_class):
        indices = by_class[label][:]
        rng.shuffle(indices)
        n_val = max(1, round(0.2 * len(indices))) if len(indices) > 1 else 0
        val_idx += indices[:n_val]
        train_idx += indices[n_val:]
    return Subset(train_all, train_idx), Subset(eval_all, val_idx)


def freeze(model, config):
    head = {id(p) for p in model.get_classifier().parameters()}
    body = [p for p in model.parameters() if id(p) not in head]
    if int(number(config, "linear_probing", 0)) == 1:
        count = len(body)
    else:
        count = int(math.floor(number(config, "pct_to_freeze", 0.0) * len(body)))
    for parameter in body[:count]:
        parameter.requires_grad_(False)


def forward(model, x):
    """Logits and pooled pre-logit features from one pass through the backbone (the head runs twice, cheaply)."""
    maps = model.forward_features(x)
    return model.forward_head(maps), model.forward_head(maps, pre_logits=True)


def plain(value):
    return isinstance(value, (int, float, str, bool, type(None), list, tuple, dict))


def scheduler_state(scheduler):
    # NOTE: timm's plateau scheduler wraps torch's ReduceLROnPlateau, whose counters must survive between calls.
    inner = getattr(scheduler, "lr_scheduler", None)
    return {"outer": {k: v for k, v in scheduler.state_dict().items() if plain(v)},
            "inner": inner.state_dict() if inner is not None else None}


def load_scheduler_state(scheduler, state):
    scheduler.load_state_dict(state["outer"])
    inner = getattr(scheduler, "lr_scheduler", None)
    if inner is not None and state["inner"] is not None:
        inner.load_state_dict(state["inner"])


def build_optimizer(model, config):
    kwargs = {}
    betas = config.get("opt_betas")
    opt = str(config.get("opt", "sgd"))
    if opt in ("adam", "adamw", "adamp") and betas not in (None, "None"):
        kwargs["betas"] = tuple(float(b) for b in json.loads(str(betas)))
    layer_decay = number(config, "layer_decay", -1.0)
    return create_optimizer_v2(
        model,
        opt=opt,
        lr=number(config, "lr", 1e-3),
        weight_decay=number(config, "weight_decay", 0.0),
        momentum=number(config, "momentum", 0.9),
        layer_decay=layer_decay if layer_decay > 0 else None,
        **kwargs,
    )


def build_scheduler(optimizer, config, max_epochs):
    decay_epochs = int(number(config, "decay_epochs", 90))
    scheduler, _ = create_scheduler_v2(
        optimizer,
        sched=str(config.get("sched", "cosine")),
        num_epochs=max_epochs,
        decay_epochs=decay_epochs,
        decay_milestones=list(range(decay_epochs, max(max_epochs, decay_epochs + 1), decay_epochs)),
        patience_epochs=int(number(config, "patience_epochs", 10)),
        decay_rate=number(config, "decay_rate", 0.1),
        warmup_lr=number(config, "warmup_lr", 0.0),
        warmup_epochs=int(number(config, "warmup_epochs", 0)),
        plateau_mode="max",
        step_on_epochs=True,
    )
    return scheduler


def evaluate(model, loader, device, amp):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad(), torch.autocast(device_type=device.type, dtype=torch.float16, enabled=amp):
        for images, labels in loader:
            images, labels = images.to(device, non_blocking=True), labels.to(device, non_blocking=True)
            correct += (model(images).argmax(dim=1) == labels).sum().item()
            total += labels.numel()
    return correct / max(1, total)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--max-train-batches", type=int, default=0, help="stop an epoch early (smoke tests); 0 = all")
    args = parser.parse_args()

    request = json.load(sys.stdin)
    config, epoch, max_epochs = request["config"], int(request["epoch"]), int(request["max_epochs"])
    seed = int(request.get("seed", 0))
    device = torch.device(args.device)
    amp = int(number(config, "amp", 0)) == 1 and device.type == "cuda"
    torch.manual_seed(seed * 100003 + epoch)
    random.seed(seed * 100003 + epoch)
    if number(config, "cotuning_reg", 0.0) > 0:
        log("cotuning_reg > 0 is not supported by this script; ignored")

    num_classes = count_classes(request["data"])
    drop = number(config, "drop", 0.0)
    # NOTE: at epoch 1 the weights come from the hub; later epochs overwrite them with the checkpoint's.
    model = timm.create_model(config["model"], pretrained=epoch == 1, num_classes=num_classes, drop_rate=drop)
    train_tf, eval_tf = build_transforms(config, resolve_data_config({}, model=model))
    train_set, val_set = build_datasets(request["data"], train_tf, eval_tf, seed)
    batch_size = int(number(config, "batch_size", 32))
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, num_workers=args.workers,
                              pin_memory=device.type == "cuda", drop_last=len(train_set) > batch_size)
    val_loader = DataLoader(val_set, batch_size=max(batch_size, 64), shuffle=False, num_workers=args.workers)
    if int(number(config, "stoch_norm", 0)) == 1:
        use_stoch_norm(model)
    freeze(model, config)
    model.to(device)
    sp_reg, delta_reg, bss_reg = number(config, "sp_reg", 0.0), number(config, "delta_reg", 0.0), number(config, "bss_reg", 0.0)
    source = None
    if sp_reg > 0 or delta_reg > 0:
        source = timm.create_model(config["model"], pretrained=True, num_classes=num_classes).to(device).eval()
        for parameter in source.parameters():
            parameter.requires_grad_(False)
    head = {id(p) for p in model.get_classifier().parameters()}

    optimizer = build_optimizer(model, config)
    scheduler = build_scheduler(optimizer, config, max_epochs)
    scaler = torch.cuda.amp.GradScaler(enabled=amp)
    if epoch > 1:
        path = os.path.join(request["checkpoint_in"] or "", CHECKPOINT)
        if not os.path.exists(path):
            raise SystemExit(f"no checkpoint of epoch {epoch - 1} at {path}")
        state = torch.load(path, map_location=device)
        if state["epoch"] != epoch - 1:
            raise SystemExit(f"{path} holds epoch {state['epoch']}, expected {epoch - 1}")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        # NOTE: the optimizer state carries the learning rate the scheduler set for this epoch at the end of the last.
        load_scheduler_state(scheduler, state["scheduler"])
        scaler.load_state_dict(state["scaler"])

    mixup_alpha, cutmix_alpha, mix_prob = number(config, "mixup", 0.0), number(config, "cutmix", 0.0), number(config, "mixup_prob", 0.0)
    smoothing = number(config, "smoothing", 0.0)
    mixup = None
    if (mixup_alpha > 0 or cutmix_alpha > 0) and mix_prob > 0:
        mixup = Mixup(mixup_alpha=mixup_alpha, cutmix_alpha=cutmix_alpha, prob=mix_prob, label_smoothing=smoothing, num_classes=num_classes)
        criterion = SoftTargetCrossEntropy()
    elif smoothing > 0:
        criterion = LabelSmoothingCrossEntropy(smoothing=smoothing)
    else:
        criterion = nn.CrossEntropyLoss()
    clip_grad = number(config, "clip_grad", -1.0)

    started = time.perf_counter()
    model.train()
    diverged, losses = False, []
    for step, (images, labels) in enumerate(train_loader):
        if args.max_train_batches and step >= args.max_train_batches:
            break
        images, labels = images.to(device, non_blocking=True), labels.to(device, non_blocking=True)
        if mixup is not None:
            if images.size(0) % 2 == 1:
                images, labels = images[:-1], labels[:-1]
            if images.size(0) == 0:
                continue
            images, targets = mixup(images, labels)
        else:
            targets = labels
        with torch.autocast(device_type=device.type, dtype=torch.float16, enabled=amp):
            logits, features = forward(model, images)
            loss = criterion(logits, targets)
            if bss_reg > 0:
                loss = loss + bss_reg * torch.linalg.svdvals(features.float())[-1:].pow(2).sum()
            if delta_reg > 0 and source is not None:
                with torch.no_grad():
                    _, reference = forward(source, images)
                loss = loss + delta_reg * 0.5 * (features - reference).pow(2).sum(dim=1).mean()
            if sp_reg > 0 and source is not None:
                distance = sum((p - p0).pow(2).sum() for p, p0 in zip(model.parameters(), source.parameters())
                               if p.requires_grad and id(p) not in head)
                loss = loss + sp_reg * 0.5 * distance
        if not torch.isfinite(loss):
            diverged = True
            break
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        if clip_grad > 0:
            scaler.unscale_(optimizer)
            nn.utils.clip_grad_norm_(model.parameters(), clip_grad)
        scaler.step(optimizer)
        scaler.update()
        losses.append(loss.item())

    score = evaluate(model, val_loader, device, amp)
    seconds = time.perf_counter() - started
    scheduler.step(epoch, score)

    os.makedirs(request["checkpoint_out"], exist_ok=True)
    target = os.path.join(request["checkpoint_out"], CHECKPOINT)
    state = {"epoch": epoch, "config_id": request.get("config_id"), "model": model.state_dict(), "optimizer": optimizer.state_dict(),
             "scheduler": scheduler_state(scheduler), "scaler": scaler.state_dict()}
    torch.save(state, target + ".tmp")
    os.replace(target + ".tmp", target)
    log(f"epoch {epoch}/{max_epochs}: train loss {sum(losses) / max(1, len(losses)):.4f}, val top-1 {score:.4f}, {seconds:.1f}s")
    result = {"score": score, "seconds": seconds}
    if diverged:
        # NOTE: a non-finite loss ends the curve, as diverged runs do in the meta-dataset.
        result["final"] = True
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
