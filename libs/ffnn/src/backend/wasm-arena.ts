/**
 * The wasm backend's call arena (see wasm.ts): one buffer in wasm memory, grown when a call needs
 * more and reused by every call, into which each call's arrays are copied and from which its
 * outputs are copied back; and the error a kernel's status code becomes.
 */
import type { FloatArray } from './backend.ts';

/** The module's exports (native/src/wasm.rs). */
export interface WasmExports {
  memory: { buffer: ArrayBuffer };
  ffnn_arena(bytes: number): number;
  ffnn_error_ptr(): number;
  ffnn_error_len(): number;
  ffnn_describe(): number;
  [kernel: string]: unknown;
}

const CODES = ['', 'SHAPE_MISMATCH', 'INVALID_PARAM', 'INDEX_OUT_OF_RANGE', 'ALIASED_BUFFERS'];
export const IN = 1;
export const OUT = 2;
export const INOUT = IN | OUT;
type Arr = FloatArray | Int32Array;

export function kernelError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * One call's arrays, laid out in the arena. Fixed-size fields reused by every call: staging a
 * call allocates nothing but the short-lived views `set` needs for a part of an array.
 */
export class Arena {
  private base = 0;
  private capacity = 0;
  private u8 = new Uint8Array(0);
  private f64 = new Float64Array(0);
  private f32 = new Float32Array(0);
  private i32 = new Int32Array(0);
  private readonly arrays: (Arr | null)[] = [null, null, null, null];
  /** entries of each array in the arena: what the kernel is told its length is */
  readonly counts = [0, 0, 0, 0];
  private readonly modes = [0, 0, 0, 0];
  /** absolute byte addresses in wasm memory */
  readonly ptrs = [0, 0, 0, 0];
  /** 8 bytes after the arrays: where the sums write their result */
  resultPtr = 0;
  private n = 0;

  constructor(private readonly exports: WasmExports) {}

  private views(): void {
    const buffer = this.exports.memory.buffer;
    this.u8 = new Uint8Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.f32 = new Float32Array(buffer);
    this.i32 = new Int32Array(buffer);
  }

  /** Adds an argument: `need` entries are used (anything not a valid count: all of them). */
  add(x: Arr, need: number, mode: number): void {
    const i = this.n++;
    this.arrays[i] = x;
    this.counts[i] = need >= 0 && need <= x.length ? Math.floor(need) : x.length;
    this.modes[i] = mode;
  }

  /** Lays the arguments out, grows the arena if needed and copies the inputs in. */
  stage(): void {
    const { arrays, counts, ptrs, n } = this;
    let overlap = false;
    for (let i = 0; i < n && !overlap; i++) for (let j = i + 1; j < n; j++) if (overlaps(arrays[i]!, arrays[j]!)) overlap = true;
    let size = 0;
    if (!overlap) {
      for (let i = 0; i < n; i++) {
        ptrs[i] = size;
        size = align8(size + counts[i] * arrays[i]!.BYTES_PER_ELEMENT);
      }
    } else size = this.layoutOverlapping();
    this.reserve(size + 8);
    this.resultPtr = this.base + size;
    for (let i = 0; i < n; i++) ptrs[i] += this.base;
    if (this.u8.byteLength === 0) this.views(); // memory grew since the last call
    if (overlap) this.copyOverlapping();
    else for (let i = 0; i < n; i++) if (this.modes[i] & IN) this.copyIn(i);
  }

  /**
   * Arrays that overlap in JS (necessarily sharing a buffer) are laid out at the same distance
   * from each other, whole, so ops.rs sees the overlap the addon would see. An error path (an
   * output may not overlap anything) or inputs passed twice, so it need not be fast.
   */
  private layoutOverlapping(): number {
    const { arrays, counts, ptrs, n } = this;
    let size = 0;
    for (let i = 0; i < n; i++) {
      counts[i] = arrays[i]!.length;
      const leader = arrays.findIndex((x, j) => j < i && x!.buffer === arrays[i]!.buffer);
      if (leader >= 0) continue; // placed with its buffer's first array, below
      let lo = Infinity;
      let hi = 0;
      for (let j = i; j < n; j++) {
        if (arrays[j]!.buffer !== arrays[i]!.buffer) continue;
        lo = Math.min(lo, arrays[j]!.byteOffset);
        hi = Math.max(hi, arrays[j]!.byteOffset + arrays[j]!.byteLength);
      }
      const start = align8(size) + (lo % 8); // keeps each array aligned for its dtype
      for (let j = i; j < n; j++) if (arrays[j]!.buffer === arrays[i]!.buffer) ptrs[j] = start + arrays[j]!.byteOffset - lo;
      size = align8(start + hi - lo);
    }
    return size;
  }

  private copyOverlapping(): void {
    const { arrays, ptrs, n } = this;
    for (let i = 0; i < n; i++) {
      const x = arrays[i]!;
      // every array of a buffer, as bytes: the shared parts are written twice with the same values
      this.u8.set(new Uint8Array(x.buffer, x.byteOffset, x.byteLength), ptrs[i]);
    }
  }

  private reserve(bytes: number): void {
    if (bytes > this.capacity) {
      this.base = this.exports.ffnn_arena(bytes);
      this.capacity = bytes;
      this.views();
    }
  }

  private heap(x: Arr): FloatArray | Int32Array {
    return x instanceof Float64Array ? this.f64 : x instanceof Float32Array ? this.f32 : this.i32;
  }

  private copyIn(i: number): void {
    const x = this.arrays[i]!;
    const count = this.counts[i];
    const at = this.ptrs[i] / x.BYTES_PER_ELEMENT;
    const heap = this.heap(x);
    if (count === x.length) heap.set(x as never, at);
    else heap.set(x.subarray(0, count) as never, at);
  }

  /** After a call: refreshes the views if memory grew, then copies outputs back (status 0) or throws. */
  finish(status: number): void {
    const n = this.n;
    this.n = 0;
    if (this.u8.byteLength === 0) this.views();
    if (status !== 0) {
      for (let i = 0; i < n; i++) this.arrays[i] = null;
      throw kernelError(CODES[status] ?? 'UNKNOWN', this.text(this.exports.ffnn_error_ptr(), this.exports.ffnn_error_len()));
    }
    for (let i = 0; i < n; i++) {
      const x = this.arrays[i]!;
      this.arrays[i] = null;
      if (!(this.modes[i] & OUT)) continue;
      const at = this.ptrs[i] / x.BYTES_PER_ELEMENT;
      x.set(this.heap(x).subarray(at, at + this.counts[i]) as never);
    }
  }

  result(): number {
    if (this.u8.byteLength === 0) this.views();
    return this.f64[this.resultPtr / 8];
  }

  text(ptr: number, len: number): string {
    if (this.u8.byteLength === 0) this.views();
    return new TextDecoder().decode(this.u8.subarray(ptr, ptr + len));
  }
}

const align8 = (x: number) => (x + 7) & ~7;

export function overlaps(x: Arr, y: Arr): boolean {
  return x.buffer === y.buffer && x.byteOffset < y.byteOffset + y.byteLength && y.byteOffset < x.byteOffset + x.byteLength;
}
