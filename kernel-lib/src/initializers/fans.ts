/**
 * Fans and gains: the two numbers every variance-scaling initializer is built from.
 *
 * - The fan-in of a unit is the number of inputs that feed it, the fan-out the number of units its input
 *   feeds. A forward pass keeps the variance of activations when Var(w) = 1/fanIn (LeCun et al. 1998), a
 *   backward pass keeps the variance of gradients when Var(w) = 1/fanOut (Glorot & Bengio 2010).
 * - The gain corrects for what the nonlinearity does to the variance (ReLU halves it, so the gain is √2;
 *   He et al. 2015). The values follow PyTorch's `torch.nn.init.calculate_gain`.
 */
import { checkInteger, checkNumber, checkOneOf, invalidArgument } from "../errors";

/** Fan-in and fan-out of a weight tensor. */
export interface Fans {
  /** Inputs feeding one output unit: `inChannels · receptiveField` (a dense kernel's first dimension). */
  fanIn: number;
  /** Output units fed by one input: `outChannels · receptiveField` (a dense kernel's second dimension). */
  fanOut: number;
  /** Product of the spatial dimensions of a convolution kernel (1 for a dense kernel). */
  receptiveField: number;
}

/**
 * Fan-in and fan-out of a weight tensor in tfjs's layout.
 *
 * - dense kernel `[fanIn, fanOut]`: fanIn = shape[0], fanOut = shape[1];
 * - convolution kernel `[k1, ..., kd, inChannels, outChannels]` (tfjs `channelsLast`, e.g. conv2d `[kh, kw, in, out]`):
 *   receptiveField = k1·…·kd, fanIn = inChannels · receptiveField, fanOut = outChannels · receptiveField.
 *
 * Same definition as Keras (`_compute_fans`) and tfjs-layers; PyTorch computes the same numbers for its own
 * `[out, in, kh, kw]` layout. A transposed convolution (`[kh, kw, out, in]` in tfjs) swaps the two fans.
 *
 * @param shape a tensor shape of rank ≥ 2 with positive integer dimensions.
 * @param fn the public function to name in an error message.
 */
export function computeFans(shape: readonly (number | null)[], fn = "computeFans"): Fans {
  if (!Array.isArray(shape) || shape.length < 2) {
    invalidArgument(
      fn,
      "shape",
      shape,
      "a shape of rank >= 2 ([fanIn, fanOut] or [kh, kw, ..., inChannels, outChannels]): fans are undefined for a bias or a scalar",
    );
  }
  shape.forEach((dim, i) => checkInteger(fn, `shape[${i}]`, dim, 1));
  const dims = shape as readonly number[];
  const rank = dims.length;
  let receptiveField = 1;
  for (let i = 0; i < rank - 2; i++) receptiveField *= dims[i]!;
  return { fanIn: dims[rank - 2]! * receptiveField, fanOut: dims[rank - 1]! * receptiveField, receptiveField };
}

/** The nonlinearities `calculateGain` knows. */
export const NONLINEARITIES = ["linear", "conv1d", "conv2d", "conv3d", "sigmoid", "tanh", "relu", "leakyRelu", "selu"] as const;
export type Nonlinearity = (typeof NONLINEARITIES)[number];

/** Default negative slope of `leakyRelu` in `calculateGain`, as in PyTorch (`F.leaky_relu`'s default). */
export const DEFAULT_LEAKY_RELU_SLOPE = 0.01;

/**
 * The recommended gain for a nonlinearity: the factor by which to scale a unit-variance initialization so
 * that the nonlinearity keeps the variance of the signal (PyTorch's `torch.nn.init.calculate_gain`):
 *
 * | nonlinearity                                 | gain                    |
 * | -------------------------------------------- | ----------------------- |
 * | linear, conv1d, conv2d, conv3d, sigmoid      | 1                       |
 * | tanh                                         | 5/3                     |
 * | relu                                         | √2 (He et al. 2015)     |
 * | leakyRelu (negative slope a, default 0.01)   | √(2 / (1 + a²))         |
 * | selu                                         | 3/4 (PyTorch's choice, for self-normalizing nets use `lecunNormal`) |
 *
 * @param nonlinearity one of `NONLINEARITIES`.
 * @param param the negative slope for `leakyRelu` (default 0.01); ignored by the others, as in PyTorch.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  const name = checkOneOf("calculateGain", "nonlinearity", nonlinearity, NONLINEARITIES);
  switch (name) {
    case "linear":
    case "conv1d":
    case "conv2d":
    case "conv3d":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.sqrt(2);
    case "leakyRelu": {
      const slope = checkNumber("calculateGain", "param (the leakyRelu negative slope)", param ?? DEFAULT_LEAKY_RELU_SLOPE);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
  }
}
