/**
 * Argument parsing shared by the commands: node:util parseArgs in strict
 * mode, `--help` printing the command's usage, and errors that name the
 * option at fault.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec<O extends Options> {
  usage: string;
  options: O;
}

/** Exit code of a command-line mistake (like most Unix tools). */
export const USAGE_EXIT_CODE = 2;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The parsed option values, or null after printing the usage for `--help`.
 * Throws UsageError on an unknown option, a missing value or a positional argument.
 */
export function parseCommandArgs<O extends Options>(argv: string[], spec: CommandSpec<O>) {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(spec.usage);
    return null;
  }
  try {
    return parseArgs({ args: argv, options: spec.options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${spec.usage}`);
  }
}

/** A whole number option within bounds; throws UsageError naming the option. */
export function integerOption(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name}: '${raw}' is not a whole number`);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`--${name}: ${n} is outside ${min}…${max}`);
  return n;
}
