/**
 * The claims of notebook 07 (lecture 000's norm penalties, lecture 002's weight decay), checked at small scale with
 * fixed seeds, so that a change to a penalty or an optimizer that breaks a lesson fails here:
 *
 * - the ridge closed form (XᵀX + αI)⁻¹Xᵀy is where gradient descent ends with the L2 penalty in the loss
 *   (`l2Penalty`), with decoupled decay (`sgdW`), and with the engineers' θ ← 0.98·θ after each step
 *   (`decayWeights`, at the step size where it is the same penalty); projecting onto the ball ‖w‖ ≤ ‖w̃‖ (the hard
 *   constraint) ends there too;
 * - along the i-th eigenvector of the Hessian H = XᵀX the penalty multiplies the solution by λᵢ/(λᵢ + α);
 * - a proximal (soft-threshold) step on the L1 penalty (`proximalL1Optimizer`) gives exact zeros, the lasso solution of an independent
 *   float64 solver; the subgradient step of `l1Penalty` in the loss and the L2 penalty give none;
 * - an L1 penalty on ReLU activations makes more of them exactly 0;
 * - under Adam, L2 in the loss drives a weight with no data gradient to 0 at about η per step, while AdamW
 *   shrinks it by exactly (1 − ηλ) per step.
 * (SGD's L2-in-the-loss = SGDW step, and Adam + L2 ≠ AdamW on PyTorch's numbers, are in optimizers.test.ts.)
 *
 * Float32 tolerance of a converged gradient descent: the iteration e ← (I − ηA)e + δ contracts the error by
 * ρ = max |1 − η·eig(A)| per step and adds the rounding δ of one step, so after T steps from w = 0
 * |e| ≤ ρᵀ·‖w‖ + |δ|/(1 − ρ). One step rounds a matrix–vector product of N terms: |δ| ≤ (N + 4)·u·S with
 * u = 2⁻²⁴ and S = max|w| + η·max_j Σᵢ |Xᵢⱼ|(Σₖ |Xᵢₖ||wₖ| + |yᵢ|) (the sizes of what is added). We allow twice
 * that bound. It is a worst case (no cancellation of rounding errors): the measured gaps are about 1000 times smaller, so
 * each test also checks that the alternative it rules out lies over 100 times outside it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { adamW, decayWeights, initBackend, l1Penalty, l2Penalty, principalComponents, proximalL1Optimizer, rng, sgdW, tf } from "kernel-lib";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

const UNIT_ROUNDOFF = 2 ** -24;

/** Solves the symmetric positive definite system A x = b in float64 by Cholesky (the test's own reference). */
function solveSpd(A: number[][], b: number[]): number[] {
  const n = b.length;
  const L = A.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      L[i]![j] = i === j ? Math.sqrt(s) : s / L[j]![j]!;
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i]![k]! * z[k]!;
    z[i] = s / L[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k]![i]! * x[k]!;
    x[i] = s / L[i]![i]!;
  }
  return x;
}

const gram = (X: number[][]) => X[0]!.map((_, i) => X[0]!.map((_, j) => X.reduce((s, row) => s + row[i]! * row[j]!, 0)));
const crossProduct = (X: number[][], y: number[]) => X[0]!.map((_, j) => X.reduce((s, row, n) => s + row[j]! * y[n]!, 0));
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i]!, 0);

/** The float32 rounding bound of one gradient-descent step (see the module comment), for loss scale `lossScale`. */
function stepRounding(X: number[][], y: number[], w: number[], eta: number, lossScale: number): number {
  const residualSizes = X.map((row, n) => row.reduce((s, v, k) => s + Math.abs(v) * Math.abs(w[k]!), 0) + Math.abs(y[n]!));
  const gradientSize = Math.max(...w.map((_, j) => X.reduce((s, row, n) => s + Math.abs(row[j]!) * residualSizes[n]!, 0)));
  return (X.length + 4) * UNIT_ROUNDOFF * (Math.max(...w.map(Math.abs)) + eta * lossScale * gradientSize);
}

