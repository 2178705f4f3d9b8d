"""The policy's run-time half, in the sandboxed child (policy on only): an audit hook, which nothing in the process
can remove, refuses what candidate code has no business doing, whatever route reached it (an attribute walk the
AST check missed, a module handed over by torch). "Candidate code" is the nearest Python frame compiled from the
program ('<candidate>'); torch's own lazy imports and file reads come from torch's frames and keep working.
The sandbox stays the wall; this is defence in depth. (Monkeypatching torch classes raises no audit event; it
needs no guard: the runner scores outputs itself, and the state's shapes are read through captured descriptors.)
"""
import sys
import threading

import policy

CANDIDATE = '<candidate>'
# events refused outright when candidate code raises them directly
REFUSED = frozenset((
    'os.system', 'os.exec', 'os.posix_spawn', 'os.spawn', 'os.fork', 'os.forkpty', 'os.kill', 'os.killpg',
    'os.putenv', 'os.unsetenv', 'os.chdir', 'os.remove', 'os.rename', 'os.rmdir', 'os.mkdir', 'os.symlink',
    'os.link', 'os.truncate', 'os.chmod', 'os.chown', 'os.listdir', 'os.scandir', 'os.walk', 'subprocess.Popen',
    'socket.__new__', 'socket.connect', 'socket.bind', 'socket.getaddrinfo', 'ctypes.dlopen', 'ctypes.dlsym',
    'ctypes.cdata', 'ctypes.addressof', 'sys._getframe', 'sys._current_frames', 'sys.settrace', 'sys.setprofile',
    'gc.get_objects', 'gc.get_referrers', 'gc.get_referents', 'exec', 'compile', 'code.__new__',
    'function.__new__', 'marshal.loads', 'pickle.find_class', 'open', 'builtins.input', 'mmap.__new__',
    'resource.setrlimit', 'os.sched_setaffinity', 'sys.addaudithook',
))


class Refused(ImportError):
    """Raised into candidate code by the guard; the stages record it as a policy rejection."""


def install():
    state = threading.local()
    module_allowed, get_frame = policy.module_allowed, sys._getframe

    def nearest(skip_frozen):
        frame = get_frame(2)
        while frame is not None:
            name = frame.f_code.co_filename
            if not (skip_frozen and name.startswith('<frozen ')) and name != __file__:
                return name
            frame = frame.f_back
        return None

    def hook(event, args):
        if getattr(state, 'busy', False):
            return
        if event != 'import' and event not in REFUSED:
            return
        state.busy = True
        try:
            if event == 'import':
                # the C import raises this for modules not loaded yet; importlib's frames sit between it and
                # whoever asked for the module
                if nearest(True) == CANDIDATE and not module_allowed(str(args[0])):
                    raise Refused(f'import of {str(args[0])[:80]!r} is not allowed by the runner policy (run time)')
            elif nearest(False) == CANDIDATE:
                raise Refused(f'{event} is not allowed by the runner policy (run time)')
        finally:
            state.busy = False

    sys.addaudithook(hook)
