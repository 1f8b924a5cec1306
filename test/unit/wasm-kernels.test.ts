/**
 * kernel-lib's wasm kernels against the stock tfjs-backend-wasm kernels they replace, on the same inputs.
 *
 * Where both take XNNPACK's path (no transposes, batch 1; or a product handed back to the stock kernel), results
 * must be bitwise equal. Elsewhere the stock kernel sums each dot product in 48-wide blocks and XNNPACK in one
 * sequential pass per SIMD lane: the same k products, added in another order. For any order of recursive summation
 * of a float32 dot product, |computed − exact| ≤ γ_k · Σ_l |a_l b_l| with γ_k = k·u / (1 − k·u), u = 2⁻²⁴
 * (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., §3.1), so two orders differ by at most
 * 2·γ_k · Σ_l |a_l b_l|; the tests compute that bound per output element in float64.
 * The stock `_FusedMatMul` is wrong with a transpose or a batch and a bias (see matmul.ts); those cases are
 * compared with the cpu backend instead, which computes the product in float64 before rounding.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend, tf } from "../../kernel-lib/src/index";
import { Rng } from "../../kernel-lib/src/random";
import { installWasmKernels, uninstallWasmKernels, WASM_KERNEL_NAMES, wasmKernelsInstalled } from "../../kernel-lib/src/wasm-kernels/index";
import { MIN_WORK_PER_SLICE } from "../../kernel-lib/src/wasm-kernels/matmul";
import { transposeMatrix } from "../../kernel-lib/src/wasm-kernels/transpose";

// ---------------------------------------------------------------------------------------------------------------
// Helpers

const UNIT_ROUNDOFF = 2 ** -24;
/** γ_n = n·u / (1 − n·u): the relative error bound of n float32 roundings in a row. */
const gamma = (n: number): number => (n * UNIT_ROUNDOFF) / (1 - n * UNIT_ROUNDOFF);

interface Operand {
  shape: number[];
  values: Float32Array;
}

/** Seeded N(0, 1) values of the given shape (float32). */
function operand(shape: number[], seed: number): Operand {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape, values: Float32Array.from({ length: size }, () => rng.normal(0, 1)) };
}

/** Element [s][i][j] of a batch of matrices stored row-major with `rows` x `cols` slices. */
const at = (o: Operand, s: number, i: number, j: number, rows: number, cols: number): number => o.values[(s * rows + i) * cols + j]!;

/**
 * For op(A)·op(B) (+ bias): per output element, Σ_l |op(A)_il| |op(B)_lj| + |bias_j| in float64, with tfjs's batch
 * rule (slice s uses A[s mod batchA], B[s mod batchB]). Also returns k.
 */
function absoluteProduct(a: Operand, b: Operand, transposeA: boolean, transposeB: boolean, bias?: Operand): { abs: Float64Array; k: number } {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [aRows, aCols] = [a.shape[ra - 2]!, a.shape[ra - 1]!];
  const [bRows, bCols] = [b.shape[rb - 2]!, b.shape[rb - 1]!];
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const n = transposeB ? bRows : bCols;
  const batchA = a.values.length / (aRows * aCols);
  const batchB = b.values.length / (bRows * bCols);
  const batch = Math.max(batchA, batchB);
  const abs = new Float64Array(batch * m * n);
  for (let s = 0; s < batch; s++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = bias ? Math.abs(bias.values[j]!) : 0;
        for (let l = 0; l < k; l++) {
          const x = transposeA ? at(a, s % batchA, l, i, aRows, aCols) : at(a, s % batchA, i, l, aRows, aCols);
          const y = transposeB ? at(b, s % batchB, j, l, bRows, bCols) : at(b, s % batchB, l, j, bRows, bCols);
          sum += Math.abs(x * y);
        }
        abs[(s * m + i) * n + j] = sum;
      }
    }
  }
  return { abs, k };
}

/** What a computation left behind: live tensors, their bytes, and the wasm backend's registered data ids. */
function memorySnapshot(): { numTensors: number; numBytes: number; dataIds: number } {
  const { numTensors, numBytes } = tf.memory();
  return { numTensors, numBytes, dataIds: (tf.backend() as unknown as { numDataIds(): number }).numDataIds() };
}

type Computation = (inputs: tf.Tensor[]) => tf.Tensor;

/**
 * Runs `f` on tensors made from `inputs` on the wasm backend with the stock (`patched = false`) or kernel-lib's
 * kernels, checks that it freed everything it made, and returns the result's values.
 */
function onWasm(patched: boolean, inputs: Operand[], f: Computation): Float32Array {
  if (patched) installWasmKernels();
  else uninstallWasmKernels();
  const tensors = inputs.map((o) => tf.tensor(o.values, o.shape));
  const before = memorySnapshot();
  const y = f(tensors);
  const values = y.dataSync() as Float32Array;
  y.dispose();
  expect(memorySnapshot()).toEqual(before);
  tf.dispose(tensors);
  return values;
}

