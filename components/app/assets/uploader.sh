#!/bin/sh
# The assets Job's uploader: copies one release's precompiled assets to the CDN's bucket, records
# which files the release uses, and removes the files that no kept release uses once they are old
# enough (docs/edge.md, "The uploader"). POSIX sh and the AWS CLI v2 only.
#
# Environment:
#   ASSETS_BUCKET        the bucket
#   ASSETS_PREFIX        the key prefix of this stack's files, without leading or trailing slash; may be empty
#   ASSETS_RELEASE       the image tag being uploaded
#   ASSETS_KEEP          how many releases' files are kept, the one being uploaded included
#   ASSETS_RETAIN_DAYS   a file no kept release uses is removed once it is older than this
#   ASSETS_PROTECT       space-separated tags whose files are never removed (the running and the previous release)
#   ASSETS_SOURCE        the local folder holding one folder per URL prefix (/assets/assets, /assets/packs)
#   ASSETS_URL_PREFIXES  space-separated URL prefixes ("/assets /packs"): the key prefixes under ASSETS_PREFIX
#   ASSETS_NOW           the current time in seconds since the epoch, for the age rule; the clock when unset
#   AWS_ENDPOINT_URL     an S3-compatible endpoint instead of AWS S3 (optional); the region comes from AWS_REGION
#
# Every file is uploaded with Cache-Control "public, max-age=31536000, immutable" and the Content-Type
# of its extension. The release's record (the list of its keys) is written under _releases/ before
# its files, so that a cleanup running meanwhile keeps them. Running it again for the same release
# leaves the bucket as one run does. Exits non-zero with one line on stderr when anything fails.
set -eu

CACHE_CONTROL="public, max-age=31536000, immutable"
RELEASES=_releases/
DAY=86400

say() { printf 'uploader: %s\n' "$*"; }
die() {
    printf 'uploader: %s\n' "$*" >&2
    exit 1
}

# The number of lines of a file, and its lines joined by spaces.
count() { wc -l <"$1" | tr -d ' '; }
words() { tr '\n' ' ' <"$1" | sed 's/ $//'; }

# s3 WHAT ARGS...: runs `aws ARGS` (against AWS_ENDPOINT_URL when set); on failure, dies naming WHAT
# with the CLI's last line of error.
s3() {
    what=$1
    shift
    if [ -n "${AWS_ENDPOINT_URL:-}" ]; then set -- --endpoint-url "$AWS_ENDPOINT_URL" "$@"; fi
    aws "$@" 2>"$WORK/aws-error" || {
        status=$?
        reason=$(grep -v '^[[:space:]]*$' "$WORK/aws-error" | tail -n 1)
        die "$what failed: ${reason:-the aws CLI exited with status $status}"
    }
}

# Whether $1 is a valid image tag (what a release is named by, and its record's key).
is_tag() {
    case $1 in '' | [.-]* | *[!A-Za-z0-9_.-]*) return 1 ;; esac
    [ ${#1} -le 128 ]
}

# Checks the environment; sets BUCKET, P (the key prefix, empty or ending in /), PREFIXES (without slashes).
read_environment() {
    command -v aws >/dev/null 2>&1 || die "the aws CLI is not on PATH"
    BUCKET=${ASSETS_BUCKET:-}
    [ -n "$BUCKET" ] || die "ASSETS_BUCKET is empty; set it to the assets bucket's name"
    is_tag "${ASSETS_RELEASE:-}" || die "ASSETS_RELEASE \"${ASSETS_RELEASE:-}\" is not an image tag"
    for tag in ${ASSETS_PROTECT:-}; do
        is_tag "$tag" || die "ASSETS_PROTECT names \"$tag\", which is not an image tag"
    done
    case ${ASSETS_KEEP:-} in '' | *[!0-9]* | 0) die "ASSETS_KEEP \"${ASSETS_KEEP:-}\" is not a whole number of releases of at least 1" ;; esac
    case ${ASSETS_RETAIN_DAYS:-} in '' | *[!0-9]*) die "ASSETS_RETAIN_DAYS \"${ASSETS_RETAIN_DAYS:-}\" is not a whole number of days" ;; esac
    case ${ASSETS_NOW:-0} in '' | *[!0-9]*) die "ASSETS_NOW \"${ASSETS_NOW:-}\" is not a number of seconds since the epoch" ;; esac
    [ -d "${ASSETS_SOURCE:-}" ] || die "ASSETS_SOURCE \"${ASSETS_SOURCE:-}\" is not a folder"
    P=$(printf '%s' "${ASSETS_PREFIX:-}" | sed 's|^/*||; s|/*$||')
    [ -z "$P" ] || P=$P/
    PREFIXES=
    for url in ${ASSETS_URL_PREFIXES:-}; do
        url=$(printf '%s' "$url" | sed 's|^/*||; s|/*$||')
        [ -n "$url" ] || die "ASSETS_URL_PREFIXES has an empty prefix"
        PREFIXES="$PREFIXES $url"
    done
    [ -n "$PREFIXES" ] || die "ASSETS_URL_PREFIXES is empty; set it to the URL prefixes, such as \"/assets /packs\""
}

