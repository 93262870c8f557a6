# cuvee import of gzip and zstd JSONL: the same tokens as the plain file, whatever the name.
source "$(dirname "$0")/lib.sh" "$1"

make_jsonl docs 400
gzip -c docs.jsonl >docs.jsonl.gz
zstd -q -c docs.jsonl >docs.jsonl.zst
# Two gzip members and two zstd frames, as pigz, bgzip or `cat a.gz b.gz` write them.
head -n 150 docs.jsonl | gzip -c >multi.jsonl.gz
tail -n +151 docs.jsonl | gzip -c >>multi.jsonl.gz
head -n 150 docs.jsonl | zstd -q -c >multi.jsonl.zst
tail -n +151 docs.jsonl | zstd -q -c >>multi.jsonl.zst
# A compressed file under a plain name is recognised by its content.
cp docs.jsonl.gz disguised.jsonl

for input in docs.jsonl docs.jsonl.gz docs.jsonl.zst multi.jsonl.gz multi.jsonl.zst disguised.jsonl; do
  name=${input//./_}
  "$CUVEE" -q import --domain "$name" --out data --heldout 0.1 "$input" >/dev/null
done
for name in docs_jsonl_gz docs_jsonl_zst multi_jsonl_gz multi_jsonl_zst disguised_jsonl; do
  for split in train validation test; do
    for ext in bin idx; do
      cmp -s "data/docs_jsonl/$split.$ext" "data/$name/$split.$ext" ||
        fail "$name/$split.$ext differs from the plain file's import"
    done
  done
done
[[ $("$CUVEE" inspect data/docs_jsonl_gz/train --json) == *'"documents":'* ]] || fail "inspect"

# Compressed plain text is one document, as the uncompressed file is.
printf 'a whole text file\nof two lines\n' >note.txt
gzip -c note.txt >note.txt.gz
"$CUVEE" -q import --domain note --out data --heldout 0 note.txt >/dev/null
"$CUVEE" -q import --domain notegz --out data --heldout 0 note.txt.gz >/dev/null
cmp -s data/note/train.bin data/notegz/train.bin || fail "compressed text file"

# A line number inside a compressed file is the line of the decompressed text.
printf '{"text": "fine"}\n{"text": broken\n' | gzip -c >bad.jsonl.gz
expect_error "bad.jsonl.gz:2: malformed JSON" "$CUVEE" -q import --domain bad --out data bad.jsonl.gz

# A truncated stream, and a name that promises a compression the content lacks, are errors.
head -c 200 docs.jsonl.gz >short.jsonl.gz
expect_error "short.jsonl.gz: truncated gzip stream" "$CUVEE" -q import --domain s --out data short.jsonl.gz
head -c 200 docs.jsonl.zst >short.jsonl.zst
expect_error "short.jsonl.zst: truncated zstd stream" "$CUVEE" -q import --domain t --out data short.jsonl.zst
cp docs.jsonl liar.jsonl.gz
expect_error "liar.jsonl.gz: the name says gzip" "$CUVEE" -q import --domain l --out data liar.jsonl.gz
for d in bad s t l; do [ ! -e "data/$d" ] || fail "failed import left data/$d behind"; done

# The tokenizer trainer reads them too.
"$CUVEE" -q tokenizer train --out gz.model --vocab-size 300 docs.jsonl.gz >/dev/null
[ -s gz.model ] || fail "tokenizer train on .jsonl.gz wrote no model"
echo "compressed_import_test: ok"