/** Runs `f` on the cpu backend and returns the result's values; leaves the wasm backend active. */
async function onCpu(inputs: Operand[], f: Computation): Promise<Float32Array> {
  await tf.setBackend("cpu");
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false; // no "install tfjs-node" banner (as initBackend)
  try {
    const y = tf.tidy(() => f(inputs.map((o) => tf.tensor(o.values, o.shape))));
    const values = y.dataSync() as Float32Array;
    y.dispose();
    return values;
  } finally {
    await tf.setBackend("wasm");
  }
}

/** Indices (at most 5) where |actual − expected| > bound; `bound` undefined means bitwise equality. */
function violations(actual: Float32Array, expected: Float32Array, bound?: (i: number) => number): string[] {
  expect(actual.length).toBe(expected.length);
  const bad: string[] = [];
  for (let i = 0; i < actual.length && bad.length < 5; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    const limit = bound ? bound(i) : 0;
    if (!(diff <= limit) && !(bound === undefined && Object.is(actual[i], expected[i]))) {
      bad.push(`[${i}] ${actual[i]} vs ${expected[i]} (|diff| ${diff.toExponential(2)} > ${limit.toExponential(2)})`);
    }
  }
  return bad;
}

beforeAll(async () => {
  await initBackend({ backend: "wasm" });
});

afterAll(() => {
  installWasmKernels(); // leave the process as initBackend left it
});

// ---------------------------------------------------------------------------------------------------------------
// Registration

describe("installWasmKernels / uninstallWasmKernels", () => {
  it("initBackend installs the kernels and says so in its report", async () => {
    const report = await initBackend({ backend: "wasm" });
    expect(wasmKernelsInstalled()).toBe(true);
    expect(report.details).toContain(`kernel-lib kernels: ${WASM_KERNEL_NAMES.join(", ")}`);
  });

  it("is idempotent both ways and restores the very stock kernel configs", () => {
    uninstallWasmKernels();
    const stock = WASM_KERNEL_NAMES.map((name) => tf.getKernel(name, "wasm"));
    expect(wasmKernelsInstalled()).toBe(false);

    expect(stock[8]).toBeUndefined(); // Conv2DBackpropFilter: stock wasm has none
    const names = ["BatchMatMul", "_FusedMatMul", "Identity", "Conv2DBackpropInput", "MaxPoolGrad", "Slice", "GatherV2", "OneHot", "Conv2DBackpropFilter"];
    expect(WASM_KERNEL_NAMES).toEqual(names);
    expect(installWasmKernels()).toEqual(names);
    const first = WASM_KERNEL_NAMES.map((name) => tf.getKernel(name, "wasm").kernelFunc);
    expect(installWasmKernels()).toEqual(names);
    expect(WASM_KERNEL_NAMES.map((name) => tf.getKernel(name, "wasm").kernelFunc)).toEqual(first);
    expect(wasmKernelsInstalled()).toBe(true);
    first.forEach((f, i) => expect(f).not.toBe(stock[i]?.kernelFunc));
    // The stock setup function (binding the C++ entry points) travels with the replacement.
    WASM_KERNEL_NAMES.forEach((name, i) => expect(tf.getKernel(name, "wasm").setupFunc).toBe(stock[i]?.setupFunc));

    uninstallWasmKernels();
    uninstallWasmKernels();
    expect(wasmKernelsInstalled()).toBe(false);
    WASM_KERNEL_NAMES.forEach((name, i) => expect(tf.getKernel(name, "wasm")).toBe(stock[i]));
    installWasmKernels();
  });
});

describe("Identity", () => {
  it("a clone shares the data: same values, and either one can be freed first", () => {
    installWasmKernels();
    const before = memorySnapshot();
    const x = tf.tensor(operand([33, 7], 19).values, [33, 7]);
    const expected = x.dataSync().slice();
    const clone = tf.clone(x);
    expect(Array.from(clone.dataSync())).toEqual(Array.from(expected));
    x.dispose();
    expect(Array.from(clone.dataSync())).toEqual(Array.from(expected)); // still alive after the original went
    const again = tf.clone(clone);
    clone.dispose();
    expect(Array.from(again.dataSync())).toEqual(Array.from(expected));
    again.dispose();
    expect(memorySnapshot()).toEqual(before);
  });
});

