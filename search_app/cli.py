"""The `stdsearch` command line: one entry point, one subcommand per task."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from contextlib import contextmanager, suppress
from pathlib import Path

import click

from indexer.engine import EngineUnavailable
from indexer.engine.sphinxql.cluster import ClusterError
from indexer.library.catalogue import Catalogue
from indexer.library.schema import CatalogueTooNew
from indexer.library.store import Library, LibraryBusy

DEFAULT_DATA = "instance"


class Commands(click.Group):
    """The subcommands; a writer kept waiting too long for the library's lock (a reindex
    or another ingest holds it) ends with one line saying so and exit status 1. Writers
    take the lock before changing anything, so the command can simply be run again. So
    does a command on a catalogue written by a newer stdsearch, which it leaves alone, a
    search while the search cluster does not answer, and a cluster command that cannot do
    what it was asked (the message says why)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (LibraryBusy, CatalogueTooNew, EngineUnavailable, ClusterError) as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(1)


class Context:
    def __init__(self, data: str, engine: str = "whoosh", cluster: str | None = None):
        self.data = data
        self.engine_name = engine
        self.cluster = cluster

    def library(self) -> Library:
        return Library.open(self.data)

    def engine(self):
        """The library's search engine, jieba loaded as the index was cut."""
        from search_app.startup import open_search

        return open_search(
            self.library(),
            engine=self.engine_name,
            cluster=self.cluster,
            on_mismatch=lambda error: click.echo(f"warning: {error}", err=True),
        )

    def writing_engine(self):
        """The engine ingest and reindex write to (no jieba words loaded: they learn
        their own)."""
        from search_app.startup import open_library_engine

        return open_library_engine(self.library(), self.engine_name, self.cluster)


def engine_choice(command):
    """`--engine` and `--cluster` on a command too (`stdsearch serve --engine sphinxql`),
    as on `stdsearch` itself."""

    def chosen(ctx: click.Context, param: click.Parameter, value):
        if value is not None:
            setattr(ctx.find_object(Context), param.name, value)
        return value

    command = click.option(
        "--cluster",
        type=click.Path(file_okay=False),
        expose_value=False,
        callback=chosen,
        help="Folder of the cluster's cluster.json (default: DATA/cluster).",
    )(command)
    return click.option(
        "--engine",
        "engine_name",
        type=click.Choice(["whoosh", "sphinxql"]),
        expose_value=False,
        callback=chosen,
        help="Search engine for this command (default: as `stdsearch --engine`).",
    )(command)


def _echo_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data",
    envvar="STDSEARCH_DATA",
    default=DEFAULT_DATA,
    show_default=True,
    type=click.Path(file_okay=False),
    help="Data directory (catalogue, originals, index). Also STDSEARCH_DATA.",
)
@click.option(
    "--engine",
    envvar="STDSEARCH_ENGINE",
    type=click.Choice(["whoosh", "sphinxql"]),
    default="whoosh",
    show_default=True,
    help="Search engine: the embedded Whoosh index, or a SphinxQL cluster (Sphinx, "
    "Manticore). Also STDSEARCH_ENGINE.",
)
@click.option(
    "--cluster",
    envvar="STDSEARCH_CLUSTER",
    type=click.Path(file_okay=False),
    help="Folder of the cluster's cluster.json (default: DATA/cluster). Also STDSEARCH_CLUSTER.",
)
@click.pass_context
def main(ctx: click.Context, data: str, engine: str, cluster: str | None) -> None:
    """stdsearch — full-text search over Chinese standard documents (标准文献全文检索).

    Ingest standard PDFs into a library, search them by number, title or plain
    Chinese, and serve the library on the web.
    """
    ctx.obj = Context(data, engine, cluster)


