"""The jobs validate, evaluate (validate, one epoch, measure) and full_train (N epochs), inside the sandbox.

Two data pipelines with the same semantics (seeded subset, order, flips and crops):
  resident   - airbench's approach: the split lives on the device as uint8 and is normalised there; batches are
               randperm slices; flips and translate-crops are batched tensor ops. No DataLoader, no workers.
  dataloader - a torch DataLoader over PIL images with torchvision transforms (the nngpt protocol and the
               native-resolution baseline).
All randomness of the data pipeline comes from CPU generators seeded by the job, so CPU and GPU runs see the
same images in the same order with the same augmentations.
"""
import contextlib
import time

import numpy as np
import torch
import torch.nn.functional as F

import candidate
import datasets
import fingerprint
import measure
from candidate import StageFailure

def _autocast(amp):
    # bf16 autocast on the GPU only; CPU-only torch builds refuse even a disabled CUDA autocast
    return torch.autocast('cuda', dtype=torch.bfloat16) if amp else contextlib.nullcontext()


def _sync(device):
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def _split(data, protocol):
    """The job's training subset (images and labels) and validation images; the child never has validation labels."""
    tr = datasets.fixed_subset(len(data['train_y']), protocol['subset'])
    va = datasets.validation_indices(len(data['test_x']), protocol['valSubset'])
    # np.take copies out of the memory map: only the images this job uses are read
    return np.take(data['train_x'], tr, axis=0), np.take(data['train_y'], tr), np.take(data['test_x'], va, axis=0)


class Resident:
    """The split on the device as uint8; normalisation, flips and crops as batched ops on the device."""

    def __init__(self, x, y, spec, device, channels_last):
        self.x = torch.from_numpy(np.ascontiguousarray(x)).to(device)  # (N, C, H, W) uint8
        self.y = torch.from_numpy(np.ascontiguousarray(y)).to(device)
        shape = (1, -1, 1, 1)
        self.mean = torch.tensor(spec['mean'], device=device).view(shape) * 255
        self.std = torch.tensor(spec['std'], device=device).view(shape) * 255
        self.device, self.channels_last = device, channels_last

    def _normalise(self, xb):
        xb = (xb.float() - self.mean) / self.std
        return xb.contiguous(memory_format=torch.channels_last) if self.channels_last else xb

    def _translate(self, xb, shifts, pad):
        b, c, h, w = xb.shape
        padded = F.pad(xb, (pad, pad, pad, pad), mode='reflect')
        rows = torch.arange(h, device=xb.device)[None, :] + pad + shifts[:, :1]  # (B, H)
        cols = torch.arange(w, device=xb.device)[None, :] + pad + shifts[:, 1:]  # (B, W)
        bi = torch.arange(b, device=xb.device)[:, None, None, None]
        ci = torch.arange(c, device=xb.device)[None, :, None, None]
        return padded[bi, ci, rows[:, None, :, None], cols[:, None, None, :]]  # (B, C, H, W)

    def train_batches(self, batch_size, seed, flip, pad):
        n = len(self.y)
        g = torch.Generator().manual_seed(seed)
        perm = torch.randperm(n, generator=g).to(self.device)
        flips = (torch.rand(n, generator=g) < 0.5).to(self.device) if flip else None
        shifts = torch.randint(-pad, pad + 1, (n, 2), generator=g).to(self.device) if pad else None
        for start in range(0, n, batch_size):
            idx = perm[start:start + batch_size]
            if len(idx) < 2:  # a batch of one breaks BatchNorm in training mode
                break
            xb = (self.x[idx].float() - self.mean) / self.std
            if flips is not None:
                xb = torch.where(flips[idx].view(-1, 1, 1, 1), xb.flip(3), xb)
            if shifts is not None:
                xb = self._translate(xb, shifts[idx], pad)
            if self.channels_last:
                xb = xb.contiguous(memory_format=torch.channels_last)
            yield xb, self.y[idx]

    def eval_batches(self, batch_size):
        for start in range(0, len(self.y), batch_size):
            yield self._normalise(self.x[start:start + batch_size]), self.y[start:start + batch_size]


