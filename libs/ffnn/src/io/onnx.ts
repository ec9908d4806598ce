/**
 * ONNX export: a fitted classifier or regressor as a standard ONNX graph (opset 13), written by hand as
 * protobuf bytes so the core library keeps zero dependencies. Only the few messages and fields
 * the graph needs are encoded (field numbers from onnx/onnx.proto, proto2 wire format).
 *
 *   X [N, nFeatures]
 *   per layer l:  MatMul(h, coefs.l) -> Add(., intercepts.l) -> activation
 *                 (Relu, Sigmoid, Tanh, Softsign, Softplus, Identity; Softmax on axis 1 for the
 *                 multiclass output). In float64 graphs Softsign and Softplus are spelled out
 *                 with Abs, Add, Div, Neg, Exp, Log and Relu (onnxruntime has float-only kernels).
 *   binary:       p [N, 1] -> Concat(Sub(1, p), p) = probabilities [N, 2]   (as predictProba)
 *   probabilities [N, K]
 *   label [N]:    Gather(classes, ArgMax(probabilities, axis 1)); multilabel: Cast(Greater(p, 0.5))
 *                 (a single class c, binary as in sklearn: the classes tensor is [c, c], so the
 *                 label is always c, as predict)
 *
 * Classes are int64 when every class is a whole number, double for other numbers, else strings.
 *
 * A regressor's graph ends at its output layer (Identity for squared error, Exp for poisson,
 * whatever the model's output activation is): predictions [N, nOutputs], as predict (which
 * ravels a single output to [N]; the graph keeps the column).
 */
import type { ActivationName, FloatArray } from '../backend/backend.ts';
import type { FFNNClassifier } from '../classifier.ts';
import { FfnnError } from '../errors.ts';
import type { FFNNRegressor } from '../regressor.ts';
import { VERSION } from '../version.ts';
import { checkFiniteWeights } from './model-spec.ts';

/** The ONNX opset exportOnnx writes. */
export const ONNX_OPSET = 13;
/** The IR version that goes with opset 13. */
export const ONNX_IR_VERSION = 7;

/** TensorProto.DataType values. */
const FLOAT = 1;
const INT64 = 7;
const STRING = 8;
const DOUBLE = 11;
/** AttributeProto.AttributeType values. */
const ATTR_INT = 2;

const OPS: Record<ActivationName, string> = {
  identity: 'Identity',
  relu: 'Relu',
  logistic: 'Sigmoid',
  tanh: 'Tanh',
  softsign: 'Softsign',
  softplus: 'Softplus',
  softmax: 'Softmax',
  exp: 'Exp',
};

// ---------------------------------------------------------------- protobuf wire format

const utf8 = new TextEncoder();

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Base-128 varint; negative int64 values take ten bytes (two's complement), as protobuf does. */
function varint(value: number | bigint): Uint8Array {
  let x = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return Uint8Array.from(out);
}

const key = (field: number, wireType: number) => varint((field << 3) | wireType);
const int = (field: number, value: number | bigint) => concat([key(field, 0), varint(value)]);
const bytes = (field: number, payload: Uint8Array) => concat([key(field, 2), varint(payload.length), payload]);
const str = (field: number, s: string) => bytes(field, utf8.encode(s));
const msg = (field: number, parts: readonly Uint8Array[]) => bytes(field, concat(parts));

// ---------------------------------------------------------------- ONNX messages

function tensor(name: string, dims: readonly number[], data: { type: number; raw?: Uint8Array; strings?: readonly string[] }): Uint8Array[] {
  return [
    ...dims.map((d) => int(1, d)), // dims
    int(2, data.type), // data_type
    ...(data.strings ?? []).map((s) => str(6, s)), // string_data
    str(8, name), // name
    ...(data.raw ? [bytes(9, data.raw)] : []), // raw_data
  ];
}

function valueInfo(name: string, elemType: number, dims: readonly (number | string)[]): Uint8Array[] {
  const shape = dims.map((d) => msg(1, [typeof d === 'number' ? int(1, d) : str(2, d)]));
  return [str(1, name), msg(2, [msg(1, [int(1, elemType), msg(2, shape)])])];
}

function node(op: string, inputs: readonly string[], outputs: readonly string[], name: string, attrs: Record<string, number> = {}): Uint8Array[] {
  return [
    ...inputs.map((s) => str(1, s)),
    ...outputs.map((s) => str(2, s)),
    str(3, name),
    str(4, op),
    ...Object.entries(attrs).map(([k, v]) => msg(5, [str(1, k), int(20, ATTR_INT), int(3, v)])),
  ];
}

function littleEndian(values: FloatArray, dtype: 'float32' | 'float64'): Uint8Array {
  const n = values.length;
  const out = new Uint8Array(n * (dtype === 'float32' ? 4 : 8));
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) dtype === 'float32' ? view.setFloat32(i * 4, values[i], true) : view.setFloat64(i * 8, values[i], true);
  return out;
}

