#!/usr/bin/env python3
"""Validate NDJSON event logs on Apache Spark with `evdef validate --format tagged`.

The job ships the `evdef` binary and the definitions (one file: the bundle from
`evdef emit json-schema --bundle --out bundle.json`, or a single YAML file) to every executor with
`sc.addFile`, streams every partition through `evdef validate --format tagged`, and writes the valid and
the invalid lines to OUT/valid and OUT/invalid (text, one part file per partition, input order kept within
and across part files) and the counts to OUT/counts (one JSON line; also printed).

    spark-submit --master yarn examples/spark/validate.py \\
        --evdef target/release/evdef --definitions bundle.json \\
        s3a://logs/2026/11/21/ s3a://logs-checked/2026/11/21/

Two ways to feed lines to evdef:

* default: `sc.textFile` + `RDD.pipe(cmd, checkCode=True)`. `checkCode=True` matters: with the default
  (False) a crashed `evdef` would silently cut the partition short. The JVM reads lines as text: it ends a
  line at `\\n`, `\\r\\n` *or a lone `\\r`*, and decodes UTF-8 with replacement, so a line that is not UTF-8
  reaches evdef with U+FFFD in place of the bad bytes and is judged (and written out) in that altered form;
  a line with a lone `\\r` inside is cut in two.
* `--binary`: byte-exact. Lines are read with Spark SQL's text source split at `\\n` only, as raw bytes
  (`CAST(value AS BINARY)`), piped through evdef as bytes by `pipe_bytes` (same contract as `RDD.pipe` with
  `checkCode=True`, without the UTF-8 round trip), and written back as raw bytes. A non-UTF-8 line is then
  `invalid` (kind `invalid-utf8`) and lands in OUT/invalid unchanged. Only the line ending is normalised:
  `\\r\\n` becomes `\\n` (evdef validates the line without its `\\r`, and the carried line has no ending).

In both, evdef runs with an empty environment (RDD.pipe's default) in the worker's working directory;
`--format tagged` reads nothing from either. Exit codes: evdef exits 0 on invalid data and 2 only on a fatal
problem (bad definitions, I/O error); a non-zero exit fails the task (and Spark retries it, then fails the
job), never a silent loss of lines.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import threading

from pyspark import SparkFiles
from pyspark.sql import SparkSession
from pyspark.sql.types import BinaryType, StructField, StructType


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("input", help="NDJSON file(s) or directory (any Hadoop path: file://, hdfs://, s3a://)")
    p.add_argument("out", help="output directory: OUT/valid, OUT/invalid, OUT/counts")
    p.add_argument("--evdef", required=True, help="the evdef binary (Linux, for the executors)")
    p.add_argument("--definitions", required=True, help="bundle.json (emit json-schema --bundle) or one YAML file")
    p.add_argument("--binary", action="store_true", help="byte-exact path (see the module doc)")
    p.add_argument("--partitions", type=int, default=None, help="minimum number of input partitions")
    p.add_argument("--unknown-events", choices=["error", "warn", "allow"], default="error")
    return p.parse_args(argv)


def pipe_bytes(command, check_code=True):
    """`RDD.pipe` for bytes: each element is one line (bytes, without `\\n`); yields the output lines (bytes,
    without `\\n`). Raises when the command exits non-zero, like `RDD.pipe(..., checkCode=True)`."""

    def func(iterator):
        proc = subprocess.Popen(shlex.split(command), env={}, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        failure = []

        def feed(out):
            try:
                for line in iterator:
                    out.write(bytes(line))
                    out.write(b"\n")
            except BaseException as e:  # reported after the command has ended
                failure.append(e)
            finally:
                try:
                    out.close()
                except BrokenPipeError:
                    pass

        writer = threading.Thread(target=feed, args=[proc.stdin], daemon=True)
        writer.start()
        for line in iter(proc.stdout.readline, b""):
            yield line[:-1] if line.endswith(b"\n") else line
        proc.wait()
        writer.join()
        if check_code and proc.returncode:
            raise RuntimeError(f"`{command}` exited with code {proc.returncode}")
        if failure:
            raise failure[0]

    return func


def main(argv):
    args = parse_args(argv)
    spark = SparkSession.builder.appName("evdef-validate").getOrCreate()
    sc = spark.sparkContext
    evdef_name = os.path.basename(args.evdef)
    defs_name = os.path.basename(args.definitions)
    sc.addFile(os.path.abspath(args.evdef))
    sc.addFile(os.path.abspath(args.definitions))
    # Where addFile puts files on the executors: an absolute directory in local mode, the executor's working
    # directory (".", which is also the Python worker's) on a cluster. Asked of an executor, not the driver.
    root = sc.parallelize([0], 1).map(lambda _: SparkFiles.getRootDirectory()).first()
    evdef = os.path.join(root, evdef_name)
    definitions = os.path.join(root, defs_name)
    command = " ".join(
        shlex.quote(a)
        for a in [evdef, "validate", "--format", "tagged", "--jobs", "1",
                  "--unknown-events", args.unknown_events, "-d", definitions]
    )

    if args.binary:
        reader = spark.read.option("lineSep", "\n")
        lines = reader.text(args.input).selectExpr("CAST(value AS BINARY) AS value").rdd.map(lambda r: r.value)
        if args.partitions and lines.getNumPartitions() < args.partitions:
            lines = lines.repartition(args.partitions)  # (order across partitions is then lost)
        tagged = lines.mapPartitions(pipe_bytes(command))
        tab, valid_tag = b"\t", b"valid"
    else:
        lines = sc.textFile(args.input, minPartitions=args.partitions)
        tagged = lines.pipe(command, checkCode=True)
        tab, valid_tag = "\t", "valid"

    def split(line):
        tag, rest = line.split(tab, 1)
        if tag == valid_tag:
            return (True, rest)
        return (False, rest.split(tab, 1)[1])  # drop the errors (compact JSON, never holds a tab)

    verdicts = tagged.map(split).persist()
    counts = verdicts.map(lambda v: "valid" if v[0] else "invalid").countByValue()
    valid = verdicts.filter(lambda v: v[0]).map(lambda v: v[1])
    invalid = verdicts.filter(lambda v: not v[0]).map(lambda v: v[1])
    for name, rdd in [("valid", valid), ("invalid", invalid)]:
        path = os.path.join(args.out, name)
        if args.binary:
            # Raw bytes in a string column: Spark's text writer writes them unchanged.
            schema = StructType([StructField("value", BinaryType())])
            df = spark.createDataFrame(rdd.map(lambda b: (bytearray(b),)), schema)
            df.selectExpr("CAST(value AS STRING) AS value").write.option("lineSep", "\n").text(path)
        else:
            rdd.saveAsTextFile(path)
    result = {"valid": counts.get("valid", 0), "invalid": counts.get("invalid", 0)}
    result["lines"] = result["valid"] + result["invalid"]
    verdicts.unpersist()
    text = json.dumps(result)
    sc.parallelize([text], 1).saveAsTextFile(os.path.join(args.out, "counts"))
    print(f"evdef-validate: {text}")
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
