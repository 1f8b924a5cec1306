/**
 * Reduce-on-plateau: multiply the learning rate by a factor (0.1) when a monitored metric (by default the validation
 * loss) has stopped improving, at most a few times (lecture 004: "after convergence is reached, reduce the learning
 * rate by a factor of 10, continue training for a few epochs; do this 1–3 times, then stop"). After every epoch e
 * with monitored value v_e:
 *
 *     if v_e improves on best by more than minDelta:  best ← v_e,  wait ← 0
 *     else if not cooling down:                       wait ← wait + 1
 *     if wait ≥ max(patience, 1) and reductions < maxReductions:
 *         η ← max(factor·η, minRate),  reductions ← reductions + 1,  wait ← 0,  cool down for `cooldown` epochs
 *
 * (a reduction that would not lower η, because η is already at minRate, does not happen and does not count).
 *
 * "Improves" is v < best − minDelta in mode "min" and v > best + minDelta in mode "max". `patience` counts the
 * epochs without improvement that trigger a reduction, the same convention as kernel-lib's `earlyStopping` and
 * Keras (patience 0 and 1 both reduce at the first epoch without improvement); PyTorch's `ReduceLROnPlateau`
 * reduces one epoch later, so `patience = p` here is PyTorch's `patience = p − 1` (threshold_mode "abs",
 * threshold = minDelta). During the `cooldown` epochs after a reduction no epoch counts as a bad one (PyTorch's
 * convention), so the reduced rate gets time to act. With `stopOnFinalPlateau`, a plateau after the last allowed
 * reduction ends training (the lecture's "then stop").
 */
import { checkInteger, checkNumber, checkOneOf, invalidArgument } from "../../errors";
import { inferMonitorMode } from "../../training/early-stopping";
import { checkOptionsObject, checkPositiveRate, checkRate, LearningRateScheduler, type ScheduleUnit, type SchedulerTarget } from "./base";

export interface ReduceOnPlateauOptions {
  /** η₀, the rate until the first reduction (> 0). */
  initialRate: number;
  /** The quantity watched, a key of the epoch logs (default `"val_loss"`). */
  monitor?: string;
  /** `"min"`, `"max"` or `"auto"` (max when the name contains `acc` or `auc`), as `earlyStopping` (default `"auto"`). */
  mode?: "min" | "max" | "auto";
  /** The factor applied at a reduction, in (0, 1) (default 0.1). */
  factor?: number;
  /** Epochs without improvement that trigger a reduction, an integer ≥ 0 (default 2). */
  patience?: number;
  /** The smallest change that counts as an improvement, ≥ 0 (default 0). */
  minDelta?: number;
  /** Epochs after a reduction during which no epoch counts as a bad one, an integer ≥ 0 (default 0). */
  cooldown?: number;
  /** How many reductions at most, an integer ≥ 0 (default 3: the lecture's "1–3 times"). */
  maxReductions?: number;
  /** The rate never goes below this, ≥ 0 (default 0). */
  minRate?: number;
  /** After `maxReductions` reductions, stop training at the next plateau (needs the model; default false). */
  stopOnFinalPlateau?: boolean;
}

export interface ReduceOnPlateauSettings {
  initialRate: number;
  monitor: string;
  mode: "min" | "max";
  factor: number;
  patience: number;
  minDelta: number;
  cooldown: number;
  maxReductions: number;
  minRate: number;
  stopOnFinalPlateau: boolean;
}

const EXPECTED = "{ initialRate, monitor?, mode?, factor?, patience?, minDelta?, cooldown?, maxReductions?, minRate?, stopOnFinalPlateau? }";

/** Checks reduce-on-plateau options. */
export function checkReduceOnPlateauOptions(fn: string, options: ReduceOnPlateauOptions): ReduceOnPlateauSettings {
  checkOptionsObject(fn, options, EXPECTED);
  const initialRate = checkPositiveRate(fn, "options.initialRate", options.initialRate);
  const monitor = options.monitor ?? "val_loss";
  if (typeof monitor !== "string" || monitor === "") invalidArgument(fn, "options.monitor", monitor, 'a non-empty metric name such as "val_loss"');
  const mode = checkOneOf(fn, "options.mode", options.mode ?? "auto", ["min", "max", "auto"] as const);
  const factor = options.factor ?? 0.1;
  if (typeof factor !== "number" || !Number.isFinite(factor) || factor <= 0 || factor >= 1) invalidArgument(fn, "options.factor", factor, "a number in (0, 1)");
  const stopOnFinalPlateau = options.stopOnFinalPlateau ?? false;
  if (typeof stopOnFinalPlateau !== "boolean") invalidArgument(fn, "options.stopOnFinalPlateau", stopOnFinalPlateau, "true or false");
  const minRate = checkRate(fn, "options.minRate", options.minRate ?? 0);
  checkNumber(fn, "options.minRate", minRate, 0, initialRate);
  return {
    initialRate,
    monitor,
    mode: mode === "auto" ? inferMonitorMode(monitor) : mode,
    factor,
    patience: checkInteger(fn, "options.patience", options.patience ?? 2, 0),
    minDelta: checkNumber(fn, "options.minDelta", options.minDelta ?? 0, 0),
    cooldown: checkInteger(fn, "options.cooldown", options.cooldown ?? 0, 0),
    maxReductions: checkInteger(fn, "options.maxReductions", options.maxReductions ?? 3, 0),
    minRate,
    stopOnFinalPlateau,
  };
}

