# The exports of issue 25 measured against a running Portico ($server on $port, the bench
# partner's $key): each export as it is and gzip-compressed (Accept-Encoding: gzip), the
# standard CSV and the legacy profile. export_report FILE writes the table; sourced after
# bench-setup.sh.

export_rows_expected() { root_query "SELECT COUNT(*) FROM orders WHERE acct_id BETWEEN 1 AND 60"; }

# export_run NAME URL [curl-args…]: one export into $work/export.out; appends its table row.
# The compressed one is checked whole with gzip -t, and its ratio is against the row before it.
export_run() {
  local name="$1" url="$2"
  shift 2
  echo 5 >"/proc/$server/clear_refs" 2>/dev/null || true
  local base code seconds bytes peak rate ratio="" valid=""
  base="$(rss_kib)"
  read -r code seconds bytes < <(curl -s -o "$work/export.out" -w '%{http_code} %{time_total} %{size_download}\n' \
    -H "Authorization: Bearer $key" "$@" "http://127.0.0.1:$port$url")
  peak="$(awk -v base="$base" '/^VmHWM/ {printf "%.1f", ($2 - base) / 1024}' "/proc/$server/status")"
  rate="$(awk -v r="$export_rows" -v t="$seconds" 'BEGIN {printf "%.0f", r / t}')"
  if [[ " $* " == *"Accept-Encoding: gzip"* ]]; then
    gzip -t "$work/export.out" && valid=", valid gzip" || valid=", NOT valid gzip"
    ratio="$(awk -v a="$last_bytes" -v b="$bytes" 'BEGIN {printf "%.1f : 1", a / b}')"
  fi
  last_bytes="$bytes"
  printf '| %s | %s | %s | %s | %s | %s%s |\n' "$name" "$code" "$bytes" "$seconds" "$rate" "$ratio" "$valid" >>"$work/exports.md"
  export_peaks+=("$name: $peak MiB")
  rm -f "$work/export.out"
}

export_scenarios() {
  : >"$work/exports.md"
  export_peaks=()
  export_rows="$(export_rows_expected)"
  local gzip=(-H "Accept-Encoding: gzip")
  export_run "NDJSON (v1 orders, embeds)" "/api/v1/orders?format=ndjson"
  export_run "NDJSON, gzip" "/api/v1/orders?format=ndjson" "${gzip[@]}"
  export_run "CSV, standard" "/api/v1/orders?format=csv"
  export_run "CSV, standard, gzip" "/api/v1/orders?format=csv" "${gzip[@]}"
  export_run "CSV, legacy profile (sort=id)" "/api/v1/orders?format=csv&profile=legacy&sort=id"
  export_run "CSV, legacy profile, gzip" "/api/v1/orders?format=csv&profile=legacy&sort=id" "${gzip[@]}"
}

export_report() {
  echo "## P10: exports with and without gzip, and the legacy CSV profile"
  echo
  echo "The bench partner's $export_rows orders (60 accounts), each export read whole by curl from loopback."
  echo "Ratio: the identity export's bytes over the compressed one's."
  echo
  echo "| export | status | bytes | seconds | rows/s | ratio |"
  echo "| --- | --- | --- | --- | --- | --- |"
  cat "$work/exports.md"
  echo
  echo "Peak RSS above the level before each export (VmHWM, reset before each):"
  echo
  printf -- '- %s\n' "${export_peaks[@]}"
  echo
}
