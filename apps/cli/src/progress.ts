/**
 * Progress for long work, always on stderr so stdout stays clean for results and --json:
 * a redrawn bar when stderr is a terminal, one plain line per step otherwise (CI logs, pipes,
 * nx in CI). `quiet` prints nothing.
 */
export interface Progress {
  /** Step `done` of `total` finished; `text` says what (e.g. "epoch 3 loss 0.1234"). */
  tick(done: number, text: string): void;
  /** Clears the bar (a terminal) so later output starts on a clean line. */
  end(): void;
}

export function createProgress(label: string, total: number, opts: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return { tick() {}, end() {} };
  const tty = stream.isTTY === true;
  const started = performance.now();
  let drawn = false;
  return {
    tick(done, text) {
      const seconds = (performance.now() - started) / 1000;
      if (!tty) {
        stream.write(`${label} ${done}/${total} ${text} (${seconds.toFixed(1)} s)\n`);
        return;
      }
      const width = 24;
      const filled = total > 0 ? Math.round((width * Math.min(done, total)) / total) : width;
      const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
      const cols = stream.columns ?? 100;
      const line = `${label} [${bar}] ${done}/${total} ${text} ${seconds.toFixed(1)} s`.slice(0, cols - 1);
      stream.write(`\r\x1b[2K${line}`);
      drawn = true;
    },
    end() {
      if (tty && drawn) stream.write('\r\x1b[2K');
    },
  };
}
