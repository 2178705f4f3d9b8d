"""Dataset loaders for the standard local formats, and their content hashes. Nothing downloads at run time.

Each loader returns uint8 images (N, C, H, W) and int64 labels (N,) for the official train and test splits.
Root: config dataRoot, else $NAS_LEDGER_DATA, else /usr/share/datasets (the Debian dataset-* packages).
"""
import gzip
import hashlib
import os
import pickle
import struct

import numpy as np

DEFAULT_ROOT = '/usr/share/datasets'

# name -> where the files live under the root, their format, and the constants the protocols need
SPECS = {
    'fashion-mnist': dict(dir='fashion-mnist', format='idx', channels=1, size=28, classes=10, flip=True,
                          mean=(0.2860,), std=(0.3530,)),
    'mnist': dict(dir='mnist', format='idx', channels=1, size=28, classes=10, flip=False,
                  mean=(0.1307,), std=(0.3081,)),
    'cifar10': dict(dir='cifar-10-batches-py', format='cifar10-pickle', channels=3, size=32, classes=10, flip=True,
                    mean=(0.4914, 0.4822, 0.4465), std=(0.2470, 0.2435, 0.2616)),
    'cifar100': dict(dir='cifar-100-python', format='cifar100-pickle', channels=3, size=32, classes=100, flip=True,
                     mean=(0.5071, 0.4865, 0.4409), std=(0.2673, 0.2564, 0.2762)),
    'svhn': dict(dir='svhn', format='svhn-mat', channels=3, size=32, classes=10, flip=False,
                 mean=(0.4377, 0.4438, 0.4728), std=(0.1980, 0.2010, 0.1970)),
    # A deterministic stand-in with CIFAR-10's shape (50k x 3 x 32 x 32, 10k test) for GPU benchmarks where
    # the real files cannot be had. It is NOT CIFAR-10; results on it say so by name.
    'cifar10-standin': dict(dir=None, format='synthetic', channels=3, size=32, classes=10, flip=True,
                            mean=(0.5, 0.5, 0.5), std=(0.25, 0.25, 0.25)),
}

FILES = {
    'idx': ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
    'cifar10-pickle': [f'data_batch_{i}' for i in range(1, 6)] + ['test_batch'],
    'cifar100-pickle': ['train', 'test'],
    'svhn-mat': ['train_32x32.mat', 'test_32x32.mat'],
}

HOW_TO_GET = {
    'idx': 'the four idx files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, '
           't10k-labels-idx1-ubyte), plain or .gz, as published by the dataset authors',
    'cifar10-pickle': 'the "CIFAR-10 python version" archive extracted (data_batch_1..5, test_batch)',
    'cifar100-pickle': 'the "CIFAR-100 python version" archive extracted (train, test)',
    'svhn-mat': 'the SVHN "cropped digits" format 2 files train_32x32.mat and test_32x32.mat',
}


class DatasetMissing(Exception):
    pass


class UnknownDataset(Exception):
    pass


def spec(name):
    if name not in SPECS:
        raise UnknownDataset(f'unknown dataset {name!r}; known: {", ".join(SPECS)}')
    return SPECS[name]


def resolve_root(data_root=None):
    return data_root or os.environ.get('NAS_LEDGER_DATA') or DEFAULT_ROOT


def _find(directory, name):
    for candidate in (name, name + '.gz'):
        path = os.path.join(directory, candidate)
        if os.path.isfile(path):
            return path
    return None


def files(name, data_root=None):
    """The dataset's files, in a fixed order; raises DatasetMissing with what to put where."""
    s = spec(name)
    if s['format'] == 'synthetic':
        return []
    directory = os.path.join(resolve_root(data_root), s['dir'])
    paths = [_find(directory, f) for f in FILES[s['format']]]
    if None in paths:
        missing = [f for f, p in zip(FILES[s['format']], paths, strict=True) if p is None]
        raise DatasetMissing(
            f'dataset {name!r} not found: {directory} lacks {", ".join(missing)}. Put {HOW_TO_GET[s["format"]]} '
            f'in {directory} (set NAS_LEDGER_DATA or dataRoot to use another root).')
    return paths


_hash_cache = {}


