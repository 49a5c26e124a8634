package http

import "net/http"

// Mount serves h at pattern beside the API's routes, on the same port: the
// web console mounts its pages this way. A pattern more specific than the
// API's catch-all "/" wins over it; the API's own routes stay as they are.
func (s *Server) Mount(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }
