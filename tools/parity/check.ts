/**
 * nx run parity:check — the full parity check (needs the Python venv from setup.mjs).
 *
 *  (a) regenerate every fixture with live scikit-learn into a temporary folder and confirm it
 *      agrees with the committed one (float64 1e-9, float32 1e-4 absolute; discrete results equal);
 *  (b) train every case in ffnn from the same seed and compare it with the committed fixture;
 *  (c) print a table per part and exit non-zero on any failure.
 *
 * Usage: bun --conditions=@ffnn/source tools/parity/check.ts [--skip-reference] [--only a,b] [--keep] [--report FILE]
 *   --skip-reference  skip (a): no Python needed (what the uvu suite does)
 *   --only            a subset of the cases
 *   --keep            keep the temporary folder of regenerated fixtures
 *   --report FILE     also write every report as JSON
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNativeBackend, loadWasmBackendSync } from '@ffnn/core/backend';
import { type CaseReport, caseNames, compareFixtures, FIXTURE_DIR, formatTable, loadFixture, ROOT, runCase } from '@ffnn/parity';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const only = value('--only')?.split(',').filter(Boolean);
let names = caseNames();
if (only) {
  const unknown = only.filter((n) => !names.includes(n));
  if (unknown.length) {
    console.error(`unknown case(s): ${unknown.join(', ')}`);
    process.exit(2);
  }
  names = names.filter((n) => only.includes(n));
}

const problems: string[] = [];
for (const n of names) {
  if (!existsSync(join(FIXTURE_DIR, `${n}.json`))) problems.push(`${n}: no committed fixture (run: node tools/parity/generate.mjs)`);
}
const present = names.filter((n) => existsSync(join(FIXTURE_DIR, `${n}.json`)));
const committed = new Map(present.map((n) => [n, loadFixture(join(FIXTURE_DIR, `${n}.json`))]));

function printFailures(reports: CaseReport[], label: string): void {
  for (const r of reports.filter((x) => !x.ok)) {
    console.log(`FAIL ${label} ${r.case}:`);
    for (const f of r.failures.slice(0, 8)) console.log(`    ${f}`);
    if (r.failures.length > 8) console.log(`    ... ${r.failures.length - 8} more`);
  }
}

// ------------------------------------------------ (a) committed fixtures vs live scikit-learn
const refReports: CaseReport[] = [];
if (!flag('--skip-reference')) {
  const tmp = mkdtempSync(join(tmpdir(), 'ffnn-parity-'));
  const t0 = performance.now();
  const gen = spawnSync('node', [join(ROOT, 'tools', 'parity', 'generate.mjs'), '--out', tmp, '--json', ...(only ? ['--only', names.join(',')] : [])], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const genSeconds = (performance.now() - t0) / 1000;
  if (gen.status !== 0) {
    console.error(gen.stderr);
    console.error(`generate.mjs failed (exit ${gen.status}); is the venv set up? (node tools/parity/setup.mjs)`);
    process.exit(1);
  }
  const summary = JSON.parse(gen.stdout) as { versions: Record<string, string> };
  const v = summary.versions;
  console.log(
    `(a) regenerated ${present.length} fixtures with scikit-learn ${v.scikit_learn}, numpy ${v.numpy}, scipy ${v.scipy}, ` +
      `Python ${v.python} in ${genSeconds.toFixed(1)}s`,
  );
  for (const n of present) {
    const fx = committed.get(n)!;
    const live = loadFixture(join(tmp, `${n}.json`));
    const r = compareFixtures(fx, live);
    const g = fx.generator;
    if (g.scikit_learn !== v.scikit_learn || g.numpy !== v.numpy || g.scipy !== v.scipy) {
      r.failures.push(
        `versions: committed fixture made with scikit-learn ${g.scikit_learn}/numpy ${g.numpy}/scipy ${g.scipy}, live ${v.scikit_learn}/${v.numpy}/${v.scipy}`,
      );
      r.ok = false;
    }
    refReports.push(r);
  }
  if (flag('--keep')) console.log(`regenerated fixtures kept in ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
  console.log(formatTable(refReports, '(a) committed fixtures vs live scikit-learn (max abs diff)'));
  printFailures(refReports, '(a)');
  console.log('');
}

// ------------------------------------------------ (b) ffnn vs committed fixtures, on every backend
// the native backend must load here: a parity check that silently skipped it would prove nothing
const native = loadNativeBackend();
if (!native.backend) problems.push(`native backend: ${native.reason} (build it: npx nx run native:build)`);
// and so must the wasm build of the same kernels (it loads wherever WebAssembly with SIMD does)
const wasm = loadWasmBackendSync();
if (!wasm.backend) problems.push(`wasm backend: ${wasm.reason}`);
const backends = ['js', ...(native.backend ? ['native'] : []), ...(wasm.backend ? ['wasm'] : [])] as ('js' | 'native' | 'wasm')[];
const ffnnReports: CaseReport[] = [];
for (const backend of backends) {
  const t1 = performance.now();
  const reports = present.map((n) => runCase(committed.get(n)!, { backend }));
  const ffnnSeconds = (performance.now() - t1) / 1000;
  console.log(formatTable(reports, `(b) ffnn (${backend} backend) vs scikit-learn fixtures, ${ffnnSeconds.toFixed(1)}s (max abs diff)`));
  printFailures(reports, `(b ${backend})`);
  ffnnReports.push(...reports);
}

if (value('--report')) {
  writeFileSync(value('--report')!, JSON.stringify({ reference: refReports, ffnn: ffnnReports, problems }, null, 1));
}

for (const p of problems) console.log(`FAIL ${p}`);
const failedRef = refReports.filter((r) => !r.ok).length;
const failedFfnn = ffnnReports.filter((r) => !r.ok).length;
const total = refReports.length + ffnnReports.length + problems.length;
const failed = failedRef + failedFfnn + problems.length;
console.log('');
console.log(
  `parity: ${names.length} cases; reference ${refReports.length ? `${refReports.length - failedRef}/${refReports.length} ok` : 'skipped'}; ` +
    `ffnn ${ffnnReports.length - failedFfnn}/${ffnnReports.length} ok (backends: ${backends.join(', ')})`,
);
console.log(`${total - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