def parse_options(command):
    """How files are parsed, the same for `ingest` and `parse`."""
    options = [
        click.option(
            "--workers",
            "-w",
            type=int,
            default=None,
            help="Parser processes (default: number of cores).",
        ),
        click.option(
            "--timeout",
            type=float,
            default=120.0,
            show_default=True,
            help="Seconds allowed per file, plus 5 s per page (90 s per page when OCR may run).",
        ),
        click.option(
            "--max-pages",
            type=int,
            default=2000,
            show_default=True,
            help="Refuse PDFs with more pages.",
        ),
        click.option(
            "--max-mb",
            type=float,
            default=200.0,
            show_default=True,
            help="Refuse files larger than this.",
        ),
        click.option(
            "--no-ocr", is_flag=True, help="Do not OCR scanned pages (they stay 'needs OCR')."
        ),
        click.option("--json", "as_json", is_flag=True, help="Print the report as JSON."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _limits(timeout: float, max_pages: int, max_mb: float):
    from indexer.pdf.validate import Limits

    return Limits(
        max_bytes=int(max_mb * 1024 * 1024), max_pages=max_pages, seconds_per_file=timeout
    )


@contextmanager
def _file_bar(paths, desc: str, as_json: bool):
    """A progress bar over the PDFs under `paths`, and the two callbacks that move it: a
    file done, and how far a long parse (a scan's OCR) has got."""
    from tqdm import tqdm

    from indexer.ingest.pipeline import collect_pdfs

    total = len(collect_pdfs(paths))
    with tqdm(total=total, unit="file", desc=desc, disable=as_json or None, file=sys.stderr) as bar:

        def progress(outcome) -> None:
            bar.update(1)
            bar.set_postfix_str(outcome.file[-30:])

        def pages(name: str, done: int, total: int, stage: str) -> None:
            bar.set_postfix_str(f"{stage} {name[-30:]} {done}/{total}")

        yield progress, pages


def _finish(report, as_json: bool) -> None:
    from indexer.ingest.pipeline import FAILED

    if as_json:
        _echo_json([o.__dict__ for o in report.outcomes])
    else:
        _print_report(report)
    sys.exit(1 if report.count(FAILED) else 0)


@main.command()
@engine_choice
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@parse_options
@click.option("--dry-run", is_flag=True, help="Report what would change without changing anything.")
@click.option(
    "--parsed",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="A folder of parses made by `stdsearch parse` (repeatable): files found there "
    "are not parsed again.",
)
@click.pass_obj
def ingest(
    obj: Context, paths, workers, timeout, max_pages, max_mb, no_ocr, as_json, dry_run, parsed
) -> None:
    """Ingest PDF files or folders of PDFs into the library.

    Unchanged files are skipped; a changed file replaces its entry; a new edition
    links to the one it replaces. Exit status 1 when any file failed.

    Example: stdsearch ingest corpus/samples
    """
    from indexer.ingest.pipeline import ingest as run_ingest

    with _file_bar(paths, "ingest", as_json) as (progress, pages):
        report = run_ingest(
            paths,
            obj.library(),
            engine=obj.writing_engine(),
            workers=workers,
            limits=_limits(timeout, max_pages, max_mb),
            use_ocr=not no_ocr,
            dry_run=dry_run,
            progress=progress,
            page_progress=pages,
            parsed=[Path(folder) for folder in parsed],
        )
    _finish(report, as_json)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder the parses go to, one <sha256>.json per file.",
)
@parse_options
def parse(paths, out, workers, timeout, max_pages, max_mb, no_ocr, as_json) -> None:
    """Parse PDF files into a folder, for `stdsearch ingest --parsed` to ingest elsewhere.

    Touches no library: several machines can each parse a share of a large first
    load at once; copy their folders and the PDFs to the machine that ingests. Files
    already parsed in the folder are skipped. Exit status 1 when any file failed.

    Example: stdsearch parse /data/pdfs/part-1 --out /data/parsed
    """
    from indexer.ingest.parse_batch import parse_to

    with _file_bar(paths, "parse", as_json) as (progress, pages):
        report = parse_to(
            paths,
            Path(out),
            workers=workers,
            limits=_limits(timeout, max_pages, max_mb),
            use_ocr=not no_ocr,
            progress=progress,
            page_progress=pages,
        )
    _finish(report, as_json)


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
@engine_choice
@click.pass_obj
def reindex(obj: Context) -> None:
    """Rebuild the search index from the library alone (no PDF is parsed)."""
    from indexer.ingest.reindex import rebuild_index

    count = rebuild_index(obj.library(), obj.writing_engine(), progress=True)
    click.echo(f"indexed {count} standard(s)")


@main.command()
@click.argument("dest", type=click.Path())
@click.option("--force", is_flag=True, help="Replace an older stdsearch backup at DEST.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def backup(obj: Context, dest: str, force: bool, as_json: bool) -> None:
    """Copy the library (catalogue, originals, extracted JSON, trash) to the new folder DEST.

    Safe while the site serves and an ingest runs. The index is not copied: restore
    rebuilds it. DEST/manifest.json lists every file with its SHA-256.
    Exit status 1 when the library is damaged, 2 when DEST already exists.

    Example: stdsearch backup /mnt/backups/stdsearch-2026-11-23
    """
    from indexer.library.backup import BackupError, TargetInUse
    from indexer.library.backup import backup as run_backup

    library = Library(Path(obj.data).resolve())
    try:
        report = run_backup(library, dest, force=force, progress=not as_json)
    except TargetInUse as error:
        raise click.UsageError(str(error)) from None
    except BackupError as error:
        _fail(str(error), as_json)
    if as_json:
        _echo_json(report.to_dict())
    else:
        click.echo(
            f"backed up {report.standards} standard(s), {report.files} file(s), "
            f"{report.bytes / 1e6:.1f} MB to {report.dest} in {report.seconds:.1f} s"
        )


@main.command()
@click.argument("src", type=click.Path())
@click.option("--force", is_flag=True, help="Replace the library in the data directory.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def restore(obj: Context, src: str, force: bool, as_json: bool) -> None:
    """Restore the library from the backup in SRC into the data directory, then rebuild
    the index.

    Every file is checked against the backup's manifest before the data directory is
    touched. Stop the site first. Exit status 1 when the backup is damaged, 2 when the
    data directory already holds a library and --force is not given.

    Example: stdsearch --data instance restore /mnt/backups/stdsearch-2026-11-23
    """
    from indexer.ingest.reindex import rebuild_index
    from indexer.library.backup import BackupError, TargetInUse
    from indexer.library.backup import restore as run_restore

    def reindex(library: Library) -> int:
        return rebuild_index(library, progress=not as_json)

    try:
        report = run_restore(src, obj.data, reindex, force=force, progress=not as_json)
    except TargetInUse as error:
        raise click.UsageError(str(error)) from None
    except BackupError as error:
        _fail(str(error), as_json)
    if as_json:
        _echo_json(report.to_dict())
    else:
        click.echo(
            f"restored {report.standards} standard(s) from the backup of {report.created_at} "
            f"into {report.data_dir}; indexed {report.indexed}"
        )


def _fail(message: str, as_json: bool) -> None:
    if as_json:
        _echo_json({"error": message})
    else:
        click.echo(f"error: {message}", err=True)
    sys.exit(1)


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
    """Show one standard: metadata, clause outline, terms, references and tables."""
    from indexer.library.lookup import find_standard

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
    # Tables: each with its place, size and column paths
    if standard.tables:
        click.echo("\ntables:")
        for table in standard.tables:
            pages = (
                f"p. {table.page_start}"
                if table.page_end == table.page_start
                else f"pp. {table.page_start}-{table.page_end}"
            )
            label = f"表{table.table_no}" if table.table_no else "表"
            click.echo(
                f"  {label} {table.caption}  ({table.clause_no or '-'}, {pages}, "
                f"{len(table.rows)} rows{', OCR' if table.ocr else ''})"
            )
            click.echo("    " + " | ".join(" › ".join(path) or "-" for path in table.header))


@main.command()
@engine_choice
@click.pass_obj
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(obj: Context, as_json: bool) -> None:
    """Counts of standards, clauses and pages in the library."""
    from indexer.library.lookup import library_stats

    numbers = library_stats(obj.library())
    engine = obj.writing_engine()
    numbers["engine"] = engine.name
    numbers["pending_writes"] = engine.pending()
    numbers["ocr"] = _ocr_state()
    if as_json:
        _echo_json(numbers)
        return
    ocr = numbers.pop("ocr")
    for key, value in numbers.items():
        click.echo(f"{key:>16}: {value}")
    state = "available" if ocr["available"] else f"unavailable ({ocr['reason']})"
    click.echo(f"{'ocr':>16}: {state}")


def _ocr_state() -> dict:
    """Whether scanned pages can be read: Tesseract with its chi_sim model, or why not."""
    from indexer.pdf.ocr import tesseract_status

    reason = tesseract_status()
    return {"available": reason is None, "reason": reason or ""}


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
    from indexer.parse.clauses import split_clauses
    from indexer.pdf.debug_page import draw_debug
    from indexer.pdf.extract import extract_pages

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


@main.command("search")
@engine_choice
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (query, total, hits).")
@click.option("--limit", "-n", type=int, default=10, show_default=True, help="Hits to show.")
@click.option("--offset", type=int, default=0, show_default=True, help="Hits to skip (paging).")
@click.option(
    "--status", help="现行 / 即将实施 / 被代替 / 废止 (or current, upcoming, replaced, withdrawn)."
)
@click.option(
    "--level", help="national / industry / local / group / enterprise (or 国家, 行业, 地方 …)."
)
@click.option("--kind", help="mandatory / recommended / guidance (or 强制性, 推荐性, 指导性).")
@click.option("--region", help="Province of a local standard: 广东, guangdong, 44.")
@click.option("--ics", help="ICS code or its start: 13.060.")
@click.option("--year", help="Year or range: 2015, 2015-2020, 2015-.")
@click.option("--flat", is_flag=True, help="Rank clauses alone, without grouping them by standard.")
@click.pass_obj
def search_command(
    obj: Context, query, as_json, limit, offset, status, level, kind, region, ics, year, flat
) -> None:
    """Search by standard number, title words or a question in plain Chinese.

    Filters may also be typed in the query: status:现行 level:地方 region:广东 ics:13.060
    year:2015-2020 kind:强制性, and by age (标龄, from the implementation date): age:>5,
    age:3-10, review:due (现行 and over the review age, STDSEARCH_REVIEW_YEARS or 5). "Quoted words" must appear as written; -word excludes.
    Matched words are marked 【like this】.

    Example: stdsearch search 厂界噪声 夜间 测量
    """
    from search_app.search import search
    from search_app.search.query import QueryError

    text = " ".join(query)
    filters = {
        "status": status,
        "level": level,
        "kind": kind,
        "region": region,
        "ics": ics,
        "year": year,
    }
    engine = obj.engine()
    try:
        result = search(
            engine,
            text,
            limit=limit,
            offset=offset,
            filters=filters,
            group=not flat,
            review_years=_review_years(),
        )
    except QueryError as error:
        if as_json:
            _echo_json({"query": text, "error": str(error), "total": 0, "hits": []})
        else:
            click.echo(f"error: {error}", err=True)
        sys.exit(2)
    if as_json:
        data = result.to_dict()
        for hit in data["hits"]:
            hit.pop("snippet_html", None)
        data.pop("groups")
        _echo_json(data)
        return
    for warning in result.warnings:
        click.echo(f"note: {warning}", err=True)
    if not result.hits:
        click.echo(
            "no results"
            + (f" — did you mean: {', '.join(result.suggestions)}?" if result.suggestions else "")
        )
        return
    for rank, hit in enumerate(result.hits, start=offset + 1):
        page = f"p. {hit.page}" if hit.page else ""
        click.echo(f"{rank:>3}. {hit.std_no}  {hit.title_zh}  [{hit.status}]")
        click.echo(
            f"     {hit.clause_no} {hit.heading}  {page}{'  (OCR)' if hit.ocr else ''}  score {hit.score:.2f}"
        )
        if hit.snippet:
            click.echo(f"     {hit.snippet}")
    click.echo(
        f"{result.total} matching clause(s) in {result.total_standards} standard(s), "
        f"{result.elapsed_ms:.0f} ms"
    )


@main.command("evaluate")
@engine_choice
@click.argument("tsv", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--json", "as_json", is_flag=True, help="Print the metrics and every query's ranks as JSON."
)
@click.option("--verbose", "-v", is_flag=True, help="List every query with its ranks and top hits.")
@click.pass_obj
def evaluate_command(obj: Context, tsv, as_json, verbose) -> None:
    """MRR@10 and Success@1/@10 of standards and clauses on a judged query set.

    TSV columns: id, type, query, std_no, clause_no, note (default: ../shared/eval/dev.tsv
    beside the project, or $STDSEARCH_EVAL).
    """
    from search_app.search.evaluate import (
        engine_search,
        evaluate,
        format_report,
        load_queries,
        needs_ocr_numbers,
    )

    if tsv is None:
        default = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "dev.tsv"
        tsv = os.environ.get("STDSEARCH_EVAL", str(default))
        if not Path(tsv).exists():
            click.echo(f"no query file given and {tsv} does not exist", err=True)
            sys.exit(2)
    library = obj.library()
    engine = obj.engine()
    report = evaluate(load_queries(tsv), engine_search(engine), needs_ocr_numbers(library))
    if as_json:
        _echo_json(report.to_dict())
    else:
        click.echo(format_report(report, verbose=verbose))


@main.group()
def user() -> None:
    """Librarian accounts: searchers need none; uploads and edits do."""


@contextmanager
def _accounts(obj: Context):
    """The library's accounts; a refused request becomes a usage error (exit status 2)."""
    from indexer.library.accounts import AccountError, Accounts

    with Accounts(obj.library().catalogue_path) as accounts:
        try:
            yield accounts
        except AccountError as error:
            raise click.UsageError(str(error)) from None


@user.command("add")
@click.argument("name")
@click.password_option(
    help="Prompted for (twice) when not given; or pipe it with --password-stdin."
)
@click.pass_obj
def user_add(obj: Context, name: str, password: str) -> None:
    """Create a librarian account.

    Example: stdsearch user add librarian
    """
    with _accounts(obj) as accounts:
        accounts.add_user(name, password)
    click.echo(f"user {name} added")


@user.command("passwd")
@click.argument("name")
@click.password_option()
@click.pass_obj
def user_passwd(obj: Context, name: str, password: str) -> None:
    """Set a librarian's password."""
    with _accounts(obj) as accounts:
        accounts.set_password(name, password)
    click.echo(f"password of {name} changed")


@user.command("remove")
@click.argument("name")
@click.pass_obj
def user_remove(obj: Context, name: str) -> None:
    """Delete a librarian account and its API tokens."""
    with _accounts(obj) as accounts:
        accounts.remove_user(name)
    click.echo(f"user {name} removed")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def user_list(obj: Context, as_json: bool) -> None:
    """List librarian accounts."""
    with _accounts(obj) as accounts:
        names = accounts.users()
    if as_json:
        _echo_json(names)
    else:
        for name in names:
            click.echo(name)


@user.command("token")
@click.argument("name")
@click.option("--label", default="", help="What the token is for, e.g. 'nightly upload'.")
@click.pass_obj
def user_token(obj: Context, name: str, label: str) -> None:
    """Create an API token for scripts (printed once; send it as `Authorization: Bearer …`)."""
    with _accounts(obj) as accounts:
        click.echo(accounts.create_token(name, label))


@main.group()
def trash() -> None:
    """Originals of deleted and replaced standards, kept until purged."""


def _trash_json(entries) -> list[dict]:
    return [vars(entry) for entry in entries]


@trash.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def trash_list(obj: Context, as_json: bool) -> None:
    """List the trash, oldest first."""
    from indexer.library.trash import trash_entries

    entries = trash_entries(obj.library())
    if as_json:
        _echo_json(_trash_json(entries))
        return
    for e in entries:
        click.echo(
            f"{e.trashed_at}  {e.sha256[:12]}  {e.size:>10,d} B  {e.std_no or e.source_file}"
        )
    click.echo(f"{len(entries)} file(s) in the trash")


@trash.command("purge")
@click.option(
    "--older-than",
    "days",
    type=click.FloatRange(min=0),
    help="Only files trashed more than DAYS days ago.",
    metavar="DAYS",
)
@click.option("--json", "as_json", is_flag=True, help="Print the purged files as JSON.")
@click.pass_obj
def trash_purge(obj: Context, days: float | None, as_json: bool) -> None:
    """Delete trashed originals for good."""
    from indexer.library.trash import purge_trash

    purged = purge_trash(obj.library(), days)
    if as_json:
        _echo_json(_trash_json(purged))
        return
    click.echo(f"purged {len(purged)} file(s), {sum(e.size for e in purged):,d} B")


@main.group()
def cluster() -> None:
    """A local SphinxQL cluster (Sphinx or Manticore searchd): shards and an aggregator.

    Its nodes live in DATA/cluster, laid out in DATA/cluster/cluster.json; each node is a
    searchd process on loopback ports counting up from the aggregator's (default 9306).
    """


def _layout_options(command):
    """--shards, --mirrors, --port, --host: unset options keep the saved layout."""
    options = (
        click.option("--shards", type=click.IntRange(min=1), help="Number of shards (new: 2)."),
        click.option(
            "--mirrors",
            type=click.IntRange(min=1),
            help="Copies of each shard (new: 1, no mirror).",
        ),
        click.option(
            "--port",
            type=click.IntRange(1, 65535),
            help="The aggregator's SphinxQL port; shards take the ports after it (new: 9306).",
        ),
        click.option("--host", help="Address every node listens on (new: 127.0.0.1)."),
        click.option(
            "--place",
            "places",
            multiple=True,
            metavar="NODE=HOST",
            help="Put one node on another machine (repeatable): shard-1=10.0.0.12.",
        ),
    )
    for option in reversed(options):
        command = option(command)
    return command


def _node_option(command):
    return click.option(
        "--node",
        "nodes",
        multiple=True,
        metavar="NAME",
        help="Only this node (repeatable): those this machine runs. Default: every node.",
    )(command)


def _configure(obj: Context, places: tuple[str, ...] = (), **layout):
    from indexer.engine.sphinxql.cluster import cluster_folder
    from indexer.engine.sphinxql.nodes import configure

    placed = {}
    for place in places:
        name, sep, host = place.partition("=")
        if not sep or not name.strip() or not host.strip():
            raise click.BadParameter(f"{place!r} is not NODE=HOST", param_hint="--place")
        placed[name.strip()] = host.strip()
    return configure(cluster_folder(obj.data), **layout, places=placed)


def _saved_cluster(obj: Context):
    from indexer.engine.sphinxql.cluster import Cluster, ClusterError, cluster_folder

    folder = cluster_folder(obj.data)
    if not Cluster.exists(folder):
        raise ClusterError(
            f"no cluster in {folder}: `stdsearch cluster config` or `stdsearch cluster start` "
            "makes one"
        )
    return Cluster.load(folder)


def _describe(cluster) -> str:
    return (
        f"cluster in {cluster.folder}: {cluster.shards} shard(s) × {cluster.mirrors} "
        f"cop{'y' if cluster.mirrors == 1 else 'ies'}, SphinxQL on {cluster.aggregator.host}:{cluster.port}"
    )


def _ports(node) -> str:
    return f"{node.port}" + (f", api {node.api_port}" if node.api_port else "")


def _role(node) -> str:
    return node.role if node.shard is None else f"shard {node.shard}"


@cluster.command("config")
@_layout_options
@click.pass_obj
def cluster_config(obj: Context, **layout) -> None:
    """Lay out the cluster and write each node's sphinx.conf, without starting anything.

    A new cluster gets the options given and defaults for the rest; a saved one keeps its
    number of shards and mirrors and may move to other ports or another host while
    stopped.

    Example: stdsearch cluster config --shards 4 --port 19306
    """
    cluster = _configure(obj, **layout)
    click.echo(_describe(cluster))
    click.echo(f"  {'node':<20} {'role':<10} {'host':<16} {'ports':<16} config")
    for node in cluster.nodes:
        click.echo(
            f"  {node.name:<20} {_role(node):<10} {node.host:<16} {_ports(node):<16} "
            f"{node.config_path}"
        )


@cluster.command("start")
@_layout_options
@_node_option
@click.option(
    "--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for each node."
)
@click.pass_obj
def cluster_start(obj: Context, timeout: float, nodes: tuple[str, ...], **layout) -> None:
    """Start every node that is not running and wait until each answers.

    Safe to repeat. With no cluster yet, lays one out first (as `cluster config`): by
    default 2 shards and an aggregator on 127.0.0.1:9306. On a cluster over several
    machines each starts its own nodes: --node shard-1.
    """
    from indexer.engine.sphinxql.nodes import STARTED, start

    cluster = _configure(obj, **layout)
    for action in start(cluster, timeout=timeout, only=nodes):
        node = action.node
        verb = "started" if action.action == STARTED else "already running:"
        click.echo(f"{verb} {node.name} (pid {action.pid}) on {node.host}:{_ports(node)}")
    click.echo(f"cluster up: search through SphinxQL on {cluster.aggregator.host}:{cluster.port}")


@cluster.command("stop")
@_node_option
@click.option(
    "--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for each node."
)
@click.pass_obj
def cluster_stop(obj: Context, timeout: float, nodes: tuple[str, ...]) -> None:
    """Stop every node of the cluster (by the pid in its folder, whoever started it)."""
    from indexer.engine.sphinxql.nodes import STOPPED, stop

    for action in stop(_saved_cluster(obj), timeout=timeout, only=nodes):
        if action.action == STOPPED:
            click.echo(f"stopped {action.node.name} (pid {action.pid})")
        else:
            click.echo(f"{action.node.name} was not running")


@cluster.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def cluster_status(obj: Context, as_json: bool) -> None:
    """Each node: role, ports, pid, whether it answers, and the rows it holds.

    Shards count their own rows; the aggregator counts those of every shard it reaches.
    """
    from indexer.engine.sphinxql.nodes import cluster_up, status

    layout = _saved_cluster(obj)
    statuses = status(layout)
    if as_json:
        _echo_json(
            {
                "folder": str(layout.folder),
                "host": layout.host,
                "port": layout.port,
                "shards": layout.shards,
                "mirrors": layout.mirrors,
                "up": cluster_up(statuses),
                "nodes": [s.to_dict() for s in statuses],
            }
        )
        return
    click.echo(_describe(layout))
    click.echo(f"  {'node':<20} {'role':<10} {'ports':<16} {'pid':>7}  {'state':<13} documents")
    for s in statuses:
        state = "answering" if s.answering else "not answering" if s.running else "stopped"
        documents = "-" if s.documents is None else f"{s.documents:,d}"
        click.echo(
            f"  {s.node.name:<20} {_role(s.node):<10} {_ports(s.node):<16} "
            f"{s.pid or '-':>7}  {state:<13} {documents}"
        )


@cluster.command("supervise")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds between checks.",
)
@_node_option
@click.pass_obj
def cluster_supervise(obj: Context, interval: float, nodes: tuple[str, ...]) -> None:
    """Start the cluster and restart any node that dies, in the foreground, until
    SIGTERM or Ctrl-C; the nodes keep running after it (`cluster stop` stops them).

    What a production install runs as a systemd service. On the machine of the library
    it also writes the writes a shard missed while it was down (the outbox) once the
    shard is back, without waiting for the next ingest or edit.
    """
    import signal
    import threading

    from indexer.engine.sphinxql.nodes import supervise

    layout = _saved_cluster(obj)
    finished = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: finished.set())
    click.echo(f"supervising the {_describe(layout)}")

    def report(line: str) -> None:
        click.echo(line, err=line.startswith("error:"))

    with suppress(KeyboardInterrupt):
        supervise(
            layout,
            interval=interval,
            stop_when=finished,
            report=report,
            only=nodes,
            after_round=lambda: _drain_outbox(obj, layout, report),
        )
    click.echo("supervisor stopped; the nodes keep running")


def _drain_outbox(obj: Context, layout, report) -> None:
    """Write the library's pending cluster writes to the shards that answer again; a
    machine that holds only nodes has no library, and a busy library waits a round."""
    from indexer.engine import open_engine

    library = Library(Path(obj.data).resolve())
    if not library.catalogue_path.exists():
        return
    engine = open_engine(library, "sphinxql", folder=layout.folder)
    try:
        owed = engine.pending()
        if owed and (left := engine.drain()) < owed:
            report(f"wrote {owed - left} pending write(s) to the shards, {left} still pending")
    except (EngineUnavailable, LibraryBusy):
        return


@main.command()
@engine_choice
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--workers",
    "-w",
    type=click.IntRange(min=0),
    default=0,
    help="Worker processes answering requests (default: one per core).",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Threads per worker (they overlap waiting on clients, not scoring).",
)
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    default=120,
    show_default=True,
    help="Seconds a worker may take over one request before it is restarted.",
)
@click.option(
    "--proxies",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Reverse proxies in front (nginx: 1): client address, host and scheme are taken "
    "from their X-Forwarded-For, -Host and -Proto headers.",
)
@click.option(
    "--debug",
    is_flag=True,
    help="Werkzeug's development server with Flask's debugger and reloader (never in production).",
)
@click.pass_obj
def serve(
    obj: Context,
    host: str,
    port: int,
    workers: int,
    threads: int,
    timeout: int,
    proxies: int,
    debug: bool,
) -> None:
    """Serve the web pages and JSON API with gunicorn's worker processes."""
    config = {
        "DATA_DIR": os.path.abspath(obj.data),
        "SEARCH_ENGINE": obj.engine_name,
        "CLUSTER_DIR": obj.cluster,
    }
    if debug:
        _serve_debug(config, host, port)
        return
    from search_app.web.server import ServerOptions
    from search_app.web.server import serve as serve_site

    options = ServerOptions(host, port, workers, threads, timeout, proxies)
    click.echo(
        f"stdsearch serving {obj.data} on http://{host}:{port}/"
        f" ({options.worker_count} workers, {threads} threads each)"
    )
    serve_site(config, options)


