/**
 * A regressor's scores on rows with known targets: R² (sklearn's r2_score, the library's own
 * r2Score), mean squared error and mean absolute error, per output and averaged uniformly over
 * outputs (sklearn's multioutput='uniform_average').
 */
import { type FFNNRegressor, r2Score } from '@ffnn/core';
import type { Table } from './data-source.ts';
import { targetMatrix } from './regression-data.ts';

export interface OutputScores {
  r2: number;
  mse: number;
  mae: number;
}

export interface RegressionScores extends OutputScores {
  rows: number;
  /** One entry per output, named by its target column when known. */
  perOutput: (OutputScores & { output: string })[];
}

/** Scores of predictions `pred` against `truth`, both rows x k row-major. */
export function regressionScores(pred: Float64Array, truth: Float64Array, rows: number, k: number, names: readonly string[] = []): RegressionScores {
  const perOutput = Array.from({ length: k }, (_, j) => {
    const p = new Float64Array(rows);
    const t = new Float64Array(rows);
    let se = 0;
    let ae = 0;
    for (let r = 0; r < rows; r++) {
      p[r] = pred[r * k + j];
      t[r] = truth[r * k + j];
      const d = t[r] - p[r];
      se += d * d;
      ae += Math.abs(d);
    }
    return { output: names[j] ?? String(j), r2: r2Score(p, t, rows, 1), mse: se / rows, mae: ae / rows };
  });
  const mean = (f: (o: OutputScores) => number) => perOutput.reduce((a, o) => a + f(o), 0) / k;
  return { rows, r2: mean((o) => o.r2), mse: mean((o) => o.mse), mae: mean((o) => o.mae), perOutput };
}

const num = (v: number) => (Number.isFinite(v) ? v.toPrecision(6) : String(v));

/** One line: "R² 0.9731  MSE 0.0213  MAE 0.1102 on 200 rows of NAME". */
export function formatScoresLine(s: RegressionScores, what: string): string {
  return `R² ${num(s.r2)}  MSE ${num(s.mse)}  MAE ${num(s.mae)} on ${what}`;
}

/** The evaluate table: one line per output, then the average when there are several. */
export function formatRegression(s: RegressionScores, name: string): string {
  const lines = [formatScoresLine(s, `${s.rows} rows of ${name}${s.perOutput.length > 1 ? ` (averaged over ${s.perOutput.length} outputs)` : ''}`)];
  if (s.perOutput.length > 1) {
    const w = Math.max(6, ...s.perOutput.map((o) => o.output.length));
    lines.push('', `${'output'.padEnd(w)}  ${'R²'.padStart(12)}  ${'MSE'.padStart(12)}  ${'MAE'.padStart(12)}`);
    for (const o of s.perOutput) lines.push(`${o.output.padEnd(w)}  ${num(o.r2).padStart(12)}  ${num(o.mse).padStart(12)}  ${num(o.mae).padStart(12)}`);
    lines.push(`${'mean'.padEnd(w)}  ${num(s.r2).padStart(12)}  ${num(s.mse).padStart(12)}  ${num(s.mae).padStart(12)}`);
  }
  return lines.join('\n');
}

/** A regressor's scores on a table with known targets (`names`: the target columns, for the per-output rows). */
export function scoreRegressor(reg: FFNNRegressor, t: Table, names: readonly string[] = []): RegressionScores {
  const truth = targetMatrix(t);
  const pred = reg.predict({ rows: t.rows, cols: t.cols, data: t.X });
  return regressionScores(Float64Array.from((pred as (number | number[])[]).flat()), truth.data, t.rows, truth.k, names);
}
