"""datasketch side of `npm run bench:novelty`: the same token streams, MinHash (update_batch) + MinHashLSH.

Input: a JSON-lines file (one JSON array of token texts per program: the corpus, then the queries) and a JSON file of
(query, corpus) pairs to estimate. Output (stdout): one JSON object with timings, peak memory, each query's
verified near-duplicates, and the pair estimates. Shingles are the k tokens joined with NUL, UTF-8 encoded
(novelty_shingles.py): the same shingles the TypeScript engine hashes.
"""
import argparse
import json
import sys
import time

import datasketch
import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH
from novelty_shingles import query_and_peak_memory, rss_mb, shingles, token_chunks


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument('--tokens', required=True)
    p.add_argument('--pairs', required=True)
    p.add_argument('--n', type=int, required=True)
    p.add_argument('--k', type=int, default=10)
    p.add_argument('--perm', type=int, default=256)
    p.add_argument('--threshold', type=float, default=0.85)
    p.add_argument('--tau', type=float, default=0.90)
    p.add_argument('--limit', type=int, default=None,
                   help='sign and index only the first LIMIT corpus programs (and all queries): a sample, at sizes '
                        'where datasketch would take hours')
    a = p.parse_args(argv)
    limit = a.n if a.limit is None else min(a.n, a.limit)

    template = MinHash(num_perm=a.perm, seed=1)  # permutations drawn once and shared, as MinHash.bulk does
    sig_total = 0.0      # shingle building + update_batch
    sig_cpu = 0.0        # the same, CPU time of this process
    update_total = 0.0   # update_batch only
    rss_before = rss_mb()
    sigs = []

    def flush(chunk):
        nonlocal sig_total, update_total, sig_cpu
        c0 = time.process_time()
        for tokens in chunk:
            t0 = time.perf_counter()
            sh = shingles(tokens, a.k)
            t1 = time.perf_counter()
            m = template.copy()
            m.update_batch(sh)
            t2 = time.perf_counter()
            sig_total += t2 - t0
            update_total += t2 - t1
            sigs.append(m)
        sig_cpu += time.process_time() - c0
        sigs[len(sigs) - len(chunk):] = [LeanMinHash(m) for m in sigs[len(sigs) - len(chunk):]]

    for chunk in token_chunks(a.tokens, skip=lambda i: limit <= i < a.n):
        flush(chunk)
    corpus, queries = sigs[:limit], sigs[limit:]

    lsh = MinHashLSH(threshold=a.threshold, num_perm=a.perm)
    t0 = time.perf_counter()
    c0 = time.process_time()
    for i, m in enumerate(corpus):
        lsh.insert(i, m, check_duplication=False)
    insert_s = time.perf_counter() - t0
    insert_cpu = time.process_time() - c0
    rss_after = rss_mb()

    latencies, near = [], []
    for m in queries:
        t0 = time.perf_counter()
        found = sorted(key for key in lsh.query(m) if m.jaccard(corpus[key]) > a.tau)
        latencies.append(time.perf_counter() - t0)
        near.append(found)

    with open(a.pairs, encoding='utf-8') as f:
        pairs = json.load(f)
    estimates = [float(queries[q].jaccard(corpus[j])) for q, j in pairs]
    json.dump({
        'version': datasketch.__version__, 'numpy': np.__version__, 'python': sys.version.split()[0],
        'bands': lsh.b, 'rows': lsh.r,
        'signatures': len(sigs), 'signatureSeconds': sig_total, 'updateBatchSeconds': update_total,
        'insertSeconds': insert_s, 'signatureCpuSeconds': sig_cpu, 'insertCpuSeconds': insert_cpu,
        **query_and_peak_memory(latencies),
        'indexRssMb': rss_after - rss_before,
        'nearDuplicates': near, 'pairEstimates': estimates,
    }, sys.stdout)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
