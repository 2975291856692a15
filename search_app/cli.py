"""The `stdsearch` command line: one entry point, one subcommand per task."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

import click

from indexer.catalogue import Catalogue
from indexer.store import Library

DEFAULT_DATA = "instance"


class Context:
    def __init__(self, data: str):
        self.data = data

    def library(self) -> Library:
        return Library.open(self.data)


def _echo_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data",
    envvar="STDSEARCH_DATA",
    default=DEFAULT_DATA,
    show_default=True,
    type=click.Path(file_okay=False),
    help="Data directory (catalogue, originals, index). Also STDSEARCH_DATA.",
)
@click.pass_context
def main(ctx: click.Context, data: str) -> None:
    """stdsearch — full-text search over Chinese standard documents (标准文献全文检索).

    Ingest standard PDFs into a library, search them by number, title or plain
    Chinese, and serve the library on the web.
    """
    ctx.obj = Context(data)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--workers", "-w", type=int, default=None, help="Parser processes (default: number of cores)."
)
@click.option(
    "--timeout",
    type=float,
    default=120.0,
    show_default=True,
    help="Seconds allowed per file, plus 5 s per page (90 s per page when OCR may run).",
)
@click.option(
    "--max-pages", type=int, default=2000, show_default=True, help="Refuse PDFs with more pages."
)
@click.option(
    "--max-mb", type=float, default=200.0, show_default=True, help="Refuse files larger than this."
)
@click.option("--no-ocr", is_flag=True, help="Do not OCR scanned pages (they stay 'needs OCR').")
@click.option("--dry-run", is_flag=True, help="Report what would change without changing anything.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def ingest(
    obj: Context, paths, workers, timeout, max_pages, max_mb, no_ocr, dry_run, as_json
) -> None:
    """Ingest PDF files or folders of PDFs into the library.

    Unchanged files are skipped; a changed file replaces its entry; a new edition
    links to the one it replaces. Exit status 1 when any file failed.

    Example: stdsearch ingest corpus/samples
    """
    from tqdm import tqdm

    from indexer.pipeline import FAILED, collect_pdfs
    from indexer.pipeline import ingest as run_ingest
    from indexer.validate import Limits

    library = obj.library()
    total = len(collect_pdfs(paths))
    limits = Limits(
        max_bytes=int(max_mb * 1024 * 1024), max_pages=max_pages, seconds_per_file=timeout
    )
    with tqdm(
        total=total, unit="file", desc="ingest", disable=as_json or None, file=sys.stderr
    ) as bar:

        def progress(outcome) -> None:
            bar.update(1)
            bar.set_postfix_str(outcome.file[-30:])

        report = run_ingest(
            paths,
            library,
            workers=workers,
            limits=limits,
            use_ocr=not no_ocr,
            dry_run=dry_run,
            progress=progress,
        )
    if as_json:
        _echo_json([o.__dict__ for o in report.outcomes])
    else:
        _print_report(report)
    sys.exit(1 if report.count(FAILED) else 0)


def _print_report(report) -> None:
    counts = Counter(o.outcome for o in report.outcomes)
    width = max([len(o.file) for o in report.outcomes] + [4])
    for o in report.outcomes:
        if o.outcome in ("unchanged",):
            continue
        detail = o.reason or (
            f"replaces {', '.join(r[:12] for r in o.replaced)}" if o.replaced else ""
        )
        click.echo(f"{o.file:<{width}}  {o.outcome:<12}  {o.std_no:<20}  {detail}")
    summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
    click.echo(f"{len(report.outcomes)} file(s): {summary or 'nothing to do'}")


@main.command()
@click.pass_obj
def reindex(obj: Context) -> None:
    """Rebuild the search index from the library alone (no PDF is parsed)."""
    from indexer.index import rebuild_index

    library = obj.library()
    count = rebuild_index(library, progress=True)
    click.echo(f"indexed {count} standard(s)")


@main.command("list")
@click.option(
    "--json", "as_json", is_flag=True, help="Print a JSON array, one object per standard."
)
@click.pass_obj
def list_standards(obj: Context, as_json: bool) -> None:
    """List the standards in the library."""
    library = obj.library()
    with Catalogue(library.catalogue_path) as catalogue:
        entries = catalogue.all_metadata()
    if as_json:
        _echo_json(entries)
        return
    for e in entries:
        flag = " [needs OCR]" if e.get("needs_ocr") else ""
        click.echo(
            f"{e['std_no'] or '(no number)':<22} {e.get('status', ''):<5} {e.get('title_zh', '')}{flag}"
        )
    click.echo(f"{len(entries)} standard(s)")


@main.command()
@click.argument("std_no")
@click.option("--json", "as_json", is_flag=True, help="Print the whole structure as JSON.")
@click.pass_obj
def show(obj: Context, std_no: str, as_json: bool) -> None:
    """Show one standard: metadata, clause outline, terms and references."""
    from indexer.library_view import find_standard

    library = obj.library()
    standard = find_standard(library, std_no)
    if standard is None:
        click.echo(f"no standard {std_no!r} in the library", err=True)
        sys.exit(1)
    if as_json:
        _echo_json(standard.to_dict())
        return
    fields = (
        "std_no",
        "title_zh",
        "title_en",
        "status",
        "level",
        "kind",
        "region",
        "ics",
        "ccs",
        "issued",
        "effective",
        "replaces",
        "replaced_by",
        "adopts",
        "draft",
        "pages",
        "source_file",
    )
    for name in fields:
        value = getattr(standard, name)
        if value:
            click.echo(f"{name:>12}: {', '.join(value) if isinstance(value, list) else value}")
    if standard.needs_ocr:
        click.echo(f"{'needs_ocr':>12}: pages {standard.needs_ocr}")
    click.echo("\nclauses:")
    for clause in standard.clauses:
        indent = "  " * (max(clause.level, 1) - 1)
        click.echo(f"  {indent}{clause.clause_no} {clause.heading}  (p. {clause.page_start})")
    if standard.terms:
        click.echo("\nterms:")
        for term in standard.terms:
            click.echo(f"  {term.clause_no} {term.term_zh} {term.term_en}")
    if standard.references:
        click.echo("\nnormative references:")
        for ref in standard.references:
            click.echo(f"  {ref.std_no} {ref.title}")


@main.command()
@click.pass_obj
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(obj: Context, as_json: bool) -> None:
    """Counts of standards, clauses and pages in the library."""
    from indexer.library_view import library_stats

    numbers = library_stats(obj.library())
    if as_json:
        _echo_json(numbers)
    else:
        for key, value in numbers.items():
            click.echo(f"{key:>16}: {value}")


@main.command("debug-page")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.argument("page", type=int)
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="PNG to write (default: FILE-pPAGE.png in the current folder).",
)
def debug_page(file: str, page: int, out: str | None) -> None:
    """Draw detected lines (blue), running headers/footers (red) and clause starts (green)
    onto a page image (PNG)."""
    from indexer.clauses import split_clauses
    from indexer.debug_page import draw_debug
    from indexer.extract import extract_pages

    pages = extract_pages(file)
    starts = []
    for clause in split_clauses(pages):
        if clause.page_start != page:
            continue
        key = "".join(f"{clause.clause_no}{clause.heading}".split())
        for line in (ln for p in pages if p.number == page for ln in p.lines):
            if "".join(line.text.split()).startswith(key[: max(len(clause.clause_no), 2)]):
                starts.append(line)
                break
    out = out or f"{Path(file).stem}-p{page}.png"
    try:
        draw_debug(Path(file), page, Path(out), clause_starts=starts)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    click.echo(out)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug", is_flag=True, help="Flask debug mode (never in production).")
@click.pass_obj
def serve(obj: Context, host: str, port: int, debug: bool) -> None:
    """Serve the web pages and JSON API."""
    from search_app.app import create_app

    app = create_app({"DATA_DIR": os.path.abspath(obj.data)})
    if debug:
        app.run(host=host, port=port, debug=True)
        return
    from werkzeug.serving import run_simple

    click.echo(f"stdsearch serving {obj.data} on http://{host}:{port}/")
    run_simple(host, port, app, threaded=True)


if __name__ == "__main__":
    main()
