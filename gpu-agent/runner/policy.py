"""The policy stage: an AST allowlist of imports and a denylist of names, calls and attributes.

This is the first wall; the bubblewrap sandbox is the second. The policy errs on the side of refusing:
a generated architecture needs torch, math and a few stdlib helpers, never files, processes or reflection.
"""
import ast

ALLOWED_MODULES = ('torch', 'math', 'typing', 'collections', 'functools', 'itertools', 'dataclasses', '__future__')
# torch submodules that load code, touch files or spawn processes
DENIED_MODULE_PARTS = ('hub', 'cpp_extension', 'multiprocessing', 'distributed', 'package', 'utils.data',
                       'jit', 'onnx', 'library', 'testing', 'utils.benchmark', 'utils.tensorboard')
DENIED_NAMES = frozenset((
    'open', 'exec', 'eval', 'compile', '__import__', 'globals', 'locals', 'vars', 'input', 'breakpoint',
    'help', 'exit', 'quit', 'memoryview', 'os', 'sys', 'subprocess', 'socket', 'shutil', 'builtins',
    'importlib', 'ctypes', 'pickle', 'marshal', 'signal', 'pathlib', 'io', 'tempfile', 'threading',
    'multiprocessing', '__builtins__', '__loader__', '__spec__', '__file__',
))
REFLECTION_CALLS = frozenset(('getattr', 'setattr', 'delattr'))
# attributes through which torch reaches files, native code or other processes
DENIED_ATTRIBUTES = frozenset((
    'load', 'save', 'hub', 'cpp_extension', 'load_library', 'from_file', 'from_buffer', '_C', '_dynamo',
    '_inductor', 'multiprocessing', 'distributed', 'package', 'compile', 'system', 'popen', 'spawn', 'fork',
    'ops', 'classes', 'library', 'jit', 'onnx', 'share_memory_', 'DataLoader', 'set_num_threads',
    # modules are reachable as attributes of other modules (torch.os, torch.sys.modules['builtins'], typing.sys):
    # refused on any object, whatever it is (so nn.Module.modules() too; children()/named_modules() remain)
    'os', 'sys', 'builtins', 'subprocess', 'importlib', 'ctypes', 'pickle', 'socket', 'modules', 'marshal',
    'shutil', 'io', 'gc', 'inspect', 'posix', 'signal', 'threading', 'pathlib', 'tempfile', 'mmap', 'resource',
    'set_num_interop_threads',
    # frames and code objects lead back to the harness's globals
    'f_back', 'f_globals', 'f_locals', 'f_builtins', 'f_code', 'tb_frame', 'gi_frame', 'cr_frame', 'ag_frame',
    'gi_code', 'co_code', 'func_globals',
))
ALLOWED_DUNDERS = frozenset(('__init__', '__name__', '__future__'))


class PolicyViolation(Exception):
    pass


def _module_allowed(name):
    root = name.split('.')[0]
    if root not in ALLOWED_MODULES:
        return False
    dotted = f'.{name[len(root) + 1:]}.'
    return not any(f'.{part}.' in dotted for part in DENIED_MODULE_PARTS)


def module_allowed(name):
    """The allowlist check the run-time guard (guard.py) shares with the AST check."""
    return _module_allowed(name)


def _is_dunder(name):
    return name.startswith('__') and name.endswith('__') and name not in ALLOWED_DUNDERS


def check(tree):
    """Raises PolicyViolation naming the first offending construct and its line."""
    for node in ast.walk(tree):
        line = getattr(node, 'lineno', '?')
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not _module_allowed(alias.name):
                    raise PolicyViolation(f'line {line}: import of {alias.name!r} is not allowed')
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ''
            if node.level or not _module_allowed(module):
                raise PolicyViolation(f'line {line}: import from {module or "."!r} is not allowed')
            for alias in node.names:
                if alias.name == '*' or not _module_allowed(f'{module}.{alias.name}') or \
                        alias.name in DENIED_ATTRIBUTES or alias.name in DENIED_NAMES:
                    raise PolicyViolation(f'line {line}: importing {alias.name!r} from {module!r} is not allowed')
        elif isinstance(node, ast.Name):
            if node.id in DENIED_NAMES or _is_dunder(node.id):
                raise PolicyViolation(f'line {line}: use of {node.id!r} is not allowed')
        elif isinstance(node, ast.Attribute):
            if node.attr in DENIED_ATTRIBUTES or _is_dunder(node.attr):
                raise PolicyViolation(f'line {line}: attribute {node.attr!r} is not allowed')
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in REFLECTION_CALLS:
            # getattr(x, 'weight') is harmless; a computed or dunder name is how sandboxes are escaped
            attr = node.args[1] if len(node.args) > 1 else None
            if not (isinstance(attr, ast.Constant) and isinstance(attr.value, str)) or _is_dunder(attr.value) \
                    or attr.value in DENIED_ATTRIBUTES:
                raise PolicyViolation(f'line {line}: {node.func.id}() needs a literal, non-dunder attribute name')
        elif isinstance(node, (ast.Global, ast.Nonlocal)) and any(_is_dunder(n) for n in node.names):
            raise PolicyViolation(f'line {line}: declaring dunder names is not allowed')
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and '{' in node.value \
                and '__' in node.value:
            raise PolicyViolation(f'line {line}: format strings that reach dunder attributes are not allowed')


def guarded_builtins(real_builtins):
    """The builtins the candidate module executes with: the denylist removed and imports re-checked at run time."""
    safe = {k: v for k, v in real_builtins.items() if k not in DENIED_NAMES and k not in REFLECTION_CALLS}
    real_import = real_builtins['__import__']

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level or not _module_allowed(name):
            raise ImportError(f'import of {name!r} is not allowed by the runner policy')
        for item in fromlist or ():
            if not _module_allowed(f'{name}.{item}') or item in DENIED_ATTRIBUTES:
                raise ImportError(f'importing {item!r} from {name!r} is not allowed by the runner policy')
        return real_import(name, globals, locals, fromlist, level)

    safe['__import__'] = guarded_import
    # getattr & co. pass the AST check only with literal, non-dunder names; give them back for that use
    for name in REFLECTION_CALLS:
        safe[name] = real_builtins[name]
    return safe