describe("transposeMatrix", () => {
  it("transposes every slice, across block edges and with offsets", () => {
    for (const [rows, cols] of [
      [1, 1],
      [1, 70],
      [70, 1],
      [33, 65],
      [64, 32],
    ] as const) {
      const x = Float32Array.from({ length: 3 + rows * cols }, (_, i) => i - 3);
      const out = new Float32Array(5 + rows * cols).fill(NaN);
      transposeMatrix(x, 3, out, 5, rows, cols);
      const expected = new Float32Array(rows * cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) expected[j * rows + i] = x[3 + i * cols + j]!;
      expect(Array.from(out.subarray(5))).toEqual(Array.from(expected));
      expect(out.subarray(0, 5).every(Number.isNaN)).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// BatchMatMul

interface MatMulCase {
  name: string;
  a: number[];
  b: number[];
  transposeA?: boolean;
  transposeB?: boolean;
  /** Both sides end in XNNPACK (or the stock kernel) with the same summation order: bitwise equal. */
  exact?: boolean;
}

const MATMUL_CASES: MatMulCase[] = [
  { name: "plain 2-D (stock fast path, handed back)", a: [17, 23], b: [23, 9], exact: true },
  { name: "one row, transposeA", a: [40, 1], b: [40, 7], transposeA: true },
  { name: "one column out, transposeB", a: [5, 60], b: [1, 60], transposeB: true },
  { name: "odd sizes, transposeA, k = 129 (three 48-blocks)", a: [129, 13], b: [129, 31], transposeA: true },
  { name: "odd sizes, transposeB", a: [33, 65], b: [19, 65], transposeB: true },
  { name: "both transposed", a: [65, 33], b: [19, 65], transposeA: true, transposeB: true },
  { name: "dense backward dW = xᵀ·dy", a: [128, 100], b: [128, 30], transposeA: true },
  { name: "dense backward dx = dy·Wᵀ", a: [128, 30], b: [100, 30], transposeB: true },
  { name: "batched", a: [3, 20, 30], b: [3, 30, 25] },
  { name: "batched, transposeA", a: [3, 30, 20], b: [3, 30, 25], transposeA: true },
  { name: "batched, transposeB", a: [3, 20, 30], b: [3, 25, 30], transposeB: true },
  { name: "batch of A, shared B (one stacked product)", a: [4, 20, 30], b: [1, 30, 25] },
  { name: "batch of A, shared B, rank 2 B", a: [4, 20, 50], b: [50, 25], transposeB: false },
  { name: "shared A, batch of B", a: [1, 20, 30], b: [4, 30, 25] },
  { name: "rank 4", a: [2, 3, 20, 30], b: [2, 3, 30, 25], transposeA: false },
  { name: "rank 4, shared B, both transposed", a: [2, 3, 30, 20], b: [1, 1, 25, 30], transposeA: true, transposeB: true },
  { name: "small batched slices (below MIN_WORK_PER_SLICE: stock loop)", a: [6, 8, 8], b: [6, 8, 8], transposeA: true, exact: true },
];

describe("BatchMatMul", () => {
  it("MIN_WORK_PER_SLICE keeps the small case on the stock kernel", () => {
    expect(8 * 8 * 8).toBeLessThan(MIN_WORK_PER_SLICE);
    expect(20 * 30 * 25).toBeGreaterThanOrEqual(MIN_WORK_PER_SLICE);
  });

  for (const c of MATMUL_CASES) {
    it(`equals the stock kernel: ${c.name} ${JSON.stringify(c.a)} x ${JSON.stringify(c.b)}`, () => {
      const tA = c.transposeA ?? false;
      const tB = c.transposeB ?? false;
      const a = operand(c.a, 1);
      const b = operand(c.b, 2);
      const f: Computation = ([x, y]) => tf.matMul(x!, y!, tA, tB);
      const stock = onWasm(false, [a, b], f);
      const patched = onWasm(true, [a, b], f);
      if (c.exact) {
        expect(violations(patched, stock)).toEqual([]);
      } else {
        const { abs, k } = absoluteProduct(a, b, tA, tB);
        expect(violations(patched, stock, (i) => 2 * gamma(k) * abs[i]!)).toEqual([]);
      }
    });
  }

  it("a reshaped right-hand side is not served XNNPACK's packing of its old shape (a stock bug)", async () => {
    const w: Operand = { shape: [6, 4], values: Float32Array.from({ length: 24 }, (_, i) => i) };
    const a: Operand = { shape: [2, 6], values: new Float32Array(12).fill(1) };
    const a2: Operand = { shape: [2, 4], values: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]) };
    // Same data id for both products: W as [6, 4], then reshaped to [4, 6]. Small integers: exact in float32.
    const f: Computation = ([x, wt, x2]) =>
      tf.tidy(() => {
        tf.matMul(x!, wt!).dataSync();
        return tf.concat([
          tf.matMul(x2!, tf.reshape(wt!, [4, 6])).flatten(),
          tf.fused.matMul({ a: x2!, b: tf.reshape(wt!, [4, 6]), activation: "relu" }).flatten(),
        ]);
      });
    const expected = await onCpu([a, w, a2], f);
    expect(violations(onWasm(true, [a, w, a2], f), expected)).toEqual([]);
    expect(violations(onWasm(false, [a, w, a2], f), expected).length).toBeGreaterThan(0);
  });

  it("keeps the output shape of the stock kernel", () => {
    const a = tf.zeros([2, 3, 30, 20]);
    const b = tf.zeros([1, 1, 25, 30]);
    const y = tf.matMul(a, b, true, true);
    expect(y.shape).toEqual([2, 3, 20, 25]);
    tf.dispose([a, b, y]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// _FusedMatMul

type Activation = "linear" | "relu" | "relu6" | "prelu" | "leakyrelu" | "sigmoid" | "elu";

interface FusedCase {
  name: string;
  a: number[];
  b: number[];
  transposeA?: boolean;
  transposeB?: boolean;
  bias?: boolean;
  activation: Activation;
  /** Compare with: the stock wasm kernel, bitwise ("stock-exact"), or the cpu backend within the derived bound. */
  reference: "stock-exact" | "cpu";
}

const FUSED_CASES: FusedCase[] = [
  { name: "bias + relu, stock fast path (handed back)", a: [37, 50], b: [50, 30], bias: true, activation: "relu", reference: "stock-exact" },
  { name: "bias + sigmoid, stock fast path", a: [37, 50], b: [50, 30], bias: true, activation: "sigmoid", reference: "stock-exact" },
  { name: "transposeA + bias + relu", a: [100, 7], b: [100, 6], transposeA: true, bias: true, activation: "relu", reference: "cpu" },
  { name: "transposeB + bias + relu6", a: [9, 70], b: [11, 70], transposeB: true, bias: true, activation: "relu6", reference: "cpu" },
  { name: "both + bias + elu", a: [70, 9], b: [11, 70], transposeA: true, transposeB: true, bias: true, activation: "elu", reference: "cpu" },
  { name: "transposeA + bias + leakyrelu", a: [60, 13], b: [60, 5], transposeA: true, bias: true, activation: "leakyrelu", reference: "cpu" },
  { name: "transposeB, no bias, sigmoid", a: [8, 96], b: [12, 96], transposeB: true, activation: "sigmoid", reference: "cpu" },
  { name: "transposeA, no bias, linear", a: [96, 8], b: [96, 12], transposeA: true, activation: "linear", reference: "cpu" },
  { name: "batched + bias + prelu", a: [2, 7, 100], b: [2, 100, 6], bias: true, activation: "prelu", reference: "cpu" },
  { name: "batch of A, shared B + bias + relu", a: [3, 7, 100], b: [1, 100, 6], bias: true, activation: "relu", reference: "cpu" },
  { name: "small batched slices + bias", a: [4, 3, 5], b: [4, 5, 2], bias: true, activation: "linear", reference: "cpu" },
];

/** Lipschitz constant of each activation (prelu: its weights here are N(0, 1); bounded by max(1, max|w|)). */
function lipschitz(activation: Activation, prelu: Operand): number {
  if (activation === "sigmoid") return 0.25;
  if (activation === "leakyrelu") return 1; // alpha = 0.2
  if (activation === "prelu") return Math.max(1, ...Array.from(prelu.values, Math.abs));
  return 1;
}

describe("_FusedMatMul", () => {
  for (const c of FUSED_CASES) {
    it(`equals the ${c.reference === "cpu" ? "cpu backend" : "stock kernel"}: ${c.name} ${JSON.stringify(c.a)} x ${JSON.stringify(c.b)}`, async () => {
      const tA = c.transposeA ?? false;
      const tB = c.transposeB ?? false;
      const m = tA ? c.a[c.a.length - 1]! : c.a[c.a.length - 2]!;
      const n = tB ? c.b[c.b.length - 2]! : c.b[c.b.length - 1]!;
      const a = operand(c.a, 3);
      const b = operand(c.b, 4);
      const bias = operand([n], 5);
      const prelu = operand([n], 6);
      const f: Computation = ([x, y, z, w]) =>
        tf.fused.matMul({
          a: x!,
          b: y!,
          transposeA: tA,
          transposeB: tB,
          bias: c.bias ? z : undefined,
          activation: c.activation,
          preluActivationWeights: c.activation === "prelu" ? w : undefined,
          leakyreluAlpha: 0.2,
        });
      const inputs = [a, b, bias, prelu];
      const patched = onWasm(true, inputs, f);
      if (c.reference === "stock-exact") {
        expect(violations(patched, onWasm(false, inputs, f))).toEqual([]);
        return;
      }
      const expected = await onCpu(inputs, f);
      // Before the activation both sides are within γ_{k+1}·(Σ|a b| + |bias|) of the exact value (one more rounding
      // for the bias); the activation multiplies that by at most its Lipschitz constant L and, evaluated in float32,
      // adds a few units in the last place: 8u·|expected| covers 4 ulp.
      const { abs, k } = absoluteProduct(a, b, tA, tB, c.bias ? bias : undefined);
      const L = lipschitz(c.activation, prelu);
      expect(violations(patched, expected, (i) => L * 2 * gamma(k + 1) * abs[i]! + 8 * UNIT_ROUNDOFF * Math.abs(expected[i]!))).toEqual([]);
      expect(m * n).toBeGreaterThan(0);
    });
  }

  it("the stock kernel is wrong with a transpose and a bias (why those cases compare with cpu)", async () => {
    const a = operand([100, 7], 3);
    const b = operand([100, 6], 4);
    const bias = operand([6], 5);
    const f: Computation = ([x, y, z]) => tf.fused.matMul({ a: x!, b: y!, transposeA: true, bias: z, activation: "relu" });
    const stock = onWasm(false, [a, b, bias], f);
    const expected = await onCpu([a, b, bias], f);
    expect(violations(stock, expected, () => 1e-3).length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// A dense layer's gradients

describe("a dense layer's gradients", () => {
  it("dW, db and dx equal the stock kernels' within the summation bound (db, forward: bitwise)", () => {
    const [batch, inputs, units] = [37, 50, 30];
    const x = operand([batch, inputs], 7);
    const c = operand([batch, units], 8);
    const run = (patched: boolean) => {
      if (patched) installWasmKernels();
      else uninstallWasmKernels();
      const before = memorySnapshot();
      const layer = tf.layers.dense({ units, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 9 }), biasInitializer: "zeros" });
      const xt = tf.tensor(x.values, x.shape);
      const xv = tf.variable(xt, true, "x");
      const ct = tf.tensor(c.values, c.shape);
      layer.build([batch, inputs]);
      // getWeights() hands out the layer's tf.Variables themselves.
      const [kernel, bias] = layer.getWeights() as tf.Variable[];
      tf.tidy(() => bias!.assign(tf.fill([units], 0.1))); // some units on, some off
      let y = new Float32Array(0);
      // loss = Σ relu(x·W + b) ⊙ c, so dy = c ⊙ 1[y > 0].
      const { value, grads } = tf.variableGrads(() =>
        tf.tidy(() => {
          const out = layer.apply(xv) as tf.Tensor;
          y = out.dataSync() as Float32Array;
          return tf.sum(tf.mul(out, ct)) as tf.Scalar;
        }),
      );
      const result = {
        y,
        w: kernel!.dataSync() as Float32Array,
        dW: grads[kernel!.name]!.dataSync() as Float32Array,
        db: grads[bias!.name]!.dataSync() as Float32Array,
        dx: grads[xv.name]!.dataSync() as Float32Array,
      };
      tf.dispose(Object.values(grads));
      tf.dispose([value, xt, xv, ct]);
      for (const weight of layer.weights) weight.dispose(); // (layer.dispose() wants a symbolic use first)
      expect(memorySnapshot()).toEqual(before);
      return result;
    };
    const stock = run(false);
    const patched = run(true);
    expect(violations(patched.y, stock.y)).toEqual([]);
    expect(violations(patched.w, stock.w)).toEqual([]);
    expect(violations(patched.db, stock.db)).toEqual([]);
    const dy: Operand = { shape: [batch, units], values: c.values.map((v, i) => (stock.y[i]! > 0 ? v : 0)) };
    const w: Operand = { shape: [inputs, units], values: stock.w };
    const dWBound = absoluteProduct(x, dy, true, false);
    const dxBound = absoluteProduct(dy, w, false, true);
    expect(violations(patched.dW, stock.dW, (i) => 2 * gamma(dWBound.k) * dWBound.abs[i]!)).toEqual([]);
    expect(violations(patched.dx, stock.dx, (i) => 2 * gamma(dxBound.k) * dxBound.abs[i]!)).toEqual([]);
    // Not vacuous: the gradient is not all zeros.
    expect(patched.dW.some((v) => v !== 0)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Conv2DBackpropFilter (added: stock wasm has none)

interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: "same" | "valid";
}

const CONV_CASES: ConvCase[] = [
  { x: [2, 7, 9, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: "same" },
  { x: [2, 7, 9, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: "valid" },
  { x: [3, 8, 8, 2], filter: [3, 2, 2, 5], strides: [2, 2], pad: "same" },
  { x: [1, 9, 7, 1], filter: [2, 3, 1, 6], strides: [2, 1], pad: "valid" },
  { x: [2, 6, 6, 4], filter: [1, 1, 4, 3], strides: [1, 1], pad: "valid" },
  { x: [2, 6, 7, 3], filter: [2, 4, 3, 2], strides: [1, 1], pad: "same" }, // even sizes: asymmetric padding
  { x: [2, 5, 5, 2], filter: [5, 5, 2, 2], strides: [3, 3], pad: "same" },
];

/** Σ over (b, p, q) of |x[b, p·sh + i − top, q·sw + j − left, c]| · |dy[b, p, q, o]| per filter entry, in float64. */
function absoluteFilterGradient(x: Operand, dy: Operand, c: ConvCase): { abs: Float64Array; terms: number } {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad);
  const [batch, height, width, channels] = c.x;
  const [kh, kw, , outChannels] = c.filter;
  const abs = new Float64Array(kh * kw * channels * outChannels);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let ch = 0; ch < channels; ch++)
        for (let o = 0; o < outChannels; o++) {
          let sum = 0;
          for (let b = 0; b < batch; b++)
            for (let p = 0; p < info.outHeight; p++)
              for (let q = 0; q < info.outWidth; q++) {
                const row = p * info.strideHeight + i - info.padInfo.top;
                const col = q * info.strideWidth + j - info.padInfo.left;
                if (row < 0 || row >= height || col < 0 || col >= width) continue;
                const xv = x.values[((b * height + row) * width + col) * channels + ch]!;
                const dv = dy.values[((b * info.outHeight + p) * info.outWidth + q) * outChannels + o]!;
                sum += Math.abs(xv * dv);
              }
          abs[((i * kw + j) * channels + ch) * outChannels + o] = sum;
        }
  return { abs, terms: batch * info.outHeight * info.outWidth };
}

/** Σ over (i, j, o) of |dy[b, r + top − i, s + left − j, o]| · |W[i, j, c, o]| per dx entry (stride 1), in float64. */
function absoluteInputGradient(dy: Operand, w: Operand, c: ConvCase): { abs: Float64Array; terms: number } {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad);
  const [batch, height, width, channels] = c.x;
  const [kh, kw, , outChannels] = c.filter;
  const abs = new Float64Array(batch * height * width * channels);
  for (let b = 0; b < batch; b++)
    for (let r = 0; r < height; r++)
      for (let s = 0; s < width; s++)
        for (let ch = 0; ch < channels; ch++) {
          let sum = 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const p = r + info.padInfo.top - i;
              const q = s + info.padInfo.left - j;
              if (p < 0 || p >= info.outHeight || q < 0 || q >= info.outWidth) continue;
              for (let o = 0; o < outChannels; o++) {
                const dv = dy.values[((b * info.outHeight + p) * info.outWidth + q) * outChannels + o]!;
                sum += Math.abs(dv * w.values[((i * kw + j) * channels + ch) * outChannels + o]!);
              }
            }
          abs[((b * height + r) * width + s) * channels + ch] = sum;
        }
  return { abs, terms: kh * kw * outChannels };
}

describe("Conv2DBackpropInput", () => {
  for (const c of CONV_CASES) {
    const strided = c.strides[0] !== 1 || c.strides[1] !== 1;
    it(`the input gradient equals the stock kernel's${strided ? " (strided: handed back, bitwise)" : ""}: x ${JSON.stringify(c.x)}, filter ${JSON.stringify(c.filter)}, strides ${c.strides}, ${c.pad}`, () => {
      const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad);
      const x = operand(c.x, 14);
      const w = operand(c.filter, 15);
      const dy = operand([c.x[0], info.outHeight, info.outWidth, c.filter[3]], 16);
      const f: Computation = ([xt, wt, dyt]) =>
        tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(input as tf.Tensor4D, wt as tf.Tensor4D, c.strides, c.pad), dyt!)))(xt!);
      const stock = onWasm(false, [x, w, dy], f);
      const patched = onWasm(true, [x, w, dy], f);
      if (strided) {
        expect(violations(patched, stock)).toEqual([]);
      } else {
        const { abs, terms } = absoluteInputGradient(dy, w, c);
        expect(violations(patched, stock, (i) => 2 * gamma(terms) * abs[i]!)).toEqual([]);
      }
      expect(patched.some((v) => v !== 0)).toBe(true);
    });
  }
});

describe("Conv2DBackpropFilter", () => {
  for (const c of CONV_CASES) {
    it(`the filter gradient equals the cpu backend's: x ${JSON.stringify(c.x)}, filter ${JSON.stringify(c.filter)}, strides ${c.strides}, ${c.pad}`, async () => {
      const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad);
      const x = operand(c.x, 10);
      const w = operand(c.filter, 11);
      const dy = operand([c.x[0], info.outHeight, info.outWidth, c.filter[3]], 12);
      // loss = Σ conv2d(x, w) ⊙ dy, so the filter gradient is the kernel's output for this dy.
      const f: Computation = ([xt, wt, dyt]) =>
        tf.grad((filter: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xt as tf.Tensor4D, filter as tf.Tensor4D, c.strides, c.pad), dyt!)))(wt!);
      const patched = onWasm(true, [x, w, dy], f);
      const expected = await onCpu([x, w, dy], f);
      // Both are dot products of `terms` products (the cpu one in float64, then rounded): 2·γ_terms·Σ|x dy| covers both.
      const { abs, terms } = absoluteFilterGradient(x, dy, c);
      expect(violations(patched, expected, (i) => 2 * gamma(terms) * abs[i]!)).toEqual([]);
      expect(patched.some((v) => v !== 0)).toBe(true);
    });
  }

  it("rejects NCHW with an error that says what is expected", () => {
    const x = tf.zeros([1, 2, 5, 5]);
    const dy = tf.zeros([1, 2, 5, 5]);
    expect(() => tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, { strides: 1, pad: "same", dataFormat: "NCHW", filterShape: [3, 3, 2, 2] })).toThrow(
      /dataFormat = "NCHW", expected "NHWC"/,
    );
    tf.dispose([x, dy]);
  });

  it("lets a small conv net take a training step on wasm", async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [8, 8, 1],
          filters: 4,
          kernelSize: 3,
          padding: "same",
          activation: "relu",
          kernelInitializer: tf.initializers.heNormal({ seed: 1 }),
          name: "conv",
        }),
        tf.layers.flatten({ name: "flatten" }),
        tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), name: "out" }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: "categoricalCrossentropy" });
    const xs = tf.tensor(operand([6, 8, 8, 1], 13).values, [6, 8, 8, 1]);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], "int32"), 3);
    const before = model.getLayer("conv").getWeights()[0]!.dataSync().slice();
    const loss = (await model.trainOnBatch(xs, ys)) as number;
    const after = model.getLayer("conv").getWeights()[0]!.dataSync();
    expect(Number.isFinite(loss)).toBe(true);
    expect(after.some((v, i) => v !== before[i])).toBe(true);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// MaxPoolGrad

