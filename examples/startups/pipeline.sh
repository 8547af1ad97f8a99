#!/usr/bin/env bash
# The worked pipeline, run locally against a modelreg server: train, register into Staging,
# validate, promote with a gate, and serve. The CI workflow (github-workflow.yml) runs the
# same steps.
#
#   MODELREG_TRACKING_URI=http://127.0.0.1:5000 examples/startups/pipeline.sh
#
# Environment: FEATURES (train on these columns only), RUN_KEY (the idempotency key of the
# registration; the CI run id in CI), SERVE_PORT (serve the promoted model on this port,
# score one request, stop).
# Exit codes: 0 promoted, 1 refused by a gate or the validation, 2 usage or input error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=${MODEL_NAME:-Unicorn}
: "${MODELREG_TRACKING_URI:?set MODELREG_TRACKING_URI to the registry server}"

echo "== train"
trained=$(python "$here/train.py" ${FEATURES:+--features "$FEATURES"})
echo "$trained"
run_id=$(python -c 'import json, sys; print(json.loads(sys.argv[1])["run_id"])' "$trained")

echo "== register into Staging"
modelreg models register --uri "runs:/$run_id/model" --name "$name" \
    --stage Staging --archive-existing --alias candidate \
    --tag "git_sha=${GIT_SHA:-local}" --idempotency-key "${RUN_KEY:-$run_id}"

echo "== validate"
python "$here/validate.py" --name "$name"

echo "== promote to Production"
modelreg versions promote "$name" --from Staging --to Production \
    --require "metrics.r2 >= 0.9" --require "metrics.rmse < 9000" --compare-with Production

if [[ -n "${SERVE_PORT:-}" ]]; then
    echo "== serve"
    modelreg models serve -m "models:/$name/Production" --port "$SERVE_PORT" &
    server=$!
    trap 'kill $server 2>/dev/null || true' EXIT
    for _ in $(seq 1 120); do
        curl -fsS "http://127.0.0.1:$SERVE_PORT/ping" >/dev/null 2>&1 && break
        sleep 0.5
    done
    curl -fsS "http://127.0.0.1:$SERVE_PORT/invocations" -H 'Content-Type: application/json' \
        -d '{"dataframe_split": {"columns": ["R&D Spend", "Administration", "Marketing Spend", "State"], "data": [[165349.20, 136897.80, 471784.10, "New York"]]}}'
    echo
fi
