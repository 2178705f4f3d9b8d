"""What the sandboxed child exports for the trusted runner to measure: the trained state's tensor shapes and the
model's outputs on the validation images. Imported (and its references captured) BEFORE any candidate code runs,
so overriding Net.parameters()/state_dict(), monkeypatching torch.Tensor.numel/.shape/.argmax, or replacing this
module's functions in sys.modules does not change what is exported. Everything here is still untrusted to the
runner: with the policy off, a program can rewrite this process's memory; it cannot see the validation labels.
"""
import base64

import torch
import torch.nn as nn

MAX_TENSORS = 4096   # entries exported; a model with more is refused by the runner anyway
MAX_DIMS = 8


def _capture():
    # Captured now, as closure cells: later changes to torch.Tensor, builtins or this module's globals do not
    # reach them. TensorBase is the C type; its descriptors cannot be reassigned from Python.
    tensor_base = getattr(torch._C, 'TensorBase', None) or torch._C._TensorBase
    shape_of = tensor_base.__dict__['shape'].__get__
    requires_grad_of = tensor_base.__dict__['requires_grad'].__get__
    no_torch_function = torch._C.DisableTorchFunction
    get_attribute = object.__getattribute__
    dict_items, dict_get, is_instance, to_int, identity = dict.items, dict.get, isinstance, int, id
    module_class, parameter_class = nn.Module, nn.Parameter
    list_class, tuple_class, dict_class, str_class = list, tuple, dict, str

    def dims(t):
        return [to_int(d) for d in tuple_class(shape_of(t))][:MAX_DIMS + 1]

    def state_shapes(net):
        """[{name, shape, kind: param|buffer|attribute, requiresGrad}] over the module tree, each tensor once."""
        out, seen_tensors, seen_modules = [], set(), set()

        def add(name, t, kind):
            if identity(t) in seen_tensors or len(out) >= MAX_TENSORS + 1:
                return
            seen_tensors.add(identity(t))
            out.append({'name': name[:200], 'shape': dims(t), 'kind': kind, 'requiresGrad': bool(requires_grad_of(t))})

        def walk(module, prefix, depth):
            if identity(module) in seen_modules or depth > 64:
                return
            seen_modules.add(identity(module))
            attributes = get_attribute(module, '__dict__')
            for key, kind in (('_parameters', 'param'), ('_buffers', 'buffer')):
                table = dict_get(attributes, key)
                if not is_instance(table, dict_class):
                    continue
                for name, t in dict_items(table):
                    if is_instance(t, tensor_base):
                        is_param = kind == 'param' and is_instance(t, parameter_class)
                        add(prefix + str_class(name), t, 'param' if is_param else kind)
            for name, value in dict_items(attributes):
                if name in ('_parameters', '_buffers', '_modules'):
                    continue
                # trainable tensors kept in plain attributes (or one level of list/tuple/dict) still count
                values = value if is_instance(value, (list_class, tuple_class)) else \
                    [v for _, v in dict_items(value)] if is_instance(value, dict_class) else [value]
                for v in values[:1024]:
                    if is_instance(v, tensor_base) and requires_grad_of(v):
                        add(prefix + str_class(name), v, 'attribute')
            children = dict_get(attributes, '_modules')
            if is_instance(children, dict_class):
                for name, child in dict_items(children):
                    if is_instance(child, module_class):
                        walk(child, f'{prefix}{name}.', depth + 1)

        with no_torch_function():
            walk(net, '', 0)
        return out

    return state_shapes


state_shapes = _capture()


def parameter_count(shapes):
    """The same count the runner computes from the exported shapes (the child's fast budget check uses it)."""
    total = 0
    for entry in shapes:
        if entry['kind'] == 'param' or (entry['kind'] == 'attribute' and entry['requiresGrad']):
            n = 1
            for d in entry['shape']:
                n *= d
            total += n
    return total


def encode_logits(chunks, rows, classes):
    """Raw little-endian float32 (rows, classes), base64: what the runner scores. Raises ValueError on a shape
    that does not fit (the candidate's outputs decide that, so it is the candidate's train-stage failure)."""
    import numpy as np
    data = np.concatenate([np.asarray(c, dtype='<f4').reshape(-1, classes) for c in chunks]) if chunks else \
        np.zeros((0, classes), dtype='<f4')
    if data.shape != (rows, classes):
        raise ValueError(f'the model produced outputs of shape {data.shape} for {rows} validation images')
    return base64.b64encode(np.ascontiguousarray(data).tobytes()).decode('ascii')