/**
 * The reduce-on-plateau scheduler (per epoch): a kernel-lib `fit` callback (pass `model` or `optimizer`; the
 * monitored metric must be in the epoch logs, so give `fit` validation data for `val_loss`), `asTfjsCallback()` for
 * tfjs's `model.fit`, or `begin()` / `epochEnd(logs)` by hand; `observeValue(v)` runs the rule alone (no optimizer).
 * After training: `learningRates` (the rate of each epoch), `reductionEpochs`, `stoppedEpoch`.
 */
export class ReduceOnPlateau extends LearningRateScheduler {
  protected readonly label = "reduceOnPlateau";
  readonly unit: ScheduleUnit = "epoch";
  readonly settings: ReduceOnPlateauSettings;
  /** The rate now (the rate of the next epoch). */
  currentRate: number;
  /** The best monitored value so far (±Infinity before the first epoch). */
  bestValue: number;
  /** Consecutive epochs without improvement, outside cooldown. */
  wait = 0;
  /** Cooldown epochs left. */
  cooldownLeft = 0;
  /** The epochs (1-based) at whose end the rate was reduced. */
  readonly reductionEpochs: number[] = [];
  /** The epoch at whose end `stopOnFinalPlateau` stopped training; null if it did not. */
  stoppedEpoch: number | null = null;
  private epochsSeen = 0;

  constructor(options: ReduceOnPlateauOptions & SchedulerTarget) {
    const settings = checkReduceOnPlateauOptions("reduceOnPlateau", options);
    super(options);
    this.settings = settings;
    this.currentRate = settings.initialRate;
    this.bestValue = settings.mode === "min" ? Infinity : -Infinity;
  }

  protected override resetState(): void {
    this.currentRate = this.settings.initialRate;
    this.bestValue = this.settings.mode === "min" ? Infinity : -Infinity;
    this.wait = 0;
    this.cooldownLeft = 0;
    this.reductionEpochs.length = 0;
    this.stoppedEpoch = null;
    this.epochsSeen = 0;
  }

  /** Whether `value` beats `reference` by more than minDelta in the monitor's direction. */
  isImprovement(value: number, reference: number): boolean {
    const { mode, minDelta } = this.settings;
    return mode === "min" ? value < reference - minDelta : value > reference + minDelta;
  }

  /**
   * Feeds the monitored value of the next epoch to the rule (module comment) and returns the rate for the epoch
   * after it. Used by `epochEnd`; call it directly to run the rule without an optimizer (after `reset()`).
   */
  observeValue(value: number): number {
    const fn = `${this.label}.observeValue`;
    if (typeof value !== "number" || Number.isNaN(value)) invalidArgument(fn, "value", value, `a number (the epoch's ${this.settings.monitor})`);
    const { factor, patience, cooldown, maxReductions, minRate, stopOnFinalPlateau } = this.settings;
    this.epochsSeen += 1;
    const coolingDown = this.cooldownLeft > 0;
    if (coolingDown) this.cooldownLeft -= 1;
    if (this.isImprovement(value, this.bestValue)) {
      this.bestValue = value;
      this.wait = 0;
    } else if (!coolingDown) {
      this.wait += 1;
    }
    if (this.wait >= Math.max(patience, 1)) {
      const reduced = Math.max(this.currentRate * factor, minRate);
      if (this.reductionEpochs.length < maxReductions && reduced < this.currentRate) {
        this.currentRate = reduced;
        this.reductionEpochs.push(this.epochsSeen);
        this.wait = 0;
        this.cooldownLeft = cooldown;
      } else if (stopOnFinalPlateau && this.stoppedEpoch === null) {
        this.stoppedEpoch = this.epochsSeen;
        if (this.model) this.model.stopTraining = true;
      }
    }
    return this.currentRate;
  }

  /** Forgets what the rule has seen (as `begin()` does, without touching an optimizer). */
  reset(): void {
    this.resetState();
  }

  protected rateFor(): number {
    return this.currentRate;
  }

  protected override observe(_t: number, logs: Record<string, number> | undefined): void {
    const value = logs?.[this.settings.monitor];
    if (typeof value !== "number") {
      const available = Object.keys(logs ?? {}).filter((k) => k !== "epoch");
      throw new Error(
        `reduceOnPlateau: monitor "${this.settings.monitor}" is not in the epoch logs; available: ${available.map((k) => JSON.stringify(k)).join(", ") || "(none)"}` +
          (this.settings.monitor.startsWith("val_") ? " (give fit validation data)" : ""),
      );
    }
    this.observeValue(value);
  }

  override begin(): void {
    super.begin();
    if (this.settings.stopOnFinalPlateau && !this.model) {
      throw new Error("reduceOnPlateau: stopOnFinalPlateau needs the model to stop; pass options.model or call setModel(model)");
    }
  }
}

/**
 * The rates reduce-on-plateau gives for a sequence of monitored values (pure): `rates[i]` is the rate after seeing
 * `values[0..i]`, i.e. the rate of epoch i + 2 (epoch 1 runs at `initialRate`). Same rule as the scheduler.
 */
export function reduceOnPlateauRates(values: number[], options: ReduceOnPlateauOptions): number[] {
  if (!Array.isArray(values)) invalidArgument("reduceOnPlateauRates", "values", values, "an array of monitored values, one per epoch");
  const rule = new ReduceOnPlateau(options);
  return values.map((v) => rule.observeValue(v));
}

/**
 * Reduce-on-plateau (lecture 004): `reduceOnPlateau({ initialRate: 0.1, patience: 3, maxReductions: 2, model })`.
 * Give kernel-lib's `fit` validation data for the default monitor `val_loss`.
 */
export function reduceOnPlateau(options: ReduceOnPlateauOptions & SchedulerTarget): ReduceOnPlateau {
  return new ReduceOnPlateau(options);
}