def _serve_debug(config: dict, host: str, port: int) -> None:
    """Flask's debugger and reloader, in one process."""
    from search_app.web.app import create_app
    from search_app.web.serving import QuietRequestHandler

    # With the reloader this process only watches files; the child it starts serves,
    # and only that one may ingest uploads.
    watcher = os.environ.get("WERKZEUG_RUN_MAIN") != "true"
    app = create_app({**config, "UPLOAD_QUEUE": not watcher})
    app.run(host=host, port=port, debug=True, request_handler=QuietRequestHandler)


# --- term concordance -------------------------------------------------------------------


@main.command("concordance")
@click.argument("term", required=False, default="")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON of /api/terms/concordance.")
@click.option(
    "--limit", type=click.IntRange(1), default=50, show_default=True, help="Most groups to print."
)
@click.pass_obj
def concordance_command(obj: Context, term: str, as_json: bool, limit: int) -> None:
    """One term as every standard defines it, or (without TERM) the terms defined in
    more than one standard, most widespread first.

    Spellings are folded before terms are matched (width, case, spaces, punctuation,
    bracketed abbreviations: 化学需氧量（COD） is 化学需氧量). Definitions that differ
    beyond whitespace and punctuation are flagged and lettered A, B, …; A is the one of
    the most recent current standard."""
    from search_app.search.concordance import TermSource

    terms = TermSource(obj.library()).concordance()
    term = term.strip()
    groups = terms.search(term) if term else terms.widespread()
    if as_json:
        shown = [g.detail() if term else g.summary() for g in groups[:limit]]
        _echo_json({"query": term, "total": len(groups), "stats": terms.stats(), "groups": shown})
        return
    for group in groups[:limit]:
        flag = "定义不一致 / definitions differ" if group.differ else "定义一致 / agree"
        if group.standard_count < 2:
            flag = "仅一项标准 / one standard"
        names = "、".join(group.summary()["terms_zh"])
        if not term:
            click.echo(f"{group.standard_count:>3}  {names}  {group.term_en}  [{flag}]")
            continue
        click.echo(f"{names}  {group.term_en}  ({group.standard_count} standard(s); {flag})")
        for entry in group.detail()["entries"]:
            mark = " *" if entry["reference"] else ""
            click.echo(
                f"  {entry['variant']}{mark} {entry['std_no']} [{entry['status']}]"
                f" {entry['clause_no']}: {entry['definition'].splitlines()[0] if entry['definition'] else ''}"
            )
        click.echo("")
    stats = terms.stats()
    click.echo(
        f"{len(groups)} group(s); library: {stats['terms']} definitions, "
        f"{stats['shared']} terms in 2+ standards, {stats['differ']} of them differ"
    )
    if term and not groups:
        sys.exit(1)


