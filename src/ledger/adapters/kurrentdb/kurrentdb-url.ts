import { LedgerError } from '../../../../domain/shared/ledger-error';

/** Where a ledger lives on a KurrentDB server: the client's connection string and the prefix of its streams. */
export interface KurrentDbLocation {
  /** What the KurrentDB client is given (esdb:// rewritten to kurrentdb://, our own `ledger` option removed). */
  readonly connectionString: string;
  /** Every stream of this ledger starts with `${ledger}-`; several ledgers can share one server. */
  readonly ledger: string;
  /** The URL with its password replaced, for messages. */
  readonly redacted: string;
}

export const DEFAULT_LEDGER_NAME = 'nas-ledger';
export const KURRENTDB_SCHEMES = /^(kurrentdb|esdb|kdb|kurrent)(\+discover)?:\/\//i;
const LEDGER_NAME = /^[a-z0-9][a-z0-9_.]{0,63}$/i;

export const KURRENTDB_URL_HINT = 'Use kurrentdb://[user:pass@]host:2113[?tls=false][&ledger=name] (esdb:// is accepted too); ' +
  `ledger names the ledger on that server (letters, digits, _ and ., default ${DEFAULT_LEDGER_NAME}).`;

export function isKurrentDbUrl(url: string): boolean {
  return KURRENTDB_SCHEMES.test(url);
}

export function redactKurrentDbUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

/**
 * Splits a kurrentdb:// (or esdb://) URL into the client's connection string and the ledger's name. The `ledger`
 * option is ours: the client warns about options it does not know, so it is taken out before the client sees it.
 */
export function parseKurrentDbUrl(url: string): KurrentDbLocation {
  const redacted = redactKurrentDbUrl(url);
  const scheme = KURRENTDB_SCHEMES.exec(url);
  if (!scheme) throw new LedgerError('BAD_INPUT', `not a KurrentDB URL: ${redacted}`, KURRENTDB_URL_HINT);
  const rest = url.slice(scheme[0].length);
  const queryAt = rest.indexOf('?');
  const hosts = queryAt === -1 ? rest : rest.slice(0, queryAt);
  if (hosts.replace(/^[^@]*@/, '').replace(/\/$/, '') === '') {
    throw new LedgerError('BAD_INPUT', `no host in store URL ${redacted}`, KURRENTDB_URL_HINT);
  }
  const options = queryAt === -1 ? [] : rest.slice(queryAt + 1).split('&').filter((pair) => pair !== '');
  let ledger = DEFAULT_LEDGER_NAME;
  const kept: string[] = [];
  for (const pair of options) {
    const [key = '', value = ''] = pair.split('=', 2);
    if (key.toLowerCase() !== 'ledger') {
      kept.push(pair);
      continue;
    }
    const name = decodeURIComponent(value);
    if (!LEDGER_NAME.test(name)) {
      throw new LedgerError('BAD_INPUT', `the ledger name ${JSON.stringify(name)} in ${redacted} is not usable as a stream prefix`,
        KURRENTDB_URL_HINT);
    }
    ledger = name;
  }
  // esdb is the old name of the same protocol; the client accepts it but prints a deprecation warning.
  const protocol = scheme[1]!.toLowerCase() === 'esdb' ? 'kurrentdb' : scheme[1]!.toLowerCase();
  const connectionString = `${protocol}${scheme[2]?.toLowerCase() ?? ''}://${hosts}${kept.length ? `?${kept.join('&')}` : ''}`;
  return { connectionString, ledger, redacted };
}

/** KurrentDB appends to several streams in one transaction from 25.1 on; the adapter needs that. */
export const MULTI_STREAM_APPEND_SINCE = [25, 1] as const;

/**
 * Whether a server of this version (as the server-features endpoint reports it, e.g. "25.1.0.1234" or "24.10.0")
 * has multi-stream appends. An unknown version (an old server without the features endpoint) is taken as too old.
 */
export function supportsMultiStreamAppend(serverVersion: string | undefined): boolean {
  const match = /^(\d+)\.(\d+)/.exec(serverVersion ?? '');
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  const [needMajor, needMinor] = MULTI_STREAM_APPEND_SINCE;
  return major > needMajor || (major === needMajor && minor >= needMinor);
}
