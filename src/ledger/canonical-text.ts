/**
 * Canonical JSON in one pass: exactly what `canonicalJson(JSON.parse(JSON.stringify(value)))` produces
 * (domain/shared/canonical-json.ts), without building the intermediate copies. The append path serializes
 * every event once with it, and the same text is hashed, compared for idempotency and inserted.
 * JSON.stringify semantics: toJSON is honoured, undefined/functions/symbols are dropped from objects and become
 * null in arrays, non-finite numbers become null, BigInt throws. Keys are sorted by UTF-16 code units, except that
 * integer-like keys come first in numeric order, as JavaScript enumerates them in any object canonicalJson builds.
 */
export function canonicalText(value: unknown): string | undefined {
  return write(value, '', false);
}

const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;
/** Keys JSON.stringify writes unchanged between quotes (no escapes needed): the common case, checked cheaply. */
const PLAIN_KEY = /^[\w$.:@/+-]*$/;

function isIndexKey(key: string): boolean {
  return ARRAY_INDEX.test(key) && Number(key) < 4294967295;
}

/**
 * Keys already in ascending order (small objects, objects parsed from canonical text) need no sort: enumeration
 * lists integer-like keys first, so an ascending list already has them first and in numeric order.
 */
function isAscending(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! >= keys[i]!) return false;
  return true;
}

/** Object.keys lists integer-like keys first, ascending; only the rest need sorting (and are usually few). */
function orderedKeys(record: object): string[] {
  const keys = Object.keys(record);
  if (isAscending(keys)) return keys;
  let split = 0;
  while (split < keys.length && isIndexKey(keys[split]!)) split++;
  if (split === 0) return keys.sort();
  return keys.slice(0, split).concat(keys.slice(split).sort());
}

/** Quoted keys by key: event payloads repeat a small vocabulary of keys. Bounded so odd inputs cannot grow it. */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 4096;

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = PLAIN_KEY.test(key) ? `"${key}"` : JSON.stringify(key);
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, quoted);
  }
  return quoted;
}

function write(input: unknown, key: string, inArray: boolean): string | undefined {
  // Primitives first: they are most values, and need none of the object checks below.
  switch (typeof input) {
    case 'string':
      return JSON.stringify(input);
    case 'number':
      // Number#toString is what JSON.stringify uses for finite numbers (-0 included: "0").
      return Number.isFinite(input) ? String(input) : 'null';
    case 'boolean':
      return input ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    case 'undefined':
    case 'function':
    case 'symbol':
      return inArray ? 'null' : undefined;
    default:
      break;
  }
  if (input === null) return 'null';
  let value = input as object;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    const replaced = (value as { toJSON: (k: string) => unknown }).toJSON(key);
    if (replaced === null || typeof replaced !== 'object') return write(replaced, key, inArray);
    value = replaced;
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    return write(value.valueOf(), key, inArray);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += write(value[i], String(i), true);
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const k of orderedKeys(record)) {
    const text = write(record[k], k, false);
    if (text === undefined) continue;
    out += first ? quoteKey(k) + ':' + text : ',' + quoteKey(k) + ':' + text;
    first = false;
  }
  return out + '}';
}
