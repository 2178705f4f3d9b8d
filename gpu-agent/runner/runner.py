"""The long-lived runner: reads JSON-lines requests on stdin, runs each job in a sandboxed child, answers on stdout.

One job at a time per runner (the agent runs a pool of runners for concurrency). The runner never imports or
executes candidate code itself; it prepares datasets (decoded once into a cache the children memory-map; the
validation labels kept apart, out of the sandbox's view), hashes code, data and protocol, scores the child's
validation outputs itself (trusted.py), and assembles self-describing results. Protocol: see wire.py.

  /usr/bin/python3 gpu-agent/runner/runner.py     (the agent starts it; stdout is the protocol channel)
"""
import hashlib
import importlib.metadata
import os
import platform
import sys
import traceback

import datasets
import protocols
import trusted
import wire
from sandbox import Sandbox

HINT_DATA = 'Put the files where the message says, or point NAS_LEDGER_DATA (or the dataRoot config) at their root.'


def library_versions():
    versions = {'python': platform.python_version()}
    for name in ('torch', 'torchvision', 'numpy', 'scipy'):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def probe():
    """Device facts for the agent's start-up checks and pool sizing; imports torch in the runner, not in a child."""
    import torch
    info = {'cuda': torch.cuda.is_available(), 'torchCuda': torch.version.cuda, 'devices': []}
    if info['cuda']:
        for i in range(torch.cuda.device_count()):
            free, total = torch.cuda.mem_get_info(i)
            info['devices'].append({'index': i, 'name': torch.cuda.get_device_name(i), 'freeBytes': free,
                                    'totalBytes': total})
    return info


def dataset_status(config):
    """Whether the job's dataset files are where the runner will look, so a run can refuse before it registers."""
    name = config['dataset']
    datasets.spec(name)
    try:
        datasets.files(name, config['dataRoot'])
    except datasets.DatasetMissing as e:
        return {'name': name, 'present': False, 'message': str(e), 'hint': HINT_DATA}
    return {'name': name, 'present': True, 'message': None, 'hint': None}


def precheck(code, config):
    """parse and policy run here, before any child starts: analysing the AST executes nothing, and most
    rejections of generated code happen at these two stages, so they cost milliseconds instead of a sandbox start.
    Returns a result for a rejected program, None to go on (the child repeats both checks)."""
    import ast
    import time
    import policy
    start = time.perf_counter()
    try:
        tree = ast.parse(code, filename='<candidate>')
    except SyntaxError as e:
        return _rejected('parse', f'line {e.lineno}: {e.msg}', start)
    except (ValueError, RecursionError, MemoryError) as e:
        return _rejected('parse', f'{type(e).__name__}: {e}', start)
    if config['policy'] == 'on':
        try:
            policy.check(tree)
        except policy.PolicyViolation as e:
            return _rejected('policy', str(e), start)
    return None


def _rejected(stage, reason, start):
    import time
    elapsed = round(time.perf_counter() - start, 6)
    return {'stage': stage, 'reason': trusted.clean_text(reason, trusted.REASON_LIMIT), 'params': None,
            'accuracy': None, 'loss': None, 'flops': None,
            'timings': {stage: elapsed, 'total': elapsed}, 'sandbox': 'not-started', 'sandboxNotes': [],
            'output': {'stdout': '', 'stderr': '', 'stdoutBytes': 0, 'stderrBytes': 0, 'truncated': False}}


class Runner:
    def __init__(self):
        self.sandbox = Sandbox()
        self.libraries = library_versions()

    def hello(self):
        return {'runner': 'nas-ledger', 'protocolVersion': wire.VERSION, 'pid': os.getpid(),
                'sandbox': self.sandbox.mode, 'sandboxWhy': self.sandbox.why, 'libraries': self.libraries}

    def handle(self, job, code, config):
        if job == 'probe':
            return dict(probe(), dataset=dataset_status(config))
        protocol = protocols.resolve(config['protocol'], config)
        datasets.spec(config['dataset'])
        prepared = None
        if job in ('evaluate', 'full_train'):
            dataset_hash, prepared = datasets.prepare(config['dataset'], config['dataRoot'])
        else:
            try:  # validation needs only the dataset's shape; record its hash when the files are there
                dataset_hash = datasets.content_hash(config['dataset'], config['dataRoot'])
            except datasets.DatasetMissing:
                dataset_hash = None
        outcome = precheck(code, config)
        if outcome is None:
            # the validation labels stay in this process: the trusted measurer scores the child's outputs
            labels = datasets.load_validation_labels(prepared, config['valSubset']) if prepared else None
            measurer = trusted.Measurer(job, config, protocol, datasets.spec(config['dataset'])['classes'], labels)
            outcome = self.sandbox.run_job(job, code, config, prepared, measurer)
        # every result has the same keys, whatever stage ended it (a timeout has no numbers: nulls, not gaps)
        for key in ('accuracy', 'loss', 'params', 'flops', 'trainLoss'):
            outcome.setdefault(key, None)
        outcome['measurement'] = trusted.measurement()
        libraries = dict(self.libraries, **(outcome.pop('libraries', None) or {}))
        device_name = outcome.pop('deviceName', None) or ('cpu' if config['device'] == 'cpu' else None)
        return dict(
            outcome, job=job, ok=outcome['stage'] == 'passed',
            codeHash=hashlib.sha256(code.encode('utf-8')).hexdigest(), config=config,
            protocol=protocol, protocolHash=protocols.protocol_hash(protocol), dataset=config['dataset'],
            datasetHash=dataset_hash, seed=config['seed'], device=config['device'], deviceName=device_name,
            libraries=libraries)


def main():
    # The protocol owns the real stdout; anything else that prints in this process goes to stderr.
    protocol_out = os.fdopen(os.dup(1), 'w', buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def send(line):
        protocol_out.write(line + '\n')
        protocol_out.flush()

    try:
        runner = Runner()
    except Exception as e:  # noqa: BLE001 - a runner that cannot start says why, once, on the protocol channel
        send(wire.error('hello', 'SANDBOX_UNAVAILABLE', str(e), 'Install bubblewrap or set NAS_LEDGER_SANDBOX=auto.'))
        return 1
    send(wire.ok('hello', runner.hello()))
    for line in sys.stdin:
        if not line.strip():
            continue
        rid = None
        try:
            rid, job, code, config = wire.parse_request(line)
            if job == 'shutdown':
                send(wire.ok(rid, {'bye': True}))
                break
            send(wire.ok(rid, runner.handle(job, code, config)))
        except wire.WireError as e:
            send(wire.error(rid, e.code, str(e)))
        except (protocols.UnknownProtocol, datasets.UnknownDataset) as e:
            send(wire.error(rid, 'BAD_REQUEST', str(e)))
        except datasets.DatasetMissing as e:
            send(wire.error(rid, 'DATASET_MISSING', str(e), HINT_DATA))
        except Exception as e:  # noqa: BLE001 - the runner keeps serving; the agent records the failure
            traceback.print_exc(file=sys.stderr)
            send(wire.error(rid, 'INTERNAL', f'{type(e).__name__}: {e}'))
    runner.sandbox.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
