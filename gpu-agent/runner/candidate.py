"""The validation stages a candidate program goes through, in the order of PROTOCOLS.md:
parse -> policy -> instantiate -> contract -> budget -> forward (train is the training job's own stage).
Runs only inside the sandboxed child. Each stage either returns or raises StageFailure(stage, reason).
"""
import ast
import builtins
import sys
import time
import types

import torch
import torch.nn as nn

import measure
import policy

CONTRACT_METHODS = ('train_setup', 'learn', 'forward')
REASON_LIMIT = 400


class StageFailure(Exception):
    def __init__(self, stage, reason):
        super().__init__(f'{stage}: {reason}')
        self.stage = stage
        self.reason = reason[:REASON_LIMIT]


def classify(exc, stage):
    """Maps an exception raised while running candidate code to (stage, reason). Resource limits and blocked OS
    operations are the sandbox's doing, so they are recorded as 'sandbox' whatever stage they hit."""
    text = f'{type(exc).__name__}: {exc}'
    lowered = str(exc).lower()
    if isinstance(exc, MemoryError) or (isinstance(exc, RuntimeError) and (
            'out of memory' in lowered or "can't allocate memory" in lowered or 'defaultcpuallocator' in lowered)):
        return 'sandbox', f'memory limit exceeded during {stage}: {text}'
    if isinstance(exc, OSError):
        return 'sandbox', f'the sandbox blocked an operating-system call during {stage}: {text}'
    if isinstance(exc, SystemExit):
        return 'sandbox', f'the program tried to exit the process during {stage}'
    if isinstance(exc, ImportError) and 'runner policy' in str(exc):
        return 'policy', text
    return stage, text


def _timed(timings, name, report, fn):
    report(name)
    start = time.perf_counter()
    try:
        return fn()
    except StageFailure:
        raise
    except BaseException as exc:  # noqa: BLE001 - candidate code may raise anything, SystemExit included
        stage, reason = classify(exc, name)
        raise StageFailure(stage, reason) from None
    finally:
        timings[name] = round(time.perf_counter() - start, 6)


def load_module(code, policy_on, timings, report):
    """parse, policy, and executing the module body (part of instantiate: it is where module-level code runs)."""
    def parse():
        try:
            return ast.parse(code, filename='<candidate>')
        except SyntaxError as e:
            raise StageFailure('parse', f'line {e.lineno}: {e.msg}') from None
        except ValueError as e:  # e.g. null bytes in the source
            raise StageFailure('parse', str(e)) from None

    tree = _timed(timings, 'parse', report, parse)

    def check():
        if policy_on:
            try:
                policy.check(tree)
            except policy.PolicyViolation as e:
                raise StageFailure('policy', str(e)) from None

    _timed(timings, 'policy', report, check)
    module = types.ModuleType('candidate')
    module.__dict__['__builtins__'] = policy.guarded_builtins(vars(builtins)) if policy_on else builtins
    sys.modules['candidate'] = module  # dataclasses and typing look classes' modules up here
    compiled = compile(tree, '<candidate>', 'exec')
    _timed(timings, 'instantiate', report, lambda: exec(compiled, module.__dict__))  # noqa: S102 - sandboxed
    return module


def hyperparameters(module, overrides, protocol):
    """prm for this run: the protocol's values for the names the candidate declares (fixed protocols such as
    nngpt override the job's prm). Raises StageFailure('contract') if the declaration is unusable."""
    declare = getattr(module, 'supported_hyperparameters', None)
    if not callable(declare):
        raise StageFailure('contract', 'module-level supported_hyperparameters() is missing')
    try:
        names = declare()
    except BaseException as exc:  # noqa: BLE001
        raise StageFailure(*classify(exc, 'contract')) from None
    if isinstance(names, dict):
        names = list(names)
    if not isinstance(names, (set, frozenset, list, tuple)) or not all(isinstance(n, str) for n in names):
        raise StageFailure('contract', 'supported_hyperparameters() must return a set of names')
    missing = {'lr', 'momentum'} - set(names)
    if missing:
        raise StageFailure('contract', f'supported_hyperparameters() lacks {sorted(missing)}')
    base = dict(protocol['prm'])
    if not protocol['fixedPrm']:
        base.update(overrides)
    return {n: float(base.get(n, 0.5)) for n in sorted(names)}  # undeclared defaults: the middle of [0, 1]


def instantiate(module, in_shape, classes, prm, device, seed, timings, report):
    net_class = getattr(module, 'Net', None)
    if not (isinstance(net_class, type) and issubclass(net_class, nn.Module)):
        report('contract')
        raise StageFailure('contract', 'the program defines no class Net(nn.Module)')
    torch.manual_seed(seed)
    start = timings.get('instantiate', 0.0)
    net = _timed(timings, 'instantiate', report, lambda: net_class(in_shape, (classes,), dict(prm), device))
    timings['instantiate'] = round(timings['instantiate'] + start, 6)
    return net


def check_contract(net, timings, report):
    def check():
        for name in CONTRACT_METHODS:
            if not callable(getattr(net, name, None)):
                raise StageFailure('contract', f'Net has no method {name}()')
        if type(net).forward is nn.Module.forward:
            raise StageFailure('contract', 'Net does not define forward()')
    _timed(timings, 'contract', report, check)


def check_budget(net, budget, timings, report, state_shapes):
    """A fast rejection before training, counted the runner's way (measure.state_shapes, which the candidate's
    overrides of parameters() or numel do not reach). Returns the shapes; the runner re-counts and re-checks."""
    def count():
        shapes = state_shapes(net)
        n = measure.parameter_count(shapes)
        failure = StageFailure('budget', f'{n} parameters exceed the budget of {budget}') if n > budget else \
            StageFailure('budget', 'the model has no trainable parameters') if n == 0 else None
        if failure is not None:
            failure.state = shapes  # the runner records its own count of the rejected model
            raise failure
        return shapes
    return _timed(timings, 'budget', report, count)


def _count_flops(net, run):
    """Multiply-accumulates x 2 per sample of Conv2d and Linear layers (cheap, approximate: other layers ignored)."""
    total = [0]

    def hook(module, inputs, output):
        if isinstance(module, nn.Conv2d):
            k = module.kernel_size[0] * module.kernel_size[1] * module.in_channels // module.groups
            total[0] += 2 * k * output[0].numel()
        elif isinstance(module, nn.Linear):
            total[0] += 2 * module.in_features * module.out_features
    handles = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    try:
        out = run()
    finally:
        for h in handles:
            h.remove()
    return out, total[0]


def check_flops_budget(flops, budget):
    """The compute budget needs the FLOPs the forward pass counted, so it is checked right after it."""
    if budget is not None and flops > budget:
        raise StageFailure('budget', f'{flops:,} forward FLOPs per sample exceed the compute budget of {budget:,}')


def check_forward(net, in_shape, classes, device, timings, report):
    """A dummy batch of 2 through the model on the target device; the output must be (2, classes)."""
    def forward():
        x = torch.randn((2,) + tuple(in_shape[1:]), generator=torch.Generator().manual_seed(0)).to(device)
        net.to(device)
        net.eval()
        with torch.no_grad():
            out, flops = _count_flops(net, lambda: net(x))
        net.train()
        if not isinstance(out, torch.Tensor) or tuple(out.shape) != (2, classes):
            shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
            raise StageFailure('forward', f'output {shape} for input {tuple(x.shape)}; expected (2, {classes})')
        if not torch.isfinite(out).all():
            raise StageFailure('forward', 'the output contains NaN or infinity')
        return flops
    return _timed(timings, 'forward', report, forward)
