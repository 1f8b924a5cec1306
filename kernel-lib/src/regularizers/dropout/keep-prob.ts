/**
 * The dropout probability, named for what it is. Sources disagree on what "p" means: Srivastava et al. 2014, the
 * lectures (000, 002, 003) and DropConnect (Wan et al. 2013) use p = the probability of KEEPING a unit, while
 * PyTorch's `nn.Dropout(p)` and tfjs's `rate` are the probability of DROPPING it. kernel-lib never takes a bare `p`:
 * every dropout-family layer and function takes exactly one of
 *
 *     keepProb ∈ (0, 1]   (the lectures' p; 1 keeps everything, the layer is the identity), or
 *     dropRate ∈ [0, 1)   (PyTorch's p, tfjs's rate),  with keepProb = 1 − dropRate,
 *
 * and stores `keepProb` (the lectures' convention, used in every formula of this module). Giving both, or neither,
 * is an error, even when they agree, so that a reader of the call never has to wonder which one wins.
 */
import { describeValue, invalidArgument } from "../../errors";

/** Exactly one of `keepProb` and `dropRate`. */
export interface KeepProbOptions {
  /** Probability of keeping a unit (a connection for DropConnect), in (0, 1]. The lectures' p. */
  keepProb?: number;
  /** Probability of dropping it, in [0, 1): keepProb = 1 − dropRate. PyTorch's p, tfjs's `rate`. */
  dropRate?: number;
}

/**
 * Reads the keep probability from `options` (exactly one of `keepProb` ∈ (0, 1] and `dropRate` ∈ [0, 1)) and returns
 * keepProb, or throws a RangeError naming `fn`, the argument, its value and what was expected.
 * @param prefix how the options object is called in the error message ("args", "options").
 */
export function resolveKeepProb(fn: string, options: KeepProbOptions | undefined, prefix = "options"): number {
  if (options == null || typeof options !== "object") invalidArgument(fn, prefix, options, "an object with exactly one of keepProb or dropRate");
  const hasKeep = options.keepProb !== undefined;
  const hasDrop = options.dropRate !== undefined;
  if (hasKeep && hasDrop) {
    throw new RangeError(
      `${fn}: ${prefix}.keepProb = ${describeValue(options.keepProb)} and ${prefix}.dropRate = ${describeValue(options.dropRate)} were both given, ` +
        "expected exactly one of them (keepProb = 1 − dropRate)",
    );
  }
  if (!hasKeep && !hasDrop) invalidArgument(fn, `${prefix}.keepProb`, undefined, "exactly one of keepProb in (0, 1] or dropRate in [0, 1)");
  if (hasKeep) return checkKeepProb(fn, `${prefix}.keepProb`, options.keepProb);
  const dropRate = options.dropRate;
  if (typeof dropRate !== "number" || !Number.isFinite(dropRate) || dropRate < 0 || dropRate >= 1) {
    invalidArgument(fn, `${prefix}.dropRate`, dropRate, "a number in [0, 1) (the probability of dropping; 1 would drop everything)");
  }
  return 1 - dropRate;
}

/** Checks that `value` is a keep probability, a finite number in (0, 1]. */
export function checkKeepProb(fn: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > 1) {
    invalidArgument(fn, name, value, "a number in (0, 1] (the probability of keeping; 0 would drop everything)");
  }
  return value;
}