def content_hash(name, data_root=None):
    """sha256 over the dataset's file names and bytes, cached by (path, size, mtime) for the runner's lifetime."""
    paths = files(name, data_root)
    if not paths:
        return hashlib.sha256(f'synthetic:{name}:v1'.encode()).hexdigest()
    key = tuple((p, os.stat(p).st_size, os.stat(p).st_mtime_ns) for p in paths)
    if key not in _hash_cache:
        h = hashlib.sha256()
        for p in paths:
            h.update(os.path.basename(p).encode() + b'\0')
            with open(p, 'rb') as f:
                for chunk in iter(lambda: f.read(1 << 20), b''):
                    h.update(chunk)
        _hash_cache[key] = h.hexdigest()
    return _hash_cache[key]


def _read(path):
    with (gzip.open(path, 'rb') if path.endswith('.gz') else open(path, 'rb')) as f:
        return f.read()


def _idx(path):
    data = _read(path)
    zero, dtype, ndim = struct.unpack('>HBB', data[:4])
    assert zero == 0 and dtype == 0x08, f'{path}: not an idx file of unsigned bytes'
    shape = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def _unpickle(path):
    with open(path, 'rb') as f:
        return pickle.load(f, encoding='bytes')


def _load_idx(paths):
    xtr, ytr, xte, yte = (_idx(p) for p in paths)
    return xtr[:, None], ytr, xte[:, None], yte  # (N, 28, 28) -> (N, 1, 28, 28)


def _load_cifar(paths, label_key):
    parts = [_unpickle(p) for p in paths]
    train, test = parts[:-1], parts[-1]
    x = lambda ds: np.concatenate([d[b'data'] for d in ds]).reshape(-1, 3, 32, 32)  # rows are R,G,B planes
    y = lambda ds: np.concatenate([np.asarray(d[label_key]) for d in ds])
    return x(train), y(train), x([test]), y([test])


def _load_svhn(paths):
    from scipy.io import loadmat
    out = []
    for p in paths:
        m = loadmat(p)
        out.append(np.ascontiguousarray(m['X'].transpose(3, 2, 0, 1)))  # (32, 32, 3, N) -> (N, 3, 32, 32)
        out.append(m['y'].reshape(-1) % 10)  # SVHN labels the digit 0 as 10
    return tuple(out)


def _load_synthetic(classes=10, n_train=50_000, n_test=10_000, seed=1234):
    # Learnable by construction: a class-specific low-frequency template plus noise, clipped to uint8.
    rng = np.random.default_rng(seed)
    templates = rng.normal(128, 48, size=(classes, 3, 8, 8)).astype(np.float32).repeat(4, 2).repeat(4, 3)

    def make(n):
        y = rng.integers(0, classes, size=n)
        x = np.empty((n, 3, 32, 32), dtype=np.uint8)
        for start in range(0, n, 5000):  # in chunks, so float32 noise never needs more than ~60 MB
            sl = slice(start, min(n, start + 5000))
            noise = rng.standard_normal((sl.stop - sl.start, 3, 32, 32), dtype=np.float32) * 40
            x[sl] = np.clip(templates[y[sl]] + noise, 0, 255).astype(np.uint8)
        return x, y

    xtr, ytr = make(n_train)
    xte, yte = make(n_test)
    return xtr, ytr, xte, yte


def load(name, data_root=None):
    """Returns dict(train_x, train_y, test_x, test_y) as uint8 (N, C, H, W) and int64 (N,) numpy arrays."""
    s = spec(name)
    paths = files(name, data_root)
    fmt = s['format']
    if fmt == 'idx':
        arrays = _load_idx(paths)
    elif fmt == 'cifar10-pickle':
        arrays = _load_cifar(paths, b'labels')
    elif fmt == 'cifar100-pickle':
        arrays = _load_cifar(paths, b'fine_labels')
    elif fmt == 'svhn-mat':
        arrays = _load_svhn(paths)
    else:
        arrays = _load_synthetic(s['classes'])
    xtr, ytr, xte, yte = arrays
    for x, y in ((xtr, ytr), (xte, yte)):
        assert x.dtype == np.uint8 and x.shape[1:] == (s['channels'], s['size'], s['size']), \
            f'{name}: images have shape {x.shape[1:]}, expected {(s["channels"], s["size"], s["size"])}'
        assert len(x) == len(y), f'{name}: {len(x)} images but {len(y)} labels'
    return dict(train_x=xtr, train_y=ytr.astype(np.int64), test_x=xte, test_y=yte.astype(np.int64))


