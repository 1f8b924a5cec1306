/**
 * Experiment budget. Notebooks size their work by `NOTEBOOK_BUDGET`: `full` (the default) for real
 * results and reports, `smoke` for a quick pass that the tests run to prove every cell works.
 */
import { checkOneOf } from "./errors";

export type Budget = "smoke" | "full";
export const BUDGETS: readonly Budget[] = ["smoke", "full"];

/** The budget from the environment variable `NOTEBOOK_BUDGET` (unset or empty means `full`). */
export function budget(): Budget {
  const raw = process.env.NOTEBOOK_BUDGET;
  if (raw === undefined || raw === "") return "full";
  return checkOneOf("budget", "NOTEBOOK_BUDGET", raw, BUDGETS);
}

/** Picks the value for the current budget: `byBudget({ smoke: 1, full: 20 })` epochs. */
export function byBudget<T>(choices: { smoke: T; full: T }): T {
  return choices[budget()];
}
