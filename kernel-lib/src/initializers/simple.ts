/**
 * Initializers that do not look at the shape: zeros, a constant, and normal or uniform draws with fixed
 * parameters (PyTorch's `zeros_`, `constant_`, `normal_`, `uniform_`). Good for biases; for weights prefer a
 * fan-based initializer, whose scale follows the layer's size.
 */
import * as tf from "@tensorflow/tfjs";
import { checkNumber, invalidArgument } from "../errors";
import { InitializerBase, SeededInitializer, checkFloatDtype, checkShape, type InitShape, type SeedOptions } from "./base";
import { CLASS_NAME_PREFIX, registerInitializer } from "./serialization";

/** All zeros. The usual bias initializer; for weights it makes every unit of a layer identical (no symmetry breaking). */
export class ZerosInitializer extends InitializerBase {
  static className = `${CLASS_NAME_PREFIX}Zeros`;

  constructor(_config: Record<string, never> = {}) {
    super();
  }

  override apply(shape: InitShape, dtype?: tf.DataType): tf.Tensor {
    return tf.zeros(checkShape("zeros", shape), dtype ?? "float32");
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

/** w = 0 for every entry (PyTorch `torch.nn.init.zeros_`). */
export function zeros(): ZerosInitializer {
  return new ZerosInitializer();
}

export interface ConstantOptions {
  /** The value of every entry. */
  value: number;
}

/** Every entry equal to `value`. */
export class ConstantInitializer extends InitializerBase {
  static className = `${CLASS_NAME_PREFIX}Constant`;
  readonly value: number;

  constructor(options: ConstantOptions) {
    super();
    this.value = checkNumber("constant", "options.value", options?.value);
  }

  override apply(shape: InitShape, dtype?: tf.DataType): tf.Tensor {
    return tf.fill(checkShape("constant", shape), this.value, dtype ?? "float32");
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { value: this.value };
  }
}

/** w = value for every entry (PyTorch `torch.nn.init.constant_`), e.g. a bias of 0.01 so ReLU units start active. */
export function constant(options: ConstantOptions): ConstantInitializer {
  return new ConstantInitializer(options);
}

export interface NormalOptions extends SeedOptions {
  /** Mean (default 0). */
  mean?: number;
  /** Standard deviation, ≥ 0 (default 1, as PyTorch's `normal_`). */
  std?: number;
}

/** Gaussian N(mean, std²) entries. */
export class NormalInitializer extends SeededInitializer {
  static className = `${CLASS_NAME_PREFIX}Normal`;
  readonly mean: number;
  readonly std: number;

  constructor(options: NormalOptions = {}) {
    super("normal", options.seed);
    this.mean = checkNumber("normal", "options.mean", options.mean ?? 0);
    this.std = checkNumber("normal", "options.std", options.std ?? 1, 0);
  }

  override apply(shape: InitShape, dtype?: tf.DataType): tf.Tensor {
    return tf.randomNormal(checkShape("normal", shape), this.mean, this.std, checkFloatDtype("normal", dtype), this.nextOpSeed());
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { mean: this.mean, std: this.std, ...this.seedConfig() };
  }
}

/** w ~ N(mean, std²), untruncated (PyTorch `torch.nn.init.normal_`; defaults mean 0, std 1). */
export function normal(options: NormalOptions = {}): NormalInitializer {
  return new NormalInitializer(options);
}

export interface UniformOptions extends SeedOptions {
  /** Lower bound (default 0, as PyTorch's `uniform_`). */
  min?: number;
  /** Upper bound, > min (default 1). */
  max?: number;
}

/** Uniform entries in [min, max). */
export class UniformInitializer extends SeededInitializer {
  static className = `${CLASS_NAME_PREFIX}Uniform`;
  readonly min: number;
  readonly max: number;

  constructor(options: UniformOptions = {}) {
    super("uniform", options.seed);
    this.min = checkNumber("uniform", "options.min", options.min ?? 0);
    this.max = checkNumber("uniform", "options.max", options.max ?? 1);
    if (this.max <= this.min) invalidArgument("uniform", "options.max", this.max, `a number > options.min = ${this.min}`);
  }

  override apply(shape: InitShape, dtype?: tf.DataType): tf.Tensor {
    return tf.randomUniform(checkShape("uniform", shape), this.min, this.max, checkFloatDtype("uniform", dtype), this.nextOpSeed());
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { min: this.min, max: this.max, ...this.seedConfig() };
  }
}

/** w ~ U(min, max): mean (min+max)/2, variance (max−min)²/12 (PyTorch `torch.nn.init.uniform_`; defaults 0 and 1). */
export function uniform(options: UniformOptions = {}): UniformInitializer {
  return new UniformInitializer(options);
}

registerInitializer(ZerosInitializer);
registerInitializer(ConstantInitializer);
registerInitializer(NormalInitializer);
registerInitializer(UniformInitializer);
