"""rensa side of `npm run bench:novelty`: the same shingle sets as datasketch, rensa's bulk MinHash + RMinHashLSH.

Input: the JSON-lines token file (the corpus, then the queries) the TypeScript side writes. Shingles are the k tokens
joined with NUL, UTF-8 encoded, by novelty_shingles.py as for datasketch. Signatures use rensa's fastest bulk path,
RMinHash.digest_matrix_from_token_byte_sets (one compact matrix per chunk of 1000 programs, no Python object per
program). rensa's LSH needs a band count that divides the permutations, so it uses 16 bands x 16 rows (the nearest
to datasketch's 13 x 19 for t = 0.85). A query is lsh.query then verification (estimated J > tau) on the stored
digests, like the other two engines. Output (stdout): one JSON object.
"""
import argparse
import importlib.metadata
import json
import sys
import time

import numpy as np
from novelty_shingles import query_and_peak_memory, rss_mb, shingles, token_chunks
from rensa import RMinHash, RMinHashLSH


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument('--tokens', required=True)
    p.add_argument('--n', type=int, required=True)
    p.add_argument('--k', type=int, default=10)
    p.add_argument('--perm', type=int, default=256)
    p.add_argument('--bands', type=int, default=16)
    p.add_argument('--threshold', type=float, default=0.85)
    p.add_argument('--tau', type=float, default=0.90)
    a = p.parse_args(argv)

    lsh = RMinHashLSH(a.threshold, a.perm, a.bands)
    shingle_s = digest_s = insert_s = 0.0
    shingle_cpu = digest_cpu = insert_cpu = 0.0
    corpus = np.zeros((a.n, a.perm), dtype=np.uint32)  # the stored digests, for verification
    query_sets = []
    rss_before = rss_mb()
    index_rss = 0.0
    done = 0

    def flush(chunk):
        nonlocal shingle_s, digest_s, insert_s, shingle_cpu, digest_cpu, insert_cpu, done
        corpus_part = chunk[:max(0, a.n - done)]
        query_sets.extend(chunk[len(corpus_part):])
        if corpus_part:
            t0, c0 = time.perf_counter(), time.process_time()
            sets = [shingles(tokens, a.k) for tokens in corpus_part]
            t1, c1 = time.perf_counter(), time.process_time()
            matrix = RMinHash.digest_matrix_from_token_byte_sets(sets, a.perm, 1)
            t2, c2 = time.perf_counter(), time.process_time()
            lsh.insert_matrix(matrix, done)
            t3, c3 = time.perf_counter(), time.process_time()
            shingle_s += t1 - t0
            digest_s += t2 - t1
            insert_s += t3 - t2
            shingle_cpu += c1 - c0
            digest_cpu += c2 - c1
            insert_cpu += c3 - c2
            corpus[done:done + len(corpus_part)] = np.asarray(matrix.to_rows(), dtype=np.uint32)
            done += len(corpus_part)

    for chunk in token_chunks(a.tokens):
        flush(chunk)
    # The index's own growth: RSS after all inserts, less the stored digest matrix (kept for verification only).
    index_rss = rss_mb() - rss_before - corpus.nbytes / 2**20

    # Query signatures: the same bulk path, timed with the corpus's.
    t0, c0 = time.perf_counter(), time.process_time()
    qsets = [shingles(tokens, a.k) for tokens in query_sets]
    t1, c1 = time.perf_counter(), time.process_time()
    queries = RMinHash.from_token_sets(qsets, a.perm, 1)
    qdigest_s, qdigest_cpu = time.perf_counter() - t1, time.process_time() - c1
    shingle_s += t1 - t0
    shingle_cpu += c1 - c0
    qdig = [np.asarray(m.digest(), dtype=np.uint32) for m in queries]

    latencies, near = [], []
    for m, d in zip(queries, qdig, strict=True):
        t0 = time.perf_counter()
        cands = np.fromiter(lsh.query(m), dtype=np.int64)
        found = sorted(int(c) for c in cands[(corpus[cands] == d).mean(axis=1) > a.tau]) if cands.size else []
        latencies.append(time.perf_counter() - t0)
        near.append(found)
    signatures = a.n + len(queries)
    json.dump({
        'version': importlib.metadata.version('rensa'), 'bands': lsh.get_num_bands(), 'signatures': signatures,
        'shingleSeconds': shingle_s, 'digestSeconds': digest_s + qdigest_s, 'insertSeconds': insert_s,
        'shingleCpuSeconds': shingle_cpu, 'digestCpuSeconds': digest_cpu + qdigest_cpu, 'insertCpuSeconds': insert_cpu,
        **query_and_peak_memory(latencies), 'indexRssMb': index_rss,
        'nearDuplicates': near,
    }, sys.stdout)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
