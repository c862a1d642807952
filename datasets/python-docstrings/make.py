"""Builds the python-docstrings retrieval dataset (BEIR layout) from CPython's standard library.

Each public function, method and class of the pure-Python standard library whose docstring has a
summary line of at least five words and a body of at least 120 characters becomes one document:
the docstring's body (everything after the summary line). Its summary line becomes a query whose
one relevant document is that body. So a query is a one-line description written by the
library's authors, and the document is the longer explanation they wrote under it; the two share
some words but seldom all (a known-item task, like the title-to-body queries of BEIR's sets).

Run with the Python whose library it reads (3.11 for the shipped files):
    python3 datasets/python-docstrings/make.py datasets/python-docstrings
The output is deterministic for one Python version.
"""
import ast
import json
import os
import random
import re
import sys
import sysconfig

MIN_SUMMARY_WORDS = 5
MIN_BODY_CHARS = 120
MAX_DOCUMENTS = 4000
QUERIES = 400
SKIP_DIRS = {"test", "tests", "idlelib", "lib2to3", "tkinter", "turtledemo", "ensurepip", "site-packages", "dist-packages"}


def docstrings(root):
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in SKIP_DIRS and not d.startswith("__"))
        for name in sorted(files):
            if not name.endswith(".py") or name.startswith("_"):
                continue
            path = os.path.join(directory, name)
            module = os.path.relpath(path, root)[:-3].replace(os.sep, ".")
            try:
                tree = ast.parse(open(path, encoding="utf-8").read())
            except (SyntaxError, UnicodeDecodeError):
                continue
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                    text = ast.get_docstring(node)
                    if text:
                        yield module + "." + node.name, text


def split(text):
    lines = text.strip().splitlines()
    summary = " ".join(lines[0].split())
    body = "\n".join(lines[1:]).strip()
    return summary, body


def main(out):
    root = sysconfig.get_paths()["stdlib"]
    seen_summaries = set()
    seen_names = set()
    documents = []
    for name, text in docstrings(root):
        # a method is named by its module and its own name: of two such in one module, the first is kept
        if name in seen_names:
            continue
        seen_names.add(name)
        summary, body = split(text)
        if len(summary.split()) < MIN_SUMMARY_WORDS or len(body) < MIN_BODY_CHARS:
            continue
        # the same summary over several bodies would make a query with one judged answer among equals
        key = summary.lower()
        if key in seen_summaries:
            continue
        seen_summaries.add(key)
        documents.append((name, summary, re.sub(r"[ \t]+", " ", body)))
    random.seed(16)
    random.shuffle(documents)
    documents = sorted(documents[:MAX_DOCUMENTS])
    os.makedirs(os.path.join(out, "qrels"), exist_ok=True)
    with open(os.path.join(out, "corpus.jsonl"), "w", encoding="utf-8") as corpus:
        for name, _, body in documents:
            corpus.write(json.dumps({"_id": name, "title": "", "text": body}) + "\n")
    queried = sorted(random.sample(documents, min(QUERIES, len(documents))))
    with open(os.path.join(out, "queries.jsonl"), "w", encoding="utf-8") as queries, \
            open(os.path.join(out, "qrels", "test.tsv"), "w", encoding="utf-8") as qrels:
        qrels.write("query-id\tcorpus-id\tscore\n")
        for index, (name, summary, _) in enumerate(queried):
            query_id = "q%03d" % index
            queries.write(json.dumps({"_id": query_id, "text": summary}) + "\n")
            qrels.write("%s\t%s\t1\n" % (query_id, name))
    print("%d documents, %d queries from %s (Python %s)" % (len(documents), len(queried), root, sys.version.split()[0]))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