interface PoolCase {
  x: [number, number, number, number];
  filterSize: number;
  strides: number;
  pad: "same" | "valid";
}

const POOL_CASES: PoolCase[] = [
  { x: [2, 8, 8, 3], filterSize: 2, strides: 2, pad: "valid" },
  { x: [2, 7, 9, 3], filterSize: 3, strides: 2, pad: "same" },
  { x: [1, 6, 6, 2], filterSize: 3, strides: 1, pad: "same" },
];

/**
 * Per input position: how many windows cover it and Σ|dy| over them (a bound on what can be added there), float64.
 */
function windowSums(dy: Operand, c: PoolCase): { abs: Float64Array; windows: number } {
  const info = tf.backend_util.computePool2DInfo(c.x, c.filterSize, c.strides, 1, c.pad);
  const [batch, height, width, channels] = c.x;
  const abs = new Float64Array(batch * height * width * channels);
  for (let b = 0; b < batch; b++)
    for (let p = 0; p < info.outHeight; p++)
      for (let q = 0; q < info.outWidth; q++)
        for (let i = 0; i < c.filterSize; i++)
          for (let j = 0; j < c.filterSize; j++) {
            const row = p * c.strides - info.padInfo.top + i;
            const col = q * c.strides - info.padInfo.left + j;
            if (row < 0 || row >= height || col < 0 || col >= width) continue;
            for (let ch = 0; ch < channels; ch++) {
              abs[((b * height + row) * width + col) * channels + ch] += Math.abs(dy.values[((b * info.outHeight + p) * info.outWidth + q) * channels + ch]!);
            }
          }
  return { abs, windows: Math.ceil(c.filterSize / c.strides) ** 2 };
}

