import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BackendUnavailableError, findSharedLibrary, initBackend, tf } from "kernel-lib";

// Which native packages this machine has decides what `auto` must pick; the test reads it rather than assuming.
function installed(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

describe("backend", () => {
  const saved = process.env.KERNEL_LIB_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.KERNEL_LIB_BACKEND;
    else process.env.KERNEL_LIB_BACKEND = saved;
  });

  it("auto takes tfjs-node if it loads, else wasm, and says why the others were not used", async () => {
    delete process.env.KERNEL_LIB_BACKEND;
    const report = await initBackend();
    expect(report.requested).toBe("auto");
    expect(report.requestedBy).toBe("default");
    expect(tf.getBackend()).toBe(report.tfjsName);
    const others = report.notUsed.map((n) => n.name).sort();
    expect(others).toEqual(["cpu", "cuda", "node", "wasm"].filter((n) => n !== report.name));
    expect(report.notUsed.find((n) => n.name === "cuda")!.reason).toMatch(/only when asked for/);
    if (!installed("@tensorflow/tfjs-node")) {
      expect(report.name).toBe("wasm");
      expect(report.notUsed.find((n) => n.name === "node")!.reason).toMatch(/@tensorflow\/tfjs-node is not installed/);
      expect(report.text).toMatch(/^Backend: wasm \(@tensorflow\/tfjs-backend-wasm 4\.\d+\.\d+; SIMD (on|off)/);
    } else {
      expect(report.name).toBe("node");
    }
  });

  it("runs the backend it reports: a matmul gives the right numbers", async () => {
    await initBackend({ backend: "wasm" });
    const product = tf.tidy(() =>
      tf
        .matMul(
          tf.tensor2d([
            [1, 2],
            [3, 4],
          ]),
          tf.tensor2d([
            [5, 6],
            [7, 8],
          ]),
        )
        .arraySync(),
    );
    expect(product).toEqual([
      [19, 22],
      [43, 50],
    ]);
  });

  it("KERNEL_LIB_BACKEND=cpu runs the cpu backend", async () => {
    process.env.KERNEL_LIB_BACKEND = "cpu";
    const report = await initBackend();
    expect(report.name).toBe("cpu");
    expect(report.requestedBy).toBe("KERNEL_LIB_BACKEND");
    expect(tf.getBackend()).toBe("cpu");
    expect(report.notUsed.every((n) => /not requested/.test(n.reason))).toBe(true);
    // No "install our node backend" banner: the report already explains the choice.
    const warn = vi.spyOn(console, "warn");
    try {
      tf.tidy(() => tf.tensor([1, 2]).add(1).dataSync());
      expect(warn.mock.calls.flat().join(" ")).not.toMatch(/install our node backend/);
    } finally {
      warn.mockRestore();
    }
  });

  it("cuda, asked for and not installed, throws why instead of running elsewhere", async () => {
    if (installed("@tensorflow/tfjs-node-gpu")) return; // the CUDA checks below need the package to be absent
    const before = tf.getBackend();
    const error = await initBackend({ backend: "cuda" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(/tfjs-node-gpu is not installed: run `npm run setup:cuda`/);
    expect(tf.getBackend()).toBe(before);
  });

  it("node, asked for and missing, throws with the reason", async () => {
    if (installed("@tensorflow/tfjs-node")) return;
    await expect(initBackend({ backend: "node" })).rejects.toThrow(/@tensorflow\/tfjs-node is not installed/);
  });

  it("rejects an unknown backend name, naming the variable and the choices", async () => {
    process.env.KERNEL_LIB_BACKEND = "gpu";
    await expect(initBackend()).rejects.toThrow(/KERNEL_LIB_BACKEND = "gpu", expected one of "auto", "cuda", "node", "wasm", "cpu"/);
  });

  it("finds CUDA libraries on LD_LIBRARY_PATH and reports missing ones", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cuda-"));
    const savedPath = process.env.LD_LIBRARY_PATH;
    try {
      fs.writeFileSync(path.join(dir, "libcudart.so.11.0"), "");
      process.env.LD_LIBRARY_PATH = dir;
      expect(findSharedLibrary("libcudart.so.11.0")).toBe(path.join(dir, "libcudart.so.11.0"));
      expect(findSharedLibrary("libkernel-lib-test-missing.so.1")).toBeNull();
    } finally {
      process.env.LD_LIBRARY_PATH = savedPath;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
