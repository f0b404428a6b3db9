//go:build !unix

package testkit

import "net"

// reservePort falls back to a port just released (it may be reused).
func reservePort() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr, func() {}, nil
}
