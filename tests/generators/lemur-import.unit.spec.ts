import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importLemurCorpus } from '../../gpu-agent/generators/lemur-import';
import { sha256Hex } from '../../domain/shared/canonical-json';
import { LedgerError } from '../../domain/shared/ledger-error';

const PROGRAM = (name: string) => `import torch\nimport torch.nn as nn\n\n# ${name}\nclass Net(nn.Module):\n    pass\n`;

function fakeLayout(): string {
  const root = mkdtempSync(join(tmpdir(), 'lemur-'));
  const nn = join(root, 'ab', 'nn', 'nn');
  mkdirSync(nn, { recursive: true });
  writeFileSync(join(nn, 'AlexNet.py'), PROGRAM('alexnet'));
  writeFileSync(join(nn, 'ResNet.py'), PROGRAM('resnet'));
  writeFileSync(join(nn, '__init__.py'), '');
  writeFileSync(join(nn, 'util.py'), 'def helper():\n    return 1\n');
  const stat = join(root, 'ab', 'nn', 'stat', 'train');
  mkdirSync(join(stat, 'img-classification_cifar-10_acc_AlexNet'), { recursive: true });
  writeFileSync(join(stat, 'img-classification_cifar-10_acc_AlexNet', '1.json'), JSON.stringify([{ accuracy: 0.41 }, { accuracy: 0.47 }]));
  writeFileSync(join(stat, 'img-classification_cifar-10_acc_AlexNet', '2.json'), JSON.stringify({ accuracy: 0.52, lr: 0.01 }));
  mkdirSync(join(stat, 'img-classification_mnist_acc_AlexNet'), { recursive: true });
  writeFileSync(join(stat, 'img-classification_mnist_acc_AlexNet', '1.json'), JSON.stringify([{ accuracy: 0.99 }]));
  writeFileSync(join(stat, 'img-classification_cifar-10_acc_ResNet.json'), '{not json');
  return root;
}

describe('importing a LEMUR nn-dataset layout', () => {
  it('reads programs under ab/nn/nn and their best accuracy for the chosen dataset', () => {
    const root = fakeLayout();
    try {
      const { entries, skipped } = importLemurCorpus(root, { dataset: 'cifar-10' });
      assert.deepEqual(entries.map((e) => e.entryId), ['lemur:AlexNet', 'lemur:ResNet']);
      const alex = entries[0]!;
      assert.equal(alex.accuracy, 0.52);
      assert.equal(alex.codeHash, sha256Hex(PROGRAM('alexnet')));
      assert.equal(entries[1]!.accuracy, null, 'ResNet has only a malformed stat file');
      assert.ok(skipped.some((s) => s.path.endsWith('util.py') && /class Net/.test(s.reason)));
      assert.ok(skipped.some((s) => s.path.endsWith('ResNet.json') && /malformed JSON/.test(s.reason)));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('takes the best accuracy over every dataset when none is named', () => {
    const root = fakeLayout();
    try {
      assert.equal(importLemurCorpus(root).entries[0]!.accuracy, 0.99);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses a directory that is not an nn-dataset checkout, saying where to point it', () => {
    const root = mkdtempSync(join(tmpdir(), 'lemur-empty-'));
    try {
      assert.throws(() => importLemurCorpus(root), (e: unknown) => e instanceof LedgerError && e.code === 'NOT_FOUND' && /ab\/nn\/nn/.test(e.hint ?? ''));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