/** exportOnnx's options: the graph's element type and name. */
export interface OnnxExportOptions {
  /** Element type of the graph: 'float32' (default; every runtime supports it) or 'float64'. */
  dtype?: 'float32' | 'float64';
  /** The graph's name (default "ffnn"). */
  name?: string;
}

/** The name of a regressor graph's output. */
export const ONNX_REGRESSION_OUTPUT = 'predictions';

type Exportable = FFNNClassifier | FFNNRegressor;
const isClassifier = (model: Exportable): model is FFNNClassifier => 'classes' in model;

/** The classifier or regressor as ONNX model bytes. */
export function exportOnnx(model: Exportable, options: OnnxExportOptions = {}): Uint8Array {
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new FfnnError('INVALID_PARAM', `dtype: expected 'float32' or 'float64', got ${JSON.stringify(dtype)}`, { param: 'dtype' });
  }
  const coefs = model.coefs.map((c) => c.data);
  checkFiniteWeights(coefs, model.intercepts, 'the ONNX file');
  return isClassifier(model) ? classifierGraph(model, dtype, coefs, options.name) : regressorGraph(model, dtype, coefs, options.name);
}

/** Layers 0..L-1 as nodes and initializers; the last layer's activation writes `lastOut`. Returns the output's name. */
function layerNodes(
  model: Exportable,
  dtype: 'float32' | 'float64',
  coefs: FloatArray[],
  nodes: Uint8Array[][],
  inits: Uint8Array[][],
  oneInit: Uint8Array[],
  lastOut: string,
): string {
  const elem = dtype === 'float32' ? FLOAT : DOUBLE;
  const sizes = model.layerSizes;
  const acts = model.layerActivations;
  const intercepts = model.intercepts;
  const L = sizes.length - 1;
  let h = 'X';
  for (let l = 0; l < L; l++) {
    inits.push(tensor(`coefs.${l}`, [sizes[l], sizes[l + 1]], { type: elem, raw: littleEndian(coefs[l], dtype) }));
    inits.push(tensor(`intercepts.${l}`, [sizes[l + 1]], { type: elem, raw: littleEndian(intercepts[l], dtype) }));
    nodes.push(node('MatMul', [h, `coefs.${l}`], [`matmul.${l}`], `matmul.${l}`));
    nodes.push(node('Add', [`matmul.${l}`, `intercepts.${l}`], [`z.${l}`], `add.${l}`));
    const out = l === L - 1 ? lastOut : `a.${l}`;
    const z = `z.${l}`;
    if (dtype === 'float64' && (acts[l] === 'softsign' || acts[l] === 'softplus')) {
      // onnxruntime's CPU kernels for Softsign and Softplus are float-only: spell them out
      if (!inits.some((t) => t === oneInit)) inits.push(oneInit);
      nodes.push(node('Abs', [z], [`abs.${l}`], `abs.${l}`));
      if (acts[l] === 'softsign') {
        // z / (1 + |z|)
        nodes.push(node('Add', ['one', `abs.${l}`], [`den.${l}`], `den.${l}`));
        nodes.push(node('Div', [z, `den.${l}`], [out], `softsign.${l}`));
      } else {
        // max(z, 0) + log(1 + exp(-|z|))
        nodes.push(node('Neg', [`abs.${l}`], [`negabs.${l}`], `negabs.${l}`));
        nodes.push(node('Exp', [`negabs.${l}`], [`exp.${l}`], `exp.${l}`));
        nodes.push(node('Add', ['one', `exp.${l}`], [`onep.${l}`], `onep.${l}`));
        nodes.push(node('Log', [`onep.${l}`], [`log.${l}`], `log.${l}`));
        nodes.push(node('Relu', [z], [`relu.${l}`], `relu.${l}`));
        nodes.push(node('Add', [`relu.${l}`, `log.${l}`], [out], `softplus.${l}`));
      }
    } else nodes.push(node(OPS[acts[l]], [z], [out], `${acts[l]}.${l}`, acts[l] === 'softmax' ? { axis: 1 } : {}));
    h = out;
  }
  return h;
}

/** The regressor's graph: the layers, then predictions [N, nOutputs]. */
function regressorGraph(reg: FFNNRegressor, dtype: 'float32' | 'float64', coefs: FloatArray[], name: string | undefined): Uint8Array {
  const elem = dtype === 'float32' ? FLOAT : DOUBLE;
  const sizes = reg.layerSizes;
  const nodes: Uint8Array[][] = [];
  const inits: Uint8Array[][] = [];
  const oneInit = tensor('one', [], { type: elem, raw: littleEndian(Float64Array.of(1), dtype) });
  layerNodes(reg, dtype, coefs, nodes, inits, oneInit, ONNX_REGRESSION_OUTPUT);
  const L = sizes.length - 1;
  const graph = [
    ...nodes.map((n) => msg(1, n)), // node
    str(2, name ?? 'ffnn'), // name
    ...inits.map((t) => msg(5, t)), // initializer
    msg(11, valueInfo('X', elem, ['N', sizes[0]])), // input
    msg(12, valueInfo(ONNX_REGRESSION_OUTPUT, elem, ['N', sizes[L]])), // output
  ];
  const meta: Record<string, string> = {
    ffnn_version: VERSION,
    target_kind: 'continuous',
    n_outputs: String(sizes[L]),
    layer_sizes: JSON.stringify(sizes),
    activations: JSON.stringify(reg.layerActivations),
  };
  return modelBytes(graph, meta, `ffnn regressor ${sizes.join('-')}; output: ${ONNX_REGRESSION_OUTPUT} [N, ${sizes[L]}] (as predict)`);
}

