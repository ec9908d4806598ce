#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
// Regenerates the parity fixtures with live scikit-learn (the pinned venv from setup.mjs).
// Usage: node tools/parity/generate.mjs [--out DIR] [--only case1,case2] [--json]
//   --out   where to write <case>.json (default fixtures/parity/; check.ts passes a temp dir)
//   --only  a subset of the cases in tools/parity/cases.json
//   --json  print reference.py's JSON summary on stdout (progress always goes to stderr)
import { $, argv, path } from 'zx';
import { ensureVenv } from './setup.mjs';

$.verbose = false;
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

/**
 * Runs reference.py into `out`; resolves to its summary {out, cases, seconds, versions, written}.
 * @param {{out?: string, only?: string}} [opts]
 */
export async function generate({ out = path.join(root, 'fixtures', 'parity'), only = '' } = {}) {
  const python = await ensureVenv({ quiet: true });
  const args = ['--out', path.resolve(out)];
  if (only) args.push('--only', only);
  // One BLAS thread: tiny matrices gain nothing from threads, and the result must not depend on them.
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', PYTHONHASHSEED: '0', PYTHONDONTWRITEBYTECODE: '1' };
  const res = await $({ env, stdio: ['ignore', 'pipe', process.stderr], cwd: root })`${python} ${path.join(here, 'reference.py')} ${args}`;
  // zx 8's ProcessOutput.json() would parse stdout+stderr together: parse stdout only.
  return JSON.parse(res.stdout);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = argv.out ? path.resolve(String(argv.out)) : undefined;
  const summary = await generate({ out, only: argv.only ? String(argv.only) : '' });
  if (argv.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    const kb = summary.written.reduce((s, w) => s + w.bytes, 0) / 1024;
    const v = summary.versions;
    console.log(
      `wrote ${summary.cases} fixtures (${kb.toFixed(0)} KB) to ${path.relative(process.cwd(), summary.out) || '.'} ` +
        `in ${summary.seconds}s with scikit-learn ${v.scikit_learn}, numpy ${v.numpy}, scipy ${v.scipy}, Python ${v.python}`,
    );
  }
}
