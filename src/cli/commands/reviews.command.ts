import type { Command } from 'commander';
import { openEventStore } from '../../ledger/open-event-store';
import { printJson, printLine, storeFromFlagOrEnv } from '../cli-context';
import { listReviews } from '../../app/review-ledger';

export function register(program: Command): void {
  program.command('reviews <experiment>')
    .description('The reproducibility reviews of an experiment: who ran each, when, on what scope, and its counts per verdict\n' +
      '(nas-ledger review --resume <review> carries on with one that did not complete).')
    .option('--store <url>', 'ledger: a directory (embedded) or postgres://... (default $NAS_LEDGER_STORE, then ./.nas-ledger)')
    .option('--json', 'print the reviews as JSON on stdout')
    .action(async (experimentId: string, flags: { store?: string; json?: boolean }) => {
      const store = await openEventStore(storeFromFlagOrEnv(flags.store));
      try {
        const reviews = await listReviews(store, experimentId);
        if (flags.json) { printJson({ experimentId, reviews }); return; }
        if (reviews.length === 0) { printLine(`no reviews of ${experimentId} yet (nas-ledger review ${experimentId})`); return; }
        for (const r of reviews) {
          const counts = Object.entries(r.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
          printLine(`${r.reviewId}  ${r.startedAt}  by ${r.reviewer}  ${r.reviewed}/${r.candidates} reviewed${r.completed ? '' : ' (not completed)'}  ${counts}`);
        }
      } finally {
        await store.close();
      }
    });
}
