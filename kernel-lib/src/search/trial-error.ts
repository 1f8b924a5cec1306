/** The error a search throws when a trial fails: which trial, with which parameters, and why. */
import type { TrialInfo } from "./trial";

export class TrialError extends Error {
  /**
   * @param fn the search that ran the trial (`randomSearch`, `gridSearch`, `coarseToFine`)
   * @param trial the trial's index, stage and seed
   * @param params the parameters it ran with: enough to rerun it alone
   * @param cause what the objective (or the training it described) threw
   */
  readonly params: Readonly<Record<string, unknown>>;

  constructor(
    fn: string,
    readonly trial: TrialInfo,
    params: unknown,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? `${cause.name === "Error" ? "" : `${cause.name}: `}${cause.message}` : String(cause);
    super(`${fn}: trial ${trial.index} (stage ${trial.stage}, seed ${trial.seed}) failed with params ${JSON.stringify(params)}: ${reason}`, { cause });
    this.name = "TrialError";
    this.params = params as Readonly<Record<string, unknown>>;
    if (cause instanceof Error && cause.stack) this.stack = `${this.stack}\nCaused by: ${cause.stack}`;
  }
}
