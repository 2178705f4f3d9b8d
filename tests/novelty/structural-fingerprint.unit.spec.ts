import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { structuralFingerprint, validateStructuralGraph, type StructuralGraph, type StructuralNode } from '../../domain/novelty/structural-fingerprint';
import { LedgerError } from '../../domain/shared/ledger-error';

/** The graph a trace of tests/novelty/copies.ts ORIGINAL would give (conv-bn-relu x3, pool, flatten, dropout, fc). */
function smallNet(prefix: string, ops: { relu: string; conv: string } = { relu: 'relu', conv: 'Conv2d' }): StructuralGraph {
  const id = (s: string) => `${prefix}${s}`;
  const unit = (name: string, cin: number, cout: number, stride: number, hw: number): StructuralNode[] => [
    { id: id(`${name}.0`), op: ops.conv, attrs: { in_channels: cin, out_channels: cout, kernel_size: [3, 3], stride: [stride, stride], padding: [1, 1], bias: false }, outShape: [1, cout, hw, hw] },
    { id: id(`${name}.1`), op: 'BatchNorm2d', attrs: { num_features: cout, eps: 1e-5, name: id(name) }, outShape: [1, cout, hw, hw] },
    { id: id(`${name}.2`), op: ops.relu, attrs: { inplace: prefix === 'b_' }, outShape: [1, cout, hw, hw] },
  ];
  const nodes: StructuralNode[] = [
    { id: id('x'), op: 'placeholder', attrs: {}, outShape: [1, 3, 32, 32] },
    ...unit('stem', 3, 32, 1, 32), ...unit('block1', 32, 64, 2, 16), ...unit('block2', 64, 128, 2, 8),
    { id: id('pool'), op: 'AdaptiveAvgPool2d', attrs: { output_size: 1 }, outShape: [1, 128, 1, 1] },
    { id: id('flatten'), op: 'torch.flatten', attrs: { start_dim: 1 }, outShape: [1, 128] },
    { id: id('dropout'), op: 'torch.nn.functional.dropout', attrs: { p: 0.1 }, outShape: [1, 128] },
    { id: id('fc'), op: 'Linear', attrs: { in_features: 128, out_features: 10 }, outShape: [1, 10] },
    { id: id('output'), op: 'output', attrs: {}, outShape: null },
  ];
  const edges = nodes.slice(1).map((n, i) => [nodes[i]!.id, n.id] as [string, string]);
  return { nodes, edges };
}

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('structural fingerprint', () => {
  const original = smallNet('a_');

  it('is a sha256 hex digest', () => {
    assert.match(structuralFingerprint(original), /^[0-9a-f]{64}$/);
  });

  it('matches a renamed copy with reordered nodes and edges and equivalent op spellings', () => {
    const renamed = smallNet('b_', { relu: 'torch.nn.functional.relu_', conv: 'torch.nn.Conv2d' });
    const reordered: StructuralGraph = { nodes: shuffled(renamed.nodes, 3), edges: shuffled(renamed.edges, 9) };
    assert.equal(structuralFingerprint(reordered), structuralFingerprint(original));
  });

  it('changes when a hyper-parameter, a shape or the wiring changes', () => {
    const base = structuralFingerprint(original);
    const wider = { ...original, nodes: original.nodes.map((n) => n.id === 'a_fc' ? { ...n, attrs: { in_features: 128, out_features: 100 } } : n) };
    assert.notEqual(structuralFingerprint(wider), base);
    const reshaped = { ...original, nodes: original.nodes.map((n) => n.id === 'a_pool' ? { ...n, outShape: [1, 128, 2, 2] } : n) };
    assert.notEqual(structuralFingerprint(reshaped), base);
    const skip = { ...original, edges: [...original.edges, ['a_stem.2', 'a_block2.0'] as [string, string]] };
    assert.notEqual(structuralFingerprint(skip), base);
  });

  it('tells apart two graphs with the same op multiset but different wiring', () => {
    const g = (edges: [string, string][]): StructuralGraph => ({
      nodes: ['in', 'a', 'b', 'add', 'out'].map((id) => ({ id, op: id === 'a' || id === 'b' ? 'relu' : id, attrs: {}, outShape: null })),
      edges,
    });
    const parallel = g([['in', 'a'], ['in', 'b'], ['a', 'add'], ['b', 'add'], ['add', 'out']]);
    const serial = g([['in', 'a'], ['a', 'b'], ['b', 'add'], ['in', 'add'], ['add', 'out']]);
    assert.notEqual(structuralFingerprint(parallel), structuralFingerprint(serial));
  });

  it('rejects malformed graphs with a typed error', () => {
    for (const bad of [null, { nodes: [] }, { nodes: [{ id: 'a', op: 'x', attrs: {}, outShape: null }], edges: [['a', 'b']] },
      { nodes: [{ id: 'a', op: 'x', attrs: { k: { deep: 1 } }, outShape: null }], edges: [] }]) {
      assert.throws(() => validateStructuralGraph(bad), (e: unknown) => e instanceof LedgerError && e.code === 'BAD_INPUT');
    }
  });
});
