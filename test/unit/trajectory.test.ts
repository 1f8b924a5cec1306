/**
 * optimizerTrajectory (kernel-lib/src/optimizers/trajectory.ts): the points it returns against steps computed by
 * hand on f(x, y) = 0.1x² + 2y² (lecture 004's long valley, ∇f = (0.2x, 4y)), for SGD, momentum and Nesterov as tfjs
 * defines them; a [d] variable against d scalar variables under Adam; divergence past η = 2/h; freeing; bad input.
 *
 * Tolerance: the hand steps are float64, tfjs runs in float32 (u = 2⁻²⁴). Each step rounds the gradient, the
 * product with η and the sum a handful of times, each error relative to values ≤ 3 here; we allow 16u·3·k after k
 * steps (≈ 3e-6·k), far below the differences the tests rely on (≥ 1e-2).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { adamW } from "../../kernel-lib/src/optimizers";
import { optimizerTrajectory, trajectoryRows, type PointFunction } from "../../kernel-lib/src/optimizers/trajectory";
import { initBackend, tf } from "../../kernel-lib/src/index";

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

const U = 2 ** -24;
const tolerance = (k: number): number => 16 * U * 3 * Math.max(k, 1);

/** f(x, y) = 0.1x² + 2y²: curvature 0.2 along x, 4 along y. */
const valley: PointFunction = (p) =>
  tf.tidy(() => {
    const [x, y] = tf.unstack(p) as [tf.Scalar, tf.Scalar];
    return tf.add(tf.mul(0.1, tf.square(x)), tf.mul(2, tf.square(y)));
  });
const valleyValue = ([x, y]: number[]): number => 0.1 * x! * x! + 2 * y! * y!;
const gradient = ([x, y]: number[]): number[] => [0.2 * x!, 4 * y!];

function expectPointsClose(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((point, k) =>
    point.forEach((c, i) => {
      if (Math.abs(c - expected[k]![i]!) > tolerance(k)) throw new Error(`point ${k}[${i}]: ${c} vs ${expected[k]![i]}`);
    }),
  );
}

describe("optimizerTrajectory reproduces hand-computed steps", () => {
  const start = [-3, 0.5];

  it("SGD: θ₁ = θ₀ − η∇f(θ₀), and the losses are f at each point", () => {
    const eta = 0.1;
    const run = optimizerTrajectory(() => tf.train.sgd(eta), valley, { start, steps: 3 });
    const expected = [start];
    for (let k = 0; k < 3; k++) expected.push(expected[k]!.map((c, i) => c - eta * gradient(expected[k]!)[i]!));
    // By hand, step 1: (−3 − 0.1·(−0.6), 0.5 − 0.1·2) = (−2.94, 0.3).
    expect(expected[1]![0]).toBeCloseTo(-2.94, 12);
    expect(expected[1]![1]).toBeCloseTo(0.3, 12);
    expectPointsClose(run.points, expected);
    run.losses.forEach((loss, k) => expect(Math.abs(loss - valleyValue(run.points[k]!))).toBeLessThan(tolerance(k)));
    expect(run.diverged).toBe(false);
    expect(run.optimizer).toBe("SGD");
  });

  it("momentum (a ← μa + g, θ ← θ − ηa) and Nesterov (θ ← θ − η(g + μa)) over two steps", () => {
    const [eta, mu] = [0.1, 0.9];
    for (const nesterov of [false, true]) {
      const run = optimizerTrajectory(() => tf.train.momentum(eta, mu, nesterov), valley, { start, steps: 2 });
      const expected = [start];
      let a = [0, 0];
      for (let k = 0; k < 2; k++) {
        const g = gradient(expected[k]!);
        a = a.map((ai, i) => mu * ai + g[i]!);
        const direction = nesterov ? g.map((gi, i) => gi + mu * a[i]!) : a;
        expected.push(expected[k]!.map((c, i) => c - eta * direction[i]!));
      }
      // By hand, momentum step 2: a₂ = 0.9·(−0.6, 2) + ∇f(−2.94, 0.3) = (−1.128, 3), θ₂ = (−2.94 + 0.1128, 0.3 − 0.3).
      if (!nesterov) {
        expect(expected[2]![0]).toBeCloseTo(-2.8272, 12);
        expect(expected[2]![1]).toBeCloseTo(0, 12);
      }
      expectPointsClose(run.points, expected);
    }
  });

  it("a [2] variable follows the same path as two scalar variables (Adam is elementwise)", () => {
    const run = optimizerTrajectory(() => tf.train.adam(0.3), valley, { start, steps: 5 });
    const x = tf.variable(tf.scalar(start[0]!));
    const y = tf.variable(tf.scalar(start[1]!));
    const adam = tf.train.adam(0.3);
    const separate = [start];
    for (let k = 0; k < 5; k++) {
      adam.minimize(() => tf.add(tf.mul(0.1, tf.square(x)), tf.mul(2, tf.square(y))), true, [x, y])?.dispose();
      separate.push([x.dataSync()[0]!, y.dataSync()[0]!]);
    }
    expect(run.points).toEqual(separate);
    tf.dispose([x, y]);
    adam.dispose();
  });
});

