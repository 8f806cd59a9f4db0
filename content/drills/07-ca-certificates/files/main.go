// {{app}} talks to an HTTPS service; before it starts, it checks that the image
// trusts the root certificate that service's chain ends in.
package main

import (
	"crypto/x509"
	_ "embed"
	"encoding/pem"
	"fmt"
	"os"
)

//go:embed root.pem
var rootPEM []byte

func main() {
	block, _ := pem.Decode(rootPEM)
	root, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		fmt.Println("bad root.pem:", err)
		os.Exit(2)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if _, err := root.Verify(x509.VerifyOptions{Roots: pool}); err != nil {
		fmt.Println("TLS to the service would fail:", err)
		os.Exit(1)
	}
	fmt.Println("trusted:", root.Subject.CommonName)
}
