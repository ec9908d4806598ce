/**
 * The wasm backend loaded synchronously, for Node, Bun, Deno and Web Workers (a browser's main
 * thread refuses to compile a module this size synchronously: there, `await loadWasmBackend()`).
 * Not in the root entry: importing this module brings the embedded bytes along statically.
 */
import { adoptWasm, decodeBase64, type WasmLoad, wasmBackendStatus, webAssembly } from './wasm.ts';
import { WASM_BASE64 } from './wasm-bytes.ts';

/** loadWasmBackend without the wait: the same state, the same never-throwing result. */
export function loadWasmBackendSync(): WasmLoad {
  const current = wasmBackendStatus();
  if (current.backend) return current;
  const wasm = webAssembly();
  if (typeof wasm === 'string') return adoptWasm(wasm);
  try {
    return adoptWasm(new wasm.Instance(new wasm.Module(decodeBase64(WASM_BASE64)), {}));
  } catch (error) {
    return adoptWasm({ error });
  }
}
