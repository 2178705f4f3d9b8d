import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_NOVELTY } from '../../domain/experiment/config';
import { estimateJaccard } from '../../domain/novelty/minhash';
import { normalizeNames } from '../../domain/novelty/normalize-names';
import { stripDocstrings, tokenizePython } from '../../domain/novelty/python-lexer';
import { exactJaccard } from '../../domain/novelty/shingles';
import { TextSigner } from '../../domain/novelty/text-signature';
import { ORIGINAL, REFORMATTED, RENAMED } from './copies';

const plain = new TextSigner(DEFAULT_NOVELTY);
const normalized = new TextSigner({ ...DEFAULT_NOVELTY, normalizeNames: true });
const TAU = DEFAULT_NOVELTY.nearDuplicateTau;

const names = (src: string) => normalizeNames(stripDocstrings(tokenizePython(src))).map((t) => t.text).join(' ');

describe('name normalisation', () => {
  it('renames declared names by first appearance and keeps attributes, kwargs, imports and builtins', () => {
    const out = names('import torch.nn as nn\ndef helper(a, b=2):\n    c = a + b\n    return nn.Linear(c, out_features=b, bias=len([c]))\n');
    assert.equal(out, 'import torch . nn as nn \n def v0 ( v1 , v2 = 2 ) : \n \t> v3 = v1 + v2 \n return nn . Linear ( v3 , out_features = v2 , bias = len ( [ v3 ] ) ) \n \t<');
  });

  it('keeps method names and class attributes (they are attributes) but renames the class', () => {
    const out = names('class Net(nn.Module):\n    expansion = 4\n    def forward(self, x):\n        for i, y in enumerate(x):\n            pass\n        return self.expansion\n');
    assert.equal(out, 'class v0 ( nn . Module ) : \n \t> expansion = 4 \n def forward ( v1 , v2 ) : \n \t> for v3 , v4 in enumerate ( v2 ) : \n \t> pass \n \t< return v1 . expansion \n \t< \t<');
  });

  it('makes a renamed copy a near-duplicate of the original, which it is not without normalisation', () => {
    const exactPlain = exactJaccard(plain.shingles(plain.tokenTexts(ORIGINAL)), plain.shingles(plain.tokenTexts(RENAMED)));
    const exactNorm = exactJaccard(normalized.shingles(normalized.tokenTexts(ORIGINAL)), normalized.shingles(normalized.tokenTexts(RENAMED)));
    assert.ok(exactPlain < 0.5, `without normalisation J = ${exactPlain}`);
    assert.ok(exactNorm > TAU, `with normalisation J = ${exactNorm}`);
    assert.ok(estimateJaccard(normalized.sign(ORIGINAL).signature, normalized.sign(RENAMED).signature) > TAU);
  });

  it('makes a reformatted copy (layout, comments, docstrings) identical in tokens, with or without normalisation', () => {
    assert.deepEqual(plain.tokenTexts(REFORMATTED), plain.tokenTexts(ORIGINAL));
    assert.equal(estimateJaccard(plain.sign(ORIGINAL).signature, plain.sign(REFORMATTED).signature), 1);
    assert.equal(estimateJaccard(normalized.sign(ORIGINAL).signature, normalized.sign(REFORMATTED).signature), 1);
  });
});
