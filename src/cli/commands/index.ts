import type { RegisterCommand } from '../cli-context';
import { register as registerExperiments } from './experiments.command';
import { register as registerStats } from './stats.command';
import { register as registerProvenance } from './provenance.command';
import { register as registerCandidates } from './candidates.command';
import { register as registerRun } from './run.command';
import { register as registerSimulate } from './simulate.command';
import { register as registerAblate } from './ablate.command';
import { register as registerEvents } from './events.command';
import { register as registerNovelty } from './novelty.command';
import { register as registerEvaluate } from './evaluate.command';
import { register as registerAgent } from './agent.command';
import { register as registerServe } from './serve.command';
import { register as registerGenerate } from './generate.command';
import { register as registerCorpus } from './corpus.command';
import { register as registerDiff } from './diff.command';
import { register as registerShow } from './show.command';
import { register as registerExport } from './export.command';
import { register as registerReplicate } from './replicate.command';
import { register as registerTheory } from './theory.command';
import { register as registerReview } from './review.command';
import { register as registerReviews } from './reviews.command';
import { register as registerStudy } from './study.command';

/** Every CLI command, one module each. Add a line here when you add a command file. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerExperiments, registerStats, registerProvenance, registerCandidates,
  registerRun, registerEvents, registerSimulate, registerAblate,
  registerNovelty,
  registerEvaluate, registerAgent,
  registerServe,
  registerGenerate,
  registerCorpus, registerDiff, registerShow, registerExport,
  registerReplicate, registerTheory,
  registerReview, registerReviews,
  registerStudy,
];
