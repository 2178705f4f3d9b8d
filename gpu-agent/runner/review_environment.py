"""Where a reproducibility review runs: a one-shot job for the review's ReviewStarted event.

Request (stdin, JSON): {"dataset": str}. Answer (last stdout line): {"ok": true, "result": {"datasetContentHash":
str|null (null: the dataset is missing here), "libraries": {...}, "sandbox": "bwrap"|"rlimits-only"}}.
The dataset hash is the runner's own (datasets.content_hash), so it compares with what evaluations recorded.
"""
import json
import shutil
import sys

import datasets
from runner import library_versions


def describe(request):
    try:
        digest = datasets.content_hash(request['dataset'])
    except datasets.DatasetMissing:
        digest = None
    # The runner decides the sandbox mode when it starts (sandbox.py); bubblewrap present is what makes it 'bwrap'.
    sandbox = 'bwrap' if shutil.which('bwrap') else 'rlimits-only'
    # torch is not imported (seconds): the device and CUDA of each re-run are in its verdict, from the runner itself.
    return {'datasetContentHash': digest, 'libraries': library_versions(), 'sandbox': sandbox}


def main():
    try:
        answer = {'ok': True, 'result': describe(json.loads(sys.stdin.read()))}
    except (ValueError, KeyError, TypeError, datasets.UnknownDataset) as e:
        answer = {'ok': False, 'error': {'code': 'BAD_INPUT', 'message': str(e), 'hint': 'Send {"dataset": name}.'}}
    print(json.dumps(answer))
    return 0


if __name__ == '__main__':
    sys.exit(main())
