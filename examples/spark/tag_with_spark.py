#!/usr/bin/env python3
"""Tag a corpus with gaztag on Apache Spark.

Every partition of the input is streamed through one `gaztag tag --stdin` process on the
executor that holds it: JSON Lines records in, annotated records out (see docs/scale-out.md).
The gaztag binary, and optionally a compiled gazetteer (`gaztag gazetteer build -o FILE`), are
shipped to the executors with `SparkContext.addFile`, so nothing needs installing on the
cluster but Spark and Python.

Input, one of:
  --input DIR --txt      a folder of .txt files (one document each; id = path relative to DIR,
                         as `gaztag tag DIR` names documents)
  --input PATH           JSON Lines records `{"id": ..., "text": ..., other fields}`
                         (a file, a folder, a glob: anything `SparkContext.textFile` reads)
Output: --output DIR, a folder of `part-*` JSON Lines files, one annotated record per input
record (or an error object `{"line": N, "error": ...}` for a malformed one; the job then fails
unless --allow-errors is given).

Example (local mode, two worker threads):
  spark-submit --master 'local[2]' examples/spark/tag_with_spark.py \
      --gaztag target/release/gaztag --input seeds --txt --output /tmp/seeds-annotated
"""

import argparse
import json
import os
import posixpath
import stat
import subprocess
import sys
import threading
from urllib.parse import urlparse

from pyspark import SparkFiles
from pyspark.sql import SparkSession


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--master", help="Spark master when run without spark-submit, e.g. 'local[2]'")
    p.add_argument("--gaztag", required=True, help="the gaztag binary to ship to the executors (Linux, same architecture)")
    p.add_argument("--gazetteer", action="append", default=[], help="a compiled gazetteer to ship and use (repeatable)")
    p.add_argument("--no-default", action="store_true", help="leave gaztag's embedded gazetteer out")
    p.add_argument("--input", required=True, help="input folder (--txt) or JSON Lines path")
    p.add_argument("--txt", action="store_true", help="the input is a folder of .txt documents")
    p.add_argument("--output", required=True, help="output folder (must not exist)")
    p.add_argument("--partitions", type=int, default=0, help="repartition the input into N partitions (default: as read)")
    p.add_argument("--jobs", type=int, default=1, help="gaztag threads per partition (default 1: Spark runs one task per core)")
    p.add_argument("--rule", action="append", default=[], choices=["demonyms", "fuzzy", "no-aliases", "no-compose"],
                   help="a gaztag rule flag, without its dashes (repeatable)")
    p.add_argument("--allow-errors", action="store_true", help="keep going when records could not be tagged")
    return p.parse_args(argv)


def relative_id(root, path):
    """The document id of a file read by wholeTextFiles: its path under the input folder."""
    root_path = urlparse(root).path.rstrip("/")
    file_path = urlparse(path).path
    return posixpath.relpath(file_path, root_path)


def txt_records(sc, root, partitions):
    """JSON Lines records from a folder of .txt files (recursively)."""
    # wholeTextFiles wants a URI it can resolve on every node; plain paths are taken as local
    uri = root if urlparse(root).scheme else "file://" + os.path.abspath(root)
    sc._jsc.hadoopConfiguration().set("mapreduce.input.fileinputformat.input.dir.recursive", "true")
    files = sc.wholeTextFiles(uri, minPartitions=max(partitions, 1))
    files = files.filter(lambda kv: kv[0].lower().endswith(".txt"))

    def record(kv):
        path, text = kv
        if text.startswith("\ufeff"):  # gaztag tag drops a byte order mark too
            text = text[1:]
        return json.dumps({"id": relative_id(uri, path), "text": text}, ensure_ascii=False)

    return files.map(record)


def tag_partition(binary_name, gazetteer_names, flags, allow_errors):
    """The function run on each partition: pipe its records through `gaztag tag --stdin`."""

    def run(records):
        binary = SparkFiles.get(binary_name)
        mode = os.stat(binary).st_mode
        if not mode & stat.S_IXUSR:
            os.chmod(binary, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        cmd = [binary, "tag", "--stdin"] + flags
        for name in gazetteer_names:
            cmd += ["--gazetteer", SparkFiles.get(name)]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        failure = []

        def feed():
            try:
                for r in records:
                    # a record is one line: JSON escapes line breaks inside strings
                    proc.stdin.write(r.encode("utf-8") + b"\n")
            except BrokenPipeError:
                pass  # gaztag stopped: its status and stderr say why
            except Exception as e:  # an input error: report it after gaztag ends
                failure.append(e)
            finally:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass

        errors = []
        drain = threading.Thread(target=lambda: errors.append(proc.stderr.read()), daemon=True)
        feeder = threading.Thread(target=feed, daemon=True)
        drain.start()
        feeder.start()
        for line in proc.stdout:
            yield line.decode("utf-8").rstrip("\n")
        feeder.join()
        code = proc.wait()
        drain.join()
        if failure:
            raise failure[0]
        if code == 0 or (code == 1 and allow_errors):
            return
        message = b"".join(errors).decode("utf-8", "replace").strip()
        raise RuntimeError(f"gaztag exited with status {code}: {message}")

    return run


def main(argv):
    args = parse_args(argv)
    builder = SparkSession.builder.appName("gaztag")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    sc = spark.sparkContext
    sc.addFile(os.path.abspath(args.gaztag))
    binary_name = os.path.basename(args.gaztag)
    gazetteer_names = []
    for g in args.gazetteer:
        sc.addFile(os.path.abspath(g))
        gazetteer_names.append(os.path.basename(g))
    flags = ["--jobs", str(args.jobs)] + ["--" + r for r in args.rule]
    if args.no_default:
        flags.append("--no-default")

    if args.txt:
        records = txt_records(sc, args.input, args.partitions)
    else:
        records = sc.textFile(args.input).filter(lambda line: line.strip())
    if args.partitions:
        records = records.repartition(args.partitions)
    annotated = records.mapPartitions(tag_partition(binary_name, gazetteer_names, flags, args.allow_errors))
    annotated.saveAsTextFile(args.output)
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
