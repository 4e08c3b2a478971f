#!/usr/bin/env bash
# Runs the demo: an example app protected by cognito-auth-go behind
# cognito-local, the local stand-in for the AWS load balancer. Real token
# verification, no AWS account.
#
#   ./scripts/demo.sh [nethttp|gin|echo|fiber|chi|echov5|fiberv3] [hosted-ui]    (default: nethttp, ALB mode)
#   LISTEN=127.0.0.1:9000 APP_PORT=8080           (defaults: cognito-local's address, the app's port;
#                                                  a port already taken fails at once, naming who holds it)
#   TOKEN_TTL=20s                                 (short access tokens: see a sign-in expire
#                                                  on the gin and net/http live demo, /ws and /events)
#   ./scripts/demo.sh grpc                        (examples/grpc: the gRPC and Connect server
#                                                  behind cognito-local -hosted-ui, and its
#                                                  machine client, real processes; ports
#                                                  LISTEN, APP_PORT (Connect), GRPC_PORT=50051;
#                                                  see examples/grpc/README.md)
#   ./scripts/demo.sh serverless                  (examples/serverless on Lambda behind
#                                                  the API Gateway stand-in, stage Prod;
#                                                  PAYLOAD=1.0 REST API (default), 2.0 HTTP API;
#                                                  API_PORT=3000 the stand-in's port (default))
#
# Open the printed URL, pick a user, see who you are; /admin needs the
# "admins" group (root@example.com has it, alice@example.com does not).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ports.sh

fw=${1:-nethttp}
mode=${2:-alb}
listen=${LISTEN:-127.0.0.1:9000}

