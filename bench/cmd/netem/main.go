// Command netem emulates a wide-area network in user space, for kernels
// without tc netem. It opens one TUN device per node (each then moved
// into the node's network namespace by the caller) and routes IPv4
// packets between them by destination address (10.200.N.x is node N),
// applying on the way:
//
//   - an egress rate per node with a drop-tail queue (the client's uplink);
//
//   - per path (node A to node B): a one-way delay and a loss rate drawn
//     from a PRNG seeded per path, so every run sees the same losses for
//     the same packet sequence.
//
//     netem -dev hacc1,hacc2,hacc3 -rate 1=79M -queue 50ms \
//     -path 1-3=75ms/0.0001 -path 1-2=5ms/0.0001 -path 2-3=70ms/0.00001
//
// A path given once applies in both directions. It runs until SIGINT or
// SIGTERM and prints per-path counters on exit.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

func main() {
	var paths, rates multiFlag
	devs := flag.String("dev", "", "comma-separated TUN device names; the i-th (from 1) is node i, subnet 10.200.i.0/24")
	flag.Var(&paths, "path", "`A-B=DELAY/LOSS` one-way delay and loss probability between nodes A and B (both directions)")
	flag.Var(&rates, "rate", "`N=BITS` egress rate of node N in bit/s (k, M, G suffixes); unset is unlimited")
	queue := flag.Duration("queue", 50*time.Millisecond, "drop-tail queue of a rate-limited egress, in time at its rate")
	seed := flag.Int64("seed", 1, "PRNG seed for losses")
	mtu := flag.Int("mtu", 1500, "largest packet read")
	flag.Parse()
	names := strings.Split(*devs, ",")
	if *devs == "" || len(names) > 9 {
		log.Fatal("netem: -dev needs 1 to 9 device names")
	}
	nw := &network{queue: *queue}
	for i, name := range names {
		t, err := openTUN(name)
		if err != nil {
			log.Fatalf("netem: %v", err)
		}
		nw.nodes = append(nw.nodes, &node{id: i + 1, tun: t})
	}
	for _, r := range rates {
		id, bits, err := parseRate(r)
		if err != nil || id < 1 || id > len(nw.nodes) {
			log.Fatalf("netem: bad -rate %q", r)
		}
		nw.nodes[id-1].rate = bits
	}
	for _, p := range paths {
		a, b, d, loss, err := parsePath(p)
		if err != nil || a < 1 || b < 1 || a > len(nw.nodes) || b > len(nw.nodes) || a == b {
			log.Fatalf("netem: bad -path %q", p)
		}
		nw.addPath(a, b, d, loss, *seed)
		nw.addPath(b, a, d, loss, *seed)
	}
	nw.start(*mtu)
	fmt.Println("netem: ready")
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	<-sigs
	nw.report(os.Stdout)
}

func parseRate(s string) (int, float64, error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return 0, 0, fmt.Errorf("no =")
	}
	id, err := strconv.Atoi(k)
	if err != nil {
		return 0, 0, err
	}
	mult := 1.0
	switch {
	case strings.HasSuffix(v, "k"):
		mult, v = 1e3, strings.TrimSuffix(v, "k")
	case strings.HasSuffix(v, "M"):
		mult, v = 1e6, strings.TrimSuffix(v, "M")
	case strings.HasSuffix(v, "G"):
		mult, v = 1e9, strings.TrimSuffix(v, "G")
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 {
		return 0, 0, fmt.Errorf("bad rate %q", v)
	}
	return id, f * mult, nil
}

func parsePath(s string) (a, b int, d time.Duration, loss float64, err error) {
	ends, spec, ok := strings.Cut(s, "=")
	as, bs, ok2 := strings.Cut(ends, "-")
	ds, ls, ok3 := strings.Cut(spec, "/")
	if !ok || !ok2 || !ok3 {
		return 0, 0, 0, 0, fmt.Errorf("want A-B=DELAY/LOSS")
	}
	if a, err = strconv.Atoi(as); err != nil {
		return
	}
	if b, err = strconv.Atoi(bs); err != nil {
		return
	}
	if d, err = time.ParseDuration(ds); err != nil {
		return
	}
	if loss, err = strconv.ParseFloat(ls, 64); err != nil || loss < 0 || loss >= 1 {
		return 0, 0, 0, 0, fmt.Errorf("bad loss %q", ls)
	}
	return a, b, d, loss, nil
}
