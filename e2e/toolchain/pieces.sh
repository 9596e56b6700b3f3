# The pieces of scripts/toolchain.sh, one function each; sourced by it, not run on its own.
# Each piece_NAME works out its pinned versions and calls run_piece NAME KEY build_NAME.

# --- Kubernetes control plane and kubectl -------------------------------------------------------

piece_kubernetes() {
  K8S_VERSION=$(required_version kubernetes k8s.io/kubernetes)
  run_piece kubernetes "$(piece_key kubernetes "$K8S_VERSION")" build_kubernetes
}

build_kubernetes() {
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  local ld="-s -w" key val
  for key in gitVersion gitMajor gitMinor gitTreeState; do
    case $key in
      gitVersion) val=$K8S_VERSION ;; gitMajor) val=1 ;; gitMinor) val=$minor ;; gitTreeState) val=clean ;;
    esac
    ld+=" -X k8s.io/component-base/version.$key=$val -X k8s.io/client-go/pkg/version.$key=$val"
  done
  (cd "$MODULES/kubernetes" && gobuild -ldflags "$ld" -o "$BIN/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
}

# --- etcd ---------------------------------------------------------------------------------------

piece_etcd() {
  run_piece etcd "$(piece_key etcd "$(required_version etcd go.etcd.io/etcd/server/v3)")" build_etcd
}

build_etcd() {
  (cd "$MODULES/etcd" && gobuild -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3)
}

# --- kwok (simulated nodes and kubelet) ---------------------------------------------------------

piece_kwok() {
  run_piece kwok "$(piece_key kwok "$KWOK_VERSION")" build_kwok
}

