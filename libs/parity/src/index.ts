/**
 * @ffnn/parity: scikit-learn as the oracle for @ffnn/core. The fixture format and the comparison
 * (compare.ts: train a fixture's case in ffnn and compare every number within the stated
 * tolerance) and the experiment runner behind `ffnn experiment` (experiment.ts). The Python side
 * (the pinned venv, reference.py, experiment.py, generate.mjs) stays in tools/parity of the ffnn
 * repository, which these functions read from (ROOT).
 *
 * @module @ffnn/parity
 */
export * from './compare.ts';
export * from './experiment.ts';
