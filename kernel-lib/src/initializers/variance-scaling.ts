/**
 * Fan-based ("variance scaling") initializers: zero-mean weights whose variance is set from the layer's
 * fan-in and fan-out, so that activations (forward) or gradients (backward) keep their scale layer after layer.
 *
 * | initializer               | Var(w)                    | source                                         |
 * | ------------------------- | ------------------------- | ---------------------------------------------- |
 * | `lecunNormal/Uniform`     | 1 / fanIn                 | LeCun, Bottou, Orr & Müller 1998, "Efficient BackProp" §4.6 |
 * | `glorotNormal/Uniform`    | gain² · 2 / (fanIn + fanOut) | Glorot & Bengio 2010, eq. 12 and 16          |
 * | `heNormal/Uniform`        | gain² / fan               | He, Zhang, Ren & Sun 2015 (PReLU paper), eq. 10 and 14 |
 * | `uniformInverseSqrtFanIn` | 1 / (3 · fanIn)           | the "old heuristic" U(±1/√fanIn), lecture 004    |
 *
 * A uniform draw U(−b, b) has variance b²/3, so the uniform versions use b = √(3 · Var(w)). The normal versions
 * draw from a plain (untruncated) normal, as PyTorch's `xavier_normal_` and `kaiming_normal_` do; Keras and
 * tfjs use a truncated normal there instead (use `truncatedNormal` for that).
 */
import * as tf from "@tensorflow/tfjs";
import { checkNumber, checkOneOf } from "../errors";
import { SeededInitializer, checkFloatDtype, checkPositive, checkShape, type InitShape, type SeedOptions } from "./base";
import { NONLINEARITIES, calculateGain, computeFans, type Fans, type Nonlinearity } from "./fans";
import { CLASS_NAME_PREFIX, registerInitializer } from "./serialization";

/** The scale a fan-based initializer gives a tensor of some shape. */
export interface FanScale extends Fans {
  /** Standard deviation of each entry, √Var(w). */
  std: number;
  /** For a uniform initializer the bound b of U(−b, b) = √3 · std; `null` for a normal one. */
  bound: number | null;
}

/** Shared machinery: subclasses say what Var(w) is for given fans; this class draws normal or uniform entries. */
export abstract class FanScaledInitializer extends SeededInitializer {
  protected constructor(
    /** The public function's name, for error messages. */
    protected readonly fnName: string,
    /** Draw from N(0, Var) or from U(−√(3·Var), √(3·Var)). */
    readonly distribution: "normal" | "uniform",
    seed: number | null | undefined,
  ) {
    super(fnName, seed);
  }

  /** Var(w) for a tensor with these fans. */
  protected abstract variance(fans: Fans): number;

  /** Fans, standard deviation and (for uniform) bound this initializer uses for `shape`. */
  scale(shape: InitShape): FanScale {
    const fans = computeFans(checkShape(this.fnName, shape), this.fnName);
    const variance = this.variance(fans);
    const std = Math.sqrt(variance);
    return { ...fans, std, bound: this.distribution === "uniform" ? Math.sqrt(3 * variance) : null };
  }

  override apply(shape: InitShape, dtype?: tf.DataType): tf.Tensor {
    const { std, bound } = this.scale(shape);
    checkFloatDtype(this.fnName, dtype);
    const dims = shape as number[];
    return bound === null ? tf.randomNormal(dims, 0, std, "float32", this.nextOpSeed()) : tf.randomUniform(dims, -bound, bound, "float32", this.nextOpSeed());
  }
}

// ---------------------------------------------------------------------------------------------------------- Glorot

export interface GlorotOptions extends SeedOptions {
  /** Multiplies the standard deviation, > 0 (default 1; see `calculateGain`, e.g. 5/3 before tanh). */
  gain?: number;
}

abstract class GlorotBase extends FanScaledInitializer {
  readonly gain: number;

  protected constructor(fnName: string, distribution: "normal" | "uniform", options: GlorotOptions) {
    super(fnName, distribution, options.seed);
    this.gain = checkPositive(fnName, "options.gain", options.gain ?? 1);
  }

  protected variance({ fanIn, fanOut }: Fans): number {
    return (this.gain * this.gain * 2) / (fanIn + fanOut);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { gain: this.gain, ...this.seedConfig() };
  }
}