# The Content-Type of each extension the uploader sets itself; any other file gets the CLI's guess.
content_types() {
    cat <<'EOF'
css text/css
js text/javascript
mjs text/javascript
map application/json
json application/json
svg image/svg+xml
png image/png
jpg image/jpeg
jpeg image/jpeg
gif image/gif
webp image/webp
avif image/avif
ico image/vnd.microsoft.icon
woff font/woff
woff2 font/woff2
ttf font/ttf
otf font/otf
eot application/vnd.ms-fontobject
txt text/plain
html text/html
wasm application/wasm
gz application/gzip
EOF
}

# Writes $WORK/keys: every key the release uses, sorted; $WORK/keys.URL: the files under one prefix.
list_release() {
    : >"$WORK/keys"
    for url in $PREFIXES; do
        : >"$WORK/keys.$url"
        [ -d "$ASSETS_SOURCE/$url" ] || continue
        (cd "$ASSETS_SOURCE/$url" && find . -type f) | sed "s|^\./||" | sort >"$WORK/keys.$url"
        sed "s|^|$P$url/|" "$WORK/keys.$url" >>"$WORK/keys"
    done
    sort -o "$WORK/keys" "$WORK/keys"
}

# upload_folder URL: uploads the folder of one URL prefix, one pass per Content-Type it holds.
upload_folder() {
    url=$1
    dir=$ASSETS_SOURCE/$url
    [ -s "$WORK/keys.$url" ] || {
        say "no files in $dir: nothing under /$url/"
        return 0
    }
    dest=s3://$BUCKET/$P$url/
    exts=$(sed -n 's|.*/||; s|^[^/]*\.\([^./]*\)$|\1|p' "$WORK/keys.$url" | sort -u)
    set --
    others=$(wc -l <"$WORK/keys.$url")
    while read -r ext type; do
        set -- "$@" --exclude "*.$ext"
        printf '%s\n' "$exts" | grep -qx "$ext" || continue
        s3 "uploading /$url/*.$ext" s3 cp "$dir" "$dest" --recursive --only-show-errors --no-follow-symlinks \
            --exclude "*" --include "*.$ext" --content-type "$type" --cache-control "$CACHE_CONTROL"
        others=$((others - $(grep -c "\.$ext\$" "$WORK/keys.$url")))
    done <<EOF
$(content_types)
EOF
    [ "$others" -eq 0 ] ||
        s3 "uploading the other files of /$url/" s3 cp "$dir" "$dest" --recursive --only-show-errors \
            --no-follow-symlinks "$@" --cache-control "$CACHE_CONTROL"
    say "uploaded $(count "$WORK/keys.$url") files to /$url/"
}

# Uploads the release's record, then its files.
upload() {
    list_release
    say "release $ASSETS_RELEASE: $(count "$WORK/keys") files under$(printf '%s' "$PREFIXES" | sed 's| \([^ ]*\)| /\1/|g')"
    s3 "recording release $ASSETS_RELEASE" s3 cp "$WORK/keys" "s3://$BUCKET/$P$RELEASES$ASSETS_RELEASE" \
        --only-show-errors --content-type text/plain --cache-control no-store
    for url in $PREFIXES; do upload_folder "$url"; done
}

