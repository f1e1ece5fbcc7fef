#!/usr/bin/env bash
# Publishes the already-built dist/ to the gh-pages branch of a remote, WITHOUT uploading your
# raw sessions: only the built (redacted) site is pushed. The branch is replaced by a single
# fresh commit each time, so a session you later exclude does not linger in its history.
#
#   npm run build && bash scripts/publish-gh-pages.sh [remote] [branch]
#
# Defaults: remote "origin", branch "gh-pages". Refuses a build made with `redact: false`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"
remote="${1:-origin}"
branch="${2:-gh-pages}"

if [ ! -f dist/index.html ]; then
  echo "No dist/index.html: build first with 'npm run build'." >&2
  exit 1
fi
if [ -f .codex-archive/report.json ] && grep -q '"redacted": false' .codex-archive/report.json; then
  echo "The last build ran with redact: false; refusing to publish it. Rebuild with redaction on." >&2
  exit 1
fi
if [ -f scripts/verify.mjs ]; then
  echo "Re-scanning dist/ for secrets (scripts/verify.mjs) …"
  allow=""
  if [ -f .codex-archive/report.json ]; then
    allow="$(node -e 'const r=require("./.codex-archive/report.json");const a=r.emailAllowlist||[];if(a.length)process.stdout.write("--allow-email="+a.join(","))')"
  fi
  npx --no-install node scripts/verify.mjs dist $allow
fi
# A remote name, or a URL / path used as is.
url="$(git -C "$root" remote get-url "$remote" 2>/dev/null || printf %s "$remote")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp -a dist/. "$tmp/"
touch "$tmp/.nojekyll"
git -C "$tmp" init -q
git -C "$tmp" checkout -q -b "$branch"
git -C "$tmp" add -A
git -C "$tmp" -c user.name="${GIT_AUTHOR_NAME:-codex-archive}" -c user.email="${GIT_AUTHOR_EMAIL:-codex-archive@localhost}" \
  commit -q -m "Publish the Codex archive"
git -C "$tmp" push --force "$url" "$branch"
echo "Pushed dist/ to $remote/$branch. In the repository settings, Pages → Source: Deploy from a branch → $branch / (root)."
