/**
 * What the benchmark ran on: CPU, cores, memory, runtimes, both BLAS libraries and the variables
 * that steer them. Also the Python side (the parity venv) and how to reach it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';
import { loadNativeBackend } from '../../../libs/ffnn/src/backend/native.ts';
import type { Machine } from './report.ts';

$.verbose = false;
$.quiet = true;

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const HERE = dirname(fileURLToPath(import.meta.url));
export const VENV_PYTHON = join(ROOT, 'tools', 'parity', '.venv', 'bin', 'python');
/** These tune Debian's OpenBLAS on this machine and slow numpy's own (newer) OpenBLAS. */
export const OPENBLAS_TUNING = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'] as const;

export function bunExe(): string {
  const local = join(ROOT, 'node_modules', '.bin', 'bun');
  return existsSync(local) ? local : 'bun';
}

/** Environment for a Python run: fixed thread counts, OpenBLAS tuning variables removed. */
export function pythonEnv(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads), PYTHONDONTWRITEBYTECODE: '1' };
  for (const k of OPENBLAS_TUNING) delete env[k];
  return env;
}

export function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {}
  return cpus()[0]?.model ?? 'unknown';
}

function cpuFlags(): string[] {
  try {
    const flags = /^flags\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].split(/\s+/) ?? [];
    return ['avx', 'avx2', 'fma', 'avx512f', 'avx512_bf16'].filter((f) => flags.includes(f));
  } catch {
    return [];
  }
}

function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    return `${pretty ?? 'Linux'}, kernel ${release()}`;
  } catch {
    return `${process.platform} ${release()}`;
  }
}

function debVersion(pkg: string): string | null {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

/** The commit the figures were taken at, and how many files differed from it. */
export function gitState(): string {
  try {
    const opts = { cwd: ROOT, encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'] };
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], opts).trim();
    const changed = execFileSync('git', ['status', '--porcelain'], opts).split('\n').filter(Boolean).length;
    return changed ? `${head} + ${changed} uncommitted files` : head;
  } catch {
    return 'unknown';
  }
}

export interface PythonInfo {
  python: string;
  numpy: string;
  scikit_learn: string;
  blas: { internal_api: string; version: string; architecture: string; threading_layer: string; num_threads: number; filepath: string }[];
}

export function hasVenv(): boolean {
  return existsSync(VENV_PYTHON);
}

export async function pythonInfo(threads: number): Promise<PythonInfo | null> {
  if (!hasVenv()) return null;
  const r = await $({ env: pythonEnv(threads), nothrow: true })`${VENV_PYTHON} ${join(HERE, 'sklearn_run.py')} --info`;
  return r.exitCode === 0 ? (JSON.parse(r.stdout) as PythonInfo) : null;
}

export function runtimeName(): string {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  return g.Bun ? `bun ${g.Bun.version}` : g.Deno ? `deno ${g.Deno.version.deno}` : `node ${process.version}`;
}

export async function describeMachine(threads: number[]): Promise<{ machine: Machine; python: PythonInfo | null }> {
  const native = loadNativeBackend();
  const py = await pythonInfo(Math.max(...threads));
  const numpyBlas = py?.blas.find((b) => /numpy/.test(b.filepath)) ?? py?.blas[0];
  const machine: Machine = {
    cpu: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: osName(),
    git: gitState(),
    runtimes: {
      ffnn: runtimeName(),
      ...(py ? { python: py.python, numpy: py.numpy, 'scikit-learn': py.scikit_learn } : {}),
    },
    blas: {
      cpuFlags: cpuFlags(),
      native: native.addon
        ? {
            gemmImplementation: native.addon.gemmImplementation(),
            defaultThreads: native.addon.maxThreads(),
            parallelMinFlops: native.addon.parallelMinFlops(),
            debianOpenblas: debVersion('libopenblas0-pthread') ?? debVersion('libopenblas0'),
          }
        : { notLoaded: native.reason },
      numpy: numpyBlas
        ? { library: numpyBlas.internal_api, version: numpyBlas.version, architecture: numpyBlas.architecture, threadingLayer: numpyBlas.threading_layer }
        : { notAvailable: 'tools/parity/.venv is missing (node tools/parity/setup.mjs)' },
    },
    env: Object.fromEntries(OPENBLAS_TUNING.map((k) => [k, process.env[k] ?? null])),
    loadAverage: { start: loadavg().map((x) => Math.round(x * 100) / 100) },
  };
  return { machine, python: py };
}

export function machineLines(m: Machine): string[] {
  const b = m.blas as { native: Record<string, unknown>; numpy: Record<string, unknown>; cpuFlags: string[] };
  const n = b.native;
  const np = b.numpy;
  const tuning = Object.entries(m.env).map(([k, v]) => `${k}=${v ?? '(unset)'}`).join(' ');
  return [
    `machine: ${m.cpu}, ${m.cores} cores (${b.cpuFlags.join(' ')}), ${m.memoryGiB} GiB, ${m.os}`,
    `runtimes: ${Object.entries(m.runtimes).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `native BLAS: ${n.gemmImplementation ? `${n.gemmImplementation} (Debian libopenblas ${n.debianOpenblas ?? '?'}), default ${n.defaultThreads} threads, products under ${n.parallelMinFlops} mnk on 1 thread; ${tuning}` : `not loaded: ${n.notLoaded}`}`,
    `numpy BLAS: ${np.library ? `${np.library} ${np.version}, kernel ${np.architecture}, ${np.threadingLayer} (run with ${OPENBLAS_TUNING.join(' and ')} unset)` : np.notAvailable}`,
    `source: ${m.git}; load average at start: ${m.loadAverage.start.join(' ')}${m.loadAverage.end ? `, at end: ${m.loadAverage.end.join(' ')}` : ''}`,
  ];
}
