// Command httppeer is the yardstick for bench/http-check.sh: a bare
// net/http server that answers GET /v1/numbers/{number} with a fixed verdict
// of the size of ringfence's typical one (an unknown number), doing no authentication, lookup or
// screening. ringfence's rate as a share of this one is the cost of its work
// above the HTTP stack itself.
package main

import (
	"log"
	"net/http"
	"os"
)

const body = `{"number":"13812345678","e164":"+8613812345678","action":"allow","category":"","score":0,"reasons":["no crowd reports"],"number_info":{"input":"13812345678","e164":"+8613812345678","type":"mobile","carrier":"中国移动","virtual_operator":false,"province":"江苏省","city":"连云港市"}}` + "\n"

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
