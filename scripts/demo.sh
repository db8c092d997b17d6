#!/usr/bin/env bash
# The main job end to end on the embedded default: build, start `hub serve` over the bundled
# fixture repos on loopback, `hub pull` one into a fresh cache, and show what was fetched and
# verified. Usage: scripts/demo.sh [REPO]   (default: libhub/distilbert_sst2)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
REPO=${1:-libhub/distilbert_sst2}
HUB=build/bin/hub
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT

"$HUB" serve --repos tests/fixtures/repos --port 0 -q >"$WORK/serve.out" &
SERVER=$!
for _ in $(seq 100); do grep -q serving "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(awk '/serving/ {print $2}' "$WORK/serve.out")
echo "== hub serve over tests/fixtures/repos at $URL"
export HF_ENDPOINT=$URL HF_HUB_CACHE=$WORK/cache

echo "== hub info $REPO"
"$HUB" info "$REPO"
echo "== hub pull $REPO (into a fresh cache at $HF_HUB_CACHE)"
SNAPSHOT=$("$HUB" pull "$REPO" | tail -n 1)
echo "== snapshot: $SNAPSHOT"
ls -l "$SNAPSHOT"
echo "== second pull (nothing to download), then offline"
"$HUB" pull "$REPO" --quiet >/dev/null
HF_HUB_OFFLINE=1 "$HUB" pull "$REPO" --quiet
echo "== hub cache ls"
"$HUB" cache ls
echo "== hub cache verify"
"$HUB" cache verify
echo "== hub tokenize (the pulled repo's tokenizer.json, read from the snapshot)"
echo "I love this package delivery!" | "$HUB" tokenize "$SNAPSHOT"
echo "== hub run: sentiment analysis with the pulled model, found by repo id in the cache"
"$HUB" run "$REPO" --task sentiment-analysis --top-k all "I love this package delivery!" "This movie was terrible and boring."
echo "== hub run: text generation (GPT-2 fixture, pulled and streamed)"
"$HUB" run libhub/gpt2_lm --task text-generation --max-new-tokens 12 "The quick brown fox"
