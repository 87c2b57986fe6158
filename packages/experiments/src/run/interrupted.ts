/** The run stopped on request after writing a checkpoint; `plasticity run --resume dir` continues it. */
export class RunInterruptedError extends Error {
  override readonly name = "RunInterruptedError";
  constructor(
    readonly dir: string,
    readonly step: number,
    readonly checkpoint: string,
  ) {
    super(
      `interrupted after step ${step}; checkpoint ${checkpoint}. Continue with: plasticity run --resume ${dir}`,
    );
  }
}
