package secretspolicy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// GetSecretValueAPI is the part of the Secrets Manager client a Source uses;
// *secretsmanager.Client implements it.
type GetSecretValueAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// Source reads a policy document from one secret. It implements
// core.PolicySource.
type Source struct {
	client   GetSecretValueAPI
	secretID string
	stage    string
}

// Option configures a Source.
type Option func(*Source)

// WithVersionStage reads a version stage other than AWSCURRENT.
func WithVersionStage(stage string) Option { return func(s *Source) { s.stage = stage } }

// New returns a Source reading secretID (a name or ARN) with client.
func New(client GetSecretValueAPI, secretID string, opts ...Option) (*Source, error) {
	if client == nil {
		return nil, errors.New("secretspolicy: nil Secrets Manager client")
	}
	if strings.TrimSpace(secretID) == "" {
		return nil, errors.New("secretspolicy: empty secret name")
	}
	s := &Source{client: client, secretID: secretID}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// FromEnv builds a Source for COGNITO_AUTH_SECRET_NAME with the default AWS
// configuration (region from AWS_REGION or COGNITO_AUTH_REGION, credentials
// from the usual chain: environment, shared config, ECS/EC2 roles).
func FromEnv(ctx context.Context, optFns ...func(*config.LoadOptions) error) (*Source, error) {
	name := strings.TrimSpace(os.Getenv(core.EnvSecretName))
	if name == "" {
		return nil, fmt.Errorf("secretspolicy: %s is not set", core.EnvSecretName)
	}
	if r := strings.TrimSpace(os.Getenv(core.EnvRegion)); r != "" && os.Getenv("AWS_REGION") == "" {
		optFns = append([]func(*config.LoadOptions) error{config.WithRegion(r)}, optFns...)
	}
	cfg, err := config.LoadDefaultConfig(ctx, optFns...)
	if err != nil {
		return nil, fmt.Errorf("secretspolicy: loading AWS configuration: %w", err)
	}
	return New(secretsmanager.NewFromConfig(cfg), name)
}

// Name describes the source for logs.
func (s *Source) Name() string { return "Secrets Manager secret " + s.secretID }

// Fetch returns the secret's SecretString.
func (s *Source) Fetch(ctx context.Context) ([]byte, error) {
	in := &secretsmanager.GetSecretValueInput{SecretId: aws.String(s.secretID)}
	if s.stage != "" {
		in.VersionStage = aws.String(s.stage)
	}
	out, err := s.client.GetSecretValue(ctx, in)
	if err != nil {
		return nil, err
	}
	if out.SecretString == nil {
		return nil, errors.New("secret has no SecretString (binary secrets are not supported)")
	}
	return []byte(*out.SecretString), nil
}

var _ core.PolicySource = (*Source)(nil)