/** Glorot (Xavier) normal: see `glorotNormal`. */
export class GlorotNormalInitializer extends GlorotBase {
  static className = `${CLASS_NAME_PREFIX}GlorotNormal`;
  constructor(options: GlorotOptions = {}) {
    super("glorotNormal", "normal", options);
  }
}

/** Glorot (Xavier) uniform: see `glorotUniform`. */
export class GlorotUniformInitializer extends GlorotBase {
  static className = `${CLASS_NAME_PREFIX}GlorotUniform`;
  constructor(options: GlorotOptions = {}) {
    super("glorotUniform", "uniform", options);
  }
}

/**
 * Glorot (Xavier) normal: w ~ N(0, std²) with std = gain · √(2 / (fanIn + fanOut)).
 *
 * The compromise between keeping forward variance (Var(w) = 1/fanIn) and backward variance (1/fanOut) in
 * Glorot & Bengio 2010, "Understanding the difficulty of training deep feedforward neural networks", eq. 12.
 * A plain, untruncated normal, like PyTorch's `torch.nn.init.xavier_normal_` (tfjs/Keras truncate instead).
 */
export function glorotNormal(options: GlorotOptions = {}): GlorotNormalInitializer {
  return new GlorotNormalInitializer(options);
}

/**
 * Glorot (Xavier) uniform: w ~ U(−b, b) with b = gain · √(6 / (fanIn + fanOut)), so Var(w) = gain² · 2 / (fanIn + fanOut).
 *
 * Glorot & Bengio 2010, eq. 16 ("normalized initialization"); PyTorch `torch.nn.init.xavier_uniform_`.
 */
export function glorotUniform(options: GlorotOptions = {}): GlorotUniformInitializer {
  return new GlorotUniformInitializer(options);
}

// -------------------------------------------------------------------------------------------------------------- He

export type FanMode = "fanIn" | "fanOut";
export const FAN_MODES: readonly FanMode[] = ["fanIn", "fanOut"];

export interface HeOptions extends SeedOptions {
  /** `fanIn` (default) keeps the variance of activations in the forward pass, `fanOut` that of gradients backward. */
  mode?: FanMode;
  /** The nonlinearity that follows the layer, for `calculateGain` (default `"relu"`, gain √2). */
  nonlinearity?: Nonlinearity;
  /** Negative slope a of a leaky ReLU, used only when `nonlinearity` is `"leakyRelu"`: gain √(2/(1+a²)) (default 0). */
  negativeSlope?: number;
}

abstract class HeBase extends FanScaledInitializer {
  readonly mode: FanMode;
  readonly nonlinearity: Nonlinearity;
  readonly negativeSlope: number;
  /** The gain from `calculateGain(nonlinearity, negativeSlope)`. */
  readonly gain: number;

  protected constructor(fnName: string, distribution: "normal" | "uniform", options: HeOptions) {
    super(fnName, distribution, options.seed);
    this.mode = checkOneOf(fnName, "options.mode", options.mode ?? "fanIn", FAN_MODES);
    this.nonlinearity = checkOneOf(fnName, "options.nonlinearity", options.nonlinearity ?? "relu", NONLINEARITIES);
    this.negativeSlope = checkNumber(fnName, "options.negativeSlope", options.negativeSlope ?? 0);
    this.gain = this.nonlinearity === "leakyRelu" ? calculateGain("leakyRelu", this.negativeSlope) : calculateGain(this.nonlinearity);
  }

  protected variance(fans: Fans): number {
    const fan = this.mode === "fanIn" ? fans.fanIn : fans.fanOut;
    return (this.gain * this.gain) / fan;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { mode: this.mode, nonlinearity: this.nonlinearity, negativeSlope: this.negativeSlope, ...this.seedConfig() };
  }
}

/** He (Kaiming) normal: see `heNormal`. */
export class HeNormalInitializer extends HeBase {
  static className = `${CLASS_NAME_PREFIX}HeNormal`;
  constructor(options: HeOptions = {}) {
    super("heNormal", "normal", options);
  }
}

/** He (Kaiming) uniform: see `heUniform`. */
export class HeUniformInitializer extends HeBase {
  static className = `${CLASS_NAME_PREFIX}HeUniform`;
  constructor(options: HeOptions = {}) {
    super("heUniform", "uniform", options);
  }
}

