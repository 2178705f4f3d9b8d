"""Which protocol values did an evaluation use? A one-shot job for reviews of events that did not record them.

CandidateEvaluated events of schema version 1 record only the protocolHash. The hash covers values `run` chose
without recording them (the validation subset, the torch thread count, ...), so a review searches the configs `run`
could have sent for the one whose resolved protocol hashes to the recorded value. The search resolves each config
with the runner's own protocols.resolve (never a second implementation), so what it finds is what the runner hashed.

Request (stdin, JSON): {"protocolHash": str, "protocol": str, "dataset": str, "device": "cpu"|"cuda", "seed": int,
  "subset": int|null, "space": {optional lists replacing the defaults below: "valSubset", "threads", "batchSize",
  "epochs", "prm", "legacy"}}
Answer (last stdout line): {"ok": true, "result": {"found": bool, "config": {...}|null, "values": {...}|null,
  "legacy": bool, "tried": int}} or {"ok": false, "error": {"code", "message", "hint"}}.
`legacy` true: the match lacks `measuredBy`, i.e. the evaluation predates the trusted runner (runner-v1).
"""
import itertools
import json
import os
import sys

import protocols
import wire

# What `run` and `agent` could have sent: DEFAULT_VAL_SUBSET (1000) or --val-subset; --threads; no batch size, prm
# or epochs of their own (the protocol's). Common values first, so a usual run is found in a few tries.
DEFAULT_SPACE = {
    'valSubset': [1000, None, 500, 256, 2000, 5000, 10000, 100, 128, 512, 1024, 2048],
    'threads': list(range(1, max(64, os.cpu_count() or 1) + 1)),
    'batchSize': [None, 16, 32, 64, 128, 256],
    'epochs': [None],
    'prm': [{}],
    'legacy': [False, True],
}


CONFIG_KEYS = ('protocol', 'dataset', 'device', 'seed', 'subset', 'valSubset', 'batchSize', 'epochs', 'prm', 'threads')


def _configs(request):
    space = dict(DEFAULT_SPACE, **(request.get('space') or {}))
    gpu = request['device'] != 'cpu'
    # threads do not enter the hash on a GPU: one value is enough there
    threads = [1] if gpu else space['threads']
    for val_subset, batch, epochs, prm, n_threads, legacy in itertools.product(
            space['valSubset'], space['batchSize'], space['epochs'], space['prm'], threads, space['legacy']):
        config = dict(wire.DEFAULT_CONFIG, dataset=request['dataset'], protocol=request['protocol'],
                      device=request['device'], seed=request['seed'], subset=request.get('subset'),
                      valSubset=val_subset, batchSize=batch, epochs=epochs, prm=prm, threads=n_threads)
        yield config, legacy


def search(request):
    target = request['protocolHash']
    tried = 0
    seen = set()
    for config, legacy in _configs(request):
        try:
            values = protocols.resolve(request['protocol'], config)
        except protocols.UnknownProtocol:
            continue  # e.g. epochs on a protocol with a fixed epoch count: `run` could not have sent it
        if legacy:
            values.pop('measuredBy', None)
        digest = protocols.protocol_hash(values)
        if digest in seen:
            continue
        seen.add(digest)
        tried += 1
        if digest == target:
            return {'found': True, 'config': {k: config[k] for k in CONFIG_KEYS},
                    'values': values, 'legacy': legacy, 'tried': tried}
    return {'found': False, 'config': None, 'values': None, 'legacy': False, 'tried': tried}


def check(request):
    missing = [k for k in ('protocolHash', 'protocol', 'dataset', 'device', 'seed') if k not in request]
    if missing:
        raise ValueError(f'missing keys: {", ".join(missing)}')
    if request['protocol'] not in protocols.PROTOCOLS:
        raise ValueError(f'unknown protocol {request["protocol"]!r}; known: {", ".join(protocols.PROTOCOLS)}')


def main():
    try:
        request = json.loads(sys.stdin.read())
        check(request)
        answer = {'ok': True, 'result': search(request)}
    except (ValueError, KeyError, TypeError) as e:
        answer = {'ok': False, 'error': {'code': 'BAD_INPUT', 'message': str(e),
                                         'hint': 'Send the recorded protocolHash, protocol, dataset, device and seed.'}}
    print(json.dumps(answer))
    return 0


if __name__ == '__main__':
    sys.exit(main())
