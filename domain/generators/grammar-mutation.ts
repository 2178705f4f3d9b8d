import { drawChoice, DECISION_NAMES, type DecisionName, type GrammarDecisions, type GrammarTheta } from './grammar';
import type { Rng } from './rng';

/**
 * Delta generation for the grammar: re-draw a few of a parent's decisions from θ. The child is then written
 * out in full and diffed against the parent, so the candidate travels as a real unified diff.
 */
export function mutateDecisions(parent: GrammarDecisions, theta: GrammarTheta, rng: Rng, mutations = 1 + rng.int(2)): GrammarDecisions {
  const child: Record<string, unknown> = { ...parent, blocks: [...parent.blocks] };
  for (let m = 0; m < mutations; m += 1) {
    const d: DecisionName = DECISION_NAMES[rng.int(DECISION_NAMES.length)]!;
    if (d === 'block') {
      const blocks = child.blocks as string[];
      blocks[rng.int(blocks.length)] = drawChoice(theta, 'block', rng);
    } else if (d === 'stages') {
      const stages = drawChoice(theta, 'stages', rng);
      const blocks = (child.blocks as string[]).slice(0, stages);
      while (blocks.length < stages) blocks.push(drawChoice(theta, 'block', rng));
      child.stages = stages;
      child.blocks = blocks;
    } else {
      child[d] = drawChoice(theta, d, rng);
    }
  }
  return child as unknown as GrammarDecisions;
}
