package main

import (
	"fmt"
	"io"
	"math/rand"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// network routes packets between nodes.
type network struct {
	nodes []*node
	paths map[[2]int]*path
	queue time.Duration
}

// node is one namespace's TUN device and its egress shaper.
type node struct {
	id   int
	tun  *os.File
	wmu  sync.Mutex // one writer at a time on the device
	rate float64    // bit/s; 0 is unlimited
	// next is when the egress link is free again (shaper state).
	next    time.Time
	dropped atomic.Int64
}

// path is one direction between two nodes: its loss PRNG and a FIFO of
// packets waiting out their delay (departures are in order and the delay
// is constant, so arrival order is departure order).
type path struct {
	from, to         *node
	delay            time.Duration
	loss             float64
	rng              *rand.Rand
	q                chan packet
	sent, lost, byts atomic.Int64
}

type packet struct {
	data []byte
	due  time.Time
}

func (nw *network) addPath(a, b int, d time.Duration, loss float64, seed int64) {
	if nw.paths == nil {
		nw.paths = map[[2]int]*path{}
	}
	nw.paths[[2]int{a, b}] = &path{
		from: nw.nodes[a-1], to: nw.nodes[b-1], delay: d, loss: loss,
		rng: rand.New(rand.NewSource(seed*1000 + int64(a)*10 + int64(b))),
		q:   make(chan packet, 1<<16),
	}
}

// pathTo returns the path for a packet from n to dst, creating a
// zero-delay, lossless one for pairs not configured.
func (nw *network) pathTo(n *node, dst int) *path {
	p := nw.paths[[2]int{n.id, dst}]
	return p
}

func (nw *network) start(mtu int) {
	for a := range nw.nodes {
		for b := range nw.nodes {
			if a != b && nw.paths[[2]int{a + 1, b + 1}] == nil {
				nw.addPath(a+1, b+1, 0, 0, 0)
			}
		}
	}
	for _, p := range nw.paths {
		go p.deliver()
	}
	for _, n := range nw.nodes {
		go nw.read(n, mtu)
	}
}

// read takes packets the node's kernel sends and routes them.
func (nw *network) read(n *node, mtu int) {
	buf := make([]byte, mtu+64)
	for {
		k, err := n.tun.Read(buf)
		if err != nil {
			fmt.Fprintf(os.Stderr, "netem: read %s: %v\n", n.tun.Name(), err)
			return
		}
		pkt := buf[:k]
		if k < 20 || pkt[0]>>4 != 4 {
			continue // IPv4 only
		}
		// 10.200.N.x is node N.
		if pkt[16] != 10 || pkt[17] != 200 {
			continue
		}
		dst := int(pkt[18])
		if dst < 1 || dst > len(nw.nodes) || dst == n.id {
			continue
		}
		p := nw.pathTo(n, dst)
		now := time.Now()
		depart := now
		if n.rate > 0 {
			if n.next.Before(now) {
				n.next = now
			}
			if n.next.Sub(now) > nw.queue {
				n.dropped.Add(1) // the uplink queue is full
				continue
			}
			n.next = n.next.Add(time.Duration(float64(k*8) / n.rate * float64(time.Second)))
			depart = n.next
		}
		if p.loss > 0 && p.rng.Float64() < p.loss {
			p.lost.Add(1)
			continue
		}
		select {
		case p.q <- packet{data: append([]byte(nil), pkt...), due: depart.Add(p.delay)}:
		default:
			p.lost.Add(1) // emulator overload; counted with losses
		}
	}
}

// deliver writes packets to the destination device when they are due.
func (p *path) deliver() {
	for pk := range p.q {
		if d := time.Until(pk.due); d > 0 {
			time.Sleep(d)
		}
		p.to.wmu.Lock()
		_, err := p.to.tun.Write(pk.data)
		p.to.wmu.Unlock()
		if err == nil {
			p.sent.Add(1)
			p.byts.Add(int64(len(pk.data)))
		}
	}
}

func (nw *network) report(w io.Writer) {
	for a := range nw.nodes {
		for b := range nw.nodes {
			p := nw.paths[[2]int{a + 1, b + 1}]
			if p == nil || p.sent.Load()+p.lost.Load() == 0 {
				continue
			}
			fmt.Fprintf(w, "netem: path %d->%d delay %s loss %g: %d packets (%d bytes) delivered, %d lost\n",
				a+1, b+1, p.delay, p.loss, p.sent.Load(), p.byts.Load(), p.lost.Load())
		}
	}
	for _, n := range nw.nodes {
		if n.rate > 0 {
			fmt.Fprintf(w, "netem: node %d egress %.0f bit/s: %d packets dropped at the queue\n", n.id, n.rate, n.dropped.Load())
		}
	}
}
