/**
 * `npm install` runs this (postinstall): builds kernel-lib, makes sure Jupyter's executor is present
 * (pip where it works, else apt-get when root, else stops with the exact command), and registers the
 * project's TypeScript kernel in `.jupyter/`.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { APT_PACKAGES, HOW_TO_GET_JUPYTER, JUPYTER_MODULES, findJupyterPython, pythonCandidates, registerKernel, PROJECT_ROOT } from "./jupyter";

function step(message: string): void {
  console.log(`[setup] ${message}`);
}

function run(command: string, args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): boolean {
  const result = spawnSync(command, args, { stdio: "inherit", timeout: options.timeoutMs, env: options.env ?? process.env });
  return result.status === 0;
}

function buildKernelLib(): void {
  step("building kernel-lib (tsc)");
  const tsc = path.join(PROJECT_ROOT, "node_modules", "typescript", "bin", "tsc");
  if (!run(process.execPath, [tsc, "-p", path.join(PROJECT_ROOT, "kernel-lib", "tsconfig.build.json")])) {
    throw new Error("building kernel-lib failed (see the TypeScript errors above)");
  }
}

function tryPip(): boolean {
  for (const python of pythonCandidates()) {
    if (spawnSync(python, ["-m", "pip", "--version"], { stdio: "ignore" }).status !== 0) continue;
    step(`installing Jupyter's executor with pip (${python})`);
    const args = [
      "-m",
      "pip",
      "install",
      "--retries",
      "0",
      "--timeout",
      "15",
      "--disable-pip-version-check",
      ...JUPYTER_MODULES.map((m) => m.replace("_", "-")),
    ];
    if (run(python, args, { timeoutMs: 600_000 })) return true;
    step(`pip could not install them for ${python}`);
  }
  return false;
}

function tryApt(): boolean {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot || spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status !== 0) return false;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = ["install", "-y", "-q", "--no-install-recommends", ...APT_PACKAGES];
  step(`installing Jupyter from Debian packages: apt-get ${install.join(" ")}`);
  if (run("apt-get", install, { env })) return true;
  step("apt-get install failed; refreshing the package lists and trying again");
  return run("apt-get", ["update", "-q"], { env }) && run("apt-get", install, { env });
}

function ensureJupyter(): string {
  let python = findJupyterPython();
  if (python) return python;
  if (tryPip()) python = findJupyterPython();
  if (!python && tryApt()) python = findJupyterPython();
  if (!python) throw new Error(HOW_TO_GET_JUPYTER);
  return python;
}

function main(): void {
  buildKernelLib();
  const python = ensureJupyter();
  step(`Jupyter's executor found for ${python}`);
  const kernelDir = registerKernel(python);
  step(`TypeScript kernel "tslab" registered in ${path.relative(PROJECT_ROOT, kernelDir)} (npm scripts put it on JUPYTER_PATH)`);
  step("done: `npm test` runs the tests, `npm run report` writes reports/, `npm run lab` opens the notebooks");
}

try {
  main();
} catch (error) {
  console.error(`\n[setup] FAILED: ${(error as Error).message}\n`);
  process.exit(1);
}
