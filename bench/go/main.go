// Side-by-side harness for Go channels (with select).
//
// Usage: go_peer_bench go_chan <case> <flavor> <threads> <n>
// Prints `OK <seconds>` or `NA <reason>`; exits non-zero when the received sum
// is not the sent sum. Go has no unbounded channel, so those cells are NA.
// The select cases are written for exactly 4 channels because Go's select
// statement is static (reflect.Select would measure reflection instead).
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

func tri(m int) uint64 { return uint64(m) * uint64(m+1) / 2 }

func check(got, want uint64) {
	if got != want {
		fmt.Fprintf(os.Stderr, "FAIL checksum %d != %d\n", got, want)
		os.Exit(2)
	}
}

func na(msg string) {
	fmt.Println("NA " + msg)
	os.Exit(0)
}

func main() {
	if len(os.Args) != 6 || os.Args[1] != "go_chan" {
		fmt.Fprintln(os.Stderr, "usage: go_peer_bench go_chan <case> <flavor> <threads> <n>")
		os.Exit(64)
	}
	c, f := os.Args[2], os.Args[3]
	t, _ := strconv.Atoi(os.Args[4])
	n, _ := strconv.Atoi(os.Args[5])
	capacity := 0
	switch f {
	case "unbounded":
		na("Go has no unbounded channel")
	case "bounded1":
		capacity = 1
	case "boundedN":
		capacity = n
	case "rendezvous":
		capacity = 0
	}
	if c == "seq" && capacity == 0 {
		na("seq needs a buffer")
	}
	if (c == "select_rx" || c == "select_both") && t != 4 {
		na("select cases are written for 4 channels")
	}
	per := n / t
	start := time.Now()
	switch c {
	case "seq":
		ch := make(chan int, capacity)
		var sum uint64
		if capacity == 1 {
			for i := 1; i <= n; i++ {
				ch <- i
				sum += uint64(<-ch)
			}
		} else {
			for i := 1; i <= n; i++ {
				ch <- i
			}
			for i := 0; i < n; i++ {
				sum += uint64(<-ch)
			}
		}
		check(sum, tri(n))
	case "spsc":
		ch := make(chan int, capacity)
		go func() {
			for i := 1; i <= n; i++ {
				ch <- i
			}
		}()
		var sum uint64
		for i := 0; i < n; i++ {
			sum += uint64(<-ch)
		}
		check(sum, tri(n))
	case "mpsc":
		ch := make(chan int, capacity)
		for p := 0; p < t; p++ {
			go func() {
				for i := 1; i <= per; i++ {
					ch <- i
				}
			}()
		}
		var sum uint64
		for i := 0; i < per*t; i++ {
			sum += uint64(<-ch)
		}
		check(sum, tri(per)*uint64(t))
	case "mpmc":
		ch := make(chan int, capacity)
		var wg sync.WaitGroup
		sums := make([]uint64, t)
		for p := 0; p < t; p++ {
			go func() {
				for i := 1; i <= per; i++ {
					ch <- i
				}
			}()
		}
		for r := 0; r < t; r++ {
			wg.Add(1)
			go func(r int) {
				defer wg.Done()
				var s uint64
				for i := 0; i < per; i++ {
					s += uint64(<-ch)
				}
				sums[r] = s
			}(r)
		}
		wg.Wait()
		var sum uint64
		for _, s := range sums {
			sum += s
		}
		check(sum, tri(per)*uint64(t))
	case "select_rx":
		chs := make([]chan int, 4)
		for i := range chs {
			chs[i] = make(chan int, capacity)
			go func(ch chan int) {
				for i := 1; i <= per; i++ {
					ch <- i
				}
			}(chs[i])
		}
		check(selectRecv(chs, per*t), tri(per)*uint64(t))
	case "select_both":
		chs := make([]chan int, 4)
		for i := range chs {
			chs[i] = make(chan int, capacity)
		}
		var wg sync.WaitGroup
		sums := make([]uint64, t)
		for p := 0; p < t; p++ {
			go func() {
				for i := 1; i <= per; i++ {
					select {
					case chs[0] <- i:
					case chs[1] <- i:
					case chs[2] <- i:
					case chs[3] <- i:
					}
				}
			}()
		}
		for r := 0; r < t; r++ {
			wg.Add(1)
			go func(r int) {
				defer wg.Done()
				sums[r] = selectRecv(chs, per)
			}(r)
		}
		wg.Wait()
		var sum uint64
		for _, s := range sums {
			sum += s
		}
		check(sum, tri(per)*uint64(t))
	default:
		na("unknown case")
	}
	fmt.Printf("OK %.9f\n", time.Since(start).Seconds())
}

func selectRecv(chs []chan int, count int) uint64 {
	var sum uint64
	for i := 0; i < count; i++ {
		select {
		case v := <-chs[0]:
			sum += uint64(v)
		case v := <-chs[1]:
			sum += uint64(v)
		case v := <-chs[2]:
			sum += uint64(v)
		case v := <-chs[3]:
			sum += uint64(v)
		}
	}
	return sum
}
