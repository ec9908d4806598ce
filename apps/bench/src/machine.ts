/**
 * What the benchmark ran on: CPU, cores, memory, runtimes, both BLAS libraries and the variables
 * that steer them. Also the Python side (the parity venv) and how to reach it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNativeBackend } from '@ffnn/core/backend';
import { $ } from 'zx';
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
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPENBLAS_NUM_THREADS: String(threads),
    OMP_NUM_THREADS: String(threads),
    MKL_NUM_THREADS: String(threads),
    PYTHONDONTWRITEBYTECODE: '1',
  };
  for (const k of OPENBLAS_TUNING) delete env[k];
  return env;
}

export function cpuModel(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const m = /^model name\s*:\s*(.+)$/m.exec(info);
    const family = Number(/^cpu family\s*:\s*(\d+)$/m.exec(info)?.[1]);
    const model = Number(/^model\s*:\s*(\d+)$/m.exec(info)?.[1]);
    // a VM may show only "AMD EPYC": the family and model say which generation it is
    if (m) return `${m[1].trim()} (family ${family}, model ${model}${amdCore(m[1], family, model)})`;
  } catch {}
  return cpus()[0]?.model ?? 'unknown';
}

/** AMD's core generation from family and model (AMD's published ranges), or '' when not known. */
function amdCore(name: string, family: number, model: number): string {
  if (!/AMD/i.test(name)) return '';
  if (family === 23) return model >= 0x30 ? ': Zen 2' : ': Zen / Zen+';
  if (family === 25) return model < 0x10 || (model >= 0x20 && model < 0x60) ? ': Zen 3' : ': Zen 4';
  if (family === 26) return ': Zen 5';
  return '';
}

export function cpuFlags(): string[] {
  try {
    const flags = /^flags\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].split(/\s+/) ?? [];
    return ['avx', 'avx2', 'fma', 'avx512f', 'avx512_bf16'].filter((f) => flags.includes(f));
  } catch {
    return [];
  }
}

export function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    return `${pretty ?? 'Linux'}, kernel ${release()}`;
  } catch {
    return `${process.platform} ${release()}`;
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
      native: native.addon ? { gemmKernel: native.addon.gemmKernel() } : { notLoaded: native.reason },
      numpy: numpyBlas
        ? { library: numpyBlas.internal_api, version: numpyBlas.version, architecture: numpyBlas.architecture, threadingLayer: numpyBlas.threading_layer }
        : { notAvailable: 'tools/parity/.venv is missing (node tools/parity/setup.mjs)' },
    },
    env: Object.fromEntries(OPENBLAS_TUNING.map((k) => [k, process.env[k] ?? null])),
    loadAverage: { start: loadavg().map((x) => Math.round(x * 100) / 100) },
  };
  machine.warnings = kernelWarnings(machine);
  return { machine, python: py };
}

/**
 * OpenBLAS core names that are generic kernels (SSE2/SSE3-era code, no AVX): what an OpenBLAS too
 * old for the CPU falls back to (Debian's 0.3.21 says Prescott on recent Xeons).
 */
export const GENERIC_OPENBLAS_CORES =
  /^(prescott|core2|penryn|dunnington|nehalem|katmai|coppermine|northwood|banias|atom|nano|opteron(_sse3)?|athlon|barcelona|generic|armv8)$/i;
/** Our own levels that are not the CPU's SIMD: plain Rust, or SSE2 on a CPU that has more. */
export const GENERIC_NATIVE_ISAS = ['generic', 'sse2'];

/** Warnings, one a line, when a library in the run (ours or numpy's) runs a generic kernel. */
export function kernelWarnings(m: Pick<Machine, 'blas'>): string[] {
  const out: string[] = [];
  const b = m.blas as {
    native?: { gemmKernel?: { isa: string; detected: string; description: string } };
    numpy?: { library?: string; version?: string; architecture?: string | null };
  };
  const k = b.native?.gemmKernel;
  if (k && GENERIC_NATIVE_ISAS.includes(k.isa)) {
    out.push(
      `native gemm runs a generic kernel (${k.isa}${k.isa !== k.detected ? `, forced; this CPU has ${k.detected}` : ''}): its figures are not this CPU's`,
    );
  }
  const np = b.numpy;
  if (np?.library && (!np.architecture || GENERIC_OPENBLAS_CORES.test(np.architecture))) {
    out.push(
      `numpy's ${np.library} ${np.version ?? ''} runs a generic kernel (core ${np.architecture ?? 'unknown'}): scikit-learn's figures are not this CPU's`,
    );
  }
  return out;
}

export function machineLines(m: Machine): string[] {
  const b = m.blas as { native: Record<string, unknown>; numpy: Record<string, unknown>; cpuFlags: string[] };
  const n = b.native;
  const np = b.numpy;
  const tuning = Object.entries(m.env)
    .map(([k, v]) => `${k}=${v ?? '(unset)'}`)
    .join(' ');
  return [
    `machine: ${m.cpu}, ${m.cores} cores (${b.cpuFlags.join(' ')}), ${m.memoryGiB} GiB, ${m.os}`,
    `runtimes: ${Object.entries(m.runtimes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `native gemm: ${n.gemmKernel ? `${(n.gemmKernel as { description: string }).description}; no BLAS linked; ${tuning}` : `not loaded: ${n.notLoaded}`}`,
    `numpy BLAS: ${np.library ? `${np.library} ${np.version}, core ${np.architecture}, ${np.threadingLayer} (run with ${OPENBLAS_TUNING.join(' and ')} unset)` : np.notAvailable}`,
    `source: ${m.git}; load average at start: ${m.loadAverage.start.join(' ')}${m.loadAverage.end ? `, at end: ${m.loadAverage.end.join(' ')}` : ''}`,
    ...(m.warnings ?? []).map((w) => `WARNING: ${w}`),
  ];
}