/**
 * He (Kaiming) normal: w ~ N(0, std²) with std = gain / √fan, fan = fanIn (default) or fanOut, and
 * gain = calculateGain(nonlinearity) (√2 for ReLU, √(2/(1+a²)) for a leaky ReLU of slope a).
 *
 * He, Zhang, Ren & Sun 2015, "Delving Deep into Rectifiers", eq. 10 (forward, fanIn) and eq. 14 (backward,
 * fanOut). A plain, untruncated normal, like PyTorch's `torch.nn.init.kaiming_normal_` (tfjs/Keras truncate).
 */
export function heNormal(options: HeOptions = {}): HeNormalInitializer {
  return new HeNormalInitializer(options);
}

/**
 * He (Kaiming) uniform: w ~ U(−b, b) with b = √3 · gain / √fan, so Var(w) = gain² / fan.
 *
 * He et al. 2015 with a uniform draw of the same variance; PyTorch `torch.nn.init.kaiming_uniform_`.
 */
export function heUniform(options: HeOptions = {}): HeUniformInitializer {
  return new HeUniformInitializer(options);
}

// ----------------------------------------------------------------------------------------------------------- LeCun

export type LecunOptions = SeedOptions;

abstract class LecunBase extends FanScaledInitializer {
  protected variance({ fanIn }: Fans): number {
    return 1 / fanIn;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return this.seedConfig();
  }
}

/** LeCun normal: see `lecunNormal`. */
export class LecunNormalInitializer extends LecunBase {
  static className = `${CLASS_NAME_PREFIX}LecunNormal`;
  constructor(options: LecunOptions = {}) {
    super("lecunNormal", "normal", options.seed);
  }
}

/** LeCun uniform: see `lecunUniform`. */
export class LecunUniformInitializer extends LecunBase {
  static className = `${CLASS_NAME_PREFIX}LecunUniform`;
  constructor(options: LecunOptions = {}) {
    super("lecunUniform", "uniform", options.seed);
  }
}

/**
 * LeCun normal: w ~ N(0, 1/fanIn), so that a unit summing fanIn unit-variance inputs has unit variance.
 *
 * LeCun, Bottou, Orr & Müller 1998, "Efficient BackProp", §4.6 (σ = fanIn^(−1/2), with their scaled tanh
 * 1.7159·tanh(2x/3)); lecture 004. Also the init of self-normalizing (SELU) networks (Klambauer et al. 2017).
 * A plain, untruncated normal.
 */
export function lecunNormal(options: LecunOptions = {}): LecunNormalInitializer {
  return new LecunNormalInitializer(options);
}

/** LeCun uniform: w ~ U(−b, b) with b = √(3 / fanIn), so Var(w) = 1/fanIn (LeCun et al. 1998, "Efficient BackProp"). */
export function lecunUniform(options: LecunOptions = {}): LecunUniformInitializer {
  return new LecunUniformInitializer(options);
}

// ------------------------------------------------------------------------------------------------- old heuristic

/** The old U(±1/√fanIn) heuristic: see `uniformInverseSqrtFanIn`. */
export class UniformInverseSqrtFanInInitializer extends FanScaledInitializer {
  static className = `${CLASS_NAME_PREFIX}UniformInverseSqrtFanIn`;

  constructor(options: SeedOptions = {}) {
    super("uniformInverseSqrtFanIn", "uniform", options.seed);
  }

  protected variance({ fanIn }: Fans): number {
    return 1 / (3 * fanIn);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return this.seedConfig();
  }
}

/**
 * The "old heuristic" w ~ U(−1/√fanIn, 1/√fanIn), once the standard in Torch (lecture 004). Its variance is
 * (2/√fanIn)²/12 = 1/(3·fanIn): a third of LeCun's 1/fanIn, so the signal shrinks by √3 per linear layer.
 * Kept to show that effect; use `lecunUniform` (b = √(3/fanIn)) for the corrected version.
 */
export function uniformInverseSqrtFanIn(options: SeedOptions = {}): UniformInverseSqrtFanInInitializer {
  return new UniformInverseSqrtFanInInitializer(options);
}

registerInitializer(GlorotNormalInitializer);
registerInitializer(GlorotUniformInitializer);
registerInitializer(HeNormalInitializer);
registerInitializer(HeUniformInitializer);
registerInitializer(LecunNormalInitializer);
registerInitializer(LecunUniformInitializer);
registerInitializer(UniformInverseSqrtFanInInitializer);
