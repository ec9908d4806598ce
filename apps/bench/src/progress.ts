/**
 * Progress on stderr, so stdout holds only the tables: a redrawn bar when stderr is a terminal,
 * else one line per finished step (CI logs, pipes).
 */
export interface Progress {
  /** Redraws the bar with a note on the step in progress (a terminal only; nothing otherwise). */
  update(text: string): void;
  /** Step `done` of `total` finished. */
  done(done: number, text: string): void;
  end(): void;
}

export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  const started = performance.now();
  let finished = 0;
  let drawn = false;
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
  const draw = (text: string) => {
    const width = 20;
    const filled = Math.round((width * finished) / Math.max(total, 1));
    const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${finished}/${total} ${elapsed()} ${text}`;
    stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 120) - 1)}`);
    drawn = true;
  };
  return {
    update(text) {
      if (tty) draw(text);
    },
    done(done, text) {
      finished = done;
      if (tty) draw(text);
      else stream.write(`${label} ${done}/${total} ${text} (${elapsed()})\n`);
    },
    end() {
      if (tty && drawn) stream.write('\r\x1b[2K');
    },
  };
}
