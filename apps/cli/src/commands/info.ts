/** `ffnn info`: versions, runtime and the active backend (and why native did not load, if it did not). */
import { VERSION } from '@ffnn/core';
import { backendStatus, loadNativeBackend, wasmBackendStatus } from '@ffnn/core/backend';
import { noPositionals, parseArgs } from '../flags.ts';

export function info(argv: string[]): number {
  const args = parseArgs(argv, { json: 'boolean', help: 'boolean' });
  if (args.flags.help) {
    console.log(
      'usage: ffnn info [--json]\n\nPrints the library version, the runtime, the active backend, the native gemm kernel (instruction set, implementation and version, threads), whether the WebAssembly kernels loaded and, when a backend did not load, why.',
    );
    return 0;
  }
  noPositionals(args, 'info');
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  const runtime = g.Bun ? `bun ${g.Bun.version}` : g.Deno ? `deno ${g.Deno.version.deno}` : `node ${process.version}`;
  const status = backendStatus();
  const addon = loadNativeBackend().addon;
  const report = {
    version: VERSION,
    runtime,
    platform: `${process.platform}-${process.arch}`,
    backend: status.active,
    native: status.nativeLoaded && addon ? `loaded (gemm: ${addon.gemmKernel().description})` : `not loaded: ${status.reason}`,
    wasm: wasmBackendStatus().backend ? `loaded (${wasmBackendStatus().description})` : `not loaded: ${wasmBackendStatus().reason}`,
  };
  // the kernel that runs: instruction set, implementations with versions, threads
  const gemm = status.nativeLoaded && addon ? addon.gemmKernel() : null;
  if (args.flags.json) console.log(JSON.stringify({ ...report, gemm }));
  else for (const [k, v] of Object.entries(report)) console.log(`${k.padEnd(10)} ${v}`);
  return 0;
}
