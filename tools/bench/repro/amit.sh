#!/usr/bin/env bash
# Reproduction of Amit (2019) on this machine's budget: our feedback-alignment model kind (tfjs-wasm,
# through the CLI) and the PyTorch reference (tools/bench/python/amit_reference.py, 1 thread), the
# same network, cost, data, batch and number of steps, one setting after the other. Appends one JSON
# line per run to $OUT/results.jsonl (engine, net, dataset, untied, method, seed, testError, seconds).
#
#   tools/bench/repro/amit.sh [OUT]            # the budget of packages/feedback-alignment/README.md
#   FULL=1 tools/bench/repro/amit.sh [OUT]     # the presets' full budget (20 epochs of 50k, batch 500)
set -euo pipefail
cd "$(dirname "$0")/../../.."
OUT=${1:-runs/amit-repro}
mkdir -p "$OUT"
METHODS=${METHODS:-"bp fa urfb kp dfa"}
SEEDS=${SEEDS:-1}
PY=${PLASTICITY_TORCH_PYTHON:-/usr/bin/python3}

# setting: preset dataset arch untied lr epochs limit batch
if [[ "${FULL:-0}" == 1 ]]; then
  SETTINGS=${SETTINGS:-"amit-simple-mnist:mnist:simple:0:0.07:20:50000:500
amit-simple-fmnist:fashion-mnist:simple:0:0.1:20:50000:500
amit-simple-fmnist-untied:fashion-mnist:simple:1:0.1:20:50000:500
amit-deep-fmnist:fashion-mnist:deep:0:0.1:20:50000:500
amit-deep-fmnist-untied:fashion-mnist:deep:1:0.1:20:50000:500"}
else
  SETTINGS=${SETTINGS:-"amit-simple-fmnist:fashion-mnist:simple:0:0.1:1:50000:500
amit-simple-mnist:mnist:simple:0:0.07:1:50000:500
amit-deep-fmnist:fashion-mnist:deep:0:0.1:4:10000:100
amit-simple-fmnist-untied:fashion-mnist:simple:1:0.1:1:50000:500"}
fi

for setting in $SETTINGS; do
  IFS=: read -r preset dataset arch untied lr epochs limit batch <<<"$setting"
  for seed in $SEEDS; do
    for method in $METHODS; do
      if [[ "${ENGINES:-ours torch}" == *ours* ]]; then
        t0=$(date +%s)
        summary=$(nice -n 5 node apps/cli/dist/bin.js run "$preset" --backend wasm --seed "$seed" --out "$OUT/ours" --json \
          --set model.method="$method" --set train.epochs="$epochs" --set data.limit="$limit" \
          --set train.batchSize="$batch" --set eval.randomBaseline=false --set eval.trainLimit=2000 \
          --set checkpoint.every=0)
        t1=$(date +%s)
        node -e '
          const s = JSON.parse(process.argv[1]);
          const [engine, net, dataset, untied, method, seed, seconds, dir] = process.argv.slice(2);
          console.log(JSON.stringify({ engine, net, dataset, untied: untied === "1", method, seed: +seed,
            testError: 1 - s.eval.output.testAccuracy, seconds: +seconds, dir: s.dir ?? dir }));
        ' "$summary" ours "$arch" "$dataset" "$untied" "$method" "$seed" $((t1 - t0)) "$OUT/ours" | tee -a "$OUT/results.jsonl"
      fi
      if [[ "${ENGINES:-ours torch}" == *torch* ]]; then
        flags=(--dataset "$dataset" --arch "$arch" --method "$method" --epochs "$epochs" --limit "$limit"
          --batch "$batch" --lr "$lr" --seed "$seed" --threads 1)
        [[ "$untied" == 1 ]] && flags+=(--untied)
        t0=$(date +%s)
        res=$(nice -n 5 "$PY" tools/bench/python/amit_reference.py train "${flags[@]}" 2>>"$OUT/torch.log")
        t1=$(date +%s)
        echo "$res" >>"$OUT/torch-runs.jsonl"
        node -e '
          const s = JSON.parse(process.argv[1]);
          const [engine, net, dataset, untied, method, seed, seconds] = process.argv.slice(2);
          console.log(JSON.stringify({ engine, net, dataset, untied: untied === "1", method, seed: +seed,
            testError: s.testError, seconds: +seconds, epochs: s.epochs.map((e) => e.testError) }));
        ' "$res" torch "$arch" "$dataset" "$untied" "$method" "$seed" $((t1 - t0)) | tee -a "$OUT/results.jsonl"
      fi
    done
  done
done
