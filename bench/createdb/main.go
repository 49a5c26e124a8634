// Command createdb creates a new database on a PostgreSQL server (dropping
// one of the same name first) and prints its URL, for bench/cluster.sh.
//
//	createdb ADMIN_URL NAME
package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"

	"github.com/jackc/pgx/v5"
)

func main() {
	if len(os.Args) != 3 || !regexp.MustCompile(`^[a-z_][a-z0-9_]*$`).MatchString(os.Args[2]) {
		fmt.Fprintln(os.Stderr, "usage: createdb ADMIN_URL NAME (NAME: lower-case letters, digits, _)")
		os.Exit(2)
	}
	admin, name := os.Args[1], os.Args[2]
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "createdb: connect:", err)
		os.Exit(1)
	}
	defer conn.Close(ctx)
	for _, q := range []string{`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`, `CREATE DATABASE ` + name} {
		if _, err := conn.Exec(ctx, q); err != nil {
			fmt.Fprintln(os.Stderr, "createdb:", err)
			os.Exit(1)
		}
	}
	u, err := url.Parse(admin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "createdb:", err)
		os.Exit(1)
	}
	u.Path = "/" + name
	fmt.Println(u.String())
}
