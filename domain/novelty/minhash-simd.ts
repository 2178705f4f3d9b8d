/**
 * The MinHash inner loop as a tiny WebAssembly SIMD kernel (i32x4: four permutations per instruction), assembled
 * here from its opcodes so that it is reviewable source, not an opaque binary. It computes exactly what
 * MinHasher's scalar loop computes, out[k] = min_j (a[k] * h[j] + b[k]) mod 2^32 (unsigned), and the tests check
 * both paths give identical signatures. No I/O: the module is compiled synchronously from these bytes. When
 * WebAssembly or its SIMD extension is missing, createSimdKernel returns null and MinHasher stays scalar.
 *
 * Kernel signature: sign(hPtr, hBytes, aPtr, bPtr, outPtr, permBytes) over the exported memory; permBytes must be a
 * multiple of 64 (16 permutations per pass: four v128 accumulators keep the multiply pipeline busy).
 */

const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: 0x02, loop: 0x03, end: 0x0b, br: 0x0c, brIf: 0x0d,
  localGet: 0x20, localSet: 0x21, i32Load: 0x28, i32Const: 0x41, i32GeU: 0x4f, i32Add: 0x6a,
} as const;
const simd = (code: number): number[] => (code < 0x80 ? [0xfd, code] : [0xfd, (code & 0x7f) | 0x80, code >> 7]);
const V128_LOAD = 0x00, V128_STORE = 0x0b, V128_CONST = 0x0c, I32X4_SPLAT = 0x11;
const I32X4_ADD = 0xae, I32X4_MUL = 0xb5, I32X4_MIN_U = 0xb7;

// Parameters 0..5, then locals: 6 k (byte offset into a/b/out), 7 j (byte offset into h), 8 x, 9-12 a, 13-16 b, 17-20 min.
const P_H = 0, P_HBYTES = 1, P_A = 2, P_B = 3, P_OUT = 4, P_PERMBYTES = 5;
const L_K = 6, L_J = 7, L_X = 8, L_A = 9, L_B = 13, L_M = 17;

function body(): number[] {
  const c: number[] = [];
  const get = (i: number) => c.push(op.localGet, i);
  const set = (i: number) => c.push(op.localSet, i);
  c.push(op.i32Const, 0); set(L_K);
  c.push(op.block, 0x40, op.loop, 0x40);
  get(L_K); get(P_PERMBYTES); c.push(op.i32GeU, op.brIf, 1);
  for (let v = 0; v < 4; v++) {
    get(P_A); get(L_K); c.push(op.i32Add, ...simd(V128_LOAD), 0x00, 16 * v); set(L_A + v);
    get(P_B); get(L_K); c.push(op.i32Add, ...simd(V128_LOAD), 0x00, 16 * v); set(L_B + v);
    c.push(...simd(V128_CONST), ...new Array<number>(16).fill(0xff)); set(L_M + v);
  }
  c.push(op.i32Const, 0); set(L_J);
  c.push(op.block, 0x40, op.loop, 0x40);
  get(L_J); get(P_HBYTES); c.push(op.i32GeU, op.brIf, 1);
  get(P_H); get(L_J); c.push(op.i32Add, op.i32Load, 0x00, 0x00, ...simd(I32X4_SPLAT)); set(L_X);
  for (let v = 0; v < 4; v++) {
    get(L_M + v); get(L_A + v); get(L_X); c.push(...simd(I32X4_MUL)); get(L_B + v); c.push(...simd(I32X4_ADD), ...simd(I32X4_MIN_U)); set(L_M + v);
  }
  get(L_J); c.push(op.i32Const, 4, op.i32Add); set(L_J);
  c.push(op.br, 0, op.end, op.end);
  for (let v = 0; v < 4; v++) {
    get(P_OUT); get(L_K); c.push(op.i32Add); get(L_M + v); c.push(...simd(V128_STORE), 0x00, 16 * v);
  }
  get(L_K); c.push(op.i32Const, 0xc0, 0x00, op.i32Add); set(L_K); // k += 64 (signed LEB128 of 64 is c0 00)
  c.push(op.br, 0, op.end, op.end, op.end);
  return c;
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const name = (s: string) => [s.length, ...Array.from(s, (ch) => ch.charCodeAt(0))];

export function kernelBytes(): Uint8Array {
  const locals = [0x02, 0x02, I32, 0x0d, V128];
  const code = [...locals, ...body()];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x06, I32, I32, I32, I32, I32, I32, 0x00]),
    ...section(3, [0x01, 0x00]),
    ...section(5, [0x01, 0x00, 0x01]),
    ...section(7, [0x02, ...name('sign'), 0x00, 0x00, ...name('mem'), 0x02, 0x00]),
    ...section(10, [0x01, ...uleb(code.length), ...code]),
  ]);
}

/** The slice of the WebAssembly JS API used here (the project's lib settings carry no WebAssembly types). */
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

export interface SimdKernel {
  sign(shingleHashes: Uint32Array, out: Uint32Array): Uint32Array;
}

/** A kernel bound to one permutation family (a, b), or null when this runtime cannot run WebAssembly SIMD. */
export function createSimdKernel(a: Uint32Array, b: Uint32Array): SimdKernel | null {
  const permutations = a.length;
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (permutations % 16 !== 0 || !wasm) return null;
  let exports: Record<string, unknown>;
  try {
    exports = new wasm.Instance(new wasm.Module(kernelBytes()), {}).exports;
  } catch {
    return null;
  }
  const memory = exports.mem as WasmMemory;
  const run = exports.sign as (h: number, hBytes: number, a: number, b: number, out: number, permBytes: number) => void;
  const permBytes = permutations * 4;
  const A = 0, B = permBytes, OUT = 2 * permBytes, H = 3 * permBytes;
  let words = new Uint32Array(memory.buffer);
  words.set(a, A / 4);
  words.set(b, B / 4);
  return {
    sign(shingleHashes: Uint32Array, out: Uint32Array): Uint32Array {
      const need = H + shingleHashes.length * 4;
      if (need > memory.buffer.byteLength) {
        memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
        words = new Uint32Array(memory.buffer);
      }
      words.set(shingleHashes, H / 4);
      run(H, shingleHashes.length * 4, A, B, OUT, permBytes);
      out.set(words.subarray(OUT / 4, OUT / 4 + permutations));
      return out;
    },
  };
}