/** Inputs of three kinds: distinct positive values, N(0, 1) (windows of negatives), ReLU of N(0, 1) (tied zeros). */
function poolInput(shape: number[], kind: "positive" | "normal" | "relu", seed: number): Operand {
  const o = operand(shape, seed);
  if (kind === "positive") o.values = o.values.map((v) => 2 + Math.tanh(v)); // in (1, 3): positive, ties improbable
  if (kind === "relu") o.values = o.values.map((v) => Math.max(v, 0));
  return o;
}

describe("MaxPoolGrad", () => {
  for (const c of POOL_CASES) {
    for (const kind of ["positive", "normal", "relu"] as const) {
      const reference = kind === "positive" ? "stock kernel" : "cpu backend";
      it(`equals the ${reference} on ${kind} inputs: x ${JSON.stringify(c.x)}, ${c.filterSize}x${c.filterSize} / ${c.strides}, ${c.pad}`, async () => {
        const info = tf.backend_util.computePool2DInfo(c.x, c.filterSize, c.strides, 1, c.pad);
        const x = poolInput(c.x, kind, 17);
        const dy = operand([c.x[0], info.outHeight, info.outWidth, c.x[3]], 18);
        const f: Computation = ([xt, dyt]) =>
          tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, c.filterSize, c.strides, c.pad), dyt!)))(xt!);
        const patched = onWasm(true, [x, dy], f);
        const expected = kind === "positive" ? onWasm(false, [x, dy], f) : await onCpu([x, dy], f);
        // Non-overlapping windows: each input gets at most one gradient, copied: bitwise equal. Overlapping: up to
        // `windows` gradients summed in different orders: within 2·γ_windows·Σ|dy| of each other.
        const { abs, windows } = windowSums(dy, c);
        const bound = c.strides >= c.filterSize ? undefined : (i: number) => 2 * gamma(windows) * abs[i]!;
        expect(violations(patched, expected, bound)).toEqual([]);
        expect(patched.some((v) => v !== 0)).toBe(true);
      });
    }
  }

  it("the stock kernel misroutes the gradient of an all-negative window (why those cases compare with cpu)", async () => {
    const x: Operand = { shape: [1, 2, 2, 1], values: Float32Array.from([-1, -3, -2, -4]) };
    const dy: Operand = { shape: [1, 1, 1, 1], values: Float32Array.from([1]) };
    const f: Computation = ([xt, dyt]) => tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, 2, 2, "valid"), dyt!)))(xt!);
    expect(Array.from(await onCpu([x, dy], f))).toEqual([1, 0, 0, 0]);
    expect(Array.from(onWasm(true, [x, dy], f))).toEqual([1, 0, 0, 0]);
    // Stock: the window's maximum starts at the smallest positive float, so -1 never wins.
    const stockSecond: Operand = { shape: [1, 2, 2, 1], values: Float32Array.from([-3, -1, -2, -4]) };
    expect(Array.from(onWasm(false, [stockSecond, dy], f))).not.toEqual([0, 1, 0, 0]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Slice and GatherV2 (pure copies: bitwise equal)

/** Runs `f` on one tensor of `shape` and `dtype` (values from a seeded stream) with the stock and patched kernels. */
function copiesBoth(
  shape: number[],
  dtype: "float32" | "int32" | "bool",
  f: (x: tf.Tensor) => tf.Tensor,
): { stock: number[]; patched: number[]; shape: number[] } {
  const values = operand(shape, 20).values.map((v) => (dtype === "float32" ? v : dtype === "int32" ? Math.round(v * 100) : v > 0 ? 1 : 0));
  const run = (patched: boolean) => {
    if (patched) installWasmKernels();
    else uninstallWasmKernels();
    const x = tf.tensor(values, shape, dtype);
    const before = memorySnapshot();
    const y = f(x);
    const result = { values: Array.from(y.dataSync()), shape: y.shape, dtype: y.dtype };
    y.dispose();
    expect(memorySnapshot()).toEqual(before);
    x.dispose();
    return result;
  };
  const stock = run(false);
  const patched = run(true);
  expect(patched.shape).toEqual(stock.shape);
  expect(patched.dtype).toBe(stock.dtype);
  return { stock: stock.values, patched: patched.values, shape: patched.shape };
}

describe("Slice", () => {
  const cases: { name: string; shape: number[]; begin: number[]; size: number[]; dtype?: "int32" | "bool" }[] = [
    { name: "a mini-batch of rows (contiguous)", shape: [300, 17], begin: [128, 0], size: [128, -1] },
    { name: "a block of columns", shape: [9, 13], begin: [2, 3], size: [5, 7] },
    { name: "rank 3", shape: [4, 5, 6], begin: [1, 2, 3], size: [2, 3, 2] },
    { name: "rank 4, int32", shape: [3, 4, 5, 6], begin: [1, 0, 2, 1], size: [2, 4, 2, 5], dtype: "int32" },
    { name: "rank 5, bool", shape: [2, 3, 4, 3, 5], begin: [0, 1, 1, 0, 2], size: [2, 2, 3, 3, 3], dtype: "bool" },
    { name: "rank 1", shape: [50], begin: [7], size: [20] },
    { name: "empty", shape: [6, 4], begin: [2, 1], size: [0, 3] },
  ];
  for (const c of cases) {
    it(`equals the stock kernel bitwise: ${c.name}`, () => {
      const { stock, patched } = copiesBoth(c.shape, c.dtype ?? "float32", (x) => tf.slice(x, c.begin, c.size));
      expect(patched).toEqual(stock);
    });
  }
});

describe("GatherV2", () => {
  const cases: { name: string; shape: number[]; indices: number[]; indicesShape?: number[]; axis: number; dtype?: "int32" | "bool" }[] = [
    { name: "rows of a batch (axis 0, repeats)", shape: [40, 17], indices: [3, 39, 0, 3, 17], axis: 0 },
    { name: "axis 1", shape: [5, 8, 3], indices: [7, 1, 1, 0], axis: 1 },
    { name: "last axis, int32", shape: [4, 6], indices: [5, 0, 2], axis: -1, dtype: "int32" },
    { name: "2-D indices, bool", shape: [6, 3], indices: [1, 2, 5, 0], indicesShape: [2, 2], axis: 0, dtype: "bool" },
  ];
  for (const c of cases) {
    it(`equals the stock kernel bitwise: ${c.name}`, () => {
      const { stock, patched } = copiesBoth(c.shape, c.dtype ?? "float32", (x) =>
        tf.tidy(() => tf.gather(x, tf.tensor(c.indices, c.indicesShape ?? [c.indices.length], "int32"), c.axis)),
      );
      expect(patched).toEqual(stock);
    });
  }

  it("rejects an index out of range with the stock kernel's message", () => {
    const x = tf.zeros([4, 2]);
    const indices = tf.tensor1d([1, 4], "int32");
    expect(() => tf.gather(x, indices)).toThrow("GatherV2: the index value 4 is not in [0, 3]");
    tf.dispose([x, indices]);
  });
});

describe("OneHot", () => {
  const oneHot = (dtype: "float32" | "int32") => tf.tidy(() => Array.from(tf.oneHot(tf.tensor1d([2, 0, 5, -1, 1], "int32"), 4, 0.9, 0.025, dtype).dataSync()));
  // What the cpu backend computes: out-of-range indices (5, −1) give a row of offValue.
  const expected = (on: number, off: number) => [2, 0, 5, -1, 1].flatMap((index) => [0, 1, 2, 3].map((k) => (k === index ? on : off)));

  it("writes float32 values for a float32 output, as the cpu backend does (the stock kernel writes int32 bits)", () => {
    const before = tf.memory().numTensors;
    expect(oneHot("float32")).toEqual(expected(Math.fround(0.9), Math.fround(0.025)));
    expect(tf.memory().numTensors).toBe(before);
    uninstallWasmKernels();
    try {
      const stock = tf.tidy(() => Array.from(tf.oneHot(tf.tensor1d([1], "int32"), 2, 1, 0, "float32").dataSync()));
      expect(stock[1]).not.toBe(1); // the stock kernel's int32 bit pattern of 1, read as a float
    } finally {
      installWasmKernels();
    }
  });

  it("leaves int32 outputs to the stock kernel", () => {
    const ints = tf.tidy(() => Array.from(tf.oneHot(tf.tensor1d([2, 0, 5, -1, 1], "int32"), 4, 7, 3, "int32").dataSync()));
    expect(ints).toEqual(expected(7, 3));
  });
});
