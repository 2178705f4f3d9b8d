"""Runs one job in a sandboxed child process and turns whatever happens into a result.

The child runs under bubblewrap: no network (--unshare-all), a read-only root, a private /tmp, tmpfs over $HOME
and the ledger's directories, a new pid namespace and session, --die-with-parent, all capabilities dropped, and
(when the runner is root) a uid of its own. rlimits cap address space, CPU time, open files, processes and file
size; the wall clock is enforced from here by killing the child's process group.

If bubblewrap cannot create its namespaces here, the runner falls back to 'rlimits-only' (rlimits, own uid and
session, no filesystem or network isolation) and says so on stderr and in every result's `sandbox` field.
NAS_LEDGER_SANDBOX=bwrap refuses to fall back.
"""
import errno
import json
import secrets
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import threading
import time

import trusted
import wire

RUNNER_DIR = os.path.dirname(os.path.abspath(__file__))
PYTHON = sys.executable or '/usr/bin/python3'
OUTPUT_CAP = 16 * 1024          # bytes of the candidate's stdout / stderr kept for the result
# bytes of one message on the child's result channel: the largest is one epoch's validation logits as base64
# (CIFAR-100's whole test split: 10,000 x 100 float32 = 5.3 MB); the channel carries at most epochs + 1 of them
MESSAGE_CAP = 8 * 1024 * 1024
DEFAULT_MEMORY_MB = 6144        # address space on CPU; torch alone maps ~1.5 GB
TMP_MB = 64
SHM_MB = 256


PR_SET_PDEATHSIG = 1
_LIBC = []


def _libc():
    if not _LIBC:
        import ctypes
        _LIBC.append(ctypes.CDLL(None, use_errno=True))
    return _LIBC[0]


class Capture(threading.Thread):
    """Drains a pipe, keeping the first OUTPUT_CAP bytes and counting the rest, so a chatty program never blocks."""

    def __init__(self, fd):
        super().__init__(daemon=True)
        self.fd, self.kept, self.total = fd, bytearray(), 0

    def run(self):
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.total += len(chunk)
            if len(self.kept) < OUTPUT_CAP:
                self.kept += chunk[:OUTPUT_CAP - len(self.kept)]
        os.close(self.fd)

    def text(self):
        return self.kept.decode('utf-8', 'replace')


def _reachable_by_sandbox(path, sandbox_uid):
    """Whether the sandboxed uid could walk to path at all. A directory it cannot reach is hidden already, and
    bwrap (running as that uid) could not mount over it either."""
    if sandbox_uid is None:
        return os.access(path, os.X_OK)
    current = path
    while True:
        if not os.stat(current).st_mode & 0o001:  # the sandbox uid is 'other' to every directory here
            return False
        parent = os.path.dirname(current)
        if parent == current:
            return True
        current = parent


def _hidden_paths(sandbox_uid=None, data_root=None):
    """Directories a candidate must never see: $HOME, the ledger's data directory, the datasets' files (they hold
    the validation labels; the child reads decoded images from the cache), extra ones from the agent."""
    import datasets
    paths = [os.path.expanduser('~'), os.path.join(os.getcwd(), '.nas-ledger'), datasets.resolve_root(data_root),
             datasets.DEFAULT_ROOT]
    store = os.environ.get('NAS_LEDGER_STORE', '')
    if store and '://' not in store:
        paths.append(os.path.abspath(store))
    paths += [p for p in os.environ.get('NAS_LEDGER_HIDE', '').split(os.pathsep) if p]
    seen = []
    for p in paths:
        p = os.path.realpath(p)
        if os.path.isdir(p) and p != '/' and p not in seen and _reachable_by_sandbox(p, sandbox_uid):
            seen.append(p)
    return seen


