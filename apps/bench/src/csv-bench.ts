/**
 * `nx run bench:csv`: how fast ffnn's streaming CSV reader parses a large numeric file, beside
 * pandas' read_csv (C engine; whole file, and in chunks of 10,000 rows) and Python's csv module,
 * and the peak memory of `ffnn train --data csv:FILE --stream` over one epoch of it.
 *
 * It writes a CSV of 784 numeric columns and a label (normalized-pixel-like values: 60% "0", the
 * rest 4-decimal fractions; integer labels 0-9) of --size-gb gigabytes (default 1: 2^30 bytes,
 * just over the whole-file reader's default limit) to a temporary folder, removed after. Every
 * reader runs in its own child process, so its peak resident memory (VmHWM, from /proc/self/status
 * in that process) is its own; each reports the sum of everything it read, and the sums must agree.
 * MB/s is bytes of the file over wall seconds (and over CPU seconds: on a loaded machine the CPU
 * figure is the steadier one). The train run is also a child (the CLI's built entry under node,
 * VmHWM written at exit by vmhwm-hook.mjs); beside it, the same file without --stream, which must
 * be refused (SIZE_LIMIT) instead of read.
 *
 * Flags: --size-gb N (default 1), --dir DIR (where the temporary folder goes; default the OS's),
 * --runs ffnn-node,ffnn-bun,pandas,pandas-chunks,csv,train,refuse (default all), --repeat N (the
 * readers run N rounds, interleaved, and the table shows each one's fastest: on a shared machine
 * the load moves between runs; every time is in the JSON), --keep (leave the file), --file PATH
 * (read an existing file written by an earlier --keep instead of writing one; it is left in place),
 * --out FILE (default bench-results/csv-<time>.json).
 * Run: bun --conditions=@ffnn/source apps/bench/src/csv-bench.ts [flags]
 */

import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bunExe, cpuModel, gitState, HERE, ROOT, VENV_PYTHON } from './machine.ts';
import { formatTable } from './report.ts';

export const ALL_RUNS = ['ffnn-node', 'ffnn-bun', 'pandas', 'pandas-chunks', 'csv', 'train', 'refuse'] as const;
type Run = (typeof ALL_RUNS)[number];
const COLUMNS = 784;

/** A small seeded generator (xorshift32): the file is the same on every run. */
function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/**
 * Writes the benchmark CSV of at least `bytes` bytes: header p0..p783,label, then rows until the
 * size is reached. Returns the rows written.
 */
export function writeBenchCsv(path: string, bytes: number): number {
  const next = xorshift(12345);
  const enc = new TextEncoder();
  // every cell's text with its comma, as bytes: "0," or a 4-decimal fraction ("0.0042,")
  const zero = enc.encode('0,');
  const fractions = Array.from({ length: 10_000 }, (_, i) => enc.encode(`${i === 0 ? '0.0001' : `0.${String(i).padStart(4, '0')}`.replace(/0+$/, '')},`));
  const fd = openSync(path, 'w');
  const buf = Buffer.allocUnsafe(8 << 20);
  let at = 0;
  let written = 0;
  let rows = 0;
  const flush = () => {
    written += writeSync(fd, buf, 0, at);
    at = 0;
  };
  try {
    const header = enc.encode(`${Array.from({ length: COLUMNS }, (_, j) => `p${j}`).join(',')},label\n`);
    buf.set(header, 0);
    at = header.length;
    while (written + at < bytes) {
      if (at > buf.length - 16 * (COLUMNS + 1)) flush();
      for (let j = 0; j < COLUMNS; j++) {
        const r = next();
        const cell = r % 10 < 6 ? zero : fractions[r % 10_000];
        for (let k = 0; k < cell.length; k++) buf[at++] = cell[k]; // a loop beats set() for 2-7 bytes
      }
      buf[at++] = 48 + (next() % 10);
      buf[at++] = 10;
      rows++;
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return rows;
}

/** Data rows of a CSV file (lines after the header), counted a chunk at a time. */
function countRows(path: string): number {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(8 << 20);
  let lines = 0;
  try {
    for (let n: number; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) for (let i = buf.indexOf(10); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) lines++;
  } finally {
    closeSync(fd);
  }
  return lines - 1;
}

interface ChildResult {
  rows?: number;
  sum?: number;
  seconds: number;
  cpuSeconds?: number;
  vmHwmKiB: number | null;
  baselineVmHwmKiB?: number | null;
  exitCode: number;
  stderr: string;
  stdout: string;
  [k: string]: unknown;
}

/** Runs a child, returning its exit code, output and the JSON line it printed (if any). */
function runChild(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ChildResult> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      const last = stdout.trim().split('\n').pop() ?? '';
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(last);
      } catch {
        /* not a JSON line: the caller looks at the exit code and stderr */
      }
      done({ seconds, vmHwmKiB: null, ...parsed, exitCode: code ?? -1, stderr, stdout } as ChildResult);
    });
  });
}

