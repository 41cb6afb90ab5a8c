import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAuditCommand } from './commands/audit.js';
import { registerCodegenCommand } from './commands/codegen.js';
import { registerFreshnessCommand } from './commands/freshness.js';
import { registerHistoricalCommands } from './commands/historical.js';
import { registerInitCommand } from './commands/init.js';
import { registerMaterializeCommands } from './commands/materialize.js';
import { registerOnlineCommands } from './commands/online.js';
import { registerOpenApiCommand } from './commands/openapi.js';
import { registerRegistryCommands } from './commands/registry.js';
import { registerServeCommand } from './commands/serve.js';
import { registerUiCommand } from './commands/ui.js';
import { reportError, type GlobalOptions } from './output.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function buildProgram(): Command {
  const program = new Command('skewless')
    .description('a feature store that ends training–serving skew by construction')
    .option('-r, --repo <dir>', 'feature repo directory', process.cwd())
    .option('--json', 'machine-readable output')
    .version(VERSION, '-V, --version', 'print the skewless version')
    .exitOverride()
    .showHelpAfterError();
  const globals = () => program.opts<GlobalOptions>();
  for (const register of [
    registerInitCommand,
    registerRegistryCommands,
    registerMaterializeCommands,
    registerOnlineCommands,
    registerHistoricalCommands,
    registerFreshnessCommand,
    registerAuditCommand,
    registerServeCommand,
    registerUiCommand,
    registerCodegenCommand,
    registerOpenApiCommand,
  ]) {
    register(program, globals);
  }
  return program;
}

/** Runs the CLI; returns the exit code (0 ok, 1 bad input or stale, 2 internal error). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1;
    return reportError(err, Boolean(program.opts<GlobalOptions>().json));
  }
}
