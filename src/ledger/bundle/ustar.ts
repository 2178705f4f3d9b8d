import { LedgerError } from '../../../domain/shared/ledger-error';

/**
 * A small POSIX ustar writer and reader for bundles: regular files only, in memory. Bundles hold a ledger's events
 * and the artifacts they name (θ files, LoRA adapters: megabytes, not gigabytes), so no streaming and no dependency.
 */
export interface TarEntry {
  readonly path: string;
  readonly data: Buffer;
}

const BLOCK = 512;

function writeString(header: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new LedgerError('INTERNAL', `tar field too long: ${value}`);
  bytes.copy(header, offset);
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  writeString(header, offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
}

/** ustar names: up to 100 bytes, or a prefix of up to 155 and a name of up to 100 split at a '/'. */
function splitName(path: string): [prefix: string, name: string] {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return [prefix, name];
  }
  throw new LedgerError('TOO_LARGE', `path too long for a tar bundle: ${path}`, 'Artifact file names must fit ustar (255 bytes).');
}

function header(entry: TarEntry): Buffer {
  const h = Buffer.alloc(BLOCK);
  const [prefix, name] = splitName(entry.path);
  writeString(h, 0, 100, name);
  writeOctal(h, 100, 8, 0o644);
  writeOctal(h, 108, 8, 0);
  writeOctal(h, 116, 8, 0);
  writeOctal(h, 124, 12, entry.data.length);
  writeOctal(h, 136, 12, 0); // mtime 0: the same contents give the same bundle bytes
  h.fill(0x20, 148, 156);
  h[156] = 0x30; // '0': a regular file
  writeString(h, 257, 6, 'ustar\0');
  writeString(h, 263, 2, '00');
  writeString(h, 345, 155, prefix);
  let sum = 0;
  for (const byte of h) sum += byte;
  writeString(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

export function writeTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(header(entry), entry.data);
    const pad = (BLOCK - (entry.data.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

const readString = (h: Buffer, offset: number, length: number): string => {
  const field = h.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('utf8');
};

/** Reads every regular file of a ustar archive; a truncated or damaged archive is BAD_INPUT naming `file`. */
export function readTar(archive: Buffer, file: string): TarEntry[] {
  const bad = (why: string, hint = 'The bundle is damaged or not a nas-ledger bundle; export it again. Nothing was imported.'): never => {
    throw new LedgerError('BAD_INPUT', `${file}: ${why}`, hint, { file });
  };
  const entries: TarEntry[] = [];
  let offset = 0;
  for (;;) {
    if (offset + BLOCK > archive.length) bad(`truncated at byte ${archive.length} (no end-of-archive marker)`);
    const h = archive.subarray(offset, offset + BLOCK);
    if (h.every((b) => b === 0)) {
      if (offset + 2 * BLOCK > archive.length) bad(`truncated at byte ${archive.length} (incomplete end-of-archive marker)`);
      return entries;
    }
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    const recorded = parseInt(readString(h, 148, 8).trim(), 8);
    if (recorded !== sum) bad(`tar header at byte ${offset} fails its checksum`);
    if (readString(h, 257, 6) !== 'ustar') bad(`entry at byte ${offset} is not a ustar header`);
    const size = parseInt(readString(h, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(h[156]!);
    const prefix = readString(h, 345, 155);
    const name = readString(h, 0, 100);
    const path = prefix === '' ? name : `${prefix}/${name}`;
    const start = offset + BLOCK;
    if (start + size > archive.length) bad(`truncated inside ${path} (${size} bytes announced, ${archive.length - start} present)`);
    if (type === '0' || type === '\0') entries.push({ path, data: Buffer.from(archive.subarray(start, start + size)) });
    else if (type !== '5') bad(`entry ${path} is not a regular file (type ${type}); bundles hold files only`);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
}
