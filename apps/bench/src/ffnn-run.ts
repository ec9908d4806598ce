/**
 * One ffnn training run, in a process of its own so that its peak RSS is its own:
 *   bun --conditions=@ffnn/source apps/bench/src/ffnn-run.ts '<RunSpec as JSON>'
 * Prints one JSON line (RunOutput) on stdout; "@epoch k n seconds" lines on stderr for progress.
 * The data comes from the .npy files the parent wrote (the same bytes scikit-learn reads), read
 * straight into the run's dtype.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FFNNClassifier } from '@ffnn/core';
import { loadNativeBackend } from '@ffnn/core/backend';
import { readNpy } from './npy.ts';
import { RUNS, type RunOutput, type RunSpec } from './report.ts';

/** The shared libraries with "blas" in their name that this process has mapped. */
export function mappedBlas(): string[] {
  try {
    const maps = readFileSync('/proc/self/maps', 'utf8');
    return [
      ...new Set(
        maps
          .split('\n')
          .map((l) => l.split(/\s+/)[5] ?? '')
          .filter((p) => /blas/i.test(p)),
      ),
    ];
  } catch {
    return [];
  }
}

/**
 * Peak RSS of this process in KiB: VmHWM, the high-water mark of the current address space.
 * Not getrusage's ru_maxrss: Linux carries that over fork and exec, so a child would report its
 * parent's peak whenever the parent's is larger.
 */
export function peakRssKiB(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {}
  return process.resourceUsage().maxRSS;
}

export function runFfnn(spec: RunSpec, onEpoch: (epoch: number, seconds: number) => void = () => {}): RunOutput {
  const run = RUNS[spec.run];
  if (run.engine !== 'ffnn') throw new Error(`ffnn-run: ${spec.run} is not an ffnn run`);
  let blas = 'none (TypeScript loops)';
  let threads = 1;
  if (run.backend === 'native') {
    const native = loadNativeBackend();
    if (!native.addon) throw new Error(`ffnn-run: ${native.reason} (build it with: npx nx run native:build)`);
    native.addon.setMaxThreads(spec.threads);
    threads = native.addon.maxThreads();
    const libs = mappedBlas();
    // the kernel that runs, and any BLAS library mapped into the process (none is linked)
    blas = `${native.addon.gemmKernel().description}${libs.length ? ` (mapped: ${libs.join(', ')})` : ''}`;
  }
  const Arr: new (n: number) => Float32Array | Float64Array = run.dtype === 'float32' ? Float32Array : Float64Array;
  const xTrain = readNpy(join(spec.dataDir, 'x_train.npy'), Arr);
  const yTrain = readNpy(join(spec.dataDir, 'y_train.npy'), Int32Array);
  const epochSeconds: number[] = [];
  const clf = new FFNNClassifier({
    ...(spec.options as object),
    backend: run.backend,
    dtype: run.dtype,
    onWarning: () => {},
    onEpoch: (m) => {
      epochSeconds.push(m.seconds);
      onEpoch(m.epoch, m.seconds);
    },
  });
  clf.fit({ rows: xTrain.shape[0], cols: xTrain.shape[1], data: xTrain.data }, yTrain.data);
  const xTest = readNpy(join(spec.dataDir, 'x_test.npy'), Arr);
  const yTest = readNpy(join(spec.dataDir, 'y_test.npy'), Int32Array);
  const accuracy = clf.score({ rows: xTest.shape[0], cols: xTest.shape[1], data: xTest.data }, yTest.data);
  return { epochSeconds, lossCurve: [...clf.lossCurve], accuracy, maxRssKiB: peakRssKiB(), blas, threads };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const spec = JSON.parse(process.argv[2]) as RunSpec;
  const out = runFfnn(spec, (k, s) => process.stderr.write(`@epoch ${k} ${spec.epochs} ${s}\n`));
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
