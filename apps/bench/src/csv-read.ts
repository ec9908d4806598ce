/**
 * Child of csv-bench.ts: reads one CSV file with ffnn's streaming reader and prints one JSON line:
 * rows, the sum of every feature and label (a check that every reader read the same numbers), wall
 * and CPU seconds, and this process's peak resident memory (VmHWM). Nothing else runs here, so the
 * peak is the reader's own (with the runtime's baseline).
 * usage: <runtime> csv-read.ts FILE [BATCH_ROWS]
 */
import { readFileSync } from 'node:fs';
import { readCsvStream } from '@ffnn/core/node';

export function vmHwmKiB(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const [path, batch] = process.argv.slice(2);
const baseline = vmHwmKiB();
const t0 = performance.now();
const c0 = process.cpuUsage();
// labels read as numbers: one pass (labels 'auto' would add a scan pass to decide their type)
const stream = readCsvStream(path, { labels: 'number', batchRows: batch ? Number(batch) : 1000 });
let rows = 0;
let sum = 0;
for await (const b of stream) {
  rows += b.X.rows;
  const X = b.X.data;
  for (let i = 0; i < X.length; i++) sum += X[i];
  for (const v of b.y as Float64Array) sum += v;
}
const c = process.cpuUsage(c0);
console.log(
  JSON.stringify({
    rows,
    sum,
    bytes: stream.stats.bytesRead,
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: (c.user + c.system) / 1e6,
    vmHwmKiB: vmHwmKiB(),
    baselineVmHwmKiB: baseline,
    bufferBytes: stream.stats.bufferBytes,
  }),
);
