/**
 * Step decay: multiply the learning rate by a factor (0.1 by default) at chosen epochs (lecture 004, "reducing
 * the learning rate": after convergence reduce it by a factor of 10, continue for a few epochs, 1–3 times). With
 * milestones m₁ < m₂ < ... (counted in finished epochs, or steps with `unit: "step"`), the rate of epoch t is
 *
 *     η_t = η₀ · factor^{|{ i : m_i < t }|},
 *
 * so "a milestone at 30" means epochs 1–30 run at η₀ and epoch 31 onwards at factor·η₀. This is PyTorch's
 * `torch.optim.lr_scheduler.MultiStepLR(milestones, gamma=factor)` (whose epochs count from 0), and `StepLR(step_size
 * = s)` is the milestones s, 2s, 3s, ...
 */
import { invalidArgument } from "../../errors";
import { checkIndex, checkOptionsObject, checkPositiveRate, checkUnit, FixedLearningRateScheduler, type ScheduleUnit, type SchedulerTarget } from "./base";

export interface StepDecayOptions {
  /** η₀, the rate before the first milestone (> 0). */
  initialRate: number;
  /** The epochs (or steps) after which the rate is multiplied by `factor`: strictly increasing integers ≥ 1, at least one. */
  milestones: number[];
  /** The factor applied at each milestone, in (0, 1] (default 0.1, the lecture's "divide by 10"). */
  factor?: number;
  /** What t and the milestones count (default `"epoch"`). */
  unit?: ScheduleUnit;
}

/** Checked step-decay settings. */
export interface StepDecaySettings {
  initialRate: number;
  milestones: number[];
  factor: number;
  unit: ScheduleUnit;
}

const EXPECTED = "{ initialRate, milestones, factor?, unit? }";

/** Checks step-decay options (η₀ > 0; milestones strictly increasing integers ≥ 1, not empty; factor in (0, 1]). */
export function checkStepDecayOptions(fn: string, options: StepDecayOptions): StepDecaySettings {
  checkOptionsObject(fn, options, EXPECTED);
  const initialRate = checkPositiveRate(fn, "options.initialRate", options.initialRate);
  const milestones = options.milestones;
  if (!Array.isArray(milestones) || milestones.length === 0) {
    invalidArgument(fn, "options.milestones", milestones, "a non-empty array of epochs (e.g. [30, 60]) after which the rate is multiplied by factor");
  }
  milestones.forEach((m, i) => {
    checkIndex(fn, `options.milestones[${i}]`, m);
    if (i > 0 && m <= milestones[i - 1]!) invalidArgument(fn, `options.milestones[${i}]`, m, `a milestone after ${milestones[i - 1]} (strictly increasing)`);
  });
  const factor = options.factor ?? 0.1;
  if (typeof factor !== "number" || !Number.isFinite(factor) || factor <= 0 || factor > 1) invalidArgument(fn, "options.factor", factor, "a number in (0, 1]");
  return { initialRate, milestones: milestones.slice(), factor, unit: checkUnit(fn, options.unit, "epoch") };
}

/** η_t = η₀ · factor^{number of milestones < t}, the step-decay rate of epoch (or step) t ≥ 1 (pure). */
export function stepDecayRate(t: number, options: StepDecayOptions): number {
  const settings = checkStepDecayOptions("stepDecayRate", options);
  return rateOf(checkIndex("stepDecayRate", "t", t), settings);
}

function rateOf(t: number, { initialRate, milestones, factor }: StepDecaySettings): number {
  const passed = milestones.filter((m) => m < t).length;
  return initialRate * factor ** passed;
}

/**
 * The step-decay scheduler: a kernel-lib `fit` callback (pass `model` or `optimizer`), `asTfjsCallback()` for
 * tfjs's `model.fit`, or `begin()` / `epochEnd()` by hand. `learningRates` records the rate of every epoch.
 */
export class StepDecay extends FixedLearningRateScheduler {
  protected readonly label = "stepDecay";
  readonly unit: ScheduleUnit;
  readonly initialRate: number;
  readonly milestones: readonly number[];
  readonly factor: number;
  private readonly settings: StepDecaySettings;

  constructor(options: StepDecayOptions & SchedulerTarget) {
    const settings = checkStepDecayOptions("stepDecay", options);
    super(options);
    this.settings = settings;
    ({ unit: this.unit, initialRate: this.initialRate, milestones: this.milestones, factor: this.factor } = settings);
  }

  rateAt(t: number): number {
    return rateOf(checkIndex(`${this.label}.rateAt`, "t", t), this.settings);
  }
}

/** Step decay η₀·factor^{#milestones passed} (lecture 004): `stepDecay({ initialRate: 0.1, milestones: [10, 15], model })`. */
export function stepDecay(options: StepDecayOptions & SchedulerTarget): StepDecay {
  return new StepDecay(options);
}