# -- citation health ------------------------------------------------------------


@main.command("citations")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV, one row per outdated reference.")
@click.option("--level", help="national / industry / local / group / enterprise (or 地方 …).")
@click.option("--region", help="Province of a local standard: 广东, guangdong, 44.")
@click.option("--kind", help="mandatory / recommended / guidance (or 强制性 …).")
@click.option(
    "--sort",
    type=click.Choice(["std_no", "outdated", "issued"]),
    default="std_no",
    show_default=True,
    help="By number, by the count of outdated references, or newest issued first.",
)
@click.pass_obj
def citations_command(obj: Context, as_json, as_csv, level, region, kind, sort) -> None:
    """Current standards whose normative references cite replaced or withdrawn editions.

    A dated reference is outdated when its edition is replaced (被代替) or withdrawn
    (废止); an undated one means the latest edition, so only when no edition is in force.
    """
    from search_app.search.citations import citation_report, report_csv, report_filters
    from search_app.search.query import QueryError

    try:
        filters = report_filters({"level": level, "region": region, "kind": kind})
    except QueryError as error:
        raise click.UsageError(str(error)) from None
    report = citation_report(obj.library(), filters, sort)
    if as_json:
        _echo_json(report.to_dict())
        return
    if as_csv:
        click.echo(report_csv(report), nl=False)
        return
    for standard in report.standards:
        click.echo(f"{standard.std_no} {standard.title_zh} [{standard.status}]")
        for ref in standard.references:
            r = ref.resolution
            meant = f" → {r.resolved}" if not r.dated and r.resolved else ""
            new = r.current or r.replaced_by
            by = f", replaced by {new.std_no} ({new.since or 'date unknown'})" if new else ""
            clauses = ", ".join(ref.clauses) or "-"
            click.echo(f"  {ref.cited}{meant}: {r.status}{by}; clauses {clauses}")
    summary = report.to_dict()["summary"]
    click.echo(
        f"{summary['citing_standards']} of {summary['current_standards']} current standard(s)"
        f" cite {summary['outdated_references']} outdated edition(s)"
        f" ({summary['references']} references checked)"
    )


