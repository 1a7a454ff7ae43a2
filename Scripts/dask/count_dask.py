#!/usr/bin/env python3
"""Counts a corpus on a Dask cluster: one 'tailscan count' task per shard, then one merge.

Usage: count_dask.py [options] CORPUS_DIR OUTPUT_DIR [-- COUNT_OPTION...]

Each shard is counted by 'tailscan count SHARD -o WORK/parts/NNNNN --force -q' in its own task
(NNNNN is the shard's index in path order); once every task has succeeded, one more task runs
'tailscan merge' over the parts into OUTPUT_DIR. The result has the same .tsc and .tsd files as
'tailscan count CORPUS_DIR -o OUTPUT_DIR' on one machine. Options after '--' go to every
'tailscan count' (e.g. -- --orders 1...3 --numbers).

Without --scheduler it starts a LocalCluster on this machine. With --scheduler ADDRESS the tasks
run on that cluster's workers: the corpus, the work and output directories and the tailscan
binary must then be at the same paths on every worker (a shared filesystem).
"""
import argparse
import os
import subprocess
import sys
import time
import uuid

# CorpusWalker.suffixes
SHARD_SUFFIXES = (".json.gz", ".jsonl.gz", ".json.zst", ".jsonl.zst", ".jsonl", ".json", ".txt.gz",
                  ".txt.zst", ".txt", ".gz", ".zst")


def list_shards(corpus):
    """The files 'tailscan count CORPUS' reads, in its order (CorpusWalker.shards): walked
    recursively following links, skipping hidden names, temporary and replaced outputs (.tmp-,
    .old-) and tailscan's table directories, sorted by path bytes."""
    found = []
    seen = set()

    def is_table_directory(path, names):
        return "manifest.json" in names and any(n.endswith("-1.tsc") for n in names)

    def walk(directory):
        status = os.stat(directory)
        if (status.st_dev, status.st_ino) in seen:
            return
        seen.add((status.st_dev, status.st_ino))
        names = sorted(os.listdir(directory))
        if is_table_directory(directory, names):
            return
        for name in names:
            if name.startswith(".") or ".tmp-" in name or ".old-" in name:
                continue
            path = os.path.join(directory, name)
            try:
                status = os.stat(path)
            except FileNotFoundError:  # a dangling link
                continue
            if os.path.isdir(path):
                walk(path)
            elif os.path.isfile(path) and name.endswith(SHARD_SUFFIXES):
                found.append(path)

    walk(corpus.rstrip("/") or "/")
    return sorted(found, key=os.fsencode)


def run_tailscan(arguments):
    """Runs tailscan on a worker; raises with its standard error if it fails."""
    result = subprocess.run(arguments, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(
            f"'{' '.join(arguments[:3])} …' exited with status {result.returncode}"
            f" on {os.uname().nodename}: {result.stderr.strip()}")
    return result.stdout


def count_shard(tailscan, shard, part, count_args):
    """One task: counts one shard into its own table directory."""
    return run_tailscan([tailscan, "count", shard, "-o", part, "--force", "-q", *count_args])


def merge_parts(tailscan, parts, output):
    """The last task: merges the partial table directories into one."""
    return run_tailscan([tailscan, "merge", *parts, "-o", output, "--force"])


def parse_arguments(argv):
    count_args = []
    if "--" in argv:
        split = argv.index("--")
        argv, count_args = argv[:split], argv[split + 1:]
    parser = argparse.ArgumentParser(
        prog="count_dask.py",
        usage="%(prog)s [options] CORPUS_DIR OUTPUT_DIR [-- COUNT_OPTION...]",
        description=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", metavar="CORPUS_DIR", help="directory of corpus shards")
    parser.add_argument("output", metavar="OUTPUT_DIR", help="the table directory to write")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="a running Dask scheduler, e.g. tcp://head-node:8786"
                             " (default: start a LocalCluster)")
    parser.add_argument("--tailscan", metavar="PATH", default=os.environ.get("TAILSCAN", "tailscan"),
                        help="the tailscan binary the workers run (default: $TAILSCAN, else"
                             " tailscan on the workers' PATH)")
    parser.add_argument("--work", metavar="DIR",
                        help="where the per-shard tables go, under parts/"
                             " (default: OUTPUT_DIR.work)")
    parser.add_argument("--workers", metavar="N", type=int, default=os.cpu_count(),
                        help="workers of the LocalCluster, one thread each (default: the CPUs)")
    arguments = parser.parse_args(argv)
    arguments.count_args = count_args
    return arguments


def main(argv):
    arguments = parse_arguments(argv)
    # Imported here so that --help works without dask.
    from dask.distributed import Client, LocalCluster, as_completed

    corpus = os.path.abspath(arguments.corpus)
    if not os.path.isdir(corpus):
        sys.exit(f"error: '{arguments.corpus}' is not a directory")
    output = os.path.abspath(arguments.output.rstrip("/"))
    parts_dir = os.path.join(os.path.abspath(arguments.work or output + ".work"), "parts")
    tailscan = arguments.tailscan
    if os.sep in tailscan:
        tailscan = os.path.abspath(tailscan)
    shards = list_shards(corpus)
    if not shards:
        sys.exit(f"error: no shards under '{arguments.corpus}'")
    os.makedirs(parts_dir, exist_ok=True)
    parts = [os.path.join(parts_dir, f"{i:05d}") for i in range(len(shards))]

    started = time.monotonic()
    run = uuid.uuid4().hex[:8]  # task keys unique to this run on a shared scheduler
    cluster = None
    if arguments.scheduler:
        client = Client(arguments.scheduler)
    else:
        cluster = LocalCluster(n_workers=arguments.workers, threads_per_worker=1,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        print(f"counting {len(shards)} shard(s) on {client.scheduler.address}", file=sys.stderr)
        futures = client.map(count_shard, [tailscan] * len(shards), shards, parts,
                             [arguments.count_args] * len(shards),
                             key=[f"tailscan-count-{run}-{i:05d}" for i in range(len(shards))])
        failures = []
        for future in as_completed(futures):
            if future.status == "error":
                failures.append(str(future.exception()))
        if failures:
            for failure in failures:
                print(f"error: {failure}", file=sys.stderr)
            sys.exit(f"error: {len(failures)} of {len(shards)} shard(s) failed; nothing merged")
        merged = client.submit(merge_parts, tailscan, parts, output, key=f"tailscan-merge-{run}")
        try:
            merged.result()
        except RuntimeError as error:
            sys.exit(f"error: {error}")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    print(f"shards\t{len(shards)}")
    print(f"seconds\t{time.monotonic() - started:.1f}")
    print(f"wrote\t{output}")


if __name__ == "__main__":
    main(sys.argv[1:])
