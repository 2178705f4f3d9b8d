"""The runner's JSON-lines wire protocol (version 2), validated strictly: unknown keys are refused.

Request  (agent -> runner, one line on stdin):
  {"v": 1, "id": str, "job": "validate"|"evaluate"|"full_train"|"fingerprint"|"probe"|"shutdown",
   "code": str (not for probe/shutdown), "config": {...}}
Response (runner -> agent, one line on stdout):
  {"v": 1, "id": str, "ok": true, "result": {...}}
  {"v": 1, "id": str|null, "ok": false, "error": {"code": str, "message": str, "hint": str|null}}
The TypeScript twin is gpu-agent/runner-pool/runner-protocol.ts; keep them in step (bump VERSION on change).
"""
import json

VERSION = 2  # 2: accuracy, loss and params are computed by the runner (trusted.py); results carry `measurement`
JOBS = ('validate', 'evaluate', 'full_train', 'fingerprint', 'probe', 'shutdown')
CODE_JOBS = ('validate', 'evaluate', 'full_train', 'fingerprint')
MAX_CODE_BYTES = 256 * 1024

# Plain config values a job may carry; anything else is refused so a typo never silently changes a run.
CONFIG_TYPES = {
    'dataset': str,           # fashion-mnist | mnist | cifar10 | cifar100 | svhn | cifar10-standin
    'dataRoot': (str, type(None)),
    'protocol': str,          # fast | nngpt | full | native-dataloader
    'subset': (int, type(None)),     # training images used; None = the whole training split
    'valSubset': (int, type(None)),  # validation images used; None = the whole test split
    'seed': int,
    'device': str,            # cpu | cuda
    'parameterBudget': int,
    'flopsBudget': (int, type(None)),  # forward FLOPs per sample; None = no compute budget
    'timeoutS': (int, float),
    'memoryMb': (int, type(None)),
    'epochs': (int, type(None)),
    'batchSize': (int, type(None)),
    'prm': dict,
    'policy': str,            # on | off (off is for the sandbox's own tests only)
    'threads': int,
    'fingerprint': bool,      # evaluate/full_train: also return the structural graph (saves a second sandbox start)
}
DEFAULT_CONFIG = {
    'dataset': 'fashion-mnist', 'dataRoot': None, 'protocol': 'fast', 'subset': None, 'valSubset': None,
    'seed': 42, 'device': 'cpu', 'parameterBudget': 500_000, 'flopsBudget': None, 'timeoutS': 600, 'memoryMb': None,
    'epochs': None, 'batchSize': None, 'prm': {}, 'policy': 'on', 'threads': 1,
    'fingerprint': False,
}


class WireError(Exception):
    """A malformed message; code is BAD_REQUEST for the agent's fault, PROTOCOL for the child's."""

    def __init__(self, message, code='BAD_REQUEST'):
        super().__init__(message)
        self.code = code


def _check_type(key, value, expected):
    # bool is an int subclass in Python; a flag where a number belongs is a mistake, not a 1
    if isinstance(value, bool) and expected is not bool:
        raise WireError(f'config.{key} must be {expected}, got a boolean')
    if not isinstance(value, expected):
        raise WireError(f'config.{key} has the wrong type ({type(value).__name__})')


