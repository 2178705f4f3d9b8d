"""Writes tiny datasets in each real on-disk format under ROOT, for the loader tests (no downloads, no real data).
usage: write-tiny-datasets.py ROOT"""
import gzip
import os
import pickle
import struct
import sys

import numpy as np
from scipy.io import savemat

root = sys.argv[1]
rng = np.random.default_rng(7)


def idx(path, array, compress):
    header = struct.pack('>HBB', 0, 0x08, array.ndim) + struct.pack('>' + 'I' * array.ndim, *array.shape)
    data = header + array.astype(np.uint8).tobytes()
    with (gzip.open(path + '.gz', 'wb') if compress else open(path, 'wb')) as f:
        f.write(data)


def images(n, c, size):
    return rng.integers(0, 256, size=(n, c, size, size), dtype=np.uint8)


# MNIST layout, plain files for mnist and .gz for fashion-mnist (the Debian package ships .gz)
for name, compress in (('mnist', False), ('fashion-mnist', True)):
    d = os.path.join(root, name)
    os.makedirs(d, exist_ok=True)
    idx(os.path.join(d, 'train-images-idx3-ubyte'), images(96, 1, 28)[:, 0], compress)
    idx(os.path.join(d, 'train-labels-idx1-ubyte'), rng.integers(0, 10, 96), compress)
    idx(os.path.join(d, 't10k-images-idx3-ubyte'), images(32, 1, 28)[:, 0], compress)
    idx(os.path.join(d, 't10k-labels-idx1-ubyte'), rng.integers(0, 10, 32), compress)

d = os.path.join(root, 'cifar-10-batches-py')
os.makedirs(d, exist_ok=True)
for i in range(1, 6):
    batch = {b'data': images(20, 3, 32).reshape(20, -1), b'labels': list(rng.integers(0, 10, 20).tolist()),
             b'batch_label': b'training batch', b'filenames': [b'x.png'] * 20}
    with open(os.path.join(d, f'data_batch_{i}'), 'wb') as f:
        pickle.dump(batch, f)
with open(os.path.join(d, 'test_batch'), 'wb') as f:
    pickle.dump({b'data': images(32, 3, 32).reshape(32, -1), b'labels': rng.integers(0, 10, 32).tolist()}, f)

d = os.path.join(root, 'cifar-100-python')
os.makedirs(d, exist_ok=True)
for split, n in (('train', 100), ('test', 32)):
    with open(os.path.join(d, split), 'wb') as f:
        pickle.dump({b'data': images(n, 3, 32).reshape(n, -1), b'fine_labels': rng.integers(0, 100, n).tolist(),
                     b'coarse_labels': rng.integers(0, 20, n).tolist()}, f)

d = os.path.join(root, 'svhn')
os.makedirs(d, exist_ok=True)
for split, n in (('train', 96), ('test', 32)):
    x = images(n, 3, 32).transpose(2, 3, 1, 0)  # SVHN stores (32, 32, 3, N)
    y = rng.integers(1, 11, size=(n, 1))        # digits 1..10, 10 meaning 0
    savemat(os.path.join(d, f'{split}_32x32.mat'), {'X': x, 'y': y})
print('ok')
