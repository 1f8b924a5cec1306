"""Execute one tslab notebook headless with nbclient and report the outcome as JSON on stdout.

Used by `npm test` (smoke budget, with --rerun) and `npm run report` (full budget, with --html).
The notebook file itself is never modified.

  python3 run_notebook.py NOTEBOOK [--rerun] [--html OUT.html] [--executed OUT.ipynb] [--timeout SECONDS]

Result fields: notebook, status ("ok" or "error"), seconds, passes (one entry per pass: status, stage, seconds,
failed_cell, failed_source, error; printed: the stdout of a successful pass, durations masked), charts (outputs carrying both a Vega-Lite spec and its SVG),
html_charts / svg_outputs (with --html: SVG images found in the HTML / SVG outputs in the notebook),
backend (the "Backend: ..." line the notebook printed), kernel.
"""
import argparse
import copy
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient

VEGA_LITE = "application/vnd.vegalite.v5+json"
SVG = "image/svg+xml"


def cell_text(cell):
    """Everything a cell printed, for error messages (tslab reports errors on stderr)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            parts.append("%s: %s" % (out.get("ename", ""), out.get("evalue", "")))
            parts.extend(out.get("traceback", []))
    return "".join(parts).strip()


def stdout_text(nb):
    """What the cells printed to stdout, with durations masked, to compare two runs."""
    import re

    text = "".join(out.get("text", "") for cell in nb.cells for out in cell.get("outputs", []) if out.get("output_type") == "stream" and out.get("name") == "stdout")
    return re.sub(r"\d+(\.\d+)?\s?(ms|s)\b", "<duration>", text)


def run_pass(client, nb):
    started = time.time()
    code_number = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        code_number += 1
        try:
            client.execute_cell(cell, index)
        except Exception as error:  # nbclient raises CellExecutionError; tslab may leave ename empty
            printed = cell_text(cell)
            return {
                "status": "error",
                "seconds": round(time.time() - started, 2),
                "failed_cell": code_number,
                "failed_index": index,
                "failed_source": cell.source[:600],
                "error": (printed or str(error))[-4000:],
            }
    return {"status": "ok", "seconds": round(time.time() - started, 2), "printed": stdout_text(nb)}


def count_charts(nb):
    charts = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if VEGA_LITE in data and SVG in data:
                charts += 1
    return charts


def backend_line(nb):
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text", "") if out.get("output_type") == "stream" else out.get("data", {}).get("text/plain", "")
            for line in str(text).splitlines():
                if line.startswith("Backend: "):
                    return line[len("Backend: "):]
    return None


def export_html(nb, target):
    """Write the notebook as HTML with every SVG output as an <img> data URI.

    nbconvert's templates pass inline SVG through `clean_html`, whose HTML sanitizer strips the SVG's
    elements (Debian's 6.5 and pip's 7.x alike, unless 7.x's default base64 path applies). Every version's
    template uses `output.svg_filename` as the <img> source when it is set, so a data URI there embeds
    the chart whole, sandboxed as an image. Returns how many charts were embedded.
    """
    import base64

    from nbconvert import HTMLExporter

    copy_nb = copy.deepcopy(nb)
    embedded = 0
    for cell in copy_nb.cells:
        for out in cell.get("outputs", []):
            svg = out.get("data", {}).get(SVG)
            if svg:
                out["svg_filename"] = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
                embedded += 1
    body, _ = HTMLExporter().from_notebook_node(copy_nb)
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(body)
    return body.count('src="data:image/svg+xml;base64,'), embedded


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("--rerun", action="store_true", help="run every cell a second time in the same kernel")
    parser.add_argument("--html", help="write the executed notebook as HTML here")
    parser.add_argument("--executed", help="write the executed notebook (.ipynb) here")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell")
    parser.add_argument("--kernel", default="tslab")
    args = parser.parse_args()

    path = os.path.abspath(args.notebook)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        allow_errors=False,
        resources={"metadata": {"path": os.path.dirname(path)}},
    )
    result = {"notebook": path, "kernel": args.kernel, "passes": []}
    started = time.time()
    try:
        with client.setup_kernel():
            result["passes"].append(dict(run_pass(client, nb), stage="top-to-bottom run"))
            if args.rerun and result["passes"][0]["status"] == "ok":
                again = copy.deepcopy(nb)
                client.nb = again
                result["passes"].append(dict(run_pass(client, again), stage="rerun of every cell in the same kernel"))
                client.nb = nb
    except Exception as error:  # the kernel did not start or died
        result["passes"].append({"status": "error", "stage": "kernel", "seconds": round(time.time() - started, 2), "failed_cell": None, "error": "kernel failure: %s" % error})
    result["seconds"] = round(time.time() - started, 2)
    result["status"] = "ok" if all(p["status"] == "ok" for p in result["passes"]) else "error"
    result["charts"] = count_charts(nb)
    result["backend"] = backend_line(nb)

    if args.executed:
        nbformat.write(nb, args.executed)
    if args.html:
        result["html_charts"], result["svg_outputs"] = export_html(nb, args.html)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
