/**
 * Builds the playground's static site into dist/ (or the folder given as the first argument):
 *
 *   index.html, style.css   the page
 *   app.js                  the page's script: an IIFE (a classic script, so file:// pages run it
 *                           too) holding its two workers' bundles as text, started from Blob URLs:
 *                           the training worker (with the digits, gzipped, and the wasm kernels)
 *                           and the view worker (vega, for the charts)
 *
 * The site needs no fetch. Both bundles are built from the libraries' TypeScript sources (the @ffnn/source export
 * condition), so no library needs building first.
 *
 *   node --conditions=@ffnn/source --import tsx apps/playground/build.ts [outDir]
 */
import { copyFileSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { loadMnist } from '@ffnn/core/data';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { encodeDigits, PIXELS } from './src/digits.ts';

export const APP_ROOT = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_OUT = join(APP_ROOT, 'dist');

/** How many digits the page bundles from the project's standard split (8,000 / 2,000, seed 0). */
export const DIGIT_COUNTS = { train: 5000, validation: 500, test: 1000 } as const;

/** The bundled digits: the first 5,500 rows of the standard training split, the first 1,000 of its test split. */
export function digitBytes(): Uint8Array {
  const { train, test } = loadMnist();
  const rows = (X: Float64Array, y: Int32Array, from: number, to: number) => ({ X: X.subarray(from * PIXELS, to * PIXELS), y: y.subarray(from, to) });
  const { train: nTrain, validation: nVal, test: nTest } = DIGIT_COUNTS;
  const raw = encodeDigits([rows(train.X, train.y, 0, nTrain), rows(train.X, train.y, nTrain, nTrain + nVal), rows(test.X, test.y, 0, nTest)]);
  return gzipSync(raw, { level: 9 });
}

/** Serves the build's virtual modules (see src/virtual.d.ts). */
function virtual(modules: Record<string, { contents: Uint8Array | string; loader: 'binary' | 'text' }>): Plugin {
  return {
    name: 'playground-virtual',
    setup(b) {
      b.onResolve({ filter: /^playground:/ }, (args) => ({ path: args.path, namespace: 'playground' }));
      b.onLoad({ filter: /.*/, namespace: 'playground' }, (args) => modules[args.path] ?? { errors: [{ text: `no virtual module ${args.path}` }] });
    },
  };
}

const COMMON: BuildOptions = {
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  conditions: ['@ffnn/source'],
  minify: true,
  legalComments: 'none',
  write: false,
  logLevel: 'warning',
  // native.ts reads import.meta.url only under Node, Bun or Deno (createRequire for the addon);
  // in a browser that code never runs, so an empty import.meta in the IIFE is harmless
  logOverride: { 'empty-import-meta': 'silent' },
  absWorkingDir: APP_ROOT,
};

export interface BuildResult {
  outDir: string;
  /** Bytes of each file written. */
  sizes: Record<string, number>;
}

/** Builds the site into outDir (emptied first). */
export async function buildSite(outDir: string = DEFAULT_OUT): Promise<BuildResult> {
  const digits = digitBytes();
  const worker = await build({
    ...COMMON,
    entryPoints: [join(APP_ROOT, 'src/worker.ts')],
    plugins: [virtual({ 'playground:digits': { contents: digits, loader: 'binary' } })],
  });
  const workerSource = worker.outputFiles![0].text;
  const view = await build({ ...COMMON, entryPoints: [join(APP_ROOT, 'src/view-worker.ts')] });
  const viewSource = view.outputFiles![0].text;
  const app = await build({
    ...COMMON,
    entryPoints: [join(APP_ROOT, 'src/main.ts')],
    plugins: [
      virtual({
        'playground:worker': { contents: workerSource, loader: 'text' },
        'playground:view-worker': { contents: viewSource, loader: 'text' },
      }),
    ],
  });
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const sizes: Record<string, number> = {};
  const put = (name: string, contents: Uint8Array | string) => {
    writeFileSync(join(outDir, name), contents);
    sizes[name] = typeof contents === 'string' ? Buffer.byteLength(contents) : contents.length;
  };
  put('app.js', app.outputFiles![0].contents);
  for (const name of ['index.html', 'style.css']) {
    copyFileSync(join(APP_ROOT, 'src', name), join(outDir, name));
    sizes[name] = statSync(join(outDir, name)).size;
  }
  sizes['(training worker inside app.js)'] = Buffer.byteLength(workerSource);
  sizes['(view worker inside app.js)'] = Buffer.byteLength(viewSource);
  sizes['(gzipped digits inside the worker)'] = digits.length;
  return { outDir, sizes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { outDir, sizes } = await buildSite(process.argv[2] ? resolve(process.argv[2]) : DEFAULT_OUT);
  console.log(`playground: built ${outDir}`);
  for (const [name, n] of Object.entries(sizes)) console.log(`  ${name}: ${(n / 1024).toFixed(0)} KiB`);
}