# What a sandboxed child may read: the training split and the validation images. The validation labels (test_y)
# live in a directory of their own that is never bound into (and is hidden from) the sandbox: the trusted runner
# scores the child's outputs against them, so a candidate cannot learn or forge what it is measured on.
ARRAYS = ('train_x', 'train_y', 'test_x')
LABELS = 'test_y'
SPLIT_SEED = 0  # the train subset and validation subset are fixed across jobs, whatever the job's seed


def fixed_subset(n_total, n, seed=SPLIT_SEED):
    """The seeded, sorted subset of indices a protocol uses (child and runner draw the same one)."""
    if n is None or n >= n_total:
        return np.arange(n_total)
    return np.sort(np.random.default_rng(seed).permutation(n_total)[:n])


def validation_indices(n_total, val_subset):
    return fixed_subset(n_total, val_subset, SPLIT_SEED + 1)


def default_cache_root():
    # Not under $HOME: the sandbox hides $HOME, and the sandboxed uid must be able to traverse to the files.
    return os.environ.get('NAS_LEDGER_CACHE') or f'/var/tmp/nas-ledger-{os.geteuid()}/datasets'


def labels_root(cache_root=None):
    """Where the runner keeps validation labels: inside the cache root under a 0700 directory that the sandbox
    never sees (bubblewrap mounts an empty tmpfs over it; as root the sandboxed uid cannot even traverse it)."""
    return os.path.join(cache_root or default_cache_root(), '.labels')


def _private_dir(path):
    os.makedirs(path, mode=0o700, exist_ok=True)
    if os.stat(path).st_uid == os.geteuid():
        os.chmod(path, 0o700)


def prepare(name, data_root=None, cache_root=None):
    """Decodes a dataset once into .npy files under the cache, keyed by its content hash (the trusted runner
    does this; sandboxed children only memory-map the result). Returns (content hash, cache directory).
    The validation labels go to labels_root(), never next to the images."""
    digest = content_hash(name, data_root)
    root = cache_root or default_cache_root()
    directory = os.path.join(root, f'{name}-{digest[:16]}')
    labels_dir = os.path.join(labels_root(root), f'{name}-{digest[:16]}')
    stale = os.path.join(directory, LABELS + '.npy')
    if os.path.isfile(stale):  # a cache written before the labels moved out: move them now
        _private_dir(labels_dir)
        os.replace(stale, os.path.join(labels_dir, LABELS + '.npy'))
    have = all(os.path.isfile(os.path.join(directory, a + '.npy')) for a in ARRAYS)
    if not have or not os.path.isfile(os.path.join(labels_dir, LABELS + '.npy')):
        arrays = load(name, data_root)
        os.makedirs(directory, mode=0o755, exist_ok=True)
        for d in (directory, os.path.dirname(directory), os.path.dirname(os.path.dirname(directory))):
            if os.stat(d).st_uid == os.geteuid():
                os.chmod(d, 0o755)  # the sandboxed child runs as another uid and only reads
        _private_dir(labels_root(root))
        _private_dir(labels_dir)
        targets = [(a, directory) for a in ARRAYS] + [(LABELS, labels_dir)]
        for a, where in targets:
            tmp = os.path.join(where, f'.{a}.{os.getpid()}.npy')
            np.save(tmp, arrays[a])
            os.replace(tmp, os.path.join(where, a + '.npy'))  # atomic: a concurrent runner never sees half a file
    return digest, directory


def remove_stale_labels(cache_root):
    """Moves validation labels that an older runner left beside the images out of the sandbox's view."""
    if not os.path.isdir(cache_root):
        return
    for entry in os.listdir(cache_root):
        stale = os.path.join(cache_root, entry, LABELS + '.npy')
        if entry != '.labels' and os.path.isfile(stale):
            target = os.path.join(labels_root(cache_root), entry)
            _private_dir(labels_root(cache_root))
            _private_dir(target)
            os.replace(stale, os.path.join(target, LABELS + '.npy'))


def load_prepared(directory):
    """What the sandboxed child reads: images and training labels, memory-mapped."""
    return {a: np.load(os.path.join(directory, a + '.npy'), mmap_mode='r') for a in ARRAYS}


def load_validation_labels(directory, val_subset):
    """The runner's own copy of the validation labels for one job (the child never has them)."""
    root = os.path.dirname(directory)
    labels = np.load(os.path.join(labels_root(root), os.path.basename(directory), LABELS + '.npy'), mmap_mode='r')
    return np.asarray(np.take(labels, validation_indices(len(labels), val_subset)), dtype=np.int64)
