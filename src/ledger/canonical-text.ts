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

function isIndexKey(key: string): boolean {
  return ARRAY_INDEX.test(key) && Number(key) < 4294967295;
}

function write(input: unknown, key: string, inArray: boolean): string | undefined {
  let value = input;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: (k: string) => unknown }).toJSON(key);
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) value = value.valueOf();
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    case 'undefined':
    case 'function':
    case 'symbol':
      return inArray ? 'null' : undefined;
    default:
      break;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += write(value[i], String(i), true);
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // Object.keys lists integer-like keys first, ascending; only the rest need sorting.
  let split = 0;
  while (split < keys.length && isIndexKey(keys[split]!)) split++;
  const ordered = split === 0 ? keys.sort() : keys.slice(0, split).concat(keys.slice(split).sort());
  let out = '{';
  let first = true;
  for (const k of ordered) {
    const text = write(record[k], k, false);
    if (text === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(k) + ':' + text;
  }
  return out + '}';
}
