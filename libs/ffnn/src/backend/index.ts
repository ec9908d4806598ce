/**
 * @ffnn/core/backend: the kernel contract and its implementations, for benchmarks and tools that
 * call kernels directly or report on the native addon. Environment-neutral like the root entry
 * (but it carries the wasm module's bytes, for loadWasmBackendSync).
 *
 * @module @ffnn/core/backend
 */
export type { ActivationName, Backend, DType, FloatArray } from './backend.ts';
export { jsBackend } from './js.ts';
export { type GemmKernel, loadNativeBackend, type NativeLoad, nativeLoadReason, wrapNativeAddon } from './native.ts';
export { type BackendChoice, backendStatus, selectBackend } from './select.ts';
export { loadWasmBackend, type WasmLoad, wasmBackendStatus, wrapWasmExports } from './wasm.ts';
export { loadWasmBackendSync } from './wasm-sync.ts';
