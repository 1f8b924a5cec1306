/**
 * `npm run lab`: opens the notebooks in JupyterLab where it is installed, else in the classic Notebook,
 * with the project's TypeScript kernel on JUPYTER_PATH. Extra arguments pass through
 * (`npm run lab -- --no-browser --port 8890`).
 */
import { spawn, spawnSync } from "child_process";
import { NOTEBOOKS_DIR, jupyterEnv, pythonCandidates, registerKernel, requireJupyterPython } from "./jupyter";

function hasModule(python: string, module: string): boolean {
  return spawnSync(python, ["-c", `import ${module}`], { stdio: "ignore" }).status === 0;
}

function main(): void {
  registerKernel(requireJupyterPython());
  const extra = process.argv.slice(2);
  // Jupyter refuses to start as root without this flag (containers, CI machines run as root).
  if (typeof process.getuid === "function" && process.getuid() === 0 && !extra.includes("--allow-root")) extra.push("--allow-root");
  let command: [string, string[]] | null = null;
  for (const python of pythonCandidates()) {
    if (hasModule(python, "jupyterlab")) {
      command = [python, ["-m", "jupyterlab", `--notebook-dir=${NOTEBOOKS_DIR}`, ...extra]];
      break;
    }
  }
  if (!command) {
    for (const python of pythonCandidates()) {
      if (hasModule(python, "notebook")) {
        console.log("JupyterLab is not installed (`python3 -m pip install jupyterlab` gets it); opening the classic Notebook, which shows charts as SVG.");
        command = [python, ["-m", "notebook", `--notebook-dir=${NOTEBOOKS_DIR}`, ...extra]];
        break;
      }
    }
  }
  if (!command) {
    console.error(
      "Neither JupyterLab nor the classic Notebook is installed. Get one:\n  python3 -m pip install jupyterlab\n  or (Debian/Ubuntu) sudo apt-get install jupyter-notebook",
    );
    process.exit(1);
  }
  const child = spawn(command[0], command[1], { stdio: "inherit", env: jupyterEnv() });
  child.on("exit", (code) => process.exit(code ?? 0));
}

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