class Sandbox:
    def __init__(self, mode=None, prewarm=None):
        wanted = mode or os.environ.get('NAS_LEDGER_SANDBOX', 'auto')
        if wanted not in ('auto', 'bwrap', 'rlimits-only'):
            raise ValueError(f'NAS_LEDGER_SANDBOX must be auto, bwrap or rlimits-only, not {wanted!r}')
        self.uid = 100000 + os.getpid() % 50000 if os.geteuid() == 0 else None  # a uid no other runner shares
        _libc()  # loaded here: the pre-exec hook runs after fork, where loading a library is not safe
        self.tmp = None
        self.warm = None
        # NAS_LEDGER_PREWARM=0 turns off pre-starting the next job's child (it holds ~300 MB while it waits)
        self.prewarm = prewarm if prewarm is not None else os.environ.get('NAS_LEDGER_PREWARM', '1') != '0'
        # the decoded-dataset cache is bound read-only into every sandbox (it may sit under a hidden directory)
        import datasets
        self.cache_root = datasets.default_cache_root()
        os.makedirs(self.cache_root, mode=0o755, exist_ok=True)
        if os.stat(self.cache_root).st_uid == os.geteuid():
            os.chmod(self.cache_root, 0o755)  # the sandboxed uid must reach it to bind it
        self.labels_root = datasets.labels_root(self.cache_root)
        os.makedirs(self.labels_root, mode=0o700, exist_ok=True)
        datasets.remove_stale_labels(self.cache_root)
        self.cpus = sorted(os.sched_getaffinity(0))
        self.mode, self.why = 'rlimits-only', 'requested'
        if wanted != 'rlimits-only':
            works, why = self._bwrap_works()
            if works:
                self.mode, self.why = 'bwrap', None
            elif wanted == 'bwrap':
                raise RuntimeError(f'bubblewrap sandbox unavailable: {why}')
            else:
                self.why = why
                print(f'nas-ledger runner: WARNING: bubblewrap is unavailable ({why}); running candidates with '
                      'rlimits only, WITHOUT filesystem or network isolation', file=sys.stderr, flush=True)

    # --- launching ----------------------------------------------------------------------------------------
    def _bwrap_args(self, device, prepared_dir=None, data_root=None):
        args = ['bwrap', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc',
                '--size', str(TMP_MB * 1024 * 1024), '--tmpfs', '/tmp',
                # a writable /dev/shm of its own: DataLoader workers pass batches through it
                '--size', str(SHM_MB * 1024 * 1024), '--tmpfs', '/dev/shm']
        for path in _hidden_paths(self.uid, data_root):
            args += ['--tmpfs', path]
        # what the child needs from a hidden directory comes back read-only: its own code and the decoded datasets
        for path in (RUNNER_DIR, prepared_dir):
            if path:
                args += ['--ro-bind', path, path]
        # ... but never the validation labels kept beside them (as root, the sandboxed uid cannot reach them anyway)
        if prepared_dir and _reachable_by_sandbox(self.labels_root, self.uid):
            args += ['--tmpfs', self.labels_root]
        # A decoy /etc/passwd: the host's user list is none of the candidate's business.
        args += ['--ro-bind', self._decoy_passwd(), '/etc/passwd']
        if device == 'cuda':
            for name in sorted(os.listdir('/dev')):
                if name.startswith('nvidia'):
                    args += ['--dev-bind', f'/dev/{name}', f'/dev/{name}']
            mps = os.environ.get('CUDA_MPS_PIPE_DIRECTORY', '/tmp/nvidia-mps')
            if os.path.isdir(mps):
                args += ['--bind', mps, mps]
        args += ['--unshare-all', '--die-with-parent', '--new-session', '--cap-drop', 'ALL', '--chdir', '/tmp']
        return args

    def _decoy_passwd(self):
        if self.tmp is None:
            import tempfile
            self.tmp = tempfile.mkdtemp(prefix='nas-ledger-runner-')
            os.chmod(self.tmp, 0o755)
            with open(os.path.join(self.tmp, 'passwd'), 'w') as f:
                f.write('nobody:x:65534:65534:nobody:/tmp:/usr/sbin/nologin\n')
            os.chmod(os.path.join(self.tmp, 'passwd'), 0o644)
        return os.path.join(self.tmp, 'passwd')

    def _preexec(self, config, lower_privileges=True):
        timeout = float(config['timeoutS'])
        memory = config['memoryMb'] or (None if config['device'] == 'cuda' else DEFAULT_MEMORY_MB)
        cpu_seconds = int(timeout * (config['threads'] + 1)) + 30
        uid = self.uid
        cpus = self._pinned_cpus(config['threads'])

        def apply():
            os.setsid()
            # exactly `threads` CPUs, the count the protocol hash records: set_num_threads(16) in a candidate
            # then runs 16 threads on them, not on 16 cores
            os.sched_setaffinity(0, cpus)
            if memory is not None:
                resource.setrlimit(resource.RLIMIT_AS, (memory << 20, memory << 20))
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
            resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
            resource.setrlimit(resource.RLIMIT_NPROC, (256, 256))
            resource.setrlimit(resource.RLIMIT_FSIZE, (TMP_MB << 20, TMP_MB << 20))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            if uid is not None and lower_privileges:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
            # Die with the runner (set after the uid change, which clears it). bwrap's --die-with-parent does the
            # same inside the sandbox; this also covers the rlimits-only mode.
            _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        notes = [] if memory is not None else ['no address-space limit on CUDA (the driver maps huge virtual ranges)']
        return apply, notes

    def _pinned_cpus(self, threads):
        """`threads` CPUs of the runner's allowed set. The offset moves on with every child (and starts by pid, so a
        pool's runners spread): a pre-started child importing torch then does not share the running job's CPUs."""
        n = min(threads, len(self.cpus))
        self.spawned = getattr(self, 'spawned', os.getpid()) + n
        return [self.cpus[(self.spawned + i) % len(self.cpus)] for i in range(n)]

    def _env(self, config):
        env = {'PATH': '/usr/bin:/bin', 'HOME': '/tmp', 'PYTHONDONTWRITEBYTECODE': '1', 'PYTHONHASHSEED': '0',
               'OMP_NUM_THREADS': str(config['threads']), 'MKL_NUM_THREADS': str(config['threads']),
               'LANG': 'C.UTF-8', 'NAS_LEDGER_WARM_CUDA': '1' if config['device'] == 'cuda' else '0'}
        for key in ('CUDA_VISIBLE_DEVICES', 'CUDA_MPS_PIPE_DIRECTORY', 'NVIDIA_VISIBLE_DEVICES', 'LD_LIBRARY_PATH'):
            if key in os.environ:
                env[key] = os.environ[key]
        return env

    def _bwrap_works(self):
        if shutil.which('bwrap') is None:
            return False, 'bwrap is not installed (Debian package bubblewrap)'
        config = dict(wire.DEFAULT_CONFIG, timeoutS=30)
        apply, _ = self._preexec(config)
        try:
            proc = subprocess.run(self._bwrap_args('cpu') + ['/bin/true'], preexec_fn=apply, cwd='/',
                                  capture_output=True, timeout=30, env=self._env(config))
        except (OSError, subprocess.TimeoutExpired) as e:
            return False, str(e)
        if proc.returncode != 0:
            return False, proc.stderr.decode('utf-8', 'replace').strip()[:300] or f'exit status {proc.returncode}'
        return True, None

    # --- one job ------------------------------------------------------------------------------------------
    def _key(self, config):
        return (config['device'], config['memoryMb'], float(config['timeoutS']), config['threads'], config['dataRoot'])

    def _spawn(self, config):
        """Starts a sandboxed child; it imports torch and then waits for its job on the job pipe."""
        job_r, job_w = os.pipe()
        res_r, res_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        command = [PYTHON, '-E', '-s', '-B', os.path.join(RUNNER_DIR, 'sandbox_child.py'), str(job_r), str(res_w)]
        if self.mode == 'bwrap':
            command = self._bwrap_args(config['device'], self.cache_root, config['dataRoot']) + command
        apply, notes = self._preexec(config)
        if self.mode != 'bwrap':
            notes = notes + [f'WEAK SANDBOX: bubblewrap unavailable ({self.why}); rlimits and uid only']
        try:
            proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out_w, stderr=err_w,
                                    pass_fds=(job_r, res_w), preexec_fn=apply, cwd='/tmp' if self.mode != 'bwrap'
                                    else '/', env=self._env(config), close_fds=True)
        except BaseException:
            for fd in (job_w, res_r, out_r, err_r):
                os.close(fd)
            raise
        finally:
            for fd in (job_r, res_w, out_w, err_w):
                os.close(fd)
        captures = [Capture(out_r), Capture(err_r)]
        for c in captures:
            c.start()
        return {'proc': proc, 'job_w': job_w, 'res_r': res_r, 'captures': captures, 'notes': notes,
                'key': self._key(config)}

    def _discard(self, child):
        for fd in (child['job_w'], child['res_r']):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._kill(child['proc'])

    def _take_child(self, config):
        """The pre-started child when its limits match this job's, else a fresh one."""
        warm, self.warm = self.warm, None
        if warm is not None:
            if warm['key'] == self._key(config) and warm['proc'].poll() is None:
                return warm
            self._discard(warm)
        return self._spawn(config)

    def run_job(self, job, code, config, prepared_dir=None, measurer=None):
        """Runs job in a fresh sandboxed child (one per job, never reused); returns the child's result plus sandbox
        and output facts. With prewarm on, the next job's child starts as soon as this job is handed over, so its
        sandbox start and torch import overlap this job instead of delaying the next."""
        started = time.perf_counter()
        child = self._take_child(config)
        proc, res_r = child['proc'], child['res_r']
        nonce = secrets.token_hex(16)
        request = json.dumps({'job': job, 'config': config, 'code': code, 'preparedDir': prepared_dir,
                              'nonce': nonce}).encode()

        def send_job(fd=child['job_w']):
            try:  # in a thread: a child still importing torch must not block the runner's clock
                view = memoryview(request)
                while view:
                    view = view[os.write(fd, view):]
            except OSError as e:
                if e.errno != errno.EPIPE:
                    raise
            finally:
                os.close(fd)
        child['job_w'] = None
        writer = threading.Thread(target=send_job, daemon=True)
        writer.start()
        if self.prewarm:  # the next job's child imports torch while this one runs
            self.warm = self._spawn(config)
        try:
            outcome = self._await(proc, res_r, float(config['timeoutS']), nonce, measurer)
        finally:
            os.close(res_r)
            child['res_r'] = None
            self._kill(proc)
        writer.join(timeout=2)
        for c in child['captures']:
            c.join(timeout=2)
        stdout, stderr = child['captures']
        outcome['timings'] = dict(outcome.get('timings') or {}, total=round(time.perf_counter() - started, 6))
        if outcome.get('reason') is not None:  # the parent caps and cleans every reason, whoever wrote it
            outcome['reason'] = trusted.clean_text(outcome['reason'], trusted.REASON_LIMIT)
        outcome['sandbox'] = self.mode
        outcome['sandboxNotes'] = child['notes'] + (outcome.get('sandboxNotes') or [])
        outcome['output'] = {'stdout': trusted.clean_output(stdout.text()),
                             'stderr': trusted.clean_output(stderr.text()[-OUTPUT_CAP:]),
                             'stdoutBytes': stdout.total, 'stderrBytes': stderr.total,
                             'truncated': stdout.total > OUTPUT_CAP or stderr.total > OUTPUT_CAP}
        return outcome

    def _await(self, proc, res_r, timeout, nonce, measurer):
        deadline = time.monotonic() + timeout
        buffer, received, stage = b'', 0, 'startup'
        total_cap = MESSAGE_CAP * ((measurer.epochs if measurer else 0) + 2)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return {'stage': 'timeout', 'reason': f'wall-clock limit of {timeout:g} s exceeded during {stage}'}
            ready, _, _ = select.select([res_r], [], [], min(remaining, 1.0))
            if not ready:
                continue
            chunk = os.read(res_r, 1 << 20)
            if not chunk:  # the child closed its channel (exited or was killed) without a result
                return self._died(proc, stage, deadline)
            received += len(chunk)
            buffer += chunk
            if received > total_cap or (b'\n' not in chunk and len(buffer) > MESSAGE_CAP):
                return {'stage': 'sandbox', 'reason': 'the child flooded its result channel'}
            while b'\n' in buffer:
                line, buffer = buffer.split(b'\n', 1)
                if len(line) > MESSAGE_CAP:
                    return {'stage': 'sandbox', 'reason': 'the child flooded its result channel'}
                try:
                    message = wire.parse_child_line(line, nonce)
                    if message['t'] == 'stage':
                        stage = message['stage']
                    elif message['t'] == 'epoch':
                        if measurer is None:
                            raise wire.WireError('an epoch message for a job without epochs', 'PROTOCOL')
                        measurer.epoch(message)
                    else:
                        return measurer.finish(message['result']) if measurer else message['result']
                except wire.WireError as e:
                    return {'stage': 'sandbox', 'reason': f'{e} (during {stage})'}

    def _died(self, proc, stage, deadline):
        try:
            status = proc.wait(timeout=max(0.1, min(5.0, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            return {'stage': 'sandbox', 'reason': f'the child closed its result channel during {stage} and hung'}
        if status < 0:
            how = signal.Signals(-status).name
            if -status == signal.SIGXCPU or -status == signal.SIGKILL and stage != 'startup':
                how += ' (CPU-time or memory limit)'
        else:
            how = f'exit status {status}'
        if stage == 'startup' and status > 0:
            return {'stage': 'sandbox', 'reason': f'the sandboxed child failed to start ({how})'}
        return {'stage': 'sandbox', 'reason': f'the child died during {stage} without a result: {how}'}

    def _kill(self, proc):
        """Kills the child's whole process group (the sandbox's pid namespace goes with it)."""
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()

    def close(self):
        if self.warm is not None:
            self._discard(self.warm)
            self.warm = None
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
