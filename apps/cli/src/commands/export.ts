/** `ffnn export MODEL --onnx out.onnx`: a saved model as an ONNX graph, or converted to another model-file format. */
import { exportOnnx, FFNNClassifier, ONNX_REGRESSION_OUTPUT } from '@ffnn/core';
import { loadAnyModel, saveModel, writeFileAtomic } from '@ffnn/core/node';
import { parseArgs, UsageError } from '../flags.ts';
import { modelFiles } from '../model-input.ts';
import { checkOutputs } from '../outputs.ts';
import { rejectOptions } from '../reject-options.ts';

const EXPORT_USAGE = `usage: ffnn export MODEL [--onnx FILE] [--onnx-dtype float32|float64] [--out FILE]

Exports a model saved by "ffnn train --out MODEL" (binary .ffnn or JSON).

  --onnx FILE           write a standard ONNX graph (opset 13): input X [N, features]; outputs
                        probabilities [N, classes] (as predict --proba; binary models give both
                        columns [1 - p, p]) and label [N] (as predict); a regressor's graph has
                        one output, ${ONNX_REGRESSION_OUTPUT} [N, outputs] (as predict; identity output, exp
                        for loss poisson)
  --onnx-dtype TYPE     float32 (default; runs everywhere) or float64 (bit-for-bit closer)
  --out FILE            re-save the model: .json writes the JSON format (version 1), any other
                        extension the binary format (version 2, safetensors with checksums)
  --json                print one JSON object describing what was written
  --help                this text

Files are written atomically (a temporary file, then a rename). Exit codes: 0 ok, 1 model error
(missing, corrupted or mismatched file), 2 usage.`;

export function exportCommand(argv: string[]): number {
  const args = parseArgs(argv, { onnx: 'value', 'onnx-dtype': 'value', out: 'value', json: 'boolean', help: 'boolean' });
  if (args.flags.help) {
    console.log(EXPORT_USAGE);
    return 0;
  }
  rejectOptions(args, argv, 'export');
  if (args.positionals.length !== 1)
    throw new UsageError(`expected one model file: ffnn export MODEL --onnx out.onnx (got ${args.positionals.length} arguments)`);
  const onnx = args.flags.onnx as string | undefined;
  const out = args.flags.out as string | undefined;
  if (!onnx && !out) throw new UsageError('nothing to do: give --onnx FILE and/or --out FILE');
  const dtype = (args.flags['onnx-dtype'] ?? 'float32') as string;
  if (dtype !== 'float32' && dtype !== 'float64') throw new UsageError(`--onnx-dtype: expected float32 or float64, got "${dtype}"`);
  checkOutputs(
    [...(onnx !== undefined ? [{ flag: 'onnx', path: onnx }] : []), ...(out !== undefined ? [{ flag: 'out', path: out }] : [])],
    modelFiles(args.positionals),
  );
  const clf = loadAnyModel(args.positionals[0]);
  const isClassifier = clf instanceof FFNNClassifier;
  const report: {
    model: string;
    task: string;
    layerSizes: readonly number[];
    classes?: number;
    outputs?: number;
    onnx?: { path: string; dtype: string; bytes: number };
    out?: string;
  } = {
    model: args.positionals[0],
    task: isClassifier ? 'classification' : 'regression',
    layerSizes: clf.layerSizes,
    ...(isClassifier ? { classes: clf.classes.length } : { outputs: clf.nOutputs }),
  };
  const what = isClassifier
    ? `${clf.classes.length} class${clf.classes.length === 1 ? '' : 'es'}`
    : `regressor, ${clf.nOutputs} output${clf.nOutputs === 1 ? '' : 's'}`;
  if (onnx) {
    const bytes = exportOnnx(clf, { dtype });
    writeFileAtomic(onnx, bytes, '--onnx');
    report.onnx = { path: onnx, dtype, bytes: bytes.length };
    if (!args.flags.json) console.log(`ONNX model (${dtype}, ${clf.layerSizes.join('-')}, ${what}, ${bytes.length} bytes) written to ${onnx}`);
  }
  if (out) {
    saveModel(clf, out);
    report.out = out;
    if (!args.flags.json) console.log(`model written to ${out}`);
  }
  if (args.flags.json) console.log(JSON.stringify(report));
  return 0;
}