describe("ridge: the closed form, gradient descent with weight decay, and the eigen-shrinkage", () => {
  // N = 40 centred examples of D = 4 features with scales 1.6, 1, 0.6, 0.4 (XᵀX's eigenvalues spread over ~[5, 100]).
  const N = 40;
  const D = 4;
  const stream = rng(707);
  const raw = Array.from({ length: N }, () => [1.6, 1, 0.6, 0.4].map((s) => s * stream.normal()));
  // Mix the features so that the Hessian's eigenvectors are not the coordinate axes.
  const mixed = raw.map((r) => [r[0]! + 0.3 * r[1]!, r[1]! - 0.2 * r[2]!, r[2]! + 0.4 * r[3]!, r[3]! - 0.3 * r[0]!]);
  const means = [0, 1, 2, 3].map((j) => mixed.reduce((s, r) => s + r[j]!, 0) / N);
  const X = mixed.map((r) => r.map((v, j) => v - means[j]!));
  const spectrum = principalComponents(X); // eigenvectors uᵢ of (1/N)·XᵀX, X being centred
  const eigenvalues = Array.from(spectrum.eigenvalues, (v) => v * N); // of the Hessian H = XᵀX
  const axis = (i: number) => spectrum.components.subarray(i * D, (i + 1) * D);
  // w_true = Σᵢ cᵢ·uᵢ with every cᵢ well away from 0, so that every ratio below has a sizeable denominator.
  const wTrue = [0, 1, 2, 3].map((j) => [2, -1.5, 1, 1.2].reduce((s, c, i) => s + c * axis(i)[j]!, 0));
  const y = X.map((r) => dot(r, wTrue) + 0.3 * stream.normal());
  const alpha = 5;
  const H = gram(X);
  const Xty = crossProduct(X, y);
  const wClosed = solveSpd(
    H.map((row, i) => row.map((v, j) => v + (i === j ? alpha : 0))),
    Xty,
  );
  const wOls = solveSpd(H, Xty);
  // The engineers' θ ← 0.98·θ after a step of size η has the fixed point ∇J + (0.02/(0.98·η))·θ = 0.
  const eta = 0.02 / (0.98 * alpha);
  const steps = 800;
  const rho = Math.max(...eigenvalues.map((lambda) => Math.abs(1 - eta * (lambda + alpha))));
  const tolerance = 2 * (rho ** steps * Math.hypot(...wClosed) + stepRounding(X, y, wClosed, eta, 1) / (1 - rho));

  type Variant = "l2Penalty in the loss" | "sgdW" | "decayWeights(0.98) after each step" | "no penalty" | "projected onto ‖w‖ ≤ ‖w̃‖";
  function descend(variant: Variant): number[] {
    const before = tf.memory().numTensors;
    const xT = tf.tensor2d(X);
    const yT = tf.tensor2d(y, [N, 1]);
    const w = tf.tidy(() => tf.variable(tf.zeros([D, 1])));
    const halfSumSquares = () => tf.mul(tf.sum(tf.square(tf.sub(tf.matMul(xT, w), yT))), 0.5) as tf.Scalar;
    const penalty = l2Penalty({ strength: alpha });
    const optimizer = variant === "sgdW" ? sgdW({ learningRate: eta, weightDecay: alpha }) : tf.train.sgd(eta);
    const radius = Math.hypot(...wClosed);
    for (let step = 0; step < steps; step++) {
      if (variant === "l2Penalty in the loss") optimizer.minimize(() => tf.add(halfSumSquares(), penalty.apply(w)) as tf.Scalar, false, [w]);
      else optimizer.minimize(halfSumSquares, false, [w]);
      if (variant === "decayWeights(0.98) after each step") decayWeights([w], 0.98);
      if (variant === "projected onto ‖w‖ ≤ ‖w̃‖") {
        tf.tidy(() => {
          const norm = tf.norm(w).dataSync()[0]!;
          if (norm > radius) w.assign(tf.mul(w, radius / norm));
        });
      }
    }
    const result = Array.from(w.dataSync());
    tf.dispose([xT, yT, w]);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    return result;
  }

  it("the tolerance is small and the problem well posed (ρ < 1, the penalty moves w by far more than the tolerance)", () => {
    expect(eta * (Math.max(...eigenvalues) + alpha)).toBeLessThan(1);
    expect(rho).toBeLessThan(0.97);
    expect(tolerance).toBeLessThan(1e-3);
    expect(maxAbsDiff(wOls, wClosed)).toBeGreaterThan(100 * tolerance);
  });

  for (const variant of ["l2Penalty in the loss", "sgdW", "decayWeights(0.98) after each step", "projected onto ‖w‖ ≤ ‖w̃‖"] as const) {
    it(`gradient descent with ${variant} ends at (XᵀX + αI)⁻¹Xᵀy`, () => {
      const w = descend(variant);
      expect(maxAbsDiff(w, wClosed)).toBeLessThanOrEqual(tolerance);
    });
  }

  it("without the penalty it ends elsewhere: at (XᵀX)⁻¹Xᵀy", () => {
    const w = descend("no penalty");
    // Slowest contraction without α: 1 − η·λ_min.
    const rhoOls = Math.max(...eigenvalues.map((lambda) => Math.abs(1 - eta * lambda)));
    expect(maxAbsDiff(w, wOls)).toBeLessThanOrEqual(2 * (rhoOls ** steps * Math.hypot(...wOls) + stepRounding(X, y, wOls, eta, 1) / (1 - rhoOls)));
    expect(maxAbsDiff(w, wClosed)).toBeGreaterThan(100 * tolerance);
  });

  it("along the Hessian's i-th eigenvector the trained weights are λᵢ/(λᵢ + α) times the unpenalized ones", () => {
    const w = descend("l2Penalty in the loss");
    eigenvalues.forEach((lambda, i) => {
      const unpenalized = dot(axis(i), wOls);
      expect(Math.abs(unpenalized)).toBeGreaterThan(0.1); // a ratio with a well-defined denominator
      // The factor is exact for the float64 closed form ...
      expect(Math.abs(dot(axis(i), wClosed) / unpenalized - lambda / (lambda + alpha))).toBeLessThan(1e-9);
      // ... and for gradient descent within its tolerance (|u·e| ≤ √D·max|e|).
      expect(Math.abs(dot(axis(i), w) / unpenalized - lambda / (lambda + alpha))).toBeLessThanOrEqual((Math.sqrt(D) * tolerance) / Math.abs(unpenalized));
    });
    // The factors differ from one direction to the next by far more than the tolerance: the claim is not trivial.
    const factors = eigenvalues.map((lambda) => lambda / (lambda + alpha));
    expect(Math.max(...factors) - Math.min(...factors)).toBeGreaterThan(0.2);
  });
});

