package http

import (
	"net/http"

	"ringfence"
)

// Mount serves h at pattern beside the API's routes, on the same port: the
// web console mounts its pages this way. A pattern more specific than the
// API's catch-all "/" wins over it; the API's own routes stay as they are.
func (s *Server) Mount(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Allow spends one request of k's rate limit, as every API route does: the
// web console calls it for the views that have no API route, so that a key
// has one budget whichever way it comes in.
func (s *Server) Allow(k ringfence.Key) bool { return s.limiter.allow(k) }