# need_port HOST PORT WHAT SETTING VALUE ARGS...: fail before building
# anything when the port is taken, naming it, its holder and the setting
# that moves it (SETTING=VALUE, then the demo's own ARGS).
need_port() {
  require_free_port demo.sh "$1" "$2" "$3, $4" \
    "nothing was built or started; stop that process, or choose another port: $4=$5 $0$(printf ' %q' "${@:6}")" || exit 1
}
listen_host=${listen%:*}
listen_port=${listen##*:}
if [ "$fw" = grpc ]; then
  # cognito-local -hosted-ui plays the user pool (keys, and the token
  # endpoint with one machine client granted orders/read) and starts the
  # example server, configured only by the COGNITO_AUTH_* environment it
  # passes (plus HOST, PORT and GRPC_PORT); then the example client, with
  # a core/m2m token from that token endpoint, calls the gRPC and the
  # Connect server. Real processes, loopback only. This exits with the
  # client's status.
  app_port=${APP_PORT:-8080}
  grpc_port=${GRPC_PORT:-50051}
  listen_host=${listen%:*}
  listen_port=${listen##*:}
  case "$listen_host" in "" | 0.0.0.0 | "[::]") listen_host=127.0.0.1 ;; esac
  # A port is busy when something answers on it: fail now, naming the
  # setting that moves it.
  busy() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
  check_port() { # host port what setting
    if busy "$1" "$2"; then
      echo "demo: port $2 is in use ($3); stop what listens there or set $4" >&2
      exit 1
    fi
  }
  check_port "$listen_host" "$listen_port" "cognito-local, LISTEN=$listen" "LISTEN=127.0.0.1:<another port>"
  check_port 127.0.0.1 "$app_port" "the Connect server, APP_PORT=$app_port" "APP_PORT=<another port>"
  check_port 127.0.0.1 "$grpc_port" "the gRPC server, GRPC_PORT=$grpc_port" "GRPC_PORT=<another port>"
  if [ "$app_port" = "$grpc_port" ] || [ "$listen_port" = "$app_port" ] || [ "$listen_port" = "$grpc_port" ]; then
    echo "demo: LISTEN ($listen), APP_PORT ($app_port) and GRPC_PORT ($grpc_port) need three different ports" >&2
    exit 1
  fi
  # Nothing from this shell's COGNITO_AUTH_* reaches the server or the client.
  for v in $(compgen -e); do
    if [[ $v == COGNITO_AUTH_* ]]; then unset "$v"; fi
  done

  bin=$(mktemp -d)
  local_pid=
  stop_local() {
    if [ -n "$local_pid" ]; then
      kill -TERM "$local_pid" 2>/dev/null || true
      wait "$local_pid" 2>/dev/null || true
    fi
    rm -rf "$bin"
  }
  trap stop_local EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  echo "Building cognito-local, the grpc example and its client..."
  go build -o "$bin/" ./core/cmd/cognito-local ./examples/grpc ./examples/grpc/client

  client_id=ordersreporter000000000001
  client_secret=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  GRPC_PORT=$grpc_port "$bin/cognito-local" -hosted-ui -listen "$listen" -upstream "http://127.0.0.1:$app_port" \
    -machine-client "$client_id:$client_secret:orders/read" -- "$bin/grpc" >"$bin/log" 2>&1 &
  local_pid=$!
  # The server listens on GRPC_PORT before PORT: PORT answering means both.
  for _ in $(seq 300); do
    if busy 127.0.0.1 "$app_port"; then break; fi
    if ! kill -0 "$local_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if ! busy 127.0.0.1 "$app_port"; then
    echo "demo: the server did not start; cognito-local and the server said:" >&2
    cat "$bin/log" >&2
    exit 1
  fi
  domain="http://$listen_host:$listen_port/.cognito-local/ui"
  echo "cognito-local on http://$listen_host:$listen_port (machine client $client_id, scope orders/read) in front of the server: gRPC on 127.0.0.1:$grpc_port, Connect on http://127.0.0.1:$app_port"
  echo "The client (COGNITO_AUTH_DOMAIN=$domain COGNITO_AUTH_M2M_CLIENT_ID=$client_id) printed:"
  rc=0
  COGNITO_AUTH_DOMAIN=$domain COGNITO_AUTH_M2M_CLIENT_ID=$client_id \
    COGNITO_AUTH_M2M_CLIENT_SECRET=$client_secret COGNITO_AUTH_M2M_SCOPES=orders/read \
    GRPC_ADDR="127.0.0.1:$grpc_port" CONNECT_URL="http://127.0.0.1:$app_port" "$bin/client" || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "demo: the client failed (exit status $rc); cognito-local and the server said:" >&2
    cat "$bin/log" >&2
  fi
  exit "$rc"
fi
if [ "$fw" = serverless ]; then
  # The function is a real Lambda process behind apigateway-local (API
  # Gateway, stage Prod) on port 3000; cognito-local serves the hosted UI.
  # Open http://127.0.0.1:3000/Prod/.
  api_port=${API_PORT:-3000}
  need_port "$listen_host" "$listen_port" "cognito-local's address, the local hosted UI" LISTEN "$listen_host:$(next_free_port "$listen_port")" "$@"
  need_port 127.0.0.1 "$api_port" "the API Gateway stand-in's port" API_PORT "$(next_free_port "$api_port")" "$@"
  bin=$(mktemp -d)
  trap 'rm -rf "$bin"' EXIT
  echo "Building cognito-local, apigateway-local and the serverless example..."
  go build -o "$bin/" ./core/cmd/cognito-local ./lambdaauth/cmd/apigateway-local ./examples/serverless
  "$bin/cognito-local" -hosted-ui -listen "$listen" -upstream "http://127.0.0.1:$api_port/Prod" -- \
    "$bin/apigateway-local" -listen "127.0.0.1:$api_port" -payload "${PAYLOAD:-1.0}" -stage Prod -- "$bin/serverless"
  exit
fi
case "$fw" in
  nethttp|gin|echo|fiber|chi|echov5|fiberv3) ;;
  *) echo "usage: $0 [nethttp|gin|echo|fiber|chi|echov5|fiberv3]" >&2; exit 2 ;;
esac
case "$mode" in
  alb | hosted-ui) ;;
  *) echo "usage: $0 [nethttp|gin|echo|fiber|chi|echov5|fiberv3] [alb|hosted-ui]" >&2; exit 2 ;;
esac
app_port=${APP_PORT:-8080}
need_port "$listen_host" "$listen_port" "cognito-local's address" LISTEN "$listen_host:$(next_free_port "$listen_port")" "$@"
need_port 127.0.0.1 "$app_port" "the example app's port" APP_PORT "$(next_free_port "$app_port")" "$@"

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
echo "Building cognito-local and the $fw example..."
go build -o "$bin/" ./core/cmd/cognito-local "./examples/$fw"

case "$mode" in
  # /health is public, like an ALB listener rule without authentication.
  alb) "$bin/cognito-local" -listen "$listen" -upstream "http://127.0.0.1:$app_port" -public /health ${TOKEN_TTL:+-token-ttl "$TOKEN_TTL"} -- "$bin/$fw" ;;
  # The app runs the OAuth2 login itself against cognito-local's hosted UI:
  # open http://127.0.0.1:$app_port/ (not the cognito-local address).
  hosted-ui) "$bin/cognito-local" -hosted-ui -listen "$listen" -upstream "http://127.0.0.1:$app_port" ${TOKEN_TTL:+-token-ttl "$TOKEN_TTL"} -- "$bin/$fw" ;;
  *) echo "usage: $0 [nethttp|gin|echo|fiber|chi|echov5|fiberv3] [alb|hosted-ui]" >&2; exit 2 ;;
esac