const mb = (bytes: number) => bytes / 1e6;
const fmt = (v: number | null | undefined, digits = 1) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'size-gb': { type: 'string' },
      dir: { type: 'string' },
      runs: { type: 'string' },
      repeat: { type: 'string' },
      keep: { type: 'boolean' },
      file: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const sizeGb = values['size-gb'] === undefined ? 1 : Number(values['size-gb']);
  if (!(sizeGb > 0)) throw new Error(`--size-gb: expected a positive number, got ${values['size-gb']}`);
  const runs = (values.runs ?? ALL_RUNS.join(',')).split(',') as Run[];
  for (const r of runs) if (!ALL_RUNS.includes(r)) throw new Error(`--runs: ${r} is not one of ${ALL_RUNS.join(', ')}`);
  const bytesWanted = Math.round(sizeGb * 2 ** 30);
  const repeat = values.repeat === undefined ? 1 : Number(values.repeat);
  if (!(Number.isSafeInteger(repeat) && repeat >= 1)) throw new Error(`--repeat: expected a whole number >= 1, got ${values.repeat}`);

  const dir = mkdtempSync(join(values.dir ?? tmpdir(), 'ffnn-csv-bench-'));
  const file = values.file ? resolve(values.file) : join(dir, 'bench.csv');
  const report: Record<string, unknown> = {
    createdAt: new Date().toISOString(),
    machine: {
      cpu: cpuModel(),
      cores: cpus().length,
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      git: gitState(),
      loadAverage: { start: loadavg().map((x) => Math.round(x * 100) / 100) },
    },
  };
  try {
    const t0 = performance.now();
    let rows: number;
    if (values.file) rows = countRows(file);
    else {
      process.stderr.write(`writing ${fmt(bytesWanted / 2 ** 30, 2)} GiB of CSV to ${file} ...\n`);
      rows = writeBenchCsv(file, bytesWanted);
    }
    const bytes = statSync(file).size;
    report.file = {
      bytes,
      rows,
      columns: COLUMNS + 1,
      values: '60% "0", else a 4-decimal fraction; integer labels 0-9',
      writeSeconds: values.file ? null : (performance.now() - t0) / 1000,
    };
    process.stderr.write(`  ${bytes.toLocaleString('en-US')} bytes, ${rows.toLocaleString('en-US')} rows\n`);

    const results: Record<string, ChildResult> = {};
    const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');
    const readers: [Run, string, string[]][] = [
      ['ffnn-node', process.env.NODE ?? 'node', ['--conditions=@ffnn/source', '--import', tsx, join(HERE, 'csv-read.ts'), file]],
      ['ffnn-bun', bunExe(), ['--conditions=@ffnn/source', join(HERE, 'csv-read.ts'), file]],
      ['pandas', VENV_PYTHON, [join(HERE, 'csv_read.py'), file, 'pandas']],
      ['pandas-chunks', VENV_PYTHON, [join(HERE, 'csv_read.py'), file, 'pandas-chunks']],
      ['csv', existsSync(VENV_PYTHON) ? VENV_PYTHON : 'python3', [join(HERE, 'csv_read.py'), file, 'csv']],
    ];
    const rounds: Record<string, number[]> = {};
    for (let round = 1; round <= repeat; round++) {
      for (const [name, cmd, args] of readers) {
        if (!runs.includes(name)) continue;
        if (cmd === VENV_PYTHON && !existsSync(VENV_PYTHON)) {
          if (round === 1) process.stderr.write(`${name}: skipped (tools/parity/.venv is missing: node tools/parity/setup.mjs)\n`);
          continue;
        }
        process.stderr.write(`${name}${repeat > 1 ? ` (round ${round} of ${repeat})` : ''} ...\n`);
        const r = await runChild(cmd, args);
        if (r.exitCode !== 0) throw new Error(`${name} failed (exit ${r.exitCode}): ${r.stderr.slice(-2000)}`);
        (rounds[name] ??= []).push(r.seconds);
        // the fastest round is the one shown (the least disturbed by other work on the machine)
        if (!results[name] || r.seconds < results[name].seconds) results[name] = r;
        process.stderr.write(
          `  ${fmt(mb(bytes) / r.seconds)} MB/s (${fmt(r.cpuSeconds ? mb(bytes) / r.cpuSeconds : null)} per CPU second), peak ${fmt((r.vmHwmKiB ?? 0) / 1024, 0)} MiB, load ${loadavg()[0].toFixed(1)}\n`,
        );
      }
    }
    // every reader read the same numbers: the sums agree (summed in different orders: relative 1e-9)
    const sums = Object.entries(results).map(([k, r]) => [k, r.sum as number] as const);
    for (const [k, s] of sums) {
      if (Math.abs(s - sums[0][1]) > 1e-9 * Math.abs(sums[0][1]))
        throw new Error(`${k} summed the file to ${s}, ${sums[0][0]} to ${sums[0][1]}: not the same numbers`);
      if (results[k].rows !== rows) throw new Error(`${k} read ${results[k].rows} rows, the file has ${rows}`);
    }

    const cli = join(ROOT, 'apps', 'cli', 'dist', 'run.js');
    const trainRun: Record<string, unknown> = {};
    if (runs.includes('train') || runs.includes('refuse')) {
      if (!existsSync(cli)) throw new Error(`${cli} is missing: build the CLI first (npx nx run cli:build)`);
    }
    if (runs.includes('train')) {
      process.stderr.write('ffnn train --stream, one epoch ...\n');
      const hwm = join(dir, 'vmhwm');
      const args = ['--import', join(HERE, 'vmhwm-hook.mjs'), cli, 'train', '--data', `csv:${file}`, '--stream', '--epochs', '1', '--json'];
      const r = await runChild(process.env.NODE ?? 'node', args, { ...process.env, FFNN_BENCH_VMHWM_FILE: hwm });
      if (r.exitCode !== 0) throw new Error(`ffnn train --stream failed (exit ${r.exitCode}): ${r.stderr.slice(-2000)}`);
      const out = JSON.parse(r.stdout);
      const peak = Number(readFileSync(hwm, 'utf8'));
      Object.assign(trainRun, {
        command: `ffnn ${args.slice(3).join(' ').replace(file, 'FILE')}`,
        seconds: r.seconds,
        epochSeconds: out.epochs[0].seconds,
        loss: out.epochs[0].loss,
        backend: out.backend,
        vmHwmKiB: peak,
      });
      process.stderr.write(`  ${fmt(r.seconds)} s, peak ${fmt(peak / 1024, 0)} MiB\n`);
    }
    if (runs.includes('refuse')) {
      const r = await runChild(process.env.NODE ?? 'node', [cli, 'train', '--data', `csv:${file}`, '--epochs', '1']);
      const refused = r.exitCode === 1 && /SIZE_LIMIT/.test(r.stderr) && /--stream/.test(r.stderr);
      trainRun.withoutStream = { exitCode: r.exitCode, seconds: r.seconds, message: r.stderr.trim().split('\n').pop(), refused };
      if (!refused && bytes > 2 ** 30)
        throw new Error(`ffnn train without --stream was not refused on a ${bytes}-byte file: exit ${r.exitCode}, ${r.stderr.slice(-500)}`);
    }
    report.loadAverage = { end: loadavg().map((x) => Math.round(x * 100) / 100) };

    const rowsOut = Object.entries(results).map(([k, r]) => [
      k,
      fmt(mb(bytes) / r.seconds),
      fmt(r.cpuSeconds ? mb(bytes) / r.cpuSeconds : null),
      fmt(r.seconds, 2),
      fmt((r.vmHwmKiB ?? 0) / 1024, 0),
      fmt(r.baselineVmHwmKiB ? r.baselineVmHwmKiB / 1024 : null, 0),
    ]);
    const names: Record<string, string> = {
      'ffnn-node': 'ffnn readCsvStream (node)',
      'ffnn-bun': 'ffnn readCsvStream (bun)',
      pandas: `pandas ${results.pandas?.pandas ?? ''} read_csv (C, whole)`,
      'pandas-chunks': 'pandas read_csv (C, chunks 10k)',
      csv: 'python csv + float()',
    };
    console.log(
      `\nCSV reading: ${fmt(mb(bytes), 0)} MB, ${rows.toLocaleString('en-US')} rows x ${COLUMNS + 1} columns; ${cpuModel()}, load ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    console.log(
      formatTable(
        ['reader', 'MB/s (wall)', 'MB/s (CPU)', 'seconds', 'peak MiB', 'start MiB'],
        rowsOut.map((r) => [names[r[0]] ?? r[0], ...r.slice(1)]),
      ),
    );
    if (trainRun.vmHwmKiB) {
      console.log(
        `\n${trainRun.command}: peak RSS ${fmt((trainRun.vmHwmKiB as number) / 1024, 0)} MiB (VmHWM), ${fmt(trainRun.seconds as number)} s (${trainRun.backend} backend)`,
      );
    }
    if (trainRun.withoutStream) {
      const w = trainRun.withoutStream as { exitCode: number; message: string };
      console.log(
        w.exitCode === 0
          ? 'without --stream: read whole and trained (the file is within --max-data-bytes, default 1 GiB)'
          : `without --stream: exit ${w.exitCode}: ${w.message}`,
      );
    }
    report.readers = Object.fromEntries(
      Object.entries(results).map(([k, r]) => [
        k,
        {
          ...r,
          stdout: undefined,
          stderr: undefined,
          roundSeconds: rounds[k],
          mbPerSecond: mb(bytes) / r.seconds,
          mbPerCpuSecond: r.cpuSeconds ? mb(bytes) / r.cpuSeconds : null,
        },
      ]),
    );
    report.train = trainRun;
    const out = values.out ? resolve(values.out) : join(ROOT, 'bench-results', `csv-${(report.createdAt as string).replace(/[:.]/g, '-')}.json`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nreport: ${out}`);
  } finally {
    if (values.keep) process.stderr.write(`kept ${file}\n`);
    else rmSync(dir, { recursive: true, force: true }); // (a --file given is outside it: left alone)
  }
}

if ((import.meta as { main?: boolean }).main ?? process.argv[1]?.endsWith('csv-bench.ts')) await main();