class Loader:
    """A torch DataLoader over PIL images with torchvision transforms (the conventional pipeline)."""

    def __init__(self, x, y, spec, device, protocol, train):
        import torchvision.transforms as T
        from PIL import Image
        steps = []
        if protocol['resize']:
            steps += [T.Resize(protocol['resize']), T.CenterCrop(protocol['resize'])]
        if train and protocol['cropPad']:
            steps.append(T.RandomCrop(spec['size'], padding=protocol['cropPad'], padding_mode='reflect'))
        if train and (spec['flip'] or protocol['name'] == 'nngpt'):
            steps.append(T.RandomHorizontalFlip())
        steps += [T.ToTensor(), T.Normalize(spec['mean'], spec['std'])]
        transform = T.Compose(steps)
        mode = 'L' if spec['channels'] == 1 else 'RGB'
        images = x[:, 0] if spec['channels'] == 1 else x.transpose(0, 2, 3, 1)  # PIL wants (H, W[, C])

        class Images(torch.utils.data.Dataset):
            def __len__(self):
                return len(y)

            def __getitem__(self, i):
                return transform(Image.fromarray(images[i], mode)), int(y[i])

        self.dataset, self.device = Images(), device
        self.workers = protocol['loaderWorkers']

    def _iterate(self, loader):
        for xb, yb in loader:
            yield xb.to(self.device, non_blocking=True), yb.to(self.device, non_blocking=True)

    def train_batches(self, batch_size, seed, flip, pad):
        torch.manual_seed(seed)  # torchvision's random transforms draw from the global generator
        n = len(self.dataset)
        loader = torch.utils.data.DataLoader(
            self.dataset, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed),
            num_workers=self.workers, pin_memory=self.device.type == 'cuda', drop_last=n % batch_size == 1)
        return self._iterate(loader)

    def eval_batches(self, batch_size):
        return self._iterate(torch.utils.data.DataLoader(self.dataset, batch_size=batch_size,
                                                         num_workers=self.workers))


def _outputs(net, pipeline, protocol, device, amp, classes):
    """The model's logits on the validation images (eval mode, no_grad, the protocol's eval batches), encoded for
    the runner, which scores them against labels this process never sees."""
    net.eval()
    chunks, rows = [], 0
    with torch.no_grad(), _autocast(amp):
        for xb, _ in pipeline.eval_batches(protocol['evalBatchSize']):
            out = net(xb)
            if not isinstance(out, torch.Tensor):
                raise StageFailure('train', f'forward returned {type(out).__name__} on validation images, not a tensor')
            chunks.append(out.detach().float().cpu().numpy())
            rows += len(xb)
    net.train()
    try:
        return measure.encode_logits(chunks, rows, classes)
    except ValueError as e:
        raise StageFailure('train', str(e)) from None


def _train_loss(value):
    """learn() may return its training loss; self-reported, kept only when it is a finite number."""
    if value is None:
        return None
    try:
        loss = float(value)
    except Exception:  # noqa: BLE001 - whatever learn() returned is not a loss
        return None
    return loss if np.isfinite(loss) else None


