/**
 * Jupyter plumbing shared by set-up, tests, reports and `npm run lab`: which Python has Jupyter's
 * executor, the project's own kernelspec for tslab, and running a notebook headless.
 */
import { execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const PROJECT_ROOT = path.resolve(__dirname, "..");
export const NOTEBOOKS_DIR = path.join(PROJECT_ROOT, "notebooks");
export const JUPYTER_DIR = path.join(PROJECT_ROOT, ".jupyter");
export const JUPYTER_DATA = path.join(JUPYTER_DIR, "share", "jupyter");
export const KERNEL_DIR = path.join(JUPYTER_DATA, "kernels", "tslab");
const PYTHON_RECORD = path.join(JUPYTER_DIR, "python.json");
export const JUPYTER_MODULES = ["nbclient", "nbconvert", "nbformat", "jupyter_client"];
export const APT_PACKAGES = ["jupyter-nbconvert", "python3-nbclient", "python3-nbformat", "jupyter-client", "jupyter-notebook"];
export const HOW_TO_GET_JUPYTER = [
  "Jupyter's executor (nbclient + nbconvert) was not found for any Python. Install it, then rerun `npm install`:",
  "  with pip:        python3 -m pip install nbclient nbconvert jupyter_client   (add jupyterlab for `npm run lab`)",
  `  on Debian/Ubuntu: sudo apt-get install ${APT_PACKAGES.join(" ")}`,
  "  or point JUPYTER_PYTHON at a Python that has them.",
].join("\n");

/** Pythons to try, in order: JUPYTER_PYTHON, then python3 on PATH, then the system's. */
export function pythonCandidates(): string[] {
  const list = [process.env.JUPYTER_PYTHON, "python3", "/usr/bin/python3", "python"].filter((p): p is string => !!p);
  return [...new Set(list)];
}

/** True when `python` can import Jupyter's executor. */
export function hasJupyter(python: string): boolean {
  const probe = spawnSync(python, ["-c", `import ${JUPYTER_MODULES.join(", ")}`], { stdio: "ignore", timeout: 60_000 });
  return probe.status === 0;
}

/** The Python that runs notebooks: the one set-up recorded if it still works, else the first that has Jupyter. */
export function findJupyterPython(): string | null {
  if (fs.existsSync(PYTHON_RECORD)) {
    const recorded = (JSON.parse(fs.readFileSync(PYTHON_RECORD, "utf8")) as { python?: string }).python;
    if (recorded && !process.env.JUPYTER_PYTHON && hasJupyter(recorded)) return recorded;
  }
  for (const python of pythonCandidates()) {
    if (hasJupyter(python)) return python;
  }
  return null;
}

/** Like findJupyterPython, but throws the exact instructions when there is none. */
export function requireJupyterPython(): string {
  const python = findJupyterPython();
  if (!python) throw new Error(HOW_TO_GET_JUPYTER);
  return python;
}

/** The absolute path of a Python executable (so the record survives PATH changes). */
export function resolvePython(python: string): string {
  return execFileSync(python, ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();
}

/**
 * Writes the project's kernelspec (`.jupyter/share/jupyter/kernels/tslab/kernel.json`, the same file
 * `tslab install --prefix .jupyter` writes) pointing at this project's own tslab, and records the Python.
 */
export function registerKernel(python: string): string {
  const tslab = path.join(PROJECT_ROOT, "node_modules", "tslab", "bin", "tslab");
  if (!fs.existsSync(tslab)) throw new Error(`tslab is not installed at ${tslab}; run \`npm install\``);
  fs.mkdirSync(KERNEL_DIR, { recursive: true });
  const spec = {
    argv: [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript",
    language: "typescript",
    metadata: { note: "kernel-lib project kernel: tslab from this project's node_modules" },
  };
  fs.writeFileSync(path.join(KERNEL_DIR, "kernel.json"), `${JSON.stringify(spec, null, 2)}\n`);
  fs.writeFileSync(PYTHON_RECORD, `${JSON.stringify({ python: resolvePython(python) }, null, 2)}\n`);
  return KERNEL_DIR;
}

/** The environment for Jupyter processes: the project's kernelspec first on JUPYTER_PATH. */
export function jupyterEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const jupyterPath = [JUPYTER_DATA, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  return { ...process.env, JUPYTER_PATH: jupyterPath, PYDEVD_DISABLE_FILE_VALIDATION: "1", ...extra };
}

export interface PassResult {
  status: "ok" | "error";
  /** What ran: "top-to-bottom run", "rerun of every cell in the same kernel", "kernel", "HTML export". */
  stage: string;
  seconds: number;
  failed_cell?: number | null;
  failed_source?: string;
  error?: string;
  /** Everything the cells printed to stdout in a successful pass, durations masked. */
  printed?: string;
}

export interface NotebookResult {
  notebook: string;
  status: "ok" | "error";
  seconds: number;
  passes: PassResult[];
  charts: number;
  backend: string | null;
  /** With `html`: SVG images in the written HTML, and SVG outputs in the notebook (equal when every chart made it). */
  html_charts?: number;
  svg_outputs?: number;
}

export interface RunNotebookOptions {
  budget: "smoke" | "full";
  rerun?: boolean;
  html?: string;
  executed?: string;
  timeoutSeconds?: number;
}

/** Executes a notebook headless through nbclient (scripts/run_notebook.py) and returns what happened. */
export function runNotebook(notebook: string, options: RunNotebookOptions): Promise<NotebookResult> {
  const python = requireJupyterPython();
  if (!fs.existsSync(path.join(KERNEL_DIR, "kernel.json"))) registerKernel(python);
  const args = [path.join(__dirname, "run_notebook.py"), notebook, "--timeout", String(options.timeoutSeconds ?? 1800)];
  if (options.rerun) args.push("--rerun");
  if (options.html) args.push("--html", options.html);
  if (options.executed) args.push("--executed", options.executed);
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { env: jupyterEnv({ NOTEBOOK_BUDGET: options.budget }), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const line = stdout.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(line) as NotebookResult);
      } catch {
        reject(new Error(`running ${notebook} failed (exit ${code}):\n${stderr.slice(-3000)}`));
      }
    });
  });
}

/** The notebooks, in name order. */
export function listNotebooks(): string[] {
  return fs
    .readdirSync(NOTEBOOKS_DIR)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => path.join(NOTEBOOKS_DIR, f));
}

/** Describes a failed run: which pass, which cell, its source and the error. */
export function describeFailure(result: NotebookResult): string {
  const name = path.basename(result.notebook);
  return result.passes
    .map((pass) => {
      if (pass.status === "ok") return null;
      if (pass.failed_cell == null) return `${name}: ${pass.stage} failed: ${pass.error ?? ""}`;
      return `${name}: ${pass.stage} failed in code cell ${pass.failed_cell}\n--- cell source ---\n${pass.failed_source ?? ""}\n--- error ---\n${pass.error ?? ""}`;
    })
    .filter(Boolean)
    .join("\n\n");
}
