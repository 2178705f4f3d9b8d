"""What runs inside the sandbox: reads one job from its job fd, runs it, writes stage marks and one result to its
result fd. stdout and stderr belong to the candidate (captured and capped by the runner); the result channel is a
dedicated pipe, so whatever the program prints cannot be mistaken for a result. Epoch and result messages carry the
job's nonce; the runner scores the validation logits itself (trusted.py) and believes no number measured here
except the ones it marks self-reported. With the policy on, a run-time guard (guard.py) backs up the AST policy.

argv: sandbox_child.py JOB_FD RESULT_FD
"""
import json
import os
import sys


def main():
    job_fd, result_fd = int(sys.argv[1]), int(sys.argv[2])
    parent_pid = os.getpid()
    channel = os.fdopen(result_fd, 'w', buffering=1)

    def send(message):
        if os.getpid() != parent_pid:  # a forked copy of the candidate never speaks for the job
            os._exit(0)
        channel.write(json.dumps(message, separators=(',', ':')) + '\n')
        channel.flush()

    send({'t': 'stage', 'stage': 'startup'})
    # Import torch before the job arrives: a pre-started child has paid this cost by the time it gets work.
    import torch  # noqa: F401
    import measure  # noqa: F401 - captures its references before any candidate code exists
    import train
    import guard
    import fingerprint
    import protocols
    if os.environ.get('NAS_LEDGER_WARM_CUDA') == '1':
        try:  # create the CUDA context now too: it costs ~0.3 s that would otherwise fall inside the job
            torch.zeros(1, device='cuda')
        except Exception:  # noqa: BLE001 - the job itself will report a broken device at its first stage
            pass

    with os.fdopen(job_fd, 'rb') as f:
        request = json.loads(f.read())
    job, config, code, nonce = request['job'], request['config'], request['code'], request['nonce']
    prepared = request['preparedDir']
    del request
    torch.set_num_threads(config['threads'])
    if config['policy'] == 'on':
        guard.install()  # cannot be removed: audit hooks last for the life of the process
    protocol = protocols.resolve(config['protocol'], config)
    if job == 'fingerprint':
        result = fingerprint.run(config, code, protocol, lambda s: send({'t': 'stage', 'stage': s}))
    else:
        result = train.run(job, config, code, protocol, prepared, lambda s: send({'t': 'stage', 'stage': s}),
                           lambda n, logits, loss: send({'t': 'epoch', 'k': nonce, 'epoch': n, 'logits': logits,
                                                         'trainLoss': loss}), measure.state_shapes)
    libraries = {'cuda': torch.version.cuda}
    if config['device'] == 'cuda':
        libraries['cudnn'] = str(torch.backends.cudnn.version())
    result['libraries'] = libraries
    for stream in (sys.stdout, sys.stderr):  # os._exit below skips the flush; keep what the program printed
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - the candidate may have replaced or closed them
            pass
    send({'t': 'result', 'k': nonce, 'result': result})
    channel.close()
    os._exit(0)  # skip atexit hooks and finalizers the candidate may have registered


if __name__ == '__main__':
    main()
