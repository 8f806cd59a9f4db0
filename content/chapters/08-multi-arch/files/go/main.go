// Prints the platform it was compiled for: run it under emulation and it still knows.
package main

import (
	"fmt"
	"runtime"
)

func main() {
	fmt.Printf("Hello from a Go binary built for %s/%s\n", runtime.GOOS, runtime.GOARCH)
}
