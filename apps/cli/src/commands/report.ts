/** `ffnn report MODEL --out report.html`: one self-contained HTML page about a saved model. */
import { FfnnError } from '@ffnn/core';
import { readInputText, writeFileAtomic } from '@ffnn/core/node';
import { checkHistorySummary, type HistorySummary, type ModelLike, modelReport, modelReportCharts } from '@ffnn/viz';
import { intFlag, parseArgs, UsageError } from '../flags.ts';
import { MAX_HISTORY_BINS, MAX_REPORT_NODES } from '../limits.ts';
import { loadModelArg, modelFiles } from '../model-input.ts';
import { checkOutputs } from '../outputs.ts';
import { rejectOptions } from '../reject-options.ts';

const REPORT_USAGE = `usage: ffnn report MODEL --out report.html [flags]

Writes one self-contained HTML page (inline SVG and CSS, no network needed to open it):
  - the model: layers, activations, options, parameters
  - the network's structure: layers as columns with bias nodes, edges coloured by the sign of the
    weight and sized by its magnitude; wide layers (e.g. 784 inputs) summarised into groups
  - training and validation loss curves (from the model file)
  - weight histograms for the chosen layers
  - with --history: gradient histograms per layer, the gradient per edge in the network picture,
    and the spread of weights and gradients by epoch

The model file stores weights and loss curves but not the per-epoch history. To get gradients,
record a history summary when training and pass it here:
  ffnn train --out model.json --history-out history.json --validation-split 0.1
  ffnn report model.json --history history.json --out report.html

  --out FILE            where to write the HTML (required)
  --history FILE        the summary written by ffnn train --history-out
  --layers LIST         weight matrices to draw histograms for, 0-based, comma-separated (default all)
  --bins N              histogram bins for the final weights (default 30)
  --max-nodes N         summarise layers wider than N units into N groups (default 10)
  --title TEXT          page title
  --json                print {"out", "charts"} instead of a sentence
  --help                this text`;

export async function report(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    out: 'value',
    history: 'value',
    layers: 'value',
    bins: 'value',
    'max-nodes': 'value',
    title: 'value',
    json: 'boolean',
    help: 'boolean',
  });
  if (args.flags.help) {
    console.log(REPORT_USAGE);
    return 0;
  }
  rejectOptions(args, argv, 'report');
  if (!args.flags.out) throw new UsageError('--out: required (the HTML file to write)');
  const bins = intFlag(args.flags, 'bins', 30, 1, MAX_HISTORY_BINS);
  const maxNodes = intFlag(args.flags, 'max-nodes', 10, 1, MAX_REPORT_NODES);
  let layers: number[] | undefined;
  if (args.flags.layers !== undefined) {
    layers = String(args.flags.layers)
      .split(',')
      .map((s) => {
        const v = /^\s*\d+\s*$/.test(s) ? Number(s) : NaN;
        if (!Number.isSafeInteger(v)) throw new UsageError(`--layers: expected 0-based layer numbers separated by commas, got "${args.flags.layers}"`);
        return v;
      });
  }
  checkOutputs(
    [{ flag: 'out', path: args.flags.out as string }],
    [...modelFiles(args.positionals), ...(args.flags.history ? [{ flag: 'history', path: args.flags.history as string }] : [])],
  );
  // a classifier or a regressor: the page reads the model's JSON document, which says which
  const clf = loadModelArg(args.positionals, 'report');
  const model = clf.toJSON() as unknown as ModelLike;
  const L = model.layerSizes.length - 1;
  for (const l of layers ?? []) if (l >= L) throw new UsageError(`--layers: ${l} is not a layer of this model (it has weight matrices 0..${L - 1})`);

  let history: HistorySummary | null = null;
  if (args.flags.history) {
    const path = args.flags.history as string;
    const text = readInputText(path, '--history');
    try {
      history = checkHistorySummary(JSON.parse(text), `--history ${path}`);
    } catch (err) {
      throw new FfnnError('INVALID_DATA', err instanceof SyntaxError ? `--history ${path}: not valid JSON (${err.message})` : (err as Error).message, {
        file: path,
      });
    }
    if (JSON.stringify(history.layerSizes) !== JSON.stringify(model.layerSizes)) {
      throw new FfnnError(
        'SHAPE_MISMATCH',
        `--history ${path}: recorded for layers [${history.layerSizes.join(', ')}], the model has [${model.layerSizes.join(', ')}]`,
        { file: path },
      );
    }
  }
  const input = {
    model,
    history,
    layers,
    bins,
    maxNodes,
    source: args.positionals[0],
    title: (args.flags.title as string | undefined) ?? `ffnn model report: ${args.positionals[0]}`,
  };
  const html = await modelReport(input);
  writeFileAtomic(args.flags.out as string, html, '--out');
  const charts = modelReportCharts(input);
  if (args.flags.json) console.log(JSON.stringify({ out: args.flags.out, bytes: html.length, charts }));
  else console.log(`report written to ${args.flags.out} (${(html.length / 1024).toFixed(0)} KB; charts: ${charts.join(', ')})`);
  return 0;
}
