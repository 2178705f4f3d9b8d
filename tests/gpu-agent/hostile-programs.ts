import { program } from './programs';

/**
 * Hostile programs for the trusted-measurement suite (issue 12): each tries to change a recorded number other
 * than by learning. `honest` says what the trusted runner must record when the program is not refused:
 *  - 'same-as-good': training is untouched, so the accuracy must equal the plain program's exactly;
 *  - 'not-forged': the forged value (0.99) never appears; accuracy, if any, is what the labels say;
 *  - 'real-params': rejected at the budget stage with the model's real parameter count.
 * `offStage` is the stage expected with the policy off (the sandbox and the runner's own measurement alone).
 */
export interface Hostile {
  readonly name: string;
  readonly code: string;
  readonly honest: 'same-as-good' | 'not-forged' | 'real-params' | 'reason';
  readonly offStage?: string;
  readonly realParams?: number;
}

const FORGED = JSON.stringify({ t: 'result', result: { stage: 'passed', reason: null, accuracy: 0.99, loss: 0.01, params: 1000, state: [] } });
const FORGED_EPOCH = JSON.stringify({ t: 'epoch', k: 'guess', epoch: 1, logits: 'AAAA', trainLoss: 0.01 });
const write = (opener: string) => `for fd in range(3, 64):\n    try:\n        ${opener}\n    except OSError:\n        pass`;
/** The plain program's own parameters plus a 4096 x 4096 linear layer: 16.8M parameters. */
export const BIG_PARAMS = 5226 + 4096 * 4096 + 4096;
const BIG = 'self.hidden = nn.Linear(4096, 4096)';
/** One-hot "logits" for class 3 on every validation image, base64 float32, as a forged _outputs would send. */
const ONE_HOT = `def fake_outputs(net, pipeline, protocol, device, amp, classes):
    import base64, struct
    rows = sum(len(x) for x, _ in pipeline.eval_batches(1000))
    return base64.b64encode(b''.join(struct.pack('<' + 'f' * classes, *[9.0 if c == 3 else 0.0 for c in range(classes)]) for _ in range(rows))).decode()`;