build_kwok() {
  GOFLAGS=-buildvcs=false GOBIN=$BIN nice -n 10 go install -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}" \
    "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  # kwok runs no stage unless given one. scripts/local-cluster.ts runs it with the Stage API
  # (--enable-crds=Stage) and applies, as Stage objects, the release's defaults (the ones kwokctl
  # loads) and its stage that fails a running pod labelled
  # pod-container-running-failed.stage.kwok.x-k8s.io=true, so that tests can add stages of their own
  # to a running cluster. Kept beside the binary: the stages, the Stage CRD, and the CRDs of the
  # kubelet API's debugging handlers (ClusterLogs, ClusterExec, ClusterAttach: what `kubectl logs`,
  # `exec` and `attach` get from a simulated pod).
  local src stage; src=$(module_dir sigs.k8s.io/kwok "$KWOK_VERSION")
  rm -rf "$CACHE/kwok-stages" "$CACHE/kwok-crds" && mkdir -p "$CACHE/kwok-stages" "$CACHE/kwok-crds"
  for stage in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease \
    pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete pod/chaos/pod-container-running-failed; do
    cp "$src/kustomize/stage/$stage.yaml" "$CACHE/kwok-stages/"
  done
  local crd
  for crd in stages clusterlogs clusterexecs clusterattaches; do
    cp "$src/kustomize/crd/bases/kwok.x-k8s.io_$crd.yaml" "$CACHE/kwok-crds/"
  done
  chmod u+w "$CACHE/kwok-stages"/* "$CACHE/kwok-crds"/*
}

# --- Pulumi CLI and the Node.js policy-pack analyzer --------------------------------------------

piece_pulumi() {
  PULUMI_VERSION=v$(locked_npm_version @pulumi/pulumi)
  local pinned; pinned=$(required_version pulumi github.com/pulumi/pulumi/pkg/v3)
  [ "$pinned" = "$PULUMI_VERSION" ] ||
    die "e2e/toolchain/pulumi/go.mod pins pkg/v3 $pinned but package-lock.json has @pulumi/pulumi $PULUMI_VERSION"
  run_piece pulumi "$(piece_key pulumi "$PULUMI_VERSION" "$(cat "$MODULES/pulumi-analyzer-policy-nodejs")")" build_pulumi
}

build_pulumi() {
  (cd "$MODULES/pulumi" && gobuild -o "$BIN/pulumi" \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  # In PULUMI_HOME rather than on PATH, where the CLI would warn that it uses an ambient plugin.
  rm -f "$BIN/pulumi-analyzer-policy-nodejs"
  "$BIN/pulumi" plugin install analyzer policy-nodejs "${PULUMI_VERSION#v}" \
    --file "$MODULES/pulumi-analyzer-policy-nodejs"
}

# --- pulumi-kubernetes provider, installed as a plugin ------------------------------------------

# The provider module has no version tags of its own: the proxy knows the release by the
# pseudo-version of its commit. KUBERNETES_PROVIDER_REFS maps each @pulumi/kubernetes release this
# project has pinned to that commit; CAPSTAN_KUBERNETES_PROVIDER_REF overrides it.
declare -A KUBERNETES_PROVIDER_REFS=(
  [4.25.0]=v4.0.0-20260115033456-f47bc2d6f199 # the commit tagged v4.25.0
)

piece_kubernetes_provider() {
  PROVIDER_VERSION=$(locked_npm_version @pulumi/kubernetes)
  PROVIDER_REF=${CAPSTAN_KUBERNETES_PROVIDER_REF:-${KUBERNETES_PROVIDER_REFS[$PROVIDER_VERSION]:-v$PROVIDER_VERSION}}
  [ -x "$BIN/pulumi" ] || die "kubernetes-provider needs the pulumi piece first"
  run_piece kubernetes-provider "$(piece_key kubernetes-provider "$PROVIDER_VERSION" "$PROVIDER_REF")" \
    build_kubernetes_provider
}

# Downloads MODULE@REF into the module cache and prints its directory.
module_dir() {
  local json
  json=$(cd "$WORK" && GOFLAGS=-mod=mod go mod download -json "$1@$2") || {
    printf '%s\n' "$json" | sed -n 's/.*"Error": "\(.*\)",*$/\1/p' >&2
    return 1
  }
  printf '%s\n' "$json" | sed -n 's/.*"Dir": "\(.*\)",*$/\1/p'
}

build_kubernetes_provider() {
  local module=github.com/pulumi/pulumi-kubernetes/provider/v4 src tree
  src=$(GONOSUMDB=github.com/pulumi module_dir "$module" "$PROVIDER_REF") ||
    die "cannot download $module@$PROVIDER_REF (set CAPSTAN_KUBERNETES_PROVIDER_REF to the v$PROVIDER_VERSION release commit)"
  tree=$WORK/provider && cp -r "$src" "$tree" && chmod -R u+w "$tree"
  (
    cd "$tree"
    # The SDK replace points outside the module; the published sdk/v4 it requires stands in.
    go mod edit -dropreplace=github.com/pulumi/pulumi-kubernetes/sdk/v4
    VERSION=$PROVIDER_VERSION GONOSUMDB=github.com/pulumi nice -n 10 go generate ./cmd/pulumi-resource-kubernetes
    GONOSUMDB=github.com/pulumi gobuild -o "$WORK/pulumi-resource-kubernetes" \
      -ldflags "-s -w -X $module/pkg/version.Version=$PROVIDER_VERSION" ./cmd/pulumi-resource-kubernetes
  )
  # Installed in PULUMI_HOME only: a copy on PATH would be run instead, with a warning on every
  # operation, whatever version the program asks for.
  rm -f "$BIN/pulumi-resource-kubernetes"
  "$BIN/pulumi" plugin install resource kubernetes "$PROVIDER_VERSION" --file "$WORK/pulumi-resource-kubernetes"
}

# --- kube-score, the Kubernetes manifests' checker that `npm run kube-score` runs ---------------

KUBE_SCORE_VERSION=v1.20.0

piece_kube_score() {
  run_piece kube-score "$(piece_key kube-score "$KUBE_SCORE_VERSION")" build_kube_score
}

build_kube_score() {
  GOFLAGS=-buildvcs=false GOBIN=$BIN nice -n 10 go install -trimpath \
    -ldflags "-s -w -X main.version=${KUBE_SCORE_VERSION#v}" \
    "github.com/zegl/kube-score/cmd/kube-score@$KUBE_SCORE_VERSION"
}

# --- versitygw, the S3 gateway (posix backend) that the assets uploader's test runs against -------

VERSITYGW_VERSION=v1.8.0

piece_versitygw() {
  run_piece versitygw "$(piece_key versitygw "$VERSITYGW_VERSION")" build_versitygw
}

build_versitygw() {
  GOFLAGS=-buildvcs=false GOBIN=$BIN nice -n 10 go install -trimpath \
    -ldflags "-s -w -X main.Version=$VERSITYGW_VERSION" \
    "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
}
