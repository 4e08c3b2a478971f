package main

import (
	"context"
	"sort"
	"sync"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cognitoauth/cognito-auth-go/core"
	ordersv1 "github.com/cognitoauth/cognito-auth-go/examples/grpc/gen/orders/v1"
)

// store is the orders both servers serve.
type store struct {
	mu     sync.Mutex
	orders map[string]*ordersv1.Order
}

func newStore() *store {
	return &store{orders: map[string]*ordersv1.Order{
		"1001": {Id: "1001", Item: "widget", Status: "pending"},
		"1002": {Id: "1002", Item: "gadget", Status: "shipped"},
	}}
}

// viewer names the principal the interceptor verified.
func viewer(ctx context.Context) string {
	u, _ := core.UserFromContext(ctx) // never nil behind the interceptor
	if u.Machine {
		return "machine:" + u.ClientID
	}
	return "user:" + u.Username
}

func (s *store) get(ctx context.Context, id string) (*ordersv1.Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	if !ok {
		return nil, false
	}
	return &ordersv1.Order{Id: o.GetId(), Item: o.GetItem(), Status: o.GetStatus(), ViewedBy: viewer(ctx)}, true
}

func (s *store) remove(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.orders[id]
	delete(s.orders, id)
	return ok
}

// watch sends an event per order every interval until ctx ends (the caller
// left, or its token expired: the interceptor cancels ctx then) or max
// events were sent.
func (s *store) watch(ctx context.Context, maxEvents int32, interval time.Duration, send func(*ordersv1.OrderEvent) error) error {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for n := int32(0); ; {
		s.mu.Lock()
		ids := make([]string, 0, len(s.orders))
		for id := range s.orders {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		events := make([]*ordersv1.OrderEvent, 0, len(ids))
		for _, id := range ids {
			events = append(events, &ordersv1.OrderEvent{OrderId: id, Status: s.orders[id].GetStatus(), ViewedBy: viewer(ctx)})
		}
		s.mu.Unlock()
		for _, e := range events {
			if err := send(e); err != nil {
				return err
			}
			if n++; maxEvents > 0 && n >= maxEvents {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// grpcOrders is the service for grpc-go.
type grpcOrders struct {
	ordersv1.UnimplementedOrderServiceServer
	s *store
}

func (g grpcOrders) GetOrder(ctx context.Context, req *ordersv1.GetOrderRequest) (*ordersv1.Order, error) {
	o, ok := g.s.get(ctx, req.GetId())
	if !ok {
		return nil, status.Error(codes.NotFound, "no such order")
	}
	return o, nil
}

func (g grpcOrders) WatchOrders(req *ordersv1.WatchOrdersRequest, stream grpc.ServerStreamingServer[ordersv1.OrderEvent]) error {
	return g.s.watch(stream.Context(), req.GetMaxEvents(), watchInterval, stream.Send)
}

func (g grpcOrders) DeleteOrder(ctx context.Context, req *ordersv1.DeleteOrderRequest) (*ordersv1.DeleteOrderResponse, error) {
	if !g.s.remove(req.GetId()) {
		return nil, status.Error(codes.NotFound, "no such order")
	}
	return &ordersv1.DeleteOrderResponse{DeletedBy: viewer(ctx)}, nil
}

// connectOrders is the same service for Connect.
type connectOrders struct{ s *store }

func (c connectOrders) GetOrder(ctx context.Context, req *connect.Request[ordersv1.GetOrderRequest]) (*connect.Response[ordersv1.Order], error) {
	o, ok := c.s.get(ctx, req.Msg.GetId())
	if !ok {
		return nil, connect.NewError(connect.CodeNotFound, errNoSuchOrder)
	}
	return connect.NewResponse(o), nil
}

func (c connectOrders) WatchOrders(ctx context.Context, req *connect.Request[ordersv1.WatchOrdersRequest], stream *connect.ServerStream[ordersv1.OrderEvent]) error {
	return c.s.watch(ctx, req.Msg.GetMaxEvents(), watchInterval, stream.Send)
}

func (c connectOrders) DeleteOrder(ctx context.Context, req *connect.Request[ordersv1.DeleteOrderRequest]) (*connect.Response[ordersv1.DeleteOrderResponse], error) {
	if !c.s.remove(req.Msg.GetId()) {
		return nil, connect.NewError(connect.CodeNotFound, errNoSuchOrder)
	}
	return connect.NewResponse(&ordersv1.DeleteOrderResponse{DeletedBy: viewer(ctx)}), nil
}