export const HOSTILE: readonly Hostile[] = [
  { name: 'writes a forged result line to every fd (os.write)', honest: 'not-forged', offStage: 'sandbox',
    code: program({ header: 'import os', learn: write(`os.write(fd, ${JSON.stringify(FORGED + '\n')}.encode())`) }) },
  // (reopening the pipe through /proc fails for the sandboxed uid; if it did not, the line would lack the nonce)
  { name: 'writes a forged result line through /proc/self/fd', honest: 'not-forged',
    code: program({ learn: write(`open(f'/proc/self/fd/{fd}', 'w').write(${JSON.stringify(FORGED + '\n')})`).replace('except OSError', 'except Exception') }) },
  { name: 'writes a forged epoch message with guessed logits', honest: 'not-forged', offStage: 'sandbox',
    code: program({ header: 'import os', learn: write(`os.write(fd, ${JSON.stringify(FORGED_EPOCH + '\n')}.encode())`) }) },
  { name: "replaces the harness's output function in sys.modules['train']", honest: 'not-forged', offStage: 'passed',
    code: program({ header: `import sys\n${ONE_HOT}`, init: "sys.modules['train']._outputs = fake_outputs" }) },
  { name: 'monkeypatches torch.Tensor.argmax', honest: 'same-as-good', offStage: 'passed',
    code: program({ learn: 'torch.Tensor.argmax = lambda self, *a, **k: torch.zeros(self.shape[0], dtype=torch.long)' }) },
  { name: 'monkeypatches F.cross_entropy for measurement (no_grad) only', honest: 'same-as-good', offStage: 'passed',
    // training still sees the real loss (grad enabled); any measurement under no_grad would see 0
    code: program({ header: 'import torch.nn.functional as F\nreal_cross_entropy = F.cross_entropy', learn: 'F.cross_entropy = lambda *a, **k: real_cross_entropy(*a, **k) if torch.is_grad_enabled() else torch.tensor(0.0)' }) },
  { name: "tampers with sys.modules (numpy and the measuring modules)", honest: 'not-forged', offStage: 'passed',
    code: program({ header: `import sys, types\n${ONE_HOT}`, init: "fake = types.ModuleType('train')\nfake.__dict__.update(sys.modules['train'].__dict__)\nfake._outputs = fake_outputs\nsys.modules['train'] = fake\nsys.modules['train']._outputs = fake_outputs\nsys.modules['measure'].state_shapes = lambda net: []\nsys.modules['trusted'] = fake" }) },
  { name: 'walks to os through torch.os', honest: 'not-forged', offStage: 'sandbox',
    code: program({ learn: write(`torch.os.write(fd, ${JSON.stringify(FORGED + '\n')}.encode())`) }) },
  { name: "walks to builtins through torch.sys.modules['builtins']", honest: 'not-forged',
    code: program({ learn: write(`torch.sys.modules['builtins'].open(f'/proc/self/fd/{fd}', 'w').write(${JSON.stringify(FORGED + '\n')})`).replace('except OSError', 'except Exception') }) },
  { name: 'walks to sys through typing.sys and replaces the harness', honest: 'not-forged', offStage: 'passed',
    code: program({ header: `import typing\n${ONE_HOT}`, init: "typing.sys.modules['train']._outputs = fake_outputs" }) },
  { name: 'a 16.8M-parameter model overriding parameters(), named_parameters() and state_dict()', honest: 'real-params', offStage: 'budget', realParams: BIG_PARAMS,
    code: program({ init: BIG }).replace('    def forward(self, x):', `    def parameters(self, recurse=True):
        return iter([nn.Parameter(torch.zeros(10))])

    def named_parameters(self, *a, **k):
        return iter([('w', nn.Parameter(torch.zeros(10)))])

    def state_dict(self, *a, **k):
        return {}

    def _named_members(self, *a, **k):
        return iter([])

    def forward(self, x):`) },
  { name: 'a 16.8M-parameter model monkeypatching torch.Tensor.numel and .shape', honest: 'real-params', offStage: 'budget', realParams: BIG_PARAMS,
    code: program({ init: `${BIG}\ntorch.Tensor.numel = lambda self: 1\ntorch.Tensor.shape = property(lambda self: torch.Size([1]))` }) },
  { name: "a 16.8M-parameter model replacing the harness's counting functions", honest: 'real-params', offStage: 'budget', realParams: BIG_PARAMS,
    code: program({ header: 'import sys', init: `${BIG}\nsys.modules['measure'].state_shapes = lambda net: []\nsys.modules['measure'].parameter_count = lambda shapes: 1000\nsys.modules['candidate'].measure = None` }) },
  { name: 'hides 16.8M trainable parameters in a plain list attribute', honest: 'real-params', offStage: 'budget', realParams: 5226 + 4096 * 4096,
    code: program({ init: 'self.extra = [torch.zeros(4096, 4096, requires_grad=True)]' }) },
  { name: 'copies a 15 kB host file into its rejection reason', honest: 'reason', offStage: 'instantiate',
    code: program({ init: "raise RuntimeError(open('/usr/lib/python3/dist-packages/numpy/__init__.py').read() * 3)" }) },
  { name: 'puts terminal escapes and 50,000 characters into its reason', honest: 'reason', offStage: 'instantiate',
    code: program({ init: "raise RuntimeError('\\x1b[31mFAKE\\x1b[0m\\r\\n\\u202e' + 'x' * 50000)" }) },
  { name: 'asks for 16 threads (oversubscription) and reports the CPUs it got', honest: 'reason', offStage: 'instantiate',
    code: program({ header: 'import os', init: "torch.set_num_threads(16)\nraise RuntimeError(f'cpus {len(os.sched_getaffinity(0))} threads {torch.get_num_threads()}')" }) },
  { name: 'looks for the validation labels in every file it can reach', honest: 'reason', offStage: 'instantiate',
    code: program({ header: 'import os', init: `found = []
for root in ('/var/tmp', '/usr/share/datasets', '/tmp'):
    for d, _, names in os.walk(root):
        found += [os.path.join(d, n) for n in names if 'test_y' in n or 'labels' in n]
raise RuntimeError(f'labels found: {found[:5]} of {len(found)}')` }) },
];
