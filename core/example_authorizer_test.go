package core_test

import (
	"fmt"

	"github.com/cognitoauth/cognito-auth-go/core"
)

// The claims an API Gateway authorizer verified (here an HTTP API's JWT
// authorizer, which renders arrays as "[a b]") become the user, once they
// name a configured pool and client. lambdaauth does this for every event
// when core.WithAPIGatewayAuthorizer(true) is set.
func ExampleVerifier_UserFromAuthorizerClaims() {
	v, err := core.NewVerifier(core.WithEnvironment(func(string) (string, bool) { return "", false }),
		core.WithUserPoolIDs("eu-west-2_AbCdEf123"), core.WithClientIDs("1example23456789abcdefghij"), core.WithALBARNs())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer v.Close()
	claims := core.AuthorizerClaims{
		"iss": "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbCdEf123", "token_use": "access",
		"client_id": "1example23456789abcdefghij", "sub": "5b1c0a1e-0000-4000-8000-000000000001", "username": "ada",
		"cognito:groups": "[admins staff]", "exp": "4102444800",
	}
	u, err := v.UserFromAuthorizerClaims(claims)
	fmt.Println(u.Username, u.Groups, u.UserPoolID, err)

	claims["client_id"] = "2another3456789abcdefghij"
	_, err = v.UserFromAuthorizerClaims(claims)
	fmt.Println(core.CodeOf(err))
	// Output:
	// ada [admins staff] eu-west-2_AbCdEf123 <nil>
	// client_mismatch
}
