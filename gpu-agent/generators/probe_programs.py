"""Runs generated programs through the first validation stages with real PyTorch (instantiate, budget,
forward on a dummy batch) so tests can compare the grammar's static analysis with the truth. Not the
validator: no sandbox, no policy, no training. Input: JSON lines {id, code, shape: [C, H, W]} on stdin.
Output: one JSON line per program {id, stage ('ok' | 'parse' | 'instantiate' | 'budget' | 'forward'), params}.

usage: python3 probe_programs.py [--budget 500000] [--classes 10] < programs.jsonl
"""
import json
import sys
import types

import torch


def probe(code, shape, budget, classes):
    try:
        compiled = compile(code, '<candidate>', 'exec')
    except SyntaxError as error:
        return 'parse', None, str(error)
    module = types.ModuleType('candidate')
    try:
        exec(compiled, module.__dict__)
        torch.manual_seed(0)
        net = module.Net((2, *shape), (classes,), {'lr': 0.01, 'momentum': 0.9}, torch.device('cpu'))
    except Exception as error:
        return 'instantiate', None, f'{type(error).__name__}: {error}'
    params = sum(p.numel() for p in net.parameters())
    if params > budget:
        return 'budget', params, f'{params} > {budget}'
    try:
        net.eval()
        with torch.no_grad():
            out = net(torch.randn(2, *shape))
        assert tuple(out.shape) == (2, classes), f'output shape {tuple(out.shape)}'
    except Exception as error:
        return 'forward', params, f'{type(error).__name__}: {error}'
    return 'ok', params, None


def main(argv):
    budget, classes = 500_000, 10
    args = list(argv)
    while args:
        flag = args.pop(0)
        if flag == '--budget':
            budget = int(args.pop(0))
        elif flag == '--classes':
            classes = int(args.pop(0))
        else:
            raise SystemExit(f'unknown argument {flag!r}; expected --budget N or --classes N')
    torch.set_num_threads(1)
    for line in sys.stdin:
        if not line.strip():
            continue
        item = json.loads(line)
        stage, params, reason = probe(item['code'], tuple(item['shape']), budget, classes)
        print(json.dumps({'id': item['id'], 'stage': stage, 'params': params, 'reason': reason}), flush=True)


if __name__ == '__main__':
    main(sys.argv[1:])
