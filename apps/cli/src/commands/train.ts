/** `ffnn train`: trains on the bundled MNIST digits (by default) and reports per-epoch loss and test accuracy. */
import { FFNNClassifier, OPTIONS, type FFNNOptions } from '../../../../libs/ffnn/src/index.ts';
import { loadMnist } from '../../../../libs/ffnn/src/data/index.ts';
import { OPTION_FLAGS, SHORT_FORMS, UsageError, parseArgs } from '../flags.ts';

/** What `ffnn train` uses when a flag is not given: the project's standard net, a short run. */
export const TRAIN_DEFAULTS: Partial<FFNNOptions> = {
  hiddenLayerSizes: [128, 64],
  solver: 'sgd',
  learningRateInit: 0.1,
  momentum: 0.9,
  batchSize: 200,
  maxIter: 10,
  randomState: 0,
};

const TRAIN_FLAGS = { out: 'value', data: 'value', 'train-size': 'value', 'test-size': 'value', 'split-seed': 'value', json: 'boolean', help: 'boolean' } as const;

function optionHelp(): string {
  const short = Object.fromEntries(Object.entries(SHORT_FORMS).map(([s, n]) => [n, s]));
  return Object.entries(OPTION_FLAGS)
    .map(([flag, name]) => {
      const d = (TRAIN_DEFAULTS as Record<string, unknown>)[name] ?? OPTIONS[name].default;
      const alias = short[name] ? ` (--${short[name]})` : '';
      return `  --${flag}${alias}\n      ${OPTIONS[name].expected}; default ${JSON.stringify(d)}`;
    })
    .join('\n');
}

const TRAIN_USAGE = `usage: ffnn train [flags]

Trains an MLP classifier, printing the loss after every epoch and then the test accuracy.

data and output:
  --data mnist          the bundled digits (default)
  --train-size N        training rows (default 8000)
  --test-size N         test rows (default 2000)
  --split-seed N        seed of the train/test split (default 0)
  --out FILE            save the trained model (JSON, written atomically)
  --json                print one JSON object instead of text

model and training (the library's options in kebab-case):
${optionHelp()}`;

export function train(argv: string[]): number {
  const args = parseArgs(argv, TRAIN_FLAGS);
  if (args.flags.help) {
    console.log(TRAIN_USAGE);
    return 0;
  }
  const data = (args.flags.data as string | undefined) ?? 'mnist';
  if (data !== 'mnist') throw new UsageError(`--data: expected "mnist", got "${data}"`);
  const size = (flag: string, fallback: number) => {
    const raw = args.flags[flag];
    if (raw === undefined) return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < 0) throw new UsageError(`--${flag}: expected a whole number, got "${raw}"`);
    return v;
  };
  const { train: tr, test } = loadMnist({ trainSize: size('train-size', 8000), testSize: size('test-size', 2000), seed: size('split-seed', 0) });
  const json = args.flags.json === true;
  const epochs: { epoch: number; loss: number; seconds: number }[] = [];
  const clf = new FFNNClassifier({
    ...TRAIN_DEFAULTS,
    ...args.options,
    onWarning: (w) => {
      if (!json) console.error(`warning: ${w.message}`);
    },
    onEpoch: (m) => {
      epochs.push({ epoch: m.epoch, loss: m.loss, seconds: m.seconds });
      if (!json) console.log(`epoch ${String(m.epoch).padStart(3)}  loss ${m.loss.toFixed(6)}  ${m.seconds.toFixed(2)} s`);
    },
  });
  const o = clf.getOptions();
  if (!json) console.log(`training ${tr.cols}-${[...(typeof o.hiddenLayerSizes === 'number' ? [o.hiddenLayerSizes] : o.hiddenLayerSizes)].join('-')}-10 ${JSON.stringify(o.activation)} ${o.solver} on ${tr.rows} MNIST digits (${o.dtype})`);
  clf.fit({ rows: tr.rows, cols: tr.cols, data: tr.X }, tr.y);
  const accuracy = test.rows > 0 ? clf.score({ rows: test.rows, cols: test.cols, data: test.X }, test.y) : NaN;
  if (args.flags.out) clf.save(args.flags.out as string);
  if (json) console.log(JSON.stringify({ epochs, testAccuracy: accuracy, nIter: clf.nIter, backend: clf.backendName, model: args.flags.out ?? null }));
  else {
    console.log(`test accuracy ${(accuracy * 100).toFixed(2)}% on ${test.rows} digits`);
    if (args.flags.out) console.log(`model saved to ${args.flags.out}`);
  }
  return 0;
}

