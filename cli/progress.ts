import cliProgress from 'cli-progress';

/** A progress bar on a TTY (stderr), nothing in pipes or with --json. */
export function progressBar(label: string, enabled: boolean, format = `${label} [{bar}] {percentage}% | {value}/{total}`) {
  if (!enabled || !process.stderr.isTTY) return { update: (_v: number, _t?: number, _p?: Record<string, unknown>) => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar({ format, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(value: number, total?: number, payload?: Record<string, unknown>) {
      if (!started) bar.start(total ?? 100, 0, payload), (started = true);
      if (total !== undefined) bar.setTotal(total);
      bar.update(value, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
