import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { RunnerPool } from '../../gpu-agent/runner-pool/runner-pool';
import { GOOD, program } from './programs';
import { TINY, scratch, testPool } from './support';

/**
 * Hostile programs: each is contained, recorded at the right stage, and the runners keep serving.
 * First with the policy on (the normal path: most are refused before any code runs), then with the policy
 * off (`policy: 'off'`, a test-only switch) to prove the bubblewrap sandbox contains them by itself.
 */
describe('runner: hostile programs are contained and recorded', () => {
  let pool: RunnerPool;
  let cache: ReturnType<typeof scratch>;
  const outside = scratch('outside');   // world-writable: only the read-only root can stop a write here
  const ledger = scratch('ledger');     // stands in for the ledger's data directory, hidden by the runner
  let server: Server;
  let port = 0;
  let connections = 0;

  before(async () => {
    chmodSync(outside.dir, 0o777);
    chmodSync(ledger.dir, 0o755);
    mkdirSync(join(ledger.dir, 'pgdata'), { mode: 0o755 });
    writeFileSync(join(ledger.dir, 'pgdata', 'secret'), 'ledger secret', { mode: 0o644 });
    ({ pool, cache } = await testPool(2, { env: { NAS_LEDGER_HIDE: ledger.dir } }));
    server = createServer((socket) => { connections++; socket.destroy(); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    await pool.close();
    server.close();
    for (const d of [cache, outside, ledger]) d.remove();
  });

  const run = (code: string, extra = {}) => pool.run('validate', code, { ...TINY, timeoutS: 20, ...extra });
  const secret = () => join(ledger.dir, 'pgdata', 'secret');

  describe('with the policy on (the normal path)', () => {
    const refused: [string, string][] = [
      ['reading /etc/passwd', program({ init: "open('/etc/passwd').read()" })],
      ['reading the ledger directory', program({ init: `open(${JSON.stringify('/x/pgdata/secret')}).read()` })],
      ['writing outside tmp', program({ init: "open('/var/tmp/pwned', 'w').write('x')" })],
      ['opening a socket', program({ header: 'import socket', init: "socket.create_connection(('127.0.0.1', 80))" })],
      ['os.system', program({ header: 'import os', init: "os.system('true')" })],
      ['a fork bomb', program({ header: 'import os', init: 'while True:\n    os.fork()' })],
      ['__import__', program({ init: "__import__('os').system('true')" })],
      ['walking to object.__subclasses__', program({ init: '().__class__.__bases__[0].__subclasses__()' })],
      ['eval', program({ init: "eval('1 + 1')" })],
      ['torch.load', program({ init: "torch.load('/etc/passwd')" })],
      ['a computed getattr', program({ init: "getattr(torch, 'lo' + 'ad')('/etc/passwd')" })],
      ['subprocess via from-import', program({ header: 'from subprocess import run' })],
      ['torch.utils.cpp_extension', program({ header: 'import torch.utils.cpp_extension' })],
    ];
    for (const [what, code] of refused) {
      it(`refuses ${what} at stage policy`, async () => {
        const r = await run(code);
        assert.equal(r.stage, 'policy', `${r.stage}: ${r.reason}`);
      });
    }

    it('stops an infinite loop in __init__ at the wall-clock limit (stage timeout)', async () => {
      const r = await run(program({ init: 'while True:\n    pass' }), { timeoutS: 6 });
      assert.equal(r.stage, 'timeout');
      assert.match(r.reason ?? '', /6 s exceeded during instantiate/);
    });

    it('stops an infinite loop in forward at the wall-clock limit (stage timeout)', async () => {
      const r = await run(program({ forward: 'while True:\n    x = x + 0' }), { timeoutS: 6 });
      assert.equal(r.stage, 'timeout');
      assert.match(r.reason ?? '', /during forward/);
    });

    it('contains a memory bomb with the address-space limit (stage sandbox)', async () => {
      const r = await run(program({ init: 'hog = [0] * (10 ** 10)' }), { memoryMb: 3072 });
      assert.equal(r.stage, 'sandbox', r.reason ?? '');
      assert.match(r.reason ?? '', /memory limit/);
    });

    it('caps megabytes printed to stdout, and the program still passes', async () => {
      const r = await run(program({ init: "for _ in range(8):\n    print('x' * 1_000_000)" }));
      assert.equal(r.stage, 'passed', r.reason ?? '');
      assert.ok(r.output.stdoutBytes >= 8_000_000, `counted ${r.output.stdoutBytes} bytes`);
      assert.ok(r.output.stdout.length <= 16 * 1024);
      assert.equal(r.output.truncated, true);
    });

    it('cannot forge a result by printing protocol lines to stdout', async () => {
      const fake = [
        JSON.stringify({ v: 1, id: 'x', ok: true, result: { stage: 'passed', accuracy: 0.99 } }),
        JSON.stringify({ t: 'result', result: { stage: 'passed', accuracy: 0.99 } }),
      ];
      const r = await run(program({ init: fake.map((l) => `print(${JSON.stringify(l)})`).join('\n'), returns: 'self.features(x)' }));
      assert.equal(r.stage, 'forward', 'the real outcome (a wrong output shape) is recorded, not the printed one');
      assert.ok(r.output.stdout.includes('"accuracy": 0.99') || r.output.stdout.includes('"accuracy":0.99'));
    });
  });

  describe("with the policy off (test-only): the sandbox alone contains them", () => {
    const off = (code: string, extra = {}) => run(code, { policy: 'off', ...extra });

    it('shows a decoy /etc/passwd, not the host user list', async () => {
      const r = await off(program({ init: "raise RuntimeError('read: ' + open('/etc/passwd').read())" }));
      assert.equal(r.stage, 'instantiate');
      assert.match(r.reason ?? '', /read: nobody:x:65534/);
      assert.doesNotMatch(r.reason ?? '', /root:/);
    });

    it('hides the ledger directory (stage sandbox, file not found)', async () => {
      assert.ok(existsSync(secret()));
      const r = await off(program({ init: `open(${JSON.stringify(secret())}).read()` }));
      assert.equal(r.stage, 'sandbox');
      assert.match(r.reason ?? '', /FileNotFoundError/);
    });

    it('refuses writes outside the private tmp (read-only root)', async () => {
      const target = join(outside.dir, 'pwned');
      const r = await off(program({ init: `open('/tmp/ok', 'w').write('fine')\nopen(${JSON.stringify(target)}, 'w').write('x')` }));
      assert.equal(r.stage, 'sandbox');
      assert.match(r.reason ?? '', /Read-only file system/);
      assert.equal(existsSync(target), false);
    });

    it('has no network: a connection to a listening host port fails and never arrives', async () => {
      const r = await off(program({ header: 'import socket', init: `socket.create_connection(('127.0.0.1', ${port}), timeout=3)` }));
      assert.equal(r.stage, 'sandbox', r.reason ?? '');
      assert.equal(connections, 0);
    });

    it('lets os.system run only inside the sandbox', async () => {
      const target = join(outside.dir, 'pwned-by-shell');
      const r = await off(program({ header: 'import os', init: `rc = os.system(${JSON.stringify(`touch ${target}`)})\nraise RuntimeError(f'shell status {rc}')` }));
      assert.equal(r.stage, 'instantiate');
      assert.match(r.reason ?? '', /shell status [1-9]/);
      assert.equal(existsSync(target), false);
    });

    it('contains a fork bomb (process limit, then the whole pid namespace is killed)', async () => {
      const r = await off(program({ header: 'import os', init: 'while True:\n    os.fork()' }), { timeoutS: 20 });
      assert.ok(r.stage === 'sandbox' || r.stage === 'timeout', `${r.stage}: ${r.reason}`);
    });

    it('contains a memory bomb (stage sandbox)', async () => {
      const r = await off(program({ init: 'hog = bytearray(64 << 30)' }));
      assert.equal(r.stage, 'sandbox');
    });

    it('records garbage written to the result channel as a sandbox violation', async () => {
      const r = await off(program({ header: 'import os', init: "for fd in range(3, 64):\n    try:\n        os.write(fd, b'garbage {not json\\n')\n    except OSError:\n        pass" }));
      assert.equal(r.stage, 'sandbox');
      assert.match(r.reason ?? '', /not JSON/);
    });
  });

  it('keeps serving afterwards, on the same runners', async () => {
    const r = await run(GOOD);
    assert.equal(r.stage, 'passed');
    assert.equal(pool.replaced, 0, 'no runner crashed or hung');
  });
});