describe("L1: exact zeros by a proximal step, none by the subgradient or by L2", () => {
  // N = 60 examples of D = 10 standard-normal features; only the first 3 enter y.
  const N = 60;
  const D = 10;
  const stream = rng(708);
  const X = Array.from({ length: N }, () => Array.from({ length: D }, () => stream.normal()));
  const wTrue = [2, -1.5, 1, 0, 0, 0, 0, 0, 0, 0];
  const y = X.map((r) => dot(r, wTrue) + 0.5 * stream.normal());
  const lambda = 0.25;
  // ISTA converges for η ≤ 1/L, L = λ_max((1/N)XᵀX) ≤ max row sum (Gershgorin).
  const G = gram(X).map((row) => row.map((v) => v / N));
  const eta = 1 / Math.max(...G.map((row) => row.reduce((s, v) => s + Math.abs(v), 0)));
  const steps = 600;

  /** The lasso min 1/(2N)‖Xw − y‖² + λ‖w‖₁ by cyclic coordinate descent in float64 (an independent solver). */
  function lassoReference(): number[] {
    const w = new Array<number>(D).fill(0);
    const residual = [...y];
    for (let sweep = 0; sweep < 5000; sweep++) {
      for (let j = 0; j < D; j++) {
        const old = w[j]!;
        const rhoJ = X.reduce((s, r, n) => s + r[j]! * (residual[n]! + r[j]! * old), 0) / N;
        const updated = (Math.sign(rhoJ) * Math.max(Math.abs(rhoJ) - lambda, 0)) / G[j]![j]!;
        if (updated !== old) X.forEach((r, n) => (residual[n]! -= r[j]! * (updated - old)));
        w[j] = updated;
      }
    }
    return w;
  }
  const reference = lassoReference();
  const dataGradient = (w: number[]) => w.map((_, j) => X.reduce((s, r, n) => s + r[j]! * (dot(r, w) - y[n]!), 0) / N);

  type Method = "proximal" | "l1Penalty in the loss" | "l2Penalty in the loss";
  function train(method: Method): number[] {
    const before = tf.memory().numTensors;
    const xT = tf.tensor2d(X);
    const yT = tf.tensor2d(y, [N, 1]);
    const w = tf.tidy(() => tf.variable(tf.zeros([D, 1])));
    const loss = () => tf.div(tf.sum(tf.square(tf.sub(tf.matMul(xT, w), yT))), 2 * N) as tf.Scalar;
    const penalty = method === "l2Penalty in the loss" ? l2Penalty({ strength: lambda }) : l1Penalty({ strength: lambda });
    // The proximal path is kernel-lib's proximalL1Optimizer: an SGD step, then S(v) = sign(v)·max(|v| − ηλ, 0).
    const optimizer = method === "proximal" ? proximalL1Optimizer(tf.train.sgd(eta), { strength: lambda, exclude: "none" }) : tf.train.sgd(eta);
    for (let step = 0; step < steps; step++) {
      if (method === "proximal") {
        optimizer.minimize(loss, false, [w]);
      } else {
        optimizer.minimize(() => tf.add(loss(), penalty.apply(w)) as tf.Scalar, false, [w]);
      }
    }
    const result = Array.from(w.dataSync());
    tf.dispose([xT, yT, w]);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    return result;
  }

  it("the reference lasso solution is optimal and its zeros are strict (KKT with a margin)", () => {
    const gradient = dataGradient(reference);
    reference.forEach((w, j) => {
      if (w === 0)
        expect(Math.abs(gradient[j]!)).toBeLessThan(lambda - 0.02); // slack > 0.02 ≫ float32 rounding
      else expect(Math.abs(gradient[j]! + lambda * Math.sign(w))).toBeLessThan(1e-10);
    });
    expect(reference.slice(0, 3).every((w) => w !== 0)).toBe(true);
    expect(reference.slice(3).every((w) => w === 0)).toBe(true);
  });

  it("proximal gradient descent finds the same exact zeros and the same nonzero weights", () => {
    const w = train("proximal");
    expect(w.map((v) => v === 0)).toEqual(reference.map((v) => v === 0));
    // Float32 floor of the converged iteration (module comment) with ρ = 1 − η·μ, μ ≥ λ_min of G on the support.
    const support = reference.map((v, j) => (v !== 0 ? j : -1)).filter((j) => j >= 0);
    const mu = Math.min(...support.map((j) => G[j]![j]! - support.reduce((s, k) => (k === j ? s : s + Math.abs(G[j]![k]!)), 0)));
    expect(mu).toBeGreaterThan(0);
    const rho = 1 - eta * mu;
    const tolerance = 2 * (rho ** steps * Math.hypot(...reference) + stepRounding(X, y, reference, eta, 1 / N) / (1 - rho));
    expect(tolerance).toBeLessThan(1e-3);
    expect(maxAbsDiff(w, reference)).toBeLessThanOrEqual(tolerance);
  });

  it("the subgradient step (l1Penalty in the loss) and the L2 penalty leave every weight nonzero", () => {
    const subgradient = train("l1Penalty in the loss");
    const ridge = train("l2Penalty in the loss");
    expect(subgradient.filter((v) => v === 0)).toHaveLength(0);
    expect(ridge.filter((v) => v === 0)).toHaveLength(0);
    // The subgradient iterate hovers around the lasso solution: within about η·λ·(a few) of it, never on 0.
    expect(maxAbsDiff(subgradient, reference)).toBeLessThan(4 * eta * lambda);
    expect(Math.max(...subgradient.slice(3).map(Math.abs))).toBeGreaterThan(1e-4);
  });
});

