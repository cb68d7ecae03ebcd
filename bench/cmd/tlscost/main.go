// Command tlscost measures, on this machine, what AES-GCM costs per GiB
// on the wire (a TLS 1.3 connection over loopback, against the same bytes
// over plain TCP) and at rest (AES-256-GCM over the 64 KiB packages of
// internal/sse), in CPU milliseconds per GiB.
//
//	go run ./bench/cmd/tlscost [-gib 2]
package main

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/hoard-s3/hoard/internal/sse"
	"github.com/hoard-s3/hoard/internal/tlsconf"
)

func main() {
	gib := flag.Int("gib", 2, "GiB to move per measurement")
	flag.Parse()
	n := int64(*gib) << 30
	plain := transfer(n, nil, nil)
	srvConf, cliConf := tlsConfigs()
	enc := transfer(n, srvConf, cliConf)
	fmt.Printf("wire, %d GiB over loopback (both ends in this process):\n", *gib)
	fmt.Printf("  plain TCP: %6.0f ms CPU/GiB, %5.0f MiB/s\n", plain.cpuPerGiB(n), plain.mibps(n))
	fmt.Printf("  TLS 1.3 %s: %6.0f ms CPU/GiB, %5.0f MiB/s\n", enc.suite, enc.cpuPerGiB(n), enc.mibps(n))
	fmt.Printf("  TLS adds %.0f ms CPU per GiB for both ends (seal + open), about %.0f per end\n",
		enc.cpuPerGiB(n)-plain.cpuPerGiB(n), (enc.cpuPerGiB(n)-plain.cpuPerGiB(n))/2)
	fmt.Println("at rest, AES-256-GCM over 64 KiB packages (one core):")
	for _, open := range []bool{false, true} {
		d := aeadCost(n, open)
		what := "seal (PUT)"
		if open {
			what = "open (GET)"
		}
		fmt.Printf("  %s: %6.0f ms CPU/GiB, %5.0f MiB/s\n", what, d.cpuPerGiB(n), d.mibps(n))
	}
}

type result struct {
	cpu, wall time.Duration
	suite     string
}

func (r result) cpuPerGiB(n int64) float64 {
	return float64(r.cpu.Milliseconds()) / (float64(n) / (1 << 30))
}
func (r result) mibps(n int64) float64 { return float64(n) / (1 << 20) / r.wall.Seconds() }

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// transfer sends n bytes from a client to a server over loopback, in
// 1 MiB writes (TLS cuts them into 16 KiB records).
func transfer(n int64, srv, cli *tls.Config) result {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	if srv != nil {
		ln = tls.NewListener(ln, srv)
	}
	got := make(chan int64, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		m, _ := io.Copy(io.Discard, c)
		got <- m
	}()
	var c net.Conn
	if cli != nil {
		c, err = tls.Dial("tcp", ln.Addr().String(), cli)
	} else {
		c, err = net.Dial("tcp", ln.Addr().String())
	}
	if err != nil {
		log.Fatal(err)
	}
	suite := ""
	if tc, ok := c.(*tls.Conn); ok {
		suite = tls.CipherSuiteName(tc.ConnectionState().CipherSuite)
	}
	buf := make([]byte, 1<<20)
	cpu0, t0 := cpuTime(), time.Now()
	for sent := int64(0); sent < n; sent += int64(len(buf)) {
		if _, err := c.Write(buf); err != nil {
			log.Fatal(err)
		}
	}
	c.Close()
	if m := <-got; m < n {
		log.Fatalf("received %d of %d bytes", m, n)
	}
	return result{cpu: cpuTime() - cpu0, wall: time.Since(t0), suite: suite}
}

func tlsConfigs() (*tls.Config, *tls.Config) {
	certPEM, keyPEM, err := tlsconf.SelfSigned([]string{"127.0.0.1"}, time.Hour, time.Now())
	if err != nil {
		log.Fatal(err)
	}
	dir, _ := os.MkdirTemp("", "tlscost")
	defer os.RemoveAll(dir)
	os.WriteFile(dir+"/c.crt", certPEM, 0o600)
	os.WriteFile(dir+"/c.key", keyPEM, 0o600)
	store, err := tlsconf.Open(tlsconf.Source{CertFile: dir + "/c.crt", KeyFile: dir + "/c.key"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	return tlsconf.Server(store), &tls.Config{RootCAs: pool, MinVersion: tlsconf.MinVersion}
}

// aeadCost seals (or opens) n bytes in sse.PackageSize packages.
func aeadCost(n int64, open bool) result {
	key := make([]byte, 32)
	rand.Read(key)
	b, _ := aes.NewCipher(key)
	g, _ := cipher.NewGCM(b)
	nonce := make([]byte, g.NonceSize())
	pkg := make([]byte, sse.PackageSize)
	sealed := g.Seal(nil, nonce, pkg, nil)
	out := make([]byte, 0, sse.PackageSize)
	cpu0, t0 := cpuTime(), time.Now()
	for done := int64(0); done < n; done += int64(len(pkg)) {
		if open {
			if _, err := g.Open(out[:0], nonce, sealed, nil); err != nil {
				log.Fatal(err)
			}
		} else {
			g.Seal(out[:0], nonce, pkg, nil)
		}
	}
	return result{cpu: cpuTime() - cpu0, wall: time.Since(t0)}
}
