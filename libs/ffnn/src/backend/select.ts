/**
 * Picks the backend named by the `backend` option: 'js' (the reference), 'native' (the Rust
 * addon), 'wasm' (the same Rust built for WebAssembly, once `await loadWasmBackend()` has loaded
 * it) or 'auto' (native when it loads, else wasm when it is loaded, else js). Asking for one that
 * cannot run is an error that says why.
 */
import { FfnnError } from '../errors.ts';
import type { Backend } from './backend.ts';
import { jsBackend } from './js.ts';
import { loadNativeBackend } from './native.ts';
import { wasmBackendStatus } from './wasm.ts';

/** A backend by name: 'auto' is native when the addon loads, then wasm once loaded (loadWasmBackend), else js. */
export type BackendChoice = 'js' | 'native' | 'wasm' | 'auto';

/** The backend for a name; 'native' without the addon throws BACKEND_UNAVAILABLE with the reason. */
export function selectBackend(name: BackendChoice): Backend {
  if (name === 'js') return jsBackend;
  if (name === 'wasm') {
    const wasm = wasmBackendStatus();
    if (wasm.backend) return wasm.backend;
    throw new FfnnError('BACKEND_UNAVAILABLE', `backend: 'wasm' was asked for but ${wasm.reason}`, { param: 'backend', reason: wasm.reason });
  }
  const native = loadNativeBackend();
  if (native.backend) return native.backend;
  if (name === 'auto') return wasmBackendStatus().backend ?? jsBackend;
  throw new FfnnError('BACKEND_UNAVAILABLE', `backend: 'native' was asked for but ${native.reason}`, {
    param: 'backend',
    reason: native.reason,
  });
}

/** What `ffnn info` reports: the backend 'auto' resolves to, and why native (and wasm) are missing. */
export function backendStatus(): { active: string; nativeLoaded: boolean; reason: string | null; wasmLoaded: boolean; wasmReason: string | null } {
  const native = loadNativeBackend();
  const wasm = wasmBackendStatus();
  const active = native.backend ? 'native' : wasm.backend ? 'wasm' : 'js';
  return { active, nativeLoaded: native.backend !== null, reason: native.reason, wasmLoaded: wasm.backend !== null, wasmReason: wasm.reason };
}