# Writes $WORK/kept: the tags whose files stay: this release, the newest others up to ASSETS_KEEP,
# and the protected ones; $WORK/dropped: the recorded releases that are none of those.
choose_kept() {
    s3 "listing the releases" s3api list-objects-v2 --bucket "$BUCKET" --prefix "$P$RELEASES" \
        --query 'Contents[].[LastModified,Key]' --output text >"$WORK/records"
    grep -v '^None$' "$WORK/records" | sort -r | cut -f2 | sed "s|^$P$RELEASES||" >"$WORK/recorded" || true
    { printf '%s\n' "$ASSETS_RELEASE"; grep -vxF "$ASSETS_RELEASE" "$WORK/recorded" | head -n "$((ASSETS_KEEP - 1))" || true; } >"$WORK/kept"
    for tag in ${ASSETS_PROTECT:-}; do
        grep -qxF "$tag" "$WORK/kept" || printf '%s\n' "$tag" >>"$WORK/kept"
    done
    grep -vxF -f "$WORK/kept" "$WORK/recorded" >"$WORK/dropped" || true
}

# Writes $WORK/used: every key a kept release uses. Fails when a protected release has no record.
read_used() {
    cp "$WORK/keys" "$WORK/used"
    while read -r tag; do
        [ "$tag" != "$ASSETS_RELEASE" ] || continue
        if ! grep -qxF "$tag" "$WORK/recorded"; then
            say "release $tag is protected but has no record of its files: nothing is removed"
            return 1
        fi
        s3 "reading release $tag's record" s3 cp "s3://$BUCKET/$P$RELEASES$tag" "$WORK/record" --only-show-errors
        cat "$WORK/record" >>"$WORK/used"
    done <"$WORK/kept"
}

# delete_keys FILE: deletes the keys listed in FILE, a thousand per request.
delete_keys() {
    split -l 1000 "$1" "$WORK/batch."
    for batch in "$WORK"/batch.*; do
        [ -s "$batch" ] || continue
        sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/{"Key":"&"}/' "$batch" | paste -sd, - |
            sed 's/.*/{"Objects":[&],"Quiet":true}/' >"$WORK/delete.json"
        s3 "removing files" s3api delete-objects --bucket "$BUCKET" --delete "file://$WORK/delete.json" \
            --query 'Errors[].[Key,Code]' --output text >"$WORK/delete-errors"
        if grep -qv '^None$' "$WORK/delete-errors"; then
            die "removing $(head -n 1 "$WORK/delete-errors" | tr '\t' ' ') failed"
        fi
        rm -f "$batch"
    done
}

# Removes every file under the URL prefixes that no kept release uses and that is older than
# ASSETS_RETAIN_DAYS, then the records of the releases no longer kept.
cleanup() {
    choose_kept
    say "keeping the files of releases $(words "$WORK/kept")"
    read_used || return 0
    now=${ASSETS_NOW:-$(date -u +%s)}
    cutoff=$(date -u -d "@$((now - ASSETS_RETAIN_DAYS * DAY))" +%Y-%m-%dT%H:%M:%S)
    : >"$WORK/objects"
    for url in $PREFIXES; do
        s3 "listing /$url/" s3api list-objects-v2 --bucket "$BUCKET" --prefix "$P$url/" \
            --query 'Contents[].[Key,LastModified]' --output text >>"$WORK/objects"
    done
    awk -F '\t' -v cutoff="$cutoff" -v old="$WORK/old" -v young="$WORK/young" '
        FILENAME == ARGV[1] { used[$0] = 1; next }
        $0 == "None" || ($1 in used) { next }
        { if (substr($2, 1, 19) < cutoff) print $1 > old; else print $1 > young }
    ' "$WORK/used" "$WORK/objects"
    touch "$WORK/old" "$WORK/young"
    delete_keys "$WORK/old"
    say "removed $(count "$WORK/old") files no kept release uses; kept $(count "$WORK/young") such files younger than $ASSETS_RETAIN_DAYS days"
    sed "s|^|$P$RELEASES|" "$WORK/dropped" >"$WORK/dropped-keys"
    delete_keys "$WORK/dropped-keys"
    [ ! -s "$WORK/dropped" ] || say "forgot releases $(words "$WORK/dropped")"
}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
read_environment
upload
cleanup
say "done"
