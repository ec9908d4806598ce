/**
 * Regenerates the numbers and charts of docs/guide/6-experiments.md from a real run of
 * `ffnn experiment all` (the built CLI; scikit-learn in the parity venv):
 *
 *   npx nx run docs:experiments        (builds the CLI and the venv first; a few minutes)
 *
 * It runs the experiments at the sizes below into a temporary folder, then replaces the text
 * between `<!-- experiments:NAME -->` and `<!-- /experiments:NAME -->` in the chapter: `run` with
 * the command, data, machine, versions and time; each experiment's name with the table `ffnn
 * experiment` printed for it. The loss-curve charts and a few weight histograms are copied to
 * docs/guide/experiments/. The prose around the blocks is written by hand: reread it when the
 * numbers move. Nothing is written unless the ffnn and scikit-learn columns agree.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './extract.ts';

/** The run the chapter shows: all 10,000 bundled digits (8,000 to train, 2,000 to test), 15 epochs. */
const SIZES = ['--train-size', '8000', '--test-size', '2000', '--epochs', '15'];
const NAMES = ['depth', 'width', 'activation', 'learning-rate', 'init', 'regularization'];
/** Weight histograms the text discusses, besides each experiment's loss curves. */
const HISTOGRAMS = ['init-zero-weights', 'init-he_normal-weights', 'regularization-L1_0.1-weights', 'regularization-L2_0.1-weights'];
const PAGE = join(ROOT, 'docs/guide/6-experiments.md');
const CHARTS = join(ROOT, 'docs/guide/experiments');

/** `text` with the block NAME replaced by `body`; throws when the page has no such block. */
function replaceBlock(text: string, name: string, body: string): string {
  const open = `<!-- experiments:${name} -->`;
  const close = `<!-- /experiments:${name} -->`;
  const a = text.indexOf(open);
  const b = text.indexOf(close);
  if (a < 0 || b < a) throw new Error(`${PAGE}: no block ${open} ... ${close}`);
  return `${text.slice(0, a + open.length)}\n${body.trim()}\n${text.slice(b)}`;
}

/** The table under each `## title` of report.md, keyed by experiment (in NAMES order). */
function tables(reportMd: string): string[] {
  const sections = reportMd.split(/^## /m).slice(1);
  if (sections.length !== NAMES.length) throw new Error(`report.md has ${sections.length} sections, expected ${NAMES.length}`);
  return sections.map((s) =>
    s
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .join('\n'),
  );
}

function machine(): string {
  const os = readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)"?/m)?.[1] ?? process.platform;
  return `${cpus()[0]?.model.replace(/\s+/g, ' ').trim()} (${cpus().length} vCPUs), ${os}, Node ${process.version}`;
}

function main(): void {
  const out = mkdtempSync(join(tmpdir(), 'ffnn-guide-experiments-'));
  try {
    const args = [join(ROOT, 'apps/cli/bin/ffnn.mjs'), 'experiment', 'all', '--out', out, ...SIZES, '--json'];
    console.log(`docs: running ffnn experiment all ${SIZES.join(' ')} (scikit-learn beside it)`);
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 });
    if (r.status !== 0)
      throw new Error(`ffnn experiment exited ${r.status}${r.status === 1 ? ' (the columns differ or a run failed)' : ''}\n${r.stdout.slice(-2000)}`);
    const result = JSON.parse(r.stdout);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    const largest = report.match(/^\*\*(largest difference[^\n]*)\*\*$/m)?.[1] ?? '';
    const v = result.versions;
    const run = [
      '```sh',
      `npx ffnn experiment all --out experiments/ ${SIZES.join(' ')}`,
      '```',
      '',
      `Data: ${result.trainSize.toLocaleString('en')} training and ${result.testSize.toLocaleString('en')} test rows of ${result.dataName}. ` +
        `${result.results.length} settings, each trained by ffnn (${v.ffnn}, js backend, float64) and by scikit-learn ${v.scikit_learn} ` +
        `(numpy ${v.numpy}, Python ${v.python}) side by side: ${result.seconds.toFixed(0)} s in all on ${machine()}.`,
      '',
      `${largest}.`,
    ].join('\n');
    let text = replaceBlock(readFileSync(PAGE, 'utf8'), 'run', run);
    tables(report).forEach((t, i) => (text = replaceBlock(text, NAMES[i], t)));

    rmSync(CHARTS, { recursive: true, force: true });
    mkdirSync(CHARTS, { recursive: true });
    const wanted = [...NAMES.map((n) => `${n}-loss`), ...HISTOGRAMS];
    const have = new Set(readdirSync(join(out, 'charts')));
    for (const c of wanted) {
      if (!have.has(`${c}.svg`)) throw new Error(`ffnn experiment wrote no charts/${c}.svg`);
      copyFileSync(join(out, 'charts', `${c}.svg`), join(CHARTS, `${c}.svg`));
    }
    writeFileSync(PAGE, text);
    console.log(`docs: wrote ${PAGE} and ${wanted.length} charts in ${CHARTS} (${result.seconds.toFixed(0)} s)`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

main();
