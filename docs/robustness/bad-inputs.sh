#!/usr/bin/env bash
# Runs the bad inputs of issue 15 through ./cola and prints a Markdown table: command, exit code, seconds, the
# stderr lines (the usage hint "Run 'cola … --help' for usage." is left out). Usage, from the repository root:
#   docs/robustness/bad-inputs.sh > /tmp/table.md
# Scratch files go to a fresh temporary directory T (shown as $T); an empty pretraining cache $T/cache shows that
# nothing was pretrained before the error.
set -uo pipefail
T="$(mktemp -d)"
mkdir -p "$T/cache" "$T/old-run" && echo x > "$T/a-file" && echo step > "$T/old-run/metrics.csv"
TRAIN="train --model mlp --task rotate --method cola --cache $T/cache --quiet"
cases=(
  "$TRAIN --batch 2147483647"
  "$TRAIN --rank 100000"
  "$TRAIN --rank 1000"
  "$TRAIN --steps 2147483647"
  "$TRAIN --sites nosuch --out $T/r1"
  "$TRAIN --out $T/a-file"
  "$TRAIN --out $T/old-run"
  "$TRAIN --out $T/r2 --json /dev/null/x.json"
  "ftaas --users 2147483647"
  "ftaas --users 100000"
  "ftaas --rows 2147483647"
  "ftaas --rank 100000"
  "bench memory --users 100000"
  "bench gemm --sizes 100000"
  "bench gemm --reps 0"
  "bench gemm --json /dev/null/x.json"
  "verify --json /dev/null/x.json"
  "verify --dtyp float32"
  "verify --d float32"
  "pretrain --model mlp --json /dev/null/x.json --cache $T/cache"
  "pretrain --model mlp --cache /dev/null/c"
  "copra --model mlp --json /dev/null/x.json --cache $T/cache"
  "copra --model mlp --sites nosuch --cache $T/cache"
  "copra --model mlp --permutations 100000 --cache $T/cache"
  "explain --site embed.token"
  "bench gemm --nope"
  "OOM train --model decoder --preset tiny --task shift --method full --batch 4096 --steps 2 --cache $T/cache2 --out $T/oom --quiet"
  # added with the memory estimates, the shared rank check, bounded patterns and the stage2 commands
  "HEAP train --model decoder --preset small --task shift --method lora --batch 4096 --cache $T/cache --out $T/m1 --quiet"
  "HEAP train --model decoder --preset small --task shift --method full --batch 2048 --cache $T/cache --out $T/m2 --quiet"
  "ftaas --users 2 --rank 8~65 --cache $T/cache"
  "ftaas --model decoder --preset tiny --rank 9 --cache $T/cache"
  "ftaas --rank 100000 --cache $T/cache"
  "ftaas --interval 1~100000 --cache $T/cache"
  "ftaas --lr 0.1~1e9 --cache $T/cache"
  "ftaas --shapley --cache $T/cache"
  "ftaas --merged-average --shapley --shapley-permutations 100001 --cache $T/cache"
  "ftaas --compress topk:0 --cache $T/cache"
  "ftaas --ledger --json /dev/null/x.json --cache $T/cache"
  "user --server 127.0.0.1:1 --token-file $T/a-file --rank 65"
  "user --server 127.0.0.1:1 --token-file $T/a-file --lr 1000"
  "inspect $T/a-file"
  "inspect $T/nope"
  "inspect $T/old-run"
  "forward --model decoder --preset tiny --input $T/a-file --out $T/f.safetensors --cache $T/cache"
  "forward --model decoder --preset tiny --input $T/a-file --out /dev/null/x.safetensors --cache $T/cache"
  "study --vary fit-epochs --values 1,1001"
  "study --vary staleness --steps 2000000"
  "explain --interval 65"
  "explain --users 9"
  "explain --merged --aux mlp"
  "verify --negative-controls --dtype float32"
  "$TRAIN --data $T/a-file --task-type cls"
  "train --model hf:$T/old-run --data $T/a-file --task-type cls --method lora --cache $T/cache --out $T/h1"
  "train --model hf:$T/old-run --data $T/a-file --task-type nope --method lora --cache $T/cache --out $T/h2"
)
echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') at commit $(git rev-parse --short HEAD), load average $(cut -d' ' -f1-3 /proc/loadavg) at the start."
echo
echo "| command | exit | s | stderr (without the usage hint) |"
echo "|---|---|---|---|"
for c in "${cases[@]}"; do
  t0=$(date +%s.%N)
  # shellcheck disable=SC2086
  if [[ "$c" == OOM* ]]; then
    # a heap too small for the batch: the OutOfMemoryError line (run with COLA_JAVA_OPTS=-Xmx24m)
    COLA_JAVA_OPTS=-Xmx24m ./cola ${c#OOM } >/dev/null 2>"$T/err"
  elif [[ "$c" == HEAP* ]]; then
    # options within their bounds but beyond the heap: the memory estimate refuses the run (COLA_JAVA_OPTS=-Xmx256m)
    COLA_JAVA_OPTS=-Xmx256m ./cola ${c#HEAP } >/dev/null 2>"$T/err"
  else
    ./cola $c >/dev/null 2>"$T/err"
  fi
  code=$?
  t1=$(date +%s.%N)
  err="$(grep -v "^Run 'cola .* --help' for usage.$" "$T/err")"
  shown="${c//$T/\$T}"
  [[ "$c" == OOM* ]] && shown="${shown#OOM } (COLA_JAVA_OPTS=-Xmx24m)"
  [[ "$c" == HEAP* ]] && shown="${shown#HEAP } (COLA_JAVA_OPTS=-Xmx256m)"
  msg="$(printf '%s' "$err" | sed "s#$T#\$T#g" | tr '\n' ' ' | sed 's/|/\\|/g; s/ *$//')"
  printf '| `cola %s` | %s | %.1f | %s |\n' "$shown" "$code" "$(echo "$t1 - $t0" | bc)" "$msg"
done
echo
echo "Pretraining cache \$T/cache after all cases: $(ls "$T/cache" | wc -l) entries (the last case pretrains into \$T/cache2)."
rm -rf "$T"
