// Command devcli writes the CLI configuration that points Terraform or
// OpenTofu at a local build of the provider (see package devcli), for the
// shell scripts of make demo and make docs.
//
//	devcli -cli PATH -plugins DIR -out FILE
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
		log.Fatal("devcli: -cli, -plugins and -out are required")
	}
	if err := devcli.WriteConfig(*out, *cli, *plugins); err != nil {
		log.Fatalf("devcli: %v", err)
	}
}
