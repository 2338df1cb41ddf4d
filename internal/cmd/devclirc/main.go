// Command devclirc writes the CLI configuration file (a .tfrc) that points
// Terraform or OpenTofu at a local build of the provider (see package
// devcli, which holds the configuration), for the shell scripts of make demo
// and make docs.
//
//	devclirc -cli PATH -plugins DIR -out FILE
package main

import (
	"flag"
	"log"

	"github.com/terraform-ims/terraform-provider-ims/internal/devcli"
)

func main() {
	cli := flag.String("cli", "", "the Terraform or OpenTofu binary")
	plugins := flag.String("plugins", "", "the folder holding terraform-provider-ims")
	out := flag.String("out", "", "the CLI configuration file to write")
	flag.Parse()
	if *cli == "" || *plugins == "" || *out == "" {
		log.Fatal("devclirc: -cli, -plugins and -out are required")
	}
	if err := devcli.WriteConfig(*out, *cli, *plugins); err != nil {
		log.Fatalf("devclirc: %v", err)
	}
}