# The front door and browsing: the trees of the site's /browse pages, and their lists.
@main.command("browse")
@click.argument(
    "kind", type=click.Choice(["ics", "ccs", "region", "level", "body", "year", "adoption"])
)
@click.argument("value", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the tree (or the list) as JSON.")
@click.option("--all", "show_all", is_flag=True, help="Show the nodes that hold no standard too.")
@click.pass_obj
def browse_command(obj: Context, kind: str, value: str | None, as_json: bool, show_all: bool):
    """Count the library by ICS, CCS, region, level and kind, issuing body, year or adopted
    body; with VALUE (`browse ics 13.060`, `browse level 地方`, `browse adoption ISO`), list
    that node's standards."""
    from indexer.library.listing import catalogue_entries
    from search_app.search import browse
    from search_app.search.query import QueryError

    library = obj.library()
    with Catalogue(library.catalogue_path) as catalogue:
        entries = catalogue_entries(catalogue)
    if value is None:
        tree = browse.TREES[kind](entries)
        if as_json:
            _echo_json({"kind": kind, **tree})
            return
        _echo_tree(tree, show_all)
        click.echo(f"{tree['total']} standard(s), {tree['unclassified']} without a value")
        return
    name = {"adoption": "adopts"}.get(kind, kind)
    if kind == "level" and value.strip().lower() in _kinds():
        name = "kind"
    try:
        filters = browse.parse_filters({name: value})
    except QueryError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    _, ordered = browse.list_standards(entries, filters, per_page=browse.MAX_PER_PAGE)
    if as_json:
        _echo_json(ordered)
        return
    for e in ordered:
        click.echo(
            f"{e['std_no'] or '(no number)':<22} {e.get('status', ''):<5} {e.get('title_zh', '')}"
        )
    click.echo(f"{len(ordered)} standard(s)")


def _kinds() -> set[str]:
    from search_app.search.query import KIND_VALUES

    return set(KIND_VALUES)


def _echo_tree(tree: dict, show_all: bool) -> None:
    for node in [*tree["nodes"], *tree.get("kinds", [])]:
        _echo_node(node, show_all, 0)


def _echo_node(node: dict, show_all: bool, depth: int) -> None:
    if not node["count"] and not show_all:
        return
    name = node.get("name_zh") or (node.get("name") if node.get("name") != node["key"] else "")
    extra = f" {node['prefix']}" if node.get("prefix") else ""
    click.echo(f"{'  ' * depth}{node['key']} {name}{extra}  {node['count']}".rstrip())
    for child in node["children"]:
        _echo_node(child, show_all, depth + 1)


# -- list checking --------------------------------------------------------------------------


@main.command("check")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (as /api/check).")
@click.option("--csv", "as_csv", is_flag=True, help="Print the result as CSV.")
@click.pass_obj
def check_command(obj: Context, file: str, as_json: bool, as_csv: bool) -> None:
    """Check a list of standard numbers against the library.

    FILE is a .txt (one number a line, any spelling) or a .csv (the column headed 标准号 or
    number, else the first column); `-` reads lines from standard input. For each number,
    in order: whether the library holds it, its status, what replaced it and since when,
    and any newer edition held. Exit status 1 when a number was not found.
    """
    from search_app.search.checking import check_numbers, numbers_from_file, rows_csv

    if file == "-":
        numbers = numbers_from_file("stdin.txt", sys.stdin.buffer.read())
    else:
        numbers = numbers_from_file(file, Path(file).read_bytes())
    with Catalogue(obj.library().catalogue_path) as catalogue:
        rows = check_numbers(catalogue, numbers)
    missing = sum(1 for row in rows if not row.found)
    if as_json:
        _echo_json(
            {
                "rows": [row.to_dict() for row in rows],
                "counts": {"lines": len(rows), "found": len(rows) - missing, "not_found": missing},
            }
        )
    elif as_csv:
        click.echo(rows_csv(rows).lstrip("\ufeff"), nl=False)
    else:
        for row in rows:
            if row.found:
                state = row.status
                if row.replaced_by:
                    state += f" → {row.replaced_by}"
                    state += f" ({row.replaced_since})" if row.replaced_since else ""
                if row.newer_edition:
                    state += f"; newer edition held: {row.newer_edition}"
                click.echo(f"{row.typed:<24} {row.std_no:<22} {state}  {row.title}")
            elif row.replaced_by or row.newer_edition:
                held = row.newer_edition or row.replaced_by
                click.echo(f"{row.typed:<24} {'(not held)':<22} replaced/newer: {held}")
            else:
                click.echo(f"{row.typed:<24} {'(not found)':<22}")
        click.echo(f"{len(rows)} number(s): {len(rows) - missing} found, {missing} not found")
    if missing:
        sys.exit(1)


# --- Adoption of international standards (采标) -----------------------------------------


@main.command("adoptions")
@click.option(
    "--json", "as_json", is_flag=True, help="Print a JSON array, one object per standard."
)
@click.option("--org", help="Only adoptions of this body's standards: ISO, IEC, ISO/IEC, EN …")
@click.option("--degree", help="Only this degree: IDT / MOD / NEQ (or 等同 / 修改 / 非等效).")
@click.pass_obj
def adoptions_command(obj: Context, as_json: bool, org: str | None, degree: str | None) -> None:
    """List the standards that adopt international or foreign standards (采标), with the
    standard adopted and the degree (IDT 等同, MOD 修改, NEQ 非等效)."""
    from search_app.search.query import DEGREE_VALUES

    wanted = DEGREE_VALUES.get((degree or "").strip().lower()) if degree else None
    if degree and wanted is None:
        raise click.UsageError(f"--degree {degree}: use IDT, MOD, NEQ or EQV")
    library = obj.library()
    with Catalogue(library.catalogue_path) as catalogue:
        entries = catalogue.all_metadata()
    found = []
    for entry in entries:
        adopted = [
            a
            for a in entry.get("adoption") or []
            if (not org or org.upper() in (a.get("org") or "").upper().split("/"))
            and (not wanted or a.get("degree") == wanted)
        ]
        if adopted:
            found.append(
                {
                    "std_no": entry["std_no"],
                    "title_zh": entry.get("title_zh", ""),
                    "adoption": adopted,
                }
            )
    if as_json:
        _echo_json(found)
        return
    for item in found:
        for a in item["adoption"]:
            click.echo(
                f"{item['std_no']:<22} {a['standard']:<28} {a['degree'] or '—':<4} {item['title_zh']}"
            )
    click.echo(f"{len(found)} standard(s) adopt international or foreign standards")


# -- 标龄 and 复审 (lifecycle and review) ------------------------------------------------


def _review_years() -> int:
    """The review age `search` takes for `review:due`: STDSEARCH_REVIEW_YEARS, else 5."""
    from indexer.library.review import DEFAULT_YEARS

    value = os.environ.get("STDSEARCH_REVIEW_YEARS", "")
    return int(value) if value.strip().isdigit() and int(value) <= 100 else DEFAULT_YEARS


@main.command("review")
@click.option(
    "--years",
    type=click.IntRange(0, 100),
    envvar="STDSEARCH_REVIEW_YEARS",
    default=5,
    show_default=True,
    help="Review age: standards in force for more than this many years are due. "
    "Also STDSEARCH_REVIEW_YEARS.",
)
@click.option(
    "--on",
    "on_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Count ages on this day (YYYY-MM-DD) instead of today.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (as the site's).")
@click.option("--csv", "as_csv", is_flag=True, help="Print the due standards as CSV.")
@click.pass_obj
def review_command(obj: Context, years: int, on_date, as_json: bool, as_csv: bool) -> None:
    """Standards due for review (复审): in force (现行) for more than --years years.

    A standard's age (标龄) runs from its implementation date (实施日期), or from its
    issue date when none is printed (marked "issued"). Grouped by level, oldest first.

    Example: stdsearch review --years 10
    """
    import csv
    from datetime import date

    from indexer.library.review import csv_rows, review_report

    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    with Catalogue(obj.library().catalogue_path) as catalogue:
        entries = catalogue.all_metadata()
    report = review_report(entries, on_date.date() if on_date else date.today(), years)
    if as_json:
        _echo_json(report.to_dict())
        return
    if as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerows(csv_rows(report))
        return
    click.echo(
        f"{report.today}: {len(report.due)} of {report.current} standard(s) in force are over"
        f" {report.years} years old and due for review"
    )
    for group in report.by_level():
        click.echo(f"\n{group.name} ({group.count})")
        for s in group.standards:
            basis = "  (issue date)" if s.basis == "issued" else ""
            click.echo(
                f"  {s.std_no:<22} {s.implemented}  {s.age_years:>5.1f} y  {s.title_zh}{basis}"
            )
    if report.undated:
        numbers = ", ".join(s.std_no for s in report.undated)
        click.echo(f"\nage unknown (no date printed): {numbers}")


# --- Connecting platforms: the change export and `sync` ------------------------------------


@main.group("export")
def export_group() -> None:
    """Export what the library holds, for programs: the catalogue (open data), the change
    log (what another platform follows) or, for librarians, the full text."""


@export_group.command("changes")
@click.option(
    "--since",
    "since_date",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="Changes made on or after this day (YYYY-MM-DD) or time.",
)
@click.option("--after", "after_id", type=click.IntRange(min=0), help="Changes after this id.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array instead of lines.")
@click.pass_obj
def export_changes(obj: Context, since_date, after_id: int | None, as_json: bool) -> None:
    """The change log as JSON lines, oldest first: one change a line (id, at, std_no,
    sha256, kind, field, old, new, source). The Atom feeds are for people; this is for
    programs. `--after` the last id you read continues where you stopped.

    Example: stdsearch export changes --since 2024-01-01
    """
    from indexer.library import changes
    from indexer.library.sync import export_line

    if since_date is not None and after_id is not None:
        raise click.UsageError("choose one of --since and --after")
    cursor: int | str = after_id or 0
    if since_date is not None:
        cursor = since_date.isoformat() if since_date.time() else since_date.date().isoformat()
    first = True
    with Catalogue(obj.library().catalogue_path) as catalogue:
        if as_json:
            click.echo("[", nl=False)
        while True:
            # In pages by id, so memory stays flat however long the log is.
            events = changes.since(catalogue.db, cursor, limit=1000)
            for event in events:
                line = export_line(event)
                if as_json:
                    click.echo(("" if first else ",") + "\n  " + line, nl=False)
                else:
                    click.echo(line)
                first = False
            if len(events) < 1000:
                break
            cursor = events[-1].id
        if as_json:
            click.echo("\n]" if not first else "]")


@main.command("sync")
@click.option("--from", "source", metavar="URL", help="The stdsearch site to follow.")
@click.option("--token", envvar="STDSEARCH_SYNC_TOKEN", help="Its API token, if it asks for one.")
@click.option(
    "--page-size",
    type=click.IntRange(1, 1000),
    default=500,
    show_default=True,
    help="Changes fetched per page (each page is applied in one transaction).",
)
@click.option("--candidates", is_flag=True, help="List acquisition candidates and stop.")
@click.option("--conflicts", is_flag=True, help="List conflicts with local decisions and stop.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@engine_choice
@click.pass_obj
def sync_command(obj: Context, source, token, page_size, candidates, conflicts, as_json) -> None:
    """Follow another stdsearch: apply the status changes, replacements and withdrawals it
    published since the last sync to the standards both libraries hold, and list those it
    holds and this library lacks as acquisition candidates. Texts are never copied; a
    field a local librarian set wins and the synced value is listed as a conflict.

    Example: stdsearch sync --from https://std.example.gov.cn
    """
    from indexer.library import sync

    if candidates or conflicts:
        with Catalogue(obj.library().catalogue_path) as catalogue:
            listed = (sync.candidates if candidates else sync.conflicts)(catalogue.db)
        if as_json:
            _echo_json(listed)
            return
        for item in listed:
            if candidates:
                click.echo(f"{item['std_no']:<24} {item['source']}  {item['seen_at']}")
            else:
                click.echo(
                    f"{item['std_no']:<24} {item['field']}: local {item['local_value']!r}"
                    f" ({item['local_source']}) / {item['source']}: {item['remote_value']!r}"
                )
        click.echo(f"{len(listed)} {'candidate(s)' if candidates else 'conflict(s)'}")
        return
    if not source:
        raise click.UsageError("give --from URL (or --candidates / --conflicts)")
    from search_app.search.following import SourceUnavailable, follow

    try:
        result = follow(obj.library(), obj.writing_engine(), source, token, page_size)
    except ValueError as error:  # ExportRefused, or a URL that is not http(s)
        _fail(f"sync refused: {error}; nothing of that page was applied", as_json)
    except SourceUnavailable as error:
        _fail(f"sync stopped: {error}; the next sync resumes from the last page applied", as_json)
    if as_json:
        _echo_json(result.to_dict())
        return
    click.echo(
        f"{result.source}: {result.pulled} change(s) in {result.pages} page(s), {result.applied}"
        f" applied, {result.conflicts} conflict(s), {result.candidates} new candidate(s);"
        f" cursor {result.cursor}"
    )


# -- bulk export and import of the catalogue ---------------------------------------------


@export_group.command("catalogue")
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write here (default: stdout)."
)
@click.pass_obj
def export_catalogue(obj: Context, fmt: str, output: str | None) -> None:
    """Every standard's metadata, status history, edition chain, references and adoption,
    one record per standard. Metadata only: no text of any standard.

    Example: stdsearch export catalogue --format jsonl -o catalogue.jsonl
    """
    from indexer.library.exchange import csv_lines, export_records, jsonl_lines

    lines = jsonl_lines if fmt == "jsonl" else csv_lines
    with Catalogue(obj.library().catalogue_path) as catalogue:
        _write_lines(lines(export_records(catalogue)), output)


@export_group.command("fulltext")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write here (default: stdout)."
)
@click.pass_obj
def export_fulltext(obj: Context, output: str | None) -> None:
    """Clauses, tables, terms and references of every standard whose text is held, as JSONL.
    Many standards are copyrighted even where reading them is free: keep it in the library.
    """
    from indexer.library.exchange import fulltext_records, jsonl_lines

    library = obj.library()
    with Catalogue(library.catalogue_path) as catalogue:
        _write_lines(jsonl_lines(fulltext_records(library, catalogue)), output)


