/**
 * `review` and `study proxy` with `--agents 0` on the in-process bus (BAD_INPUT) or with an unreachable Kafka broker
 * (UNAVAILABLE) recorded ReviewStarted / ProxyStudyStarted before refusing, leaving an open job behind that nothing
 * would ever finish. The bus is now checked before anything is recorded.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildExperimentHistory } from '../support/ledger-fixtures';
import { seedStore } from '../support/seeded-store';
import { allEvents, cli, scratchDir } from './review-cli-support';

const ID = 'bus-refusal-exp';
/** Nothing listens on the discard port, so a connection is refused at once. */
const NO_BROKER = 'kafka://127.0.0.1:9';

describe('review and study proxy refused for their bus recorded an open job anyway', () => {
  const store = join(scratchDir('bus-refusal'), 'ledger');
  before(() => seedStore(store, [buildExperimentHistory({ cycles: 3, candidatesPerCycle: 8, seed: 11, experimentId: ID })]));

  const jobs = [['review', ['review', ID]], ['study proxy', ['study', 'proxy', ID, '--top-k', '3']]] as const;
  const refusals = [
    ['--agents 0 on the in-process bus', ['--agents', '0'], 2, /BAD_INPUT: the in-process bus needs an agent in this process/],
    ['an unreachable broker', ['--bus', NO_BROKER], 9, /UNAVAILABLE: cannot reach Kafka at 127\.0\.0\.1:9/],
  ] as const;
  for (const [job, args] of jobs) {
    for (const [what, flags, status, message] of refusals) {
      it(`${job} with ${what}: exit ${status}, nothing recorded`, async () => {
        const before = (await allEvents(store)).length;
        const result = await cli([...args, ...flags, '--store', store], {}, 120_000);
        assert.equal(result.code, status, result.output);
        assert.match(result.output, message);
        assert.equal((await allEvents(store)).length, before, `nothing recorded:\n${result.output}`);
      });
    }
  }
});
