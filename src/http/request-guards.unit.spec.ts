import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostName, parseHostHeader, routePattern } from './request-guards';

describe('Host header parsing for the DNS-rebinding guard', () => {
  it('splits names, IPv6 literals and ports; lower-cases the name', () => {
    assert.deepEqual(parseHostHeader('LocalHost:8080'), { name: 'localhost', port: 8080 });
    assert.deepEqual(parseHostHeader('[::1]:9'), { name: '[::1]', port: 9 });
    assert.deepEqual(parseHostHeader('127.0.0.1'), { name: '127.0.0.1', port: null });
  });

  it('refuses what is not a host (so the guard answers 421)', () => {
    for (const bad of [undefined, '', 'a:b:c', 'evil.example:80:80', 'host:port', '[::1']) assert.equal(parseHostHeader(bad), null, String(bad));
  });

  it('writes a listen address as a Host header names it', () => {
    assert.equal(hostName('::1'), '[::1]');
    assert.equal(hostName('127.0.0.1'), '127.0.0.1');
    assert.equal(hostName('[::1]'), '[::1]');
  });
});

describe('route patterns for the read-only method guard', () => {
  it('match a route with any one segment for each parameter and an optional trailing slash, and nothing longer or shorter', () => {
    const stats = routePattern('/api/groups/:id/stats');
    for (const path of ['/api/groups/g-1/stats', '/api/groups/g-1/stats/']) assert.ok(stats.test(path), path);
    for (const path of ['/api/groups/stats', '/api/groups/a/b/stats', '/api/groups/g-1/stats/x', '/xapi/groups/g/stats']) assert.ok(!stats.test(path), path);
    assert.deepEqual(['/', '/api'].map((p) => routePattern('/').test(p)), [true, false]);
  });
});
