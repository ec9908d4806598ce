/**
 * `ffnn parity [CASE...]`: the comparison `nx run parity:check` prints, for one case or all:
 * ffnn trained from each fixture's seed vs the scikit-learn numbers the fixture records (reusing
 * @ffnn/parity, libs/parity/src/compare.ts), then a closing block saying, for weights, biases, predictions,
 * probabilities, loss and accuracy, whether the two sides are equal within the parity tolerance
 * (float64 1e-9, float32 1e-4 absolute; predictions and accuracy exactly). --live first
 * regenerates the fixtures with live scikit-learn and compares them with the committed ones.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CaseReport, caseNames, compareFixtures, FIXTURE_DIR, type Fixture, formatTable, loadFixture, ROOT, runCase, TOLERANCE } from '@ffnn/parity';
import { parseArgs, UsageError } from '../flags.ts';
import { rejectOptions } from '../reject-options.ts';

const PARITY_USAGE = `usage: ffnn parity [CASE...] [flags]

Trains every parity case (or the ones named) in ffnn from the fixture's seed and compares it
with scikit-learn's numbers in fixtures/parity/<case>.json: the same table as nx run parity:check,
then weights, biases, predictions, probabilities, loss and accuracy marked equal or not.
Tolerances (absolute): float64 1e-9, float32 1e-4; predictions and accuracy must match exactly.

  --live      also regenerate the fixtures with live scikit-learn (needs the venv:
              node tools/parity/setup.mjs) and compare them with the committed ones
  --backend js|native   train ffnn on this backend (default js, the reference)
  --list      print the case names and exit
  --json      print the reports as JSON
  --help      this text

Exit codes: 0 every case equal, 1 a difference (or a missing fixture), 2 usage.`;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const accuracy = (pred: readonly unknown[], truth: readonly unknown[]) => pred.filter((p, i) => same(p, truth[i])).length / truth.length;

interface Verdict {
  what: string;
  equal: boolean;
  detail: string;
}

function verdicts(reports: CaseReport[], fixtures: Map<string, Fixture>, predictions: Map<string, unknown[] | null>): Verdict[] {
  const worst = (f: (r: CaseReport) => number) => Math.max(0, ...reports.map(f).map((x) => (Number.isNaN(x) ? Infinity : x)));
  const within = (f: (r: CaseReport) => number) => reports.every((r) => f(r) <= r.tol);
  const e = (x: number) => (x === 0 ? '0' : x.toExponential(2));
  const out: Verdict[] = [
    { what: 'weights', equal: within((r) => r.diffs.weights), detail: `max |diff| ${e(worst((r) => r.diffs.weights))}` },
    { what: 'biases', equal: within((r) => r.diffs.biases), detail: `max |diff| ${e(worst((r) => r.diffs.biases))}` },
  ];
  let rows = 0;
  let differ = 0;
  let accSk = 0;
  let accFf = 0;
  let accEqual = true;
  let predOk = true;
  for (const r of reports) {
    const fx = fixtures.get(r.case)!;
    const pred = predictions.get(r.case);
    const sk = fx.result.predict as unknown[];
    if (!pred) {
      predOk = false;
      accEqual = false;
      continue;
    }
    rows += sk.length;
    differ += sk.filter((p, i) => !same(p, pred[i])).length;
    const a = accuracy(sk, fx.data.test.y as unknown[]);
    const b = accuracy(pred, fx.data.test.y as unknown[]);
    accSk += a;
    accFf += b;
    if (a !== b) accEqual = false;
  }
  const n = reports.length;
  out.push({ what: 'predictions', equal: predOk && differ === 0, detail: `${differ} of ${rows} held-out rows differ` });
  out.push({ what: 'probabilities', equal: within((r) => r.diffs.proba), detail: `max |diff| ${e(worst((r) => r.diffs.proba))}` });
  out.push({ what: 'loss', equal: within((r) => r.diffs.loss), detail: `max |diff| ${e(worst((r) => r.diffs.loss))} over the loss curves` });
  out.push({
    what: 'accuracy',
    equal: accEqual,
    detail:
      n === 1
        ? `scikit-learn ${(accSk * 100).toFixed(2)}%, ffnn ${(accFf * 100).toFixed(2)}%`
        : `mean over ${n} cases: scikit-learn ${((accSk / n) * 100).toFixed(2)}%, ffnn ${((accFf / n) * 100).toFixed(2)}%`,
  });
  return out;
}

export function parity(argv: string[]): number {
  const args = parseArgs(argv, { live: 'boolean', list: 'boolean', json: 'boolean', help: 'boolean' });
  if (args.flags.help) {
    console.log(PARITY_USAGE);
    return 0;
  }
  // --backend is the library's option flag; auto is not a choice here: the check names its backend
  const backend = (args.options.backend ?? 'js') as string;
  if (backend !== 'js' && backend !== 'native') throw new UsageError(`--backend: expected js or native, got "${backend}"`);
  rejectOptions(args, argv, 'parity', ['backend']);
  const all = caseNames();
  if (args.flags.list) {
    console.log(all.join('\n'));
    return 0;
  }
  const unknown = args.positionals.filter((n) => !all.includes(n));
  if (unknown.length) throw new UsageError(`unknown case(s): ${unknown.join(', ')} (ffnn parity --list shows the ${all.length} cases)`);
  const names = args.positionals.length ? all.filter((n) => args.positionals.includes(n)) : all;
  const missing = names.filter((n) => !existsSync(join(FIXTURE_DIR, `${n}.json`)));
  for (const m of missing) console.error(`ffnn parity: ${m}: no committed fixture (run: node tools/parity/generate.mjs --only ${m})`);
  const present = names.filter((n) => !missing.includes(n));
  const fixtures = new Map(present.map((n) => [n, loadFixture(join(FIXTURE_DIR, `${n}.json`))]));
  const json = args.flags.json === true;

  let live: CaseReport[] = [];
  if (args.flags.live) {
    const tmp = mkdtempSync(join(tmpdir(), 'ffnn-parity-'));
    try {
      const gen = spawnSync('node', [join(ROOT, 'tools', 'parity', 'generate.mjs'), '--out', tmp, '--json', '--only', present.join(',')], {
        cwd: ROOT,
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      if (gen.status !== 0) {
        console.error(gen.stderr);
        console.error('ffnn parity: generate.mjs failed; is the venv set up? (node tools/parity/setup.mjs)');
        return 1;
      }
      live = present.map((n) => compareFixtures(fixtures.get(n)!, loadFixture(join(tmp, `${n}.json`))));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    if (!json) console.log(`${formatTable(live, 'committed fixtures vs live scikit-learn (max abs diff)')}\n`);
  }

  const reports = present.map((n) => runCase(fixtures.get(n)!, { backend }));
  // null where training threw (the report carries the exception)
  const predictions = new Map<string, unknown[] | null>(reports.map((r) => [r.case, r.predictions ?? null]));
  const v = verdicts(reports, fixtures, predictions);
  const ok = missing.length === 0 && reports.every((r) => r.ok) && live.every((r) => r.ok) && v.every((x) => x.equal);
  if (json) {
    console.log(JSON.stringify({ ok, tolerance: TOLERANCE, live, reports, verdicts: v, missing }));
    return ok ? 0 : 1;
  }
  console.log(formatTable(reports, `ffnn (${backend} backend) vs scikit-learn fixtures (max abs diff)`));
  for (const r of reports.filter((x) => !x.ok)) {
    console.log(`FAIL ${r.case}:`);
    for (const f of r.failures.slice(0, 8)) console.log(`    ${f}`);
  }
  console.log('');
  console.log(
    `${present.length === 1 ? present[0] : `${present.length} cases`}: ffnn vs scikit-learn (float64 tol ${TOLERANCE.float64}, float32 tol ${TOLERANCE.float32}; predictions and accuracy exact)`,
  );
  for (const x of v) console.log(`  ${x.what.padEnd(14)} ${(x.equal ? 'equal' : 'NOT EQUAL').padEnd(10)} ${x.detail}`);
  console.log(ok ? 'parity: equal' : 'parity: NOT equal');
  return ok ? 0 : 1;
}