def _write_lines(lines, output: str | None) -> None:
    if output is None:
        for line in lines:
            sys.stdout.write(line)
        return
    with open(output, "w", encoding="utf-8", newline="") as f:
        for line in lines:
            f.write(line)


@main.group("import")
def import_group() -> None:
    """Import records from another catalogue."""


@import_group.command("catalogue")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def import_catalogue_command(obj: Context, file: str, as_json: bool) -> None:
    """Add metadata-only records (未收录全文) from a catalogue export (JSONL).

    The whole file is checked first and applied in one transaction: a malformed file
    changes nothing. Re-importing updates the records; standards whose text the library
    holds are left as they are. When a record's PDF is ingested later, it gains its text
    and keeps its librarian edits.

    Example: stdsearch import catalogue national.jsonl
    """
    from indexer.library.exchange import ImportRefused, import_catalogue

    try:
        report = import_catalogue(obj.library(), obj.engine(), Path(file))
    except ImportRefused as error:
        click.echo(f"error: nothing imported: {error}", err=True)
        sys.exit(2)
    if as_json:
        _echo_json(report.to_dict())
        return
    click.echo(
        f"{len(report.added)} added, {len(report.updated)} updated,"
        f" {len(report.held)} left as held (text in the library)"
    )


# --- API contract: read tokens ---------------------------------------------------------
@main.group()
def token() -> None:
    """API tokens: read tokens let programs use the JSON API at a higher rate limit."""


@token.command("create")
@click.option("--read", "read_only", is_flag=True, help="A read token (the API, no changes).")
@click.option("--by", "name", required=True, help="The librarian who issues it.")
@click.option("--label", default="", help="Who or what the token is for, e.g. 'PLM system'.")
@click.option("--json", "as_json", is_flag=True, help="Print {token, scope, by, label}.")
@click.pass_obj
def token_create(obj: Context, read_only: bool, name: str, label: str, as_json: bool) -> None:
    """Create a token (printed once; send it as `Authorization: Bearer …`). Without --read
    it acts as the librarian, like `stdsearch user token`."""
    from indexer.library.accounts import READ, WRITE

    scope = READ if read_only else WRITE
    with _accounts(obj) as accounts:
        value = accounts.create_token(name, label, scope=scope)
    if as_json:
        _echo_json({"token": value, "scope": scope, "by": name, "label": label})
    else:
        click.echo(value)


if __name__ == "__main__":
    main()
