// Preloaded into a process the CSV benchmark measures (node --import): at exit, writes the
// process's peak resident memory (VmHWM, KiB) to the file named by FFNN_BENCH_VMHWM_FILE.
import { readFileSync, writeFileSync } from 'node:fs';

const out = process.env.FFNN_BENCH_VMHWM_FILE;
if (out) {
  process.on('exit', () => {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    writeFileSync(out, m ? m[1] : '');
  });
}
