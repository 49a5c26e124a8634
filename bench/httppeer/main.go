// Command httppeer is the yardstick for bench/http-check.sh: a bare
// net/http server that answers GET /v1/numbers/{number} with a fixed verdict
// of the same size as ringfence's, doing no authentication, lookup or
// screening. ringfence's rate as a share of this one is the cost of its work
// above the HTTP stack itself.
package main

import (
	"log"
	"net/http"
	"os"
)

const body = `{"number":"17100001234","e164":"+8617100001234","action":"block","category":"loan","score":0.9,"reasons":["crowd reports: loan 118 · customer_service 1 (贷款理财, weight 47.7)","virtual-operator range 171 (a third of harassment complaints come from such ranges)"],"number_info":{"input":"17100001234","e164":"+8617100001234","type":"mobile","carrier":"中国联通","virtual_operator":true,"province":"","city":""}}` + "\n"

func main() {
	addr := "127.0.0.1:18082"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/numbers/{number}", func(w http.ResponseWriter, r *http.Request) {
		_ = r.PathValue("number")
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write([]byte(body))
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	log.Fatal(http.ListenAndServe(addr, mux))
}
