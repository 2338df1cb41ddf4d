// Command ims-emulator serves the demo IMS and IAM on loopback until it is
// stopped, and writes the HW_* variables that point the provider at it.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/terraform-ims/terraform-provider-ims/internal/emulator"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	envFile := flag.String("env-file", "", "write shell exports of the HW_* variables here once listening")
	flag.Parse()

	emu := emulator.New()
	if err := emu.Listen(*addr); err != nil {
		log.Fatalf("ims-emulator: %v", err)
	}
	emu.LoadDemo()
	emu.Start()
	defer emu.Close()

	env := fmt.Sprintf("export HW_REGION_NAME=%s\nexport HW_ACCESS_KEY=%s\nexport HW_SECRET_KEY=%s\nexport HW_IMS_ENDPOINT=%s\nexport HW_AUTH_URL=%s\n",
		emulator.DemoRegion, emulator.DemoAccessKey, emulator.DemoSecretKey, emu.URL(), emu.IAMURL())
	if *envFile != "" {
		tmp := *envFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(env), 0o600); err != nil {
			log.Fatalf("ims-emulator: %v", err)
		}
		if err := os.Rename(tmp, *envFile); err != nil {
			log.Fatalf("ims-emulator: %v", err)
		}
	}
	log.Printf("ims-emulator: serving the demo IMS and IAM at %s", emu.URL())

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	log.Printf("ims-emulator: stopped after %d requests", emu.Requests())
}
