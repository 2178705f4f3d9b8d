"""Training protocols as named, hashable values. The hash recorded on every evaluation covers the resolved value
(including the subset sizes, seed, batch size, epochs, the prm the job overrides and, on the CPU, the torch thread
count), so two numbers with the same protocolHash were produced the same way.
"""
import hashlib
import json

MEASURED_BY = 'runner-v1'
DEFAULT_PRM = {'lr': 0.01, 'momentum': 0.9, 'dropout': 0.2}

PROTOCOLS = {
    # The fast default: native resolution; official train split (optionally a seeded subset) for training and the
    # official test split for validation; the candidate's own train_setup/learn with prm; random flips (where the
    # dataset allows) and translate-crops; one epoch. GPU: data resident as uint8, bf16 autocast, channels_last.
    'fast': dict(version=1, pipeline='resident', epochs=1, batchSize=64, evalBatchSize=1000, cropPad=2,
                 prm=DEFAULT_PRM, fixedPrm=False, resize=None, amp=True),
    # NNGPT's evaluator: 1 epoch, lr 0.01, momentum 0.9, batch 16, dropout 0.2, norm_256_flip through a DataLoader.
    'nngpt': dict(version=1, pipeline='dataloader', epochs=1, batchSize=16, evalBatchSize=64, cropPad=0,
                  prm=DEFAULT_PRM, fixedPrm=True, resize=256, amp=False),
    # Full training for the proxy-reliability study: the fast protocol for N epochs (default 50, the paper's).
    'full': dict(version=1, pipeline='resident', epochs=50, batchSize=64, evalBatchSize=1000, cropPad=2,
                 prm=DEFAULT_PRM, fixedPrm=False, resize=None, amp=True),
    # A plain native-resolution torch DataLoader pipeline: the benchmark's baseline for the resident one.
    'native-dataloader': dict(version=1, pipeline='dataloader', epochs=1, batchSize=64, evalBatchSize=1000, cropPad=2,
                              prm=DEFAULT_PRM, fixedPrm=False, resize=None, amp=True),
}


class UnknownProtocol(Exception):
    pass


def resolve(name, config):
    """The protocol value for one job: the named protocol with this job's seed, sizes and overrides applied."""
    if name not in PROTOCOLS:
        raise UnknownProtocol(f'unknown protocol {name!r}; known: {", ".join(PROTOCOLS)}')
    p = dict(PROTOCOLS[name], name=name)
    if config.get('epochs') is not None:
        if name not in ('full',):
            raise UnknownProtocol(f'protocol {name!r} trains exactly {p["epochs"]} epoch(s); use protocol "full" '
                                  'to choose the number of epochs')
        p['epochs'] = config['epochs']
    if config.get('batchSize') is not None and not p['fixedPrm']:
        p['batchSize'] = config['batchSize']
    if config.get('prm') and not p['fixedPrm']:
        # The job's prm replace the protocol's defaults in training (candidate.hyperparameters), so they are hashed.
        p['prm'] = dict(p['prm'], **config['prm'])
    if config['device'] == 'cpu':
        # CPU kernels split their reductions by thread count: the same seed gives different losses with 1 and 2
        # threads. On a GPU the numbers come from the device, so the hash leaves threads out there.
        p['cpuThreads'] = config.get('threads', 1)
    # Who turns the model's outputs into the recorded numbers: since runner-v1 the trusted runner scores the
    # child's validation logits against labels the sandbox never holds (trusted.py); older hashes lack the key.
    p['measuredBy'] = MEASURED_BY
    p.update(dataset=config['dataset'], subset=config.get('subset'), valSubset=config.get('valSubset'),
             seed=config['seed'],
             # DataLoader workers only where they pay: on a GPU host (on CPU they would compete with training)
             loaderWorkers=0 if p['pipeline'] == 'resident' or config['device'] == 'cpu' else 4)
    return p


def protocol_hash(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(',', ':')).encode()).hexdigest()
