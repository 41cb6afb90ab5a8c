import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '../../cli/bin.js');

/** Runs the real `skewless` binary in a separate process; past `timeoutMs` it is killed and `code` is -1. */
export function cli(args: string[], cwd?: string, timeoutMs?: number): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    ...(timeoutMs ? { timeout: timeoutMs, killSignal: 'SIGKILL' as const } : {}),
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