describe("divergence, ownership, memory", () => {
  it("past η = 2/h the iterates grow by |1 − ηh| per step; a bound stops the run", () => {
    // f = 2y² along y only: h = 4, so η = 0.6 > 2/h = 0.5 multiplies y by 1 − 2.4 = −1.4 each step.
    const along: PointFunction = (p) => tf.tidy(() => tf.mul(2, tf.sum(tf.square(p))));
    const run = optimizerTrajectory(() => tf.train.sgd(0.6), along, { start: [1], steps: 50, divergenceBound: 100 });
    expect(run.diverged).toBe(true);
    // |y_k| = 1.4^k exceeds 100 first at k = 14 (1.4¹³ ≈ 79.4, 1.4¹⁴ ≈ 111.1): 15 points, the last one kept.
    expect(run.points.length).toBe(15);
    expect(Math.abs(run.points[14]![0]! - (-1.4) ** 14)).toBeLessThan(1e-3);
    expect(run.losses.length).toBe(15);
    // Without a bound it runs until float32 overflows, and drops the non-finite point.
    const unbounded = optimizerTrajectory(() => tf.train.sgd(0.6), along, { start: [1], steps: 400 });
    expect(unbounded.diverged).toBe(true);
    expect(unbounded.points.every((p) => p.every(Number.isFinite))).toBe(true);
    expect(unbounded.losses.every(Number.isFinite)).toBe(true);
    expect(unbounded.points.length).toBe(unbounded.losses.length);
    // Below 2/h it converges.
    expect(optimizerTrajectory(() => tf.train.sgd(0.2), along, { start: [1], steps: 20 }).diverged).toBe(false);
  });

  it("frees its tensors (a factory's optimizer included) and refuses a used optimizer", () => {
    const before = tf.memory().numTensors;
    optimizerTrajectory(() => adamW({ learningRate: 0.1, weightDecay: 0, amsgrad: true }), valley, { start: [1, 1], steps: 4 });
    optimizerTrajectory(() => tf.train.rmsprop(0.01), valley, { start: [1, 1], steps: 4 });
    expect(tf.memory().numTensors).toBe(before);
    const sgd = tf.train.sgd(0.1);
    optimizerTrajectory(sgd, valley, { start: [1, 1], steps: 1 });
    expect(() => optimizerTrajectory(sgd, valley, { start: [1, 1], steps: 1 })).toThrow(/optimizer.iterations = 1, expected 0: a fresh optimizer/);
    sgd.dispose();
    const throwing: PointFunction = () => {
      throw new Error("boom");
    };
    expect(() => optimizerTrajectory(() => tf.train.sgd(0.1), throwing, { start: [1], steps: 2 })).toThrow(/boom/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("rows for a chart, and bad input", () => {
    const run = optimizerTrajectory(() => tf.train.sgd(0.1), valley, { start: [1, 1], steps: 1 });
    const rows = trajectoryRows(run, "SGD η=0.1");
    expect(rows[0]).toEqual({ step: 0, x: 1, y: 1, loss: run.losses[0], label: "SGD η=0.1" });
    expect(Object.keys(rows[1]!).sort()).toEqual(["label", "loss", "step", "x", "y"]);
    expect(() => optimizerTrajectory(() => tf.train.sgd(0.1), valley, { start: [], steps: 1 })).toThrow(/options.start = \[\], expected a non-empty array/);
    expect(() => optimizerTrajectory(() => tf.train.sgd(0.1), valley, { start: [1, NaN], steps: 1 })).toThrow(/options.start/);
    expect(() => optimizerTrajectory(() => tf.train.sgd(0.1), valley, { start: [1, 1], steps: -1 })).toThrow(/options.steps = -1, expected an integer >= 0/);
    expect(() => optimizerTrajectory(null as unknown as tf.Optimizer, valley, { start: [1], steps: 1 })).toThrow(/optimizer = null, expected a tf.Optimizer/);
    expect(() =>
      optimizerTrajectory(
        () => tf.train.sgd(0.1),
        (p) => tf.square(p) as unknown as tf.Scalar,
        { start: [1, 2], steps: 1 },
      ),
    ).toThrow(/f\(point\) = "a tensor of shape \[2\]", expected a tf.Scalar/);
  });
});
