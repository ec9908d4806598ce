/**
 * The page side of bench:browser, bundled by esbuild and served by browser-bench.ts: reads the run
 * from the URL (?run=NAME&epochs=N&threads=T), fetches the digits, runs, and resolves
 * `window.benchResult` with the BrowserRunOutput (or an { error }). Progress goes to the console.
 */
import { type BrowserRunName, type BrowserRunOutput, runBrowserSpec, unpackDigits } from './browser-runs.ts';

/** The page's globals used here (this package type-checks without the DOM library). */
const page = globalThis as unknown as { location: { search: string; origin: string }; benchResult?: Promise<BrowserRunOutput | { error: string }> };

async function main(): Promise<BrowserRunOutput> {
  const q = new URLSearchParams(page.location.search);
  const spec = { run: q.get('run') as BrowserRunName, epochs: Number(q.get('epochs')), threads: Number(q.get('threads') ?? 1) };
  const response = await fetch('/digits.bin');
  if (!response.ok) throw new Error(`GET /digits.bin: ${response.status}`);
  const digits = unpackDigits(new Uint8Array(await response.arrayBuffer()));
  return runBrowserSpec(spec, digits, {
    tfjsWasmPrefix: `${page.location.origin}/tfjs/`,
    onEpoch: (k, s) => console.log(`@epoch ${k} ${spec.epochs} ${s}`),
  });
}

page.benchResult = main().catch((err: unknown) => ({ error: String((err as Error)?.stack ?? err) }));
