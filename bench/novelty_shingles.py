"""What the two Python peers of `npm run bench:novelty` (novelty_datasketch.py, novelty_rensa.py) share.

The token file's reading in chunks, the shingles (so both peers hash exactly the same byte strings as the TypeScript
engine) and the memory and latency figures, measured the same way on both sides so their numbers compare.
"""
import json
import resource

import numpy as np

CHUNK = 1000  # programs per chunk: signed in bulk, then the chunk's token lists are dropped


def rss_mb():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def shingles(tokens, k):
    """The k tokens joined with NUL, UTF-8 encoded; a program shorter than k is one shingle, an empty one none."""
    if not tokens:
        return []
    if len(tokens) < k:
        return ['\x00'.join(tokens).encode('utf-8')]
    return ['\x00'.join(tokens[i:i + k]).encode('utf-8') for i in range(len(tokens) - k + 1)]


def token_chunks(path, skip=None):
    """The JSON-lines token file (one array of token texts per program) in lists of up to CHUNK programs.

    skip(i) says to pass over line i (0-based) unparsed.
    """
    chunk = []
    with open(path, encoding='utf-8') as f:
        for i, line in enumerate(f):
            if skip is not None and skip(i):
                continue
            chunk.append(json.loads(line))
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def query_and_peak_memory(latencies_s):
    """The output's queryP50Ms, queryP99Ms and peakRssMb, from the per-query latencies in seconds."""
    lat = np.array(latencies_s) * 1e3
    return {
        'queryP50Ms': float(np.percentile(lat, 50)), 'queryP99Ms': float(np.percentile(lat, 99)),
        'peakRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
