#!/usr/bin/env bash
# Reproduces web/static/graphiql/: the GraphiQL explorer's builds from the npm registry at
# pinned versions, with their licenses, so the page loads nothing from another host.
# Usage: scripts/vendor_graphiql.sh   (needs npm; rewrites the vendored files and SHA256SUMS)
set -euo pipefail
GRAPHIQL=3.8.3
REACT=18.2.0
here=$(cd "$(dirname "$0")/.." && pwd)
target="$here/web/static/graphiql"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null
for package in "graphiql-$GRAPHIQL" "react-$REACT" "react-dom-$REACT"; do
  name=${package%-*}
  mkdir "$name" && tar xzf "$package.tgz" -C "$name"
done
mkdir -p "$target"
cp graphiql/package/graphiql.min.js graphiql/package/graphiql.min.css "$target/"
cp graphiql/package/LICENSE "$target/LICENSE.graphiql"
cp react/package/umd/react.production.min.js "$target/"
cp react/package/LICENSE "$target/LICENSE.react"
cp react-dom/package/umd/react-dom.production.min.js "$target/"
cp react-dom/package/LICENSE "$target/LICENSE.react-dom"
# The builds end with a sourceMappingURL to files we do not ship: drop it, so browsers
# do not ask for them.
sed -i '/^\/\/# sourceMappingURL=/d; s#/\*\# sourceMappingURL=[^*]*\*/##' \
  "$target/graphiql.min.js" "$target/graphiql.min.css"
printf 'graphiql %s\nreact %s\nreact-dom %s\n' "$GRAPHIQL" "$REACT" "$REACT" >"$target/VERSIONS"
cd "$target"
sha256sum graphiql.min.js graphiql.min.css react.production.min.js \
  react-dom.production.min.js >SHA256SUMS
echo "vendored into $target" >&2
