"""Checks every seed architecture against the contract: instantiate, budget, forward on both the
Fashion-MNIST (1x28x28) and CIFAR (3x32x32) shapes, and a few SGD steps on random batches.
Prints one JSON object per program and a summary; exits 1 if any program fails.

usage: python3 check_seed_corpus.py [DIR] [--budget 500000] [--only NAME ...]
"""
import json
import math
import os
import sys
import time
import types

import torch

SHAPES = {'fashion-mnist': (1, 28, 28), 'cifar10': (3, 32, 32)}
CLASSES = 10
BATCH = 4
TRAIN_BATCHES = 2


def load(path):
    module = types.ModuleType(os.path.basename(path)[:-3])
    with open(path) as f:
        exec(compile(f.read(), path, 'exec'), module.__dict__)
    return module


def check_one(path, budget):
    module = load(path)
    hp = module.supported_hyperparameters()
    assert {'lr', 'momentum'} <= set(hp), f'supported_hyperparameters() must include lr and momentum, got {hp}'
    prm = {'lr': 0.01, 'momentum': 0.9}
    params = {}
    for dataset, (c, h, w) in SHAPES.items():
        torch.manual_seed(0)
        net = module.Net((BATCH, c, h, w), (CLASSES,), prm, torch.device('cpu'))
        for method in ('forward', 'train_setup', 'learn'):
            assert callable(getattr(net, method, None)), f'Net.{method} missing'
        count = sum(p.numel() for p in net.parameters())
        assert count <= budget, f'{dataset}: {count} parameters exceed the budget {budget}'
        params[dataset] = count
        net.eval()
        with torch.no_grad():
            out = net(torch.randn(2, c, h, w))
        assert tuple(out.shape) == (2, CLASSES), f'{dataset}: forward gave {tuple(out.shape)}, expected (2, {CLASSES})'
        net.train_setup(prm)
        assert isinstance(net.criteria, tuple) and len(net.criteria) >= 1, 'train_setup must set self.criteria'
        batches = [(torch.randn(BATCH, c, h, w), torch.randint(0, CLASSES, (BATCH,))) for _ in range(TRAIN_BATCHES)]
        net.learn(batches)
        with torch.no_grad():
            net.eval()
            loss = float(net.criteria[0](net(batches[0][0]), batches[0][1]))
        assert math.isfinite(loss), f'{dataset}: loss is {loss} after training'
    return params


def main(argv):
    directory = os.path.dirname(os.path.abspath(__file__))
    budget = 500_000
    only = None
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == '--budget':
            budget = int(args.pop(0))
        elif a == '--only':
            only = set(args)
            args = []
        else:
            directory = a
    torch.set_num_threads(1)
    files = sorted(f for f in os.listdir(directory) if f.endswith('.py') and not f.startswith(('check_', 'import_', '_')))
    failures = 0
    for name in files:
        if only is not None and name[:-3] not in only:
            continue
        start = time.time()
        try:
            params = check_one(os.path.join(directory, name), budget)
            print(json.dumps({'name': name[:-3], 'ok': True, 'params': params, 'seconds': round(time.time() - start, 2)}), flush=True)
        except Exception as error:  # report every program, not just the first failure
            failures += 1
            print(json.dumps({'name': name[:-3], 'ok': False, 'error': f'{type(error).__name__}: {error}'}), flush=True)
    print(json.dumps({'summary': True, 'checked': len(files) if only is None else len(only), 'failed': failures, 'torch': torch.__version__}))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