def run(job, config, code, protocol, prepared_dir, report, emit_epoch, state_shapes):
    """One job inside the sandbox; returns the child result dict (stage 'passed' or the failing stage). Each
    epoch's validation logits go to emit_epoch(epoch, logits_b64, train_loss) as soon as they exist; the runner
    computes accuracy and loss from them. The parameter count the runner records comes from result['state'], which
    state_shapes (captured by the child before any candidate code ran, passed down as an argument so replacing
    functions in sys.modules['train'] or ['measure'] cannot reach it) exports."""
    timings, result = {}, {'flops': None, 'trainLoss': None}
    device = torch.device(config['device'])
    if device.type == 'cuda':
        torch.backends.cudnn.benchmark = True
        result['deviceName'] = torch.cuda.get_device_name(device)
    spec = datasets.spec(config['dataset'])
    size = protocol['resize'] or spec['size']
    in_shape = (protocol['batchSize'], spec['channels'], size, size)
    result['inShape'] = list(in_shape)
    try:
        module = candidate.load_module(code, config['policy'] == 'on', timings, report)
        report('contract')
        prm = candidate.hyperparameters(module, config['prm'], protocol)
        result['prm'] = prm
        net = candidate.instantiate(module, in_shape, spec['classes'], prm, device, protocol['seed'], timings, report)
        candidate.check_contract(net, timings, report)
        result['state'] = candidate.check_budget(net, config['parameterBudget'], timings, report, state_shapes)
        if config['fingerprint']:
            report('fingerprint')
            start = time.perf_counter()
            try:  # before training, so the graph describes the architecture and not a trained state
                result['graph'] = fingerprint.graph_of(net, in_shape)
            except Exception as exc:  # noqa: BLE001 - an unfingerprintable model is still a valid candidate
                result['sandboxNotes'] = [f'no structural graph: {type(exc).__name__}: {exc}'[:300]]
            timings['fingerprint'] = round(time.perf_counter() - start, 6)
        result['flops'] = candidate.check_forward(net, in_shape, spec['classes'], device, timings, report)
        candidate.check_flops_budget(result['flops'], config['flopsBudget'])
        if job == 'validate':
            return dict(result, stage='passed', reason=None, timings=timings)

        report('load')
        start = time.perf_counter()
        xtr, ytr, xva = _split(datasets.load_prepared(prepared_dir), protocol)
        yva = np.zeros(len(xva), dtype=np.int64)  # placeholders: the pipelines carry labels, the child has none
        on_gpu = device.type == 'cuda'
        amp = on_gpu and protocol['amp']
        if protocol['pipeline'] == 'resident':
            train_set = Resident(xtr, ytr, spec, device, channels_last=on_gpu)
            val_set = Resident(xva, yva, spec, device, channels_last=on_gpu)
        else:
            train_set = Loader(xtr, ytr, spec, device, protocol, train=True)
            val_set = Loader(xva, yva, spec, device, protocol, train=False)
        _sync(device)
        timings['load'] = round(time.perf_counter() - start, 6)

        timings['train'] = timings['eval'] = 0.0
        for epoch in range(protocol['epochs']):
            report('train')
            start = time.perf_counter()
            try:
                if epoch == 0:
                    torch.manual_seed(protocol['seed'] + 1)  # dropout etc. start from the same state every run
                    net.train_setup(prm)
                    if on_gpu:
                        net.to(memory_format=torch.channels_last)
                batches = train_set.train_batches(protocol['batchSize'], protocol['seed'] + epoch,
                                                  spec['flip'], protocol['cropPad'])
                with _autocast(amp):
                    train_loss = _train_loss(net.learn(batches))
                _sync(device)
            except StageFailure:
                raise
            except BaseException as exc:  # noqa: BLE001
                raise StageFailure(*candidate.classify(exc, 'train')) from None
            timings['train'] = round(timings['train'] + time.perf_counter() - start, 6)
            report('eval')
            start = time.perf_counter()
            try:
                logits = _outputs(net, val_set, protocol, device, amp, spec['classes'])
                _sync(device)
            except StageFailure:
                raise
            except BaseException as exc:  # noqa: BLE001 - an eval failure is the candidate's train-stage failure
                raise StageFailure(*candidate.classify(exc, 'train')) from None
            timings['eval'] = round(timings['eval'] + time.perf_counter() - start, 6)
            emit_epoch(epoch + 1, logits, train_loss)
            result['trainLoss'] = train_loss
        try:  # after training: what was trained is what is counted
            result['state'] = state_shapes(net)
        except BaseException as exc:  # noqa: BLE001
            raise StageFailure(*candidate.classify(exc, 'train')) from None
        return dict(result, stage='passed', reason=None, timings=timings)
    except StageFailure as failure:
        if getattr(failure, 'state', None) is not None:
            result['state'] = failure.state
        return dict(result, stage=failure.stage, reason=failure.reason, timings=timings)
