import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostName, parseHostHeader } from './request-guards';

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
