"""The fingerprint job: a candidate's structural graph, for identity by architecture rather than by text.

The graph is the StructuralGraph of domain/novelty/structural-fingerprint.ts:
  {"nodes": [{"id": "n0", "op": "Conv2d", "attrs": {...}, "outShape": [16, 28, 28]}, ...],
   "edges": [["n0", "n1"], ...]}
ids follow the traced execution order, shapes are for a batch of 1 (batch dimension included), and names the author
chose
(attribute names, variable names) never appear, so renaming a layer does not change the graph.
torch.fx traces the module; when a model cannot be traced symbolically (data-dependent control flow) the graph
falls back to the sequence of leaf-module calls recorded by forward hooks.

Standalone (sandboxed the same way as the runner):
  /usr/bin/python3 gpu-agent/runner/fingerprint.py --file X.py [--dataset fashion-mnist]
"""
import json
import os
import sys

def _plain(value):
    """An attribute value as StructuralGraph allows it (number, string, boolean, number[]), or None to drop it."""
    if isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return round(value, 8) if value == value and abs(value) != float('inf') else str(value)
    if isinstance(value, (tuple, list)):
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            return [_plain(v) for v in value]
        return json.dumps(value, default=str)  # mixed constants (None, strings, slices) as one string
    if value is None:
        return 'None'
    return None


def _module_attrs(module):
    attrs = {}
    for key, value in sorted(vars(module).items()):
        if key.startswith('_') or key == 'training':
            continue
        plain = _plain(value)
        if plain is not None:
            attrs[key] = plain
    return attrs


def _shape(meta):
    import torch
    value = meta.get('tensor_meta') if meta else None
    shape = getattr(value, 'shape', None)
    return list(shape) if isinstance(shape, torch.Size) else None


def _fx_graph(net, x):
    import torch.fx
    from torch.fx.passes.shape_prop import ShapeProp
    traced = torch.fx.symbolic_trace(net)
    ShapeProp(traced).propagate(x)
    modules = dict(traced.named_modules())
    ids, nodes, edges = {}, [], []
    for node in traced.graph.nodes:
        ids[node] = f'n{len(ids)}'
        constants = _plain([a for a in node.args if not isinstance(a, torch.fx.Node)])
        if node.op == 'placeholder':
            op, attrs = 'input', {}
        elif node.op == 'output':
            op, attrs = 'output', {}
        elif node.op == 'call_module':
            module = modules[node.target]
            op, attrs = type(module).__name__, _module_attrs(module)
        elif node.op == 'get_attr':
            op, attrs = 'tensor', {}
        else:  # call_function / call_method
            target = node.target
            op = target if isinstance(target, str) else getattr(target, '__name__', str(target))
            attrs = {'args': constants, **{k: _plain(v) for k, v in sorted(node.kwargs.items())
                                           if not isinstance(v, torch.fx.Node) and _plain(v) is not None}}
        nodes.append({'id': ids[node], 'op': op, 'attrs': attrs, 'outShape': _shape(node.meta)})
        edges.extend([ids[src], ids[node]] for src in node.all_input_nodes)
    return {'nodes': nodes, 'edges': edges}


def _hook_graph(net, x):
    import torch
    calls = []

    def hook(module, inputs, output):
        shape = list(output.shape) if isinstance(output, torch.Tensor) else None
        calls.append({'op': type(module).__name__, 'attrs': _module_attrs(module), 'outShape': shape})
    leaves = [m for m in net.modules() if not list(m.children())]
    handles = [m.register_forward_hook(hook) for m in leaves]
    try:
        with torch.no_grad():
            out = net(x)
    finally:
        for h in handles:
            h.remove()
    nodes = [{'op': 'input', 'attrs': {}, 'outShape': list(x.shape)}] + calls
    nodes.append({'op': 'output', 'attrs': {}, 'outShape': list(out.shape) if isinstance(out, torch.Tensor) else None})
    nodes = [{'id': f'n{i}', **n} for i, n in enumerate(nodes)]
    return {'nodes': nodes, 'edges': [[f'n{i}', f'n{i + 1}'] for i in range(len(nodes) - 1)]}


def graph_of(net, in_shape):
    """The structural graph of an instantiated model, traced on CPU with a dummy batch of 1 (shapes include it)."""
    import torch
    net = net.to('cpu').eval()
    x = torch.randn((1,) + tuple(in_shape[1:]), generator=torch.Generator().manual_seed(0))
    try:
        return _fx_graph(net, x)
    except Exception:  # noqa: BLE001 - fx cannot trace data-dependent control flow; hooks always can
        return _hook_graph(net, x)


def run(config, code, protocol, report):
    """The child side of the fingerprint job."""
    import torch
    import candidate
    import datasets
    timings, spec = {}, datasets.spec(config['dataset'])
    in_shape = (protocol['batchSize'], spec['channels'], spec['size'], spec['size'])
    try:
        module = candidate.load_module(code, config['policy'] == 'on', timings, report)
        report('contract')
        prm = candidate.hyperparameters(module, config['prm'], protocol)
        net = candidate.instantiate(module, in_shape, spec['classes'], prm, torch.device('cpu'), protocol['seed'],
                                    timings, report)
        report('forward')
        try:
            graph = graph_of(net, in_shape)
        except BaseException as exc:  # noqa: BLE001
            raise candidate.StageFailure(*candidate.classify(exc, 'forward')) from None
        return {'stage': 'passed', 'reason': None, 'graph': graph, 'timings': timings, 'inShape': list(in_shape)}
    except candidate.StageFailure as failure:
        return {'stage': failure.stage, 'reason': failure.reason, 'timings': timings}


def main(argv):
    import argparse
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import sandbox
    parser = argparse.ArgumentParser(description='Print the structural graph of a candidate program as JSON.')
    parser.add_argument('--file', required=True, help='the candidate program (.py)')
    parser.add_argument('--dataset', default='fashion-mnist', help='sets the input shape and number of classes')
    parser.add_argument('--timeout', type=float, default=120.0, help='wall-clock limit in seconds')
    args = parser.parse_args(argv)
    with open(args.file, encoding='utf-8') as f:
        code = f.read()
    config = dict(sandbox.wire.DEFAULT_CONFIG, dataset=args.dataset, timeoutS=args.timeout)
    outcome = sandbox.Sandbox().run_job('fingerprint', code, config)
    if outcome['stage'] != 'passed':
        print(f'fingerprint failed at stage {outcome["stage"]}: {outcome["reason"]}', file=sys.stderr)
        return 1
    print(json.dumps(outcome['graph'], sort_keys=True))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
