/**
 * `npm run report`: executes every notebook (full budget unless NOTEBOOK_BUDGET says otherwise) and writes
 * reports/<notebook>.html, the executed reports/<notebook>.ipynb, and reports/index.html. A failing
 * notebook is named with its failing cell, and the command exits non-zero.
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT, describeFailure, listNotebooks, runNotebook, type NotebookResult } from "./jupyter";

const REPORTS = path.join(PROJECT_ROOT, "reports");

interface Entry {
  name: string;
  title: string;
  summary: string;
  result: NotebookResult;
}

/** Title (first Markdown heading) and one-line summary (first sentence after it) of a notebook. */
export function describeNotebook(file: string): { title: string; summary: string } {
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
  const markdown = nb.cells.filter((c) => c.cell_type === "markdown").map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source));
  const lines = markdown.join("\n\n").split("\n");
  const heading = lines.find((l) => /^#\s+/.test(l));
  const title = heading ? heading.replace(/^#\s+/, "").trim() : path.basename(file, ".ipynb");
  const paragraph = lines.find((l) => l.trim() !== "" && !l.startsWith("#")) ?? "";
  const plain = paragraph.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/[*_`$\\]/g, "");
  const sentence = plain.match(/^.*?[.!?](\s|$)/)?.[0] ?? plain;
  return { title, summary: sentence.trim() };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

export function indexHtml(entries: Entry[], budget: string): string {
  const rows = entries
    .map(({ name, title, summary, result }) => {
      const ok = result.status === "ok";
      const failed = result.passes.find((p) => p.status !== "ok");
      const status = ok ? "ok" : `failed in code cell ${failed?.failed_cell ?? "?"}`;
      return `<tr class="${ok ? "ok" : "error"}"><td><a href="${escapeHtml(name)}.html">${escapeHtml(title)}</a><div class="summary">${escapeHtml(summary)}</div></td><td>${result.seconds.toFixed(1)} s</td><td>${escapeHtml(result.backend ?? "not printed")}</td><td>${result.charts}</td><td class="status">${escapeHtml(status)}</td></tr>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kernel-lib notebook reports</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #222; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
.summary { color: #555; font-size: .9rem; margin-top: .2rem; } .ok .status { color: #1a7f37; } .error .status { color: #cf222e; font-weight: bold; }
</style></head><body>
<h1>kernel-lib notebook reports</h1>
<p>Generated ${escapeHtml(new Date().toISOString())} with budget <code>${escapeHtml(budget)}</code>. Each notebook ran top to bottom in a fresh tslab kernel.</p>
<table><thead><tr><th>Notebook</th><th>Run time</th><th>Backend</th><th>Charts</th><th>Status</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
}

async function main(): Promise<void> {
  const budget = process.env.NOTEBOOK_BUDGET || "full";
  if (budget !== "full" && budget !== "smoke") throw new Error(`NOTEBOOK_BUDGET = ${JSON.stringify(budget)}, expected "full" or "smoke"`);
  fs.mkdirSync(REPORTS, { recursive: true });
  // `npm run report -- 03 04` runs only the notebooks whose file name starts with one of the arguments.
  const prefixes = process.argv.slice(2);
  const notebooks = listNotebooks().filter((file) => prefixes.length === 0 || prefixes.some((p) => path.basename(file).startsWith(p)));
  if (notebooks.length === 0) throw new Error(`no notebook in notebooks/ starts with ${prefixes.map((p) => JSON.stringify(p)).join(" or ")}`);
  const started = Date.now();
  const entries: Entry[] = [];
  for (const file of notebooks) {
    const name = path.basename(file, ".ipynb");
    console.log(`[report] running ${name} (budget ${budget})`);
    const result = await runNotebook(file, { budget, html: path.join(REPORTS, `${name}.html`), executed: path.join(REPORTS, `${name}.ipynb`) });
    if (result.status === "ok" && result.html_charts !== result.svg_outputs) {
      result.status = "error";
      result.passes.push({
        status: "error",
        stage: "HTML export",
        seconds: 0,
        failed_cell: null,
        error: `${result.svg_outputs} chart(s) in the notebook but ${result.html_charts} in the HTML export`,
      });
    }
    console.log(`[report] ${name}: ${result.status} in ${result.seconds.toFixed(1)} s, ${result.charts} chart(s), backend ${result.backend ?? "not printed"}`);
    if (result.status !== "ok") console.error(describeFailure(result));
    entries.push({ name, ...describeNotebook(file), result });
  }
  fs.writeFileSync(path.join(REPORTS, "index.html"), indexHtml(entries, budget));
  const minutes = (Date.now() - started) / 60000;
  console.log(
    `[report] wrote ${path.relative(PROJECT_ROOT, path.join(REPORTS, "index.html"))} and ${entries.length} notebook report(s) in ${minutes.toFixed(1)} min`,
  );
  const failed = entries.filter((e) => e.result.status !== "ok");
  if (failed.length > 0) {
    console.error(`[report] FAILED: ${failed.map((e) => e.name).join(", ")}`);
    process.exit(1);
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(`[report] ${error.message}`);
    process.exit(1);
  });
}
