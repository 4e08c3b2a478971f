#!/usr/bin/env bash
# Runs the demo: an example app protected by cognito-auth-go behind
# cognito-local, the local stand-in for the AWS load balancer. Real token
# verification, no AWS account.
#
#   ./scripts/demo.sh [nethttp|gin|echo|fiber|chi|echov5|fiberv3] [hosted-ui]    (default: nethttp, ALB mode)
#   LISTEN=127.0.0.1:9000 APP_PORT=8080           (defaults)
#   ./scripts/demo.sh grpc                        (examples/grpc: the gRPC and Connect server
#                                                  and its machine client, real processes;
#                                                  see examples/grpc/README.md)
#   ./scripts/demo.sh serverless                  (examples/serverless on Lambda behind
#                                                  the API Gateway stand-in, stage Prod;
#                                                  PAYLOAD=1.0 REST API (default), 2.0 HTTP API)
#
# Open the printed URL, pick a user, see who you are; /admin needs the
# "admins" group (root@example.com has it, alice@example.com does not).
set -euo pipefail
cd "$(dirname "$0")/.."

fw=${1:-nethttp}
mode=${2:-alb}
listen=${LISTEN:-127.0.0.1:9000}
if [ "$fw" = grpc ]; then
  # The server and the client are real processes; the user pool's keys and
  # its token endpoint (the client-credentials grant) are played in-process
  # by core/cognitotest, as cognito-local has no client-credentials grant
  # yet. When it has, this runs cognito-local -hosted-ui in front of
  # examples/grpc and the client against its /oauth2/token instead.
  exec go test -count=1 -run '^TestGRPCExample$' -v ./examples
fi
if [ "$fw" = serverless ]; then
  # The function is a real Lambda process behind apigateway-local (API
  # Gateway, stage Prod) on port 3000; cognito-local serves the hosted UI.
  # Open http://127.0.0.1:3000/Prod/.
  bin=$(mktemp -d)
  trap 'rm -rf "$bin"' EXIT
  echo "Building cognito-local, apigateway-local and the serverless example..."
  go build -o "$bin/" ./core/cmd/cognito-local ./lambdaauth/cmd/apigateway-local ./examples/serverless
  "$bin/cognito-local" -hosted-ui -listen "$listen" -upstream "http://127.0.0.1:3000/Prod" -- \
    "$bin/apigateway-local" -listen 127.0.0.1:3000 -payload "${PAYLOAD:-1.0}" -stage Prod -- "$bin/serverless"
  exit
fi
case "$fw" in
  nethttp|gin|echo|fiber|chi|echov5|fiberv3) ;;
  *) echo "usage: $0 [nethttp|gin|echo|fiber|chi|echov5|fiberv3]" >&2; exit 2 ;;
esac
app_port=${APP_PORT:-8080}

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
echo "Building cognito-local and the $fw example..."
go build -o "$bin/" ./core/cmd/cognito-local "./examples/$fw"

case "$mode" in
  # /health is public, like an ALB listener rule without authentication.
  alb) "$bin/cognito-local" -listen "$listen" -upstream "http://127.0.0.1:$app_port" -public /health -- "$bin/$fw" ;;
  # The app runs the OAuth2 login itself against cognito-local's hosted UI:
  # open http://127.0.0.1:$app_port/ (not the cognito-local address).
  hosted-ui) "$bin/cognito-local" -hosted-ui -listen "$listen" -upstream "http://127.0.0.1:$app_port" -- "$bin/$fw" ;;
  *) echo "usage: $0 [nethttp|gin|echo|fiber|chi|echov5|fiberv3] [alb|hosted-ui]" >&2; exit 2 ;;
esac
