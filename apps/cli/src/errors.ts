import { PlasticityError } from "@plasticity/core";
import { ConfigError, RunInterruptedError } from "@plasticity/experiments/config";

/** Exit codes: 0 success, 1 runtime failure, 2 usage or config error, 130 interrupted (Ctrl-C). */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** A bad command line, flag, config or input file: exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(
    message: string,
    readonly field?: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Turn any PlasticityError raised while reading the command line, config or files into a UsageError. */
export function asUsage(err: unknown): unknown {
  if (err instanceof UsageError) return err;
  if (err instanceof ConfigError) {
    return new UsageError(
      err.message,
      err.field,
      "fix it in the config file or with --set <path>=<value>; see plasticity run --help for every field",
    );
  }
  if (err instanceof PlasticityError) return new UsageError(err.message, err.field);
  return err;
}

/** Run `f`; PlasticityErrors it throws are usage errors (exit 2). */
export async function usagePhase<T>(f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    throw asUsage(err);
  }
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof RunInterruptedError) return EXIT.interrupted;
  return EXIT.failure;
}
