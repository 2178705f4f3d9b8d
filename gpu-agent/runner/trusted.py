"""The trusted measurement, in the runner's own process (never in the sandbox): everything the child sends is
untrusted data. This module checks its shape and size, strips control characters, caps text, and computes the
recorded numbers itself:
  accuracy - argmax of the child's validation logits (first maximum wins) against labels the child never had;
  loss     - mean cross-entropy of those logits, log-softmax in float64;
  params   - the sum of numel over the exported parameter shapes; the parameter budget is applied to this count.
What stays self-reported (measured inside the child) is named in every result's `measurement`.
"""
import base64
import binascii
import math
import re

import numpy as np

import protocols
import wire

REASON_LIMIT = 400
NOTE_LIMIT, MAX_NOTES = 300, 10
MAX_TENSORS, MAX_DIMS, MAX_DIM = 4096, 8, 1 << 40
MAX_ENTRIES = 64
STAGES = ('passed', 'parse', 'policy', 'instantiate', 'contract', 'budget', 'forward', 'train', 'timeout', 'sandbox')
TRUSTED = ('accuracy', 'loss', 'params')
SELF_REPORTED = ('flops', 'timings', 'trainLoss', 'graph')
# C0/C1 controls, DEL, line/paragraph separators and bidirectional overrides (which can disguise text)
_CONTROL = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]')
_CONTROL_KEEP_LINES = re.compile('[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]')


def measurement():
    return {'by': protocols.MEASURED_BY, 'trusted': list(TRUSTED), 'selfReported': list(SELF_REPORTED)}


def clean_text(value, limit):
    """One line of at most `limit` characters, control characters removed (newlines become spaces)."""
    return _CONTROL.sub('', str(value).replace('\n', ' ').replace('\t', ' '))[:limit]


def clean_output(text):
    """Captured stdout/stderr: lines and tabs kept, other control characters removed."""
    return _CONTROL_KEEP_LINES.sub('', text)


def _bad(why):
    raise wire.WireError(f'malformed result from the child: {why}', 'PROTOCOL')


def _number(value, what, allow_none=True, minimum=None):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        _bad(f'{what} is not a finite number')
    if minimum is not None and value < minimum:
        _bad(f'{what} is below {minimum}')
    return value


def _state(entries):
    if not isinstance(entries, list) or len(entries) > MAX_TENSORS:
        _bad(f'state must be a list of at most {MAX_TENSORS} tensors')
    for e in entries:
        if not isinstance(e, dict) or set(e) != {'name', 'shape', 'kind', 'requiresGrad'}:
            _bad('a state entry must have exactly name, shape, kind and requiresGrad')
        if not isinstance(e['name'], str) or e['kind'] not in ('param', 'buffer', 'attribute') or \
                not isinstance(e['requiresGrad'], bool):
            _bad('a state entry has a wrong type')
        shape = e['shape']
        if not isinstance(shape, list) or len(shape) > MAX_DIMS or not all(
                isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= MAX_DIM for d in shape):
            _bad(f'a tensor shape must be at most {MAX_DIMS} non-negative integers')
    return entries


def parameter_count(entries):
    """nn.Parameters, plus trainable tensors kept in plain attributes; buffers are not parameters."""
    return sum(math.prod(e['shape']) for e in entries
               if e['kind'] == 'param' or (e['kind'] == 'attribute' and e['requiresGrad']))


