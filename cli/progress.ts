import cliProgress from 'cli-progress';

/** A progress bar on a TTY (stderr), nothing in pipes or with --json. */
export function progressBar(label: string, enabled: boolean) {
  if (!enabled || !process.stderr.isTTY) return { update: (_v: number, _t?: number) => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(value: number, total?: number) {
      if (!started) (bar.start(total ?? 100, 0), (started = true));
      if (total !== undefined) bar.setTotal(total);
      bar.update(value);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