/** The classifier's graph: the layers, then probabilities and label. */
function classifierGraph(clf: FFNNClassifier, dtype: 'float32' | 'float64', coefs: FloatArray[], name: string | undefined): Uint8Array {
  const elem = dtype === 'float32' ? FLOAT : DOUBLE;
  const sizes = clf.layerSizes;
  const acts = clf.layerActivations;
  const kind = clf.targetKind;
  const classes = clf.classes;
  // one class: ArgMax over [1 - p, p] may give 1, which must gather that class too (predict's rule)
  const gathered = classes.length === 1 ? [classes[0], classes[0]] : classes;
  const L = sizes.length - 1;
  const nodes: Uint8Array[][] = [];
  const inits: Uint8Array[][] = [];
  const oneInit = tensor('one', [], { type: elem, raw: littleEndian(Float64Array.of(1), dtype) });
  const h = layerNodes(clf, dtype, coefs, nodes, inits, oneInit, kind !== 'binary' ? 'probabilities' : `a.${L - 1}`);
  if (kind === 'binary') {
    if (!inits.some((t) => t === oneInit)) inits.push(oneInit);
    nodes.push(node('Sub', ['one', h], ['one_minus_p'], 'one_minus_p'));
    nodes.push(node('Concat', ['one_minus_p', h], ['probabilities'], 'probabilities', { axis: 1 }));
  }
  const nCols = kind === 'binary' ? 2 : sizes[L];
  let labelType: number;
  if (kind === 'multilabel') {
    inits.push(tensor('half', [], { type: elem, raw: littleEndian(Float64Array.of(0.5), dtype) }));
    nodes.push(node('Greater', ['probabilities', 'half'], ['above_half'], 'above_half'));
    nodes.push(node('Cast', ['above_half'], ['label'], 'label', { to: INT64 }));
    labelType = INT64;
  } else {
    nodes.push(node('ArgMax', ['probabilities'], ['class_index'], 'argmax', { axis: 1, keepdims: 0 }));
    if (gathered.every((c) => typeof c === 'number' && Number.isSafeInteger(c))) {
      labelType = INT64;
      const raw = new Uint8Array(gathered.length * 8);
      gathered.forEach((c, i) => new DataView(raw.buffer).setBigInt64(i * 8, BigInt(c as number), true));
      inits.push(tensor('classes', [gathered.length], { type: INT64, raw }));
    } else if (gathered.every((c) => typeof c === 'number')) {
      labelType = DOUBLE;
      inits.push(tensor('classes', [gathered.length], { type: DOUBLE, raw: littleEndian(Float64Array.from(gathered as number[]), 'float64') }));
    } else {
      labelType = STRING;
      inits.push(tensor('classes', [gathered.length], { type: STRING, strings: gathered.map(String) }));
    }
    nodes.push(node('Gather', ['classes', 'class_index'], ['label'], 'label', { axis: 0 }));
  }

  const graph = [
    ...nodes.map((n) => msg(1, n)), // node
    str(2, name ?? 'ffnn'), // name
    ...inits.map((t) => msg(5, t)), // initializer
    msg(11, valueInfo('X', elem, ['N', sizes[0]])), // input
    msg(12, valueInfo('probabilities', elem, ['N', nCols])), // output
    msg(12, valueInfo('label', labelType, kind === 'multilabel' ? ['N', nCols] : ['N'])),
  ];
  const meta: Record<string, string> = {
    ffnn_version: VERSION,
    target_kind: kind,
    classes: JSON.stringify(classes),
    layer_sizes: JSON.stringify(sizes),
    activations: JSON.stringify(acts),
  };
  return modelBytes(graph, meta, `ffnn ${kind} classifier ${sizes.join('-')}; outputs: probabilities (as predictProba) and label (as predict)`);
}

/** The ModelProto around a graph. */
function modelBytes(graph: Uint8Array[], meta: Record<string, string>, doc: string): Uint8Array {
  return concat([
    int(1, ONNX_IR_VERSION), // ir_version
    str(2, 'ffnn'), // producer_name
    str(3, VERSION), // producer_version
    str(6, doc), // doc_string
    msg(7, graph), // graph
    msg(8, [int(2, ONNX_OPSET)]), // opset_import (default domain)
    ...Object.entries(meta).map(([k, v]) => msg(14, [str(1, k), str(2, v)])), // metadata_props
  ]);
}
