/**
 * @ffnn/core/backend: the kernel contract and its implementations, for benchmarks and tools that
 * call kernels directly or report on the native addon. Environment-neutral like the root entry
 * (but it carries the wasm module's bytes, for loadWasmBackendSync).
 *
 * @module @ffnn/core/backend
 */
export type { Backend, FloatArray, DType, ActivationName } from './backend.ts';
export { jsBackend } from './js.ts';
export { loadNativeBackend, wrapNativeAddon, nativeLoadReason, type NativeLoad, type GemmKernel } from './native.ts';
export { loadWasmBackend, wasmBackendStatus, wrapWasmExports, type WasmLoad } from './wasm.ts';
export { loadWasmBackendSync } from './wasm-sync.ts';
export { selectBackend, backendStatus, type BackendChoice } from './select.ts';