def parse_request(line):
    """Parses and validates one request line; returns (id, job, code, config with defaults filled in)."""
    try:
        msg = json.loads(line)
    except ValueError as e:
        raise WireError(f'not JSON: {e}') from None
    if not isinstance(msg, dict):
        raise WireError('a request must be a JSON object')
    unknown = set(msg) - {'v', 'id', 'job', 'code', 'config'}
    if unknown:
        raise WireError(f'unknown request keys: {sorted(unknown)}')
    if msg.get('v') != VERSION:
        raise WireError(f'protocol version {msg.get("v")!r} is not supported; this runner speaks v{VERSION}')
    rid, job = msg.get('id'), msg.get('job')
    if not isinstance(rid, str) or not rid:
        raise WireError('id must be a non-empty string')
    if job not in JOBS:
        raise WireError(f'unknown job {job!r}; expected one of {JOBS}')
    code = msg.get('code')
    if job in CODE_JOBS:
        if not isinstance(code, str):
            raise WireError(f'job {job} needs code (a string)')
        if len(code.encode()) > MAX_CODE_BYTES:
            raise WireError(f'code is larger than {MAX_CODE_BYTES} bytes')
    elif code is not None:
        raise WireError(f'job {job} takes no code')
    config = msg.get('config', {})
    if not isinstance(config, dict):
        raise WireError('config must be an object')
    unknown = set(config) - set(CONFIG_TYPES)
    if unknown:
        raise WireError(f'unknown config keys: {sorted(unknown)}')
    for key, value in config.items():
        _check_type(key, value, CONFIG_TYPES[key])
    merged = {**DEFAULT_CONFIG, **config}
    if merged['policy'] not in ('on', 'off'):
        raise WireError("config.policy must be 'on' or 'off'")
    if merged['device'] not in ('cpu', 'cuda'):
        raise WireError("config.device must be 'cpu' or 'cuda' (the agent resolves 'auto')")
    for key in ('subset', 'valSubset', 'epochs', 'batchSize', 'memoryMb', 'flopsBudget'):
        if merged[key] is not None and merged[key] < 1:
            raise WireError(f'config.{key} must be at least 1')
    if merged['timeoutS'] <= 0 or merged['threads'] < 1 or merged['parameterBudget'] < 1:
        raise WireError('timeoutS, threads and parameterBudget must be positive')
    for name, value in merged['prm'].items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise WireError(f'prm.{name} must be a number in [0, 1]')
    return rid, job, code, merged


def ok(rid, result):
    return json.dumps({'v': VERSION, 'id': rid, 'ok': True, 'result': result}, separators=(',', ':'))


def error(rid, code, message, hint=None):
    return json.dumps({'v': VERSION, 'id': rid, 'ok': False,
                       'error': {'code': code, 'message': message, 'hint': hint}}, separators=(',', ':'))


# --- the child's result channel (its own pipe fd, never stdout) -------------------------------------------
# {"t": "stage", "stage": str}                                  the stage the child is entering (attributes a kill)
# {"t": "epoch", "k": nonce, "epoch": n, "logits": b64, "trainLoss": number|null}   validation outputs, per epoch
# {"t": "result", "k": nonce, "result": {...}}                   the final result; exactly one
# The nonce comes with the job (never in argv or the environment): a line written blindly to the channel's fd by
# candidate code lacks it and is refused as forged. Everything here is untrusted data; trusted.py checks it.
CHILD_RESULT_KEYS = {'stage', 'reason', 'flops', 'trainLoss', 'timings', 'graph', 'deviceName', 'libraries',
                     'inShape', 'prm', 'sandboxNotes', 'state'}
MAX_STAGE_NAME = 40


def parse_child_line(line, nonce):
    try:
        msg = json.loads(line)
    except (ValueError, RecursionError):
        raise WireError('the child wrote a line that is not JSON to its result channel', 'PROTOCOL') from None
    if not isinstance(msg, dict) or msg.get('t') not in ('stage', 'epoch', 'result'):
        raise WireError('the child wrote an unknown message to its result channel', 'PROTOCOL')
    if msg['t'] == 'stage':
        if set(msg) != {'t', 'stage'} or not isinstance(msg['stage'], str) or len(msg['stage']) > MAX_STAGE_NAME:
            raise WireError('malformed stage message from the child', 'PROTOCOL')
        return msg
    if msg.get('k') != nonce:
        raise WireError('a message on the result channel did not come from the harness (forged)', 'PROTOCOL')
    if msg['t'] == 'result' and (set(msg) != {'t', 'k', 'result'} or not isinstance(msg['result'], dict)):
        raise WireError('malformed result message from the child', 'PROTOCOL')
    return msg
