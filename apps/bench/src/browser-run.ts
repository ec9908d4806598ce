/**
 * One bench:browser run in Node, in a process of its own:
 *   node --conditions=@ffnn/source --import tsx apps/bench/src/browser-run.ts DIGITS_FILE '<BrowserRunSpec as JSON>'
 * Prints one JSON line (BrowserRunOutput) on stdout; "@epoch k n seconds" lines on stderr.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNativeBackend } from '@ffnn/core/backend';
import { type BrowserRunSpec, runBrowserSpec, unpackDigits } from './browser-runs.ts';

/** Caps the addon at `threads` and returns the kernel it runs (its description names the thread count). */
export function prepareNative(threads: number): string {
  const native = loadNativeBackend();
  if (!native.addon) throw new Error(`${native.reason} (build it with: npx nx run native:build)`);
  native.addon.setMaxThreads(threads);
  return native.addon.gemmKernel().description;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const digits = unpackDigits(new Uint8Array(readFileSync(process.argv[2])));
  const spec = JSON.parse(process.argv[3]) as BrowserRunSpec;
  const out = await runBrowserSpec(spec, digits, {
    prepareNative,
    cpuSeconds: () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    },
    onEpoch: (k, s) => process.stderr.write(`@epoch ${k} ${spec.epochs} ${s}\n`),
  });
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