describe("sparse representations: an L1 penalty on the activations", () => {
  it("makes more ReLU activations exactly 0", () => {
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([128, 8], 0, 1, "float32", 11);
    const target = tf.tidy(() => tf.sum(tf.sin(x), 1, true));
    const zeroShare = (strength: number): number => {
      const hidden = tf.layers.dense({
        name: `activity_hidden_${strength}`,
        inputShape: [8],
        units: 32,
        activation: "relu",
        kernelInitializer: tf.initializers.heNormal({ seed: 12 }),
      });
      const output = tf.layers.dense({ name: `activity_output_${strength}`, units: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: 13 }) });
      const model = tf.sequential({ layers: [hidden, output] });
      const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const optimizer = tf.train.adam(0.01);
      const penalty = l1Penalty({ strength: strength });
      for (let step = 0; step < 200; step++) {
        optimizer.minimize(
          () => {
            const h = hidden.apply(x) as tf.Tensor;
            return tf.add(tf.losses.meanSquaredError(target, output.apply(h) as tf.Tensor), tf.div(penalty.apply(h), 128)) as tf.Scalar;
          },
          false,
          variables,
        );
      }
      const share = tf.tidy(() => tf.mean(tf.equal(hidden.apply(x) as tf.Tensor, 0)).dataSync()[0]!);
      optimizer.dispose();
      model.dispose();
      return share;
    };
    const without = zeroShare(0);
    const withPenalty = zeroShare(0.05);
    // ReLU alone gives about half zeros; the penalty pushes pre-activations below 0 for many more (a fixed seed).
    expect(without).toBeGreaterThan(0.2);
    expect(withPenalty).toBeGreaterThan(without + 0.15);
    tf.dispose([x, target]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("Adam + L2 in the loss vs AdamW on a weight with no data gradient (lecture 002)", () => {
  it("L2 inside Adam drives it to 0 at about η per step; AdamW multiplies it by (1 − ηλ) per step", () => {
    const before = tf.memory().numTensors;
    const [eta, alpha, w0] = [0.01, 0.01, 0.5];
    const steps = 150; // w0/η = 50 steps of size η would reach 0; Adam's steps shrink as the gradient α·w does
    // Two weights: "live" carries a data loss (w − 3)², "idle" none (like the weight of a pixel that is always 0).
    const run = (optimizer: tf.Optimizer, l2: boolean) => {
      const live = tf.tidy(() => tf.variable(tf.scalar(w0)));
      const idle = tf.tidy(() => tf.variable(tf.scalar(w0)));
      const penalty = l2Penalty({ strength: alpha });
      const trace: number[] = [];
      for (let step = 0; step < steps; step++) {
        optimizer.minimize(
          () => {
            const data = tf.add(tf.square(tf.sub(live, 3)), tf.mul(idle, 0));
            return (l2 ? tf.add(data, tf.add(penalty.apply(live), penalty.apply(idle))) : data) as tf.Scalar;
          },
          false,
          [live, idle],
        );
        trace.push(idle.dataSync()[0]!);
      }
      tf.dispose([live, idle]);
      optimizer.dispose();
      return trace;
    };
    const adamL2 = run(tf.train.adam(eta, 0.9, 0.999, 1e-8), true);
    const decoupled = run(adamW({ learningRate: eta, weightDecay: alpha, excludeFromDecay: "none" }), false);
    // Adam normalizes the penalty's own gradient α·w: the steps are of size ≈ η whatever α is.
    expect(w0 - adamL2[9]!).toBeGreaterThan(5 * eta); // the first 10 steps move it by ≈ 10η (checked: more than 5η)
    expect(Math.abs(adamL2[steps - 1]!)).toBeLessThan(0.05 * w0);
    // AdamW: m = v = 0 for this weight, so only the decay acts: w0·(1 − ηλ)^t. In float32 each step rounds the factor
    // and the product (relative error ≤ 2u each), so after t steps the error is at most 2t·u·w0.
    decoupled.forEach((w, t) => expect(Math.abs(w - w0 * (1 - eta * alpha) ** (t + 1))).toBeLessThanOrEqual(2 * (t + 1) * UNIT_ROUNDOFF * w0));
    expect(decoupled[steps - 1]!).toBeGreaterThan(0.98 * w0); // (1 − 10⁻⁴)¹⁵⁰ ≈ 0.985
    expect(tf.memory().numTensors).toBe(before);
  });
});
