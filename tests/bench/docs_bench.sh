#!/usr/bin/env bash
# Builds a corpus of this machine's documentation and runs docs_bench over it.
#
#   tests/bench/docs_bench.sh [DOCS_BENCH_BINARY]
#
# Corpus (under $BENCH_DIR, default /tmp/intern-docs-bench; built once, reused):
#   doc/  documents from /usr/share/doc: .txt .md .rst .html .htm, *.Debian and files without
#         an extension (README, NEWS, copyright), .gz ones decompressed; symlinks are skipped.
#   man/  English man pages rendered to text with groff -Tutf8 (every page outside the 16k
#         generated gcloud reference pages, plus every fourth of those, to keep rendering to a
#         minute on two cores).
# Then docs_bench indexes the corpus into a fresh database and times 100 queries
# (tests/bench/doc_queries.txt) against the index and against `rg -l -i -F`.
#
# DOCS_QUICK=1: a smaller corpus (the first 3000 documents and 300 man pages, about 150 MB here,
# under /tmp/intern-docs-bench-quick) whose ingest takes seconds; its ingest figure has no target.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bench=${1:-$here/../../build/release/tests/bench/docs_bench}
quick=${DOCS_QUICK:-}
if [[ -n $quick ]]; then
  dir=${BENCH_DIR:-/tmp/intern-docs-bench-quick}
  doc_limit=3000 man_filter='NR <= 300'
  export DOCS_BENCH_QUICK=1
else
  dir=${BENCH_DIR:-/tmp/intern-docs-bench}
  doc_limit=-1 man_filter='!/\/gcloud_/ || (++n % 4 == 0)'
fi
corpus=$dir/corpus

command -v rg >/dev/null || { echo "docs_bench.sh: needs ripgrep (apt-get install ripgrep)" >&2; exit 1; }
command -v groff >/dev/null || { echo "docs_bench.sh: needs groff" >&2; exit 1; }

if [[ ! -f $dir/.corpus-done ]]; then
  rm -rf "$corpus"
  mkdir -p "$corpus/doc" "$corpus/man"
  echo "building corpus in $corpus ..." >&2
  # Documents: keep the document types, decompress .gz copies.
  (cd /usr/share/doc && find . -type f \( -name '*.txt' -o -name '*.md' -o -name '*.rst' \
      -o -name '*.html' -o -name '*.htm' -o -name '*.Debian' -o ! -name '*.*' \
      -o -name '*.txt.gz' -o -name '*.md.gz' -o -name '*.html.gz' -o -name '*.Debian.gz' \
      -o \( -name '*.gz' ! -name '*.*.gz' \) \) -print0 | sort -z |
      { if ((doc_limit < 0)); then cat; else head -z -n "$doc_limit"; cat >/dev/null; fi; }) |
    while IFS= read -r -d '' f; do
      src=/usr/share/doc/${f#./}
      dst=$corpus/doc/${f#./}
      mkdir -p "$(dirname "$dst")"
      case $f in
        *.gz) zcat "$src" > "${dst%.gz}" 2>/dev/null || rm -f "${dst%.gz}" ;;
        *) cp "$src" "$dst" ;;
      esac
    done
  # Man pages: render to text, two at a time.
  find /usr/share/man/man[1-8] -type f -name '*.gz' | sort |
    awk "$man_filter" |
    xargs -P 2 -n 64 sh -c '
      for f; do
        name=$(basename "$f" .gz)
        zcat "$f" 2>/dev/null | groff -man -Tutf8 -P-cbou 2>/dev/null > "$0/$name.txt" || true
      done' "$corpus/man"
  touch "$dir/.corpus-done"
fi

echo "corpus: $(du -sh --apparent-size "$corpus" | cut -f1), $(find "$corpus" -type f | wc -l) files" >&2
"$bench" "$corpus" "$here/doc_queries.txt" "$dir/docs-bench.db"
