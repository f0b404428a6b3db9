package testkit

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// HeapSampler records the peak of runtime.MemStats.HeapAlloc, sampled
// every millisecond from StartHeapSampler until Stop: the "MB-heap-peak"
// of the benchmarks.
type HeapSampler struct {
	peak atomic.Uint64
	stop chan struct{}
	wg   sync.WaitGroup
}

// StartHeapSampler starts sampling.
func StartHeapSampler() *HeapSampler {
	h := &HeapSampler{stop: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > h.peak.Load() {
				h.peak.Store(ms.HeapAlloc)
			}
			select {
			case <-h.stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	return h
}

// Stop ends sampling and returns the peak in bytes.
func (h *HeapSampler) Stop() uint64 {
	close(h.stop)
	h.wg.Wait()
	return h.peak.Load()
}

// HeapPeak is the peak heap while fn runs.
func HeapPeak(fn func()) uint64 {
	h := StartHeapSampler()
	fn()
	return h.Stop()
}
