// Package awscognito reads what the hosted-UI login needs from Amazon
// Cognito with aws-sdk-go-v2: the app client's secret, fetched once at
// start-up with DescribeUserPoolClient, so the secret need not be copied into
// the app's environment. A separate module: only apps that use it compile
// the AWS SDK.
//
//	secret, err := awscognito.FromEnv(ctx) // COGNITO_AUTH_USER_POOL_ID, COGNITO_AUTH_CLIENT_ID, default AWS config
//	ui, err := hostedui.New(verifier, hostedui.WithClientSecretFunc(secret))
//
// The app's role needs cognito-idp:DescribeUserPoolClient on the pool.
package awscognito

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// DescribeUserPoolClientAPI is the part of the Cognito client used;
// *cognitoidentityprovider.Client implements it.
type DescribeUserPoolClientAPI interface {
	DescribeUserPoolClient(ctx context.Context, in *cip.DescribeUserPoolClientInput, opts ...func(*cip.Options)) (*cip.DescribeUserPoolClientOutput, error)
}

// ClientSecret returns the app client's secret.
func ClientSecret(ctx context.Context, api DescribeUserPoolClientAPI, poolID, clientID string) (string, error) {
	if poolID == "" || clientID == "" {
		return "", errors.New("awscognito: the user pool id and the client id are needed")
	}
	out, err := api.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID)})
	if err != nil {
		return "", fmt.Errorf("awscognito: DescribeUserPoolClient: %w", err)
	}
	if out.UserPoolClient == nil || aws.ToString(out.UserPoolClient.ClientSecret) == "" {
		return "", errors.New("awscognito: the app client has no secret")
	}
	return aws.ToString(out.UserPoolClient.ClientSecret), nil
}

// SecretFunc returns a function for hostedui.WithClientSecretFunc.
func SecretFunc(ctx context.Context, api DescribeUserPoolClientAPI, poolID, clientID string) func() (string, error) {
	return func() (string, error) { return ClientSecret(ctx, api, poolID, clientID) }
}

// FromEnv builds SecretFunc from COGNITO_AUTH_USER_POOL_ID,
// COGNITO_AUTH_CLIENT_ID and the default AWS configuration (region from
// AWS_REGION or the pool id).
func FromEnv(ctx context.Context, optFns ...func(*config.LoadOptions) error) (func() (string, error), error) {
	pool := strings.TrimSpace(os.Getenv(core.EnvUserPoolID))
	client := strings.TrimSpace(os.Getenv(core.EnvClientID))
	if pool == "" || client == "" {
		return nil, fmt.Errorf("awscognito: %s and %s must be set", core.EnvUserPoolID, core.EnvClientID)
	}
	if region, _, ok := strings.Cut(pool, "_"); ok && os.Getenv("AWS_REGION") == "" {
		optFns = append([]func(*config.LoadOptions) error{config.WithRegion(region)}, optFns...)
	}
	cfg, err := config.LoadDefaultConfig(ctx, optFns...)
	if err != nil {
		return nil, fmt.Errorf("awscognito: loading AWS configuration: %w", err)
	}
	return SecretFunc(ctx, cip.NewFromConfig(cfg), pool, client), nil
}
