/**
 * scikit-learn's train_test_split as MLPClassifier calls it for early stopping
 * (shared/sklearn-mlp-parity.md section 5.2): ShuffleSplit, or StratifiedShuffleSplit when the
 * target has one output column (binary). Both draw from the classifier's RandomState.
 */
import { FfnnError } from './errors.ts';
import type { RandomState } from './random.ts';

export interface Split {
  train: Int32Array;
  validation: Int32Array;
}

/** _approximate_mode: split nDraws across classes in proportion to counts, ties broken at random. */
export function approximateMode(counts: readonly number[], nDraws: number, rng: RandomState): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((c) => (c / total) * nDraws);
  const floored = continuous.map(Math.floor);
  let need = nDraws - floored.reduce((a, b) => a + b, 0);
  if (need > 0) {
    const remainder = continuous.map((c, i) => c - floored[i]);
    const values = [...new Set(remainder)].sort((a, b) => b - a);
    for (const value of values) {
      const inds = remainder.flatMap((r, i) => (r === value ? [i] : []));
      const take = Math.min(inds.length, need);
      // rng.choice(inds, take, replace=False) = inds[permutation(len)[:take]]
      const perm = rng.permutation(inds.length);
      for (let i = 0; i < take; i++) floored[inds[perm[i]]] += 1;
      need -= take;
      if (need === 0) break;
    }
  }
  return floored;
}

/**
 * Splits n rows into train and validation. With `stratify` the split is stratified on `y`, the one
 * encoded 0/1 target column, as sklearn's MLP does for binary classifiers (multiclass, multilabel
 * and regressors are not stratified). `classes` names the negative and positive class in messages.
 */
export function trainValidationSplit(
  n: number,
  y: ArrayLike<number>,
  stratify: boolean,
  validationFraction: number,
  rng: RandomState,
  classes?: readonly (string | number)[],
): Split {
  const nTest = Math.ceil(validationFraction * n);
  const nTrain = n - nTest;
  if (nTrain <= 0) {
    throw new FfnnError('INVALID_DATA', `validationFraction: ${validationFraction} of ${n} rows leaves no training rows`, { param: 'validationFraction' });
  }
  // sklearn checks the validation set's size after train_test_split, so a stratified split's own
  // errors (a class with one member, too few rows per class) come first
  const checkValidationSize = (): void => {
    if (nTest < 2) {
      throw new FfnnError(
        'INVALID_DATA',
        `validationFraction: the early-stopping validation set would have ${nTest} row(s) of ${n}; it needs at least 2 (raise validationFraction or give more rows)`,
        { param: 'validationFraction', got: nTest },
      );
    }
  };
  if (!stratify) {
    checkValidationSize();
    const p = rng.permutation(n);
    return { validation: p.slice(0, nTest), train: p.slice(nTest, n) };
  }
  // classes "False" < "True": negatives first, each with its ascending original indices
  const classIndices: number[][] = [[], []];
  for (let i = 0; i < n; i++) classIndices[y[i] !== 0 ? 1 : 0].push(i);
  const presentClasses = [0, 1].filter((c) => classIndices[c].length > 0);
  const present = presentClasses.map((c) => classIndices[c]);
  const counts = present.map((c) => c.length);
  const least = counts.indexOf(Math.min(...counts));
  if (counts[least] < 2) {
    // sklearn's StratifiedShuffleSplit message, with the class named
    const label = classes?.[presentClasses[least]];
    throw new FfnnError(
      'INVALID_DATA',
      `earlyStopping: the least populated class in y${label === undefined ? '' : ` (${JSON.stringify(label)})`} has only ${counts[least]} member, which is too few; a stratified validation split needs at least 2 per class`,
      { param: 'earlyStopping', class: label, got: counts[least] },
    );
  }
  if (nTrain < present.length || nTest < present.length) {
    throw new FfnnError(
      'INVALID_DATA',
      `validationFraction: train (${nTrain}) and validation (${nTest}) sets need at least ${present.length} rows each for a stratified split`,
      {
        param: 'validationFraction',
      },
    );
  }
  checkValidationSize();
  const nI = approximateMode(counts, nTrain, rng);
  const tI = approximateMode(
    counts.map((c, i) => c - nI[i]),
    nTest,
    rng,
  );
  const train: number[] = [];
  const validation: number[] = [];
  present.forEach((indices, c) => {
    const q = rng.permutation(counts[c]);
    const m = Array.from(q, (k) => indices[k]);
    train.push(...m.slice(0, nI[c]));
    validation.push(...m.slice(nI[c], nI[c] + tI[c]));
  });
  const trainArr = Int32Array.from(train);
  const valArr = Int32Array.from(validation);
  rng.shuffle(trainArr);
  rng.shuffle(valArr);
  return { train: trainArr, validation: valArr };
}
