import { createHash } from 'node:crypto';

/** RFC 4122 name-based UUID (version 5, SHA-1). Event ids derive from the causing command so a retry re-sends the same ids. */
export function uuidV5(name: string, namespace: string = NAS_LEDGER_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const bytes = createHash('sha1').update(Buffer.concat([ns, Buffer.from(name, 'utf8')])).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const NAS_LEDGER_NAMESPACE = '6f1c2a4e-8d3b-5a7c-9e0f-1b2c3d4e5f60';

/** The id of the index-th event caused by a command. */
export function eventIdFor(commandId: string, index: number): string {
  return uuidV5(`${commandId}#${index}`);
}