class Measurer:
    """Scores one job: epoch messages as they arrive, then the child's final result."""

    def __init__(self, job, config, protocol, classes, labels):
        self.job, self.classes, self.labels = job, classes, labels
        self.epochs = protocol['epochs'] if job in ('evaluate', 'full_train') else 0
        self.budget = config['parameterBudget']
        self.history, self.train_loss, self.diverged = [], None, False

    def epoch(self, message):
        """{'t': 'epoch', 'epoch': n, 'logits': base64 float32 LE, 'trainLoss': number|null}"""
        if set(message) - {'t', 'k', 'epoch', 'logits', 'trainLoss'} or self.labels is None:
            _bad('unexpected epoch message')
        n = message.get('epoch')
        if n != len(self.history) + 1 or n > self.epochs:
            _bad(f'epoch {n!r} out of order (expected {len(self.history) + 1} of {self.epochs})')
        self.train_loss = _number(message.get('trainLoss'), 'trainLoss')
        rows = len(self.labels)
        text = message.get('logits')
        if not isinstance(text, str) or len(text) != 4 * ((rows * self.classes * 4 + 2) // 3):
            _bad(f'logits must be base64 of exactly {rows} x {self.classes} float32 values')
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            _bad('logits are not valid base64')
        if len(raw) != rows * self.classes * 4:
            _bad(f'logits must be exactly {rows * self.classes * 4} bytes')
        logits = np.frombuffer(raw, dtype='<f4').reshape(rows, self.classes).astype(np.float64)
        if not np.isfinite(logits).all():
            self.diverged = True
            self.history.append({'epoch': n, 'accuracy': None, 'loss': None})
            return
        self.history.append({'epoch': n, **score(logits, self.labels)})

    def finish(self, result):
        """The job's outcome from the child's final result: checked, cleaned, and with the runner's numbers."""
        allowed = set(wire.CHILD_RESULT_KEYS)
        if not isinstance(result, dict) or set(result) - allowed:
            _bad(f'unknown keys {sorted(set(result) - allowed) if isinstance(result, dict) else result!r}')
        stage = result.get('stage')
        if stage not in STAGES or stage == 'timeout':
            _bad(f'unknown stage {stage!r}')
        reason = result.get('reason')
        if reason is not None and not isinstance(reason, str):
            _bad('reason is not text')
        out = {'stage': stage, 'reason': None if reason is None else clean_text(reason, REASON_LIMIT)}
        out['flops'] = _number(result.get('flops'), 'flops', minimum=0)
        out['trainLoss'] = _number(result.get('trainLoss'), 'trainLoss')
        timings = result.get('timings') or {}
        if not isinstance(timings, dict) or len(timings) > MAX_ENTRIES:
            _bad('timings must map at most 64 phases to seconds')
        out['timings'] = {clean_text(k, 40): _number(v, f'timings.{k}', False, 0) for k, v in timings.items()}
        for key, limit in (('deviceName', 200),):
            value = result.get(key)
            if value is not None:
                if not isinstance(value, str):
                    _bad(f'{key} is not text')
                out[key] = clean_text(value, limit)
        libraries = result.get('libraries')
        if libraries is not None:
            if not isinstance(libraries, dict) or len(libraries) > 16 or \
                    not all(v is None or isinstance(v, str) for v in libraries.values()):
                _bad('libraries must map names to versions')
            out['libraries'] = {clean_text(k, 40): None if v is None else clean_text(v, 100)
                                for k, v in libraries.items()}
        if 'inShape' in result:
            shape = result['inShape']
            if not isinstance(shape, list) or len(shape) > MAX_DIMS or \
                    not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
                _bad('inShape must be a list of integers')
            out['inShape'] = shape
        if 'prm' in result:
            prm = result['prm']
            if not isinstance(prm, dict) or len(prm) > MAX_ENTRIES:
                _bad('prm must map names to numbers')
            out['prm'] = {clean_text(k, 40): _number(v, f'prm.{k}', False) for k, v in prm.items()}
        notes = result.get('sandboxNotes') or []
        if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
            _bad('sandboxNotes must be a list of text')
        out['sandboxNotes'] = [clean_text(n, NOTE_LIMIT) for n in notes[:MAX_NOTES]]
        if 'graph' in result:
            out['graph'] = result['graph']  # checked by the agent (validateStructuralGraph) before it is hashed
        state = result.get('state')
        params = None if state is None else parameter_count(_state(state))
        out['params'] = params
        out['accuracy'] = out['loss'] = None
        return self._verdict(out, params)

    def _verdict(self, out, params):
        stage = out['stage']
        # the budget stage comes before forward and train: a model over budget is rejected there, whatever the
        # child said about later stages (its own count is not believed)
        if params is not None and stage in ('passed', 'forward', 'train', 'sandbox'):
            if params > self.budget:
                return dict(out, stage='budget', reason=f'{params} parameters exceed the budget of {self.budget}')
            if params == 0:
                return dict(out, stage='budget', reason='the model has no trainable parameters')
        if stage == 'passed' and params is None and self.job != 'fingerprint':
            _bad('a passed result without the trained state')
        if stage != 'passed' or self.epochs == 0:
            return out
        if len(self.history) != self.epochs:
            _bad(f'a passed result with validation outputs for {len(self.history)} of {self.epochs} epochs')
        if self.diverged:
            return dict(out, stage='train', reason='the validation loss is not finite (training diverged)')
        last = self.history[-1]
        out.update(accuracy=last['accuracy'], loss=last['loss'])
        if not math.isfinite(last['loss']):
            return dict(out, stage='train', reason='the validation loss is not finite (training diverged)',
                        accuracy=None, loss=None)
        if self.job == 'full_train':
            out['history'] = list(self.history)
        return out


def score(logits, labels):
    """accuracy (ties: the first maximum, numpy's argmax) and mean cross-entropy, in float64."""
    predicted = np.argmax(logits, axis=1)
    accuracy = float(np.mean(predicted == labels)) if len(labels) else 0.0
    top = logits.max(axis=1, keepdims=True)
    log_norm = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
    picked = logits[np.arange(len(labels)), labels]
    loss = float(np.mean(log_norm - picked)) if len(labels) else float('nan')
    return {'accuracy': accuracy, 'loss': loss}
