/**
 * The `classWeight` option: per-class weights expanded to one weight per row exactly as
 * scikit-learn's `compute_sample_weight(class_weight, y)` does (sklearn/utils/class_weight.py),
 * then multiplied with the caller's sampleWeight. sklearn's MLPClassifier has no class_weight;
 * the reference is `MLPClassifier.fit(X, y, sample_weight=compute_sample_weight(cw, y) * sw)`.
 */
import type { DType, FloatArray } from '../backend/backend.ts';
import { describeValue, FfnnError } from '../errors.ts';
import { type Label, type TargetEncoding, type TargetInput, uniqueSorted } from '../labels.ts';
import type { ClassWeight } from '../options.ts';
import { checkSampleWeight } from './training-data.ts';

/**
 * sklearn's compute_class_weight for one output: the weight of each of `classes` (sorted, all
 * present in `y`). A map names classes by their label as a key (`{ 0: 2 }`, `{ cat: 2 }`).
 */
function classWeights(classWeight: Exclude<ClassWeight, null>, classes: readonly Label[], y: ArrayLike<Label>, index: Map<Label, number>): Float64Array {
  const weight = new Float64Array(classes.length).fill(1);
  if (classWeight === 'balanced') {
    // recip_freq = counts.sum() / (n_classes * counts): the counts are bincount's float64 sums of 1
    const counts = new Float64Array(classes.length);
    for (let i = 0; i < y.length; i++) counts[index.get(y[i])!] += 1;
    let total = 0;
    for (const c of counts) total += c;
    for (let k = 0; k < classes.length; k++) weight[k] = total / (classes.length * counts[k]);
    return weight;
  }
  const keys = Object.keys(classWeight);
  if (keys.length === 0) return weight;
  const unweighted: Label[] = [];
  classes.forEach((c, k) => {
    const key = String(c);
    if (Object.hasOwn(classWeight, key)) weight[k] = classWeight[key];
    else unweighted.push(c);
  });
  // sklearn: a class left out is fine (weight 1) unless the map also names labels that are not classes
  if (unweighted.length > 0 && classes.length - unweighted.length !== keys.length) {
    const strays = keys.filter((key) => !classes.some((c) => String(c) === key));
    throw new FfnnError(
      'INVALID_PARAM',
      `classWeight: the classes [${unweighted.map(describeValue).join(', ')}] are not in classWeight, which names ${strays.map(describeValue).join(', ')} that ${strays.length === 1 ? 'is not a class' : 'are not classes'} of y (classes: [${classes.map(describeValue).join(', ')}])`,
      { param: 'classWeight' },
    );
  }
  return weight;
}

/** compute_sample_weight(classWeight, y): one float64 weight per row, the product over outputs (multilabel columns). */
export function classSampleWeights(classWeight: Exclude<ClassWeight, null>, y: TargetInput, encoding: TargetEncoding, Y: Float64Array): Float64Array {
  const rows = y.length;
  if (encoding.kind !== 'multilabel') {
    const labels = y as ArrayLike<Label>;
    const classes = uniqueSorted(labels);
    const index = new Map<Label, number>();
    classes.forEach((c, k) => index.set(c, k));
    const w = classWeights(classWeight, classes, labels, index);
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) out[i] = w[index.get(labels[i])!];
    return out;
  }
  // multi-output: each column weighted on its own classes (0 and/or 1), then multiplied in column order
  if (classWeight !== 'balanced') {
    throw new FfnnError(
      'INVALID_PARAM',
      "classWeight: for multilabel targets (an indicator matrix) classWeight takes only 'balanced' (sklearn takes a list of maps, one per column; pass the product as sampleWeight)",
      {
        param: 'classWeight',
      },
    );
  }
  const k = encoding.nOutputs;
  const out = new Float64Array(rows);
  const column = new Array<number>(rows);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < rows; i++) column[i] = Y[i * k + j];
    const classes = uniqueSorted(column);
    const index = new Map<Label, number>();
    classes.forEach((c, m) => index.set(c, m));
    const w = classWeights(classWeight, classes, column, index);
    for (let i = 0; i < rows; i++) out[i] = j === 0 ? w[index.get(column[i])!] : out[i] * w[index.get(column[i])!];
  }
  return out;
}

/**
 * The row weights one fit call trains with: the caller's sampleWeight (checked), times the class
 * weights when the `classWeight` option is set. A regressor has no classes and refuses the option;
 * partialFit refuses 'balanced' (it would weigh each call's rows by that call's class counts).
 */
export function trainingWeights(
  classWeight: ClassWeight,
  sampleWeight: ArrayLike<number> | null | undefined,
  y: TargetInput,
  encoding: TargetEncoding,
  Y: Float64Array,
  dtype: DType,
  incremental: boolean,
): FloatArray | null {
  const rows = y.length;
  if (classWeight === null) return checkSampleWeight(sampleWeight, rows, dtype);
  if (encoding.kind === 'continuous') {
    throw new FfnnError('INVALID_PARAM', 'classWeight: a regressor has no classes to weight; leave classWeight null and weight rows with sampleWeight', {
      param: 'classWeight',
    });
  }
  if (incremental && classWeight === 'balanced') {
    throw new FfnnError(
      'INVALID_PARAM',
      "classWeight: 'balanced' is not supported by partialFit (each call would be balanced on its own rows); give a map of class weights computed on the whole training set, e.g. n / (nClasses * count)",
      { param: 'classWeight' },
    );
  }
  const user = checkSampleWeight(sampleWeight, rows, 'float64');
  const w = classSampleWeights(classWeight, y, encoding, Y);
  if (user) for (let i = 0; i < rows; i++) w[i] *= user[i];
  return checkSampleWeight(w, rows, dtype, 'classWeight');
}
